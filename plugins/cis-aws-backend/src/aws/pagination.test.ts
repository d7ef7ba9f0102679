/*
 * Every list the collector reads is read to its last page, through the SDK's paginators, with
 * one call per page — and a failed page is data, not an exception.
 */
import { RunningSimulator, startSimulator } from '@internal/aws-simulator';
import { AccountClients, CallCounter } from './clients';
import { simulatedAwsClients } from './__testUtils__/simulatedAws';
import { collectTrailInventory } from './inventory';
import { readRole } from './role';
import { readCloudTrail5Findings } from './securityHubFindings';

// Over HTTP to a real server: a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers, never on clocks.
jest.setTimeout(60_000);

const MAIN = '320000000000';
const ACCOUNT = '320000000001';
const ROLE = 'Delivery';
const STREAMS = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:cloudtrail:log-stream:*`;

/** Past one page of each list: ListTrails pages by 50, IAM by 100, GetFindings by 100. */
const TRAILS = 55;
const INLINE_POLICIES = 101;
const MANAGED_POLICIES = 102;
const FINDINGS = 150;

const statement = (action: string) => ({
  Statement: [{ Effect: 'Allow', Action: action, Resource: STREAMS }],
});

const WORLD = {
  partition: 'aws',
  regions: ['us-east-1'],
  callerAccount: MAIN,
  readerRoleName: 'CisAwsReader',
  securityHub: {
    administratorAccount: ACCOUNT,
    aggregationRegion: 'us-east-1',
  },
  accounts: [
    { id: MAIN, name: 'main', organizationMember: false },
    {
      id: ACCOUNT,
      name: 'many',
      managedPolicies: Array.from({ length: MANAGED_POLICIES }, (_, i) => ({
        name: `Managed${i}`,
        document: statement('logs:PutLogEvents'),
      })),
      roles: [
        {
          name: ROLE,
          trustedServices: ['cloudtrail.amazonaws.com'],
          inlinePolicies: Object.fromEntries(
            Array.from({ length: INLINE_POLICIES }, (_, i) => [
              `Inline${i}`,
              statement('logs:CreateLogStream'),
            ]),
          ),
          attachedPolicies: Array.from(
            { length: MANAGED_POLICIES },
            (_, i) => `Managed${i}`,
          ),
        },
      ],
      trails: Array.from({ length: TRAILS }, (_, i) => ({
        name: `trail-${String(i).padStart(2, '0')}`,
      })),
    },
  ],
  securityHubFindings: Array.from({ length: FINDINGS }, (_, i) => ({
    account: ACCOUNT,
    trail: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/gone-${i}`,
    status: 'PASSED',
  })),
};

describe('the collector’s paginated reads', () => {
  let sim: RunningSimulator;
  let counter: CallCounter;
  let clients: AccountClients;

  beforeAll(async () => {
    sim = await startSimulator({ world: WORLD, port: 0 });
    sim.admin.setRateLimits({ enabled: false });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    sim.admin.clearFaults();
    counter = new CallCounter();
    clients = await simulatedAwsClients(sim.url)
      .withCounter(counter)
      .forAccount(ACCOUNT);
  });

  it('lists every trail with one ListTrails per page and describes them 20 at a time', async () => {
    const inventory = await collectTrailInventory(clients, {
      mode: 'account',
      defaultRegion: 'us-east-1',
      regions: ['us-east-1'],
    });
    expect(inventory.trails).toHaveLength(TRAILS);
    expect(inventory.regionsFailed).toEqual([]);
    // The role assumption that gave the credentials is counted with the calls.
    expect(counter.toJSON()).toEqual({
      'cloudtrail:DescribeTrails': 3,
      'cloudtrail:ListTrails': 2,
      'sts:AssumeRole': 1,
    });
  });

  it('reads every inline and attached policy of the role, one list call per page', async () => {
    const role = await readRole(clients, {
      roleArn: `arn:aws:iam::${ACCOUNT}:role/${ROLE}`,
      logGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:cloudtrail:*`,
      ownerAccountId: ACCOUNT,
      homeRegion: 'us-east-1',
      isOrganizationTrail: false,
    });
    if (role.state !== 'FOUND' || role.permission.state !== 'DECIDED') {
      throw new Error(`expected a decided role, got ${JSON.stringify(role)}`);
    }
    const kinds = role.permission.policies.map(p => p.kind);
    expect(kinds.filter(k => k === 'INLINE')).toHaveLength(INLINE_POLICIES);
    expect(kinds.filter(k => k === 'MANAGED')).toHaveLength(MANAGED_POLICIES);
    const calls = counter.toJSON();
    expect(calls['iam:ListRolePolicies']).toBe(2);
    expect(calls['iam:ListAttachedRolePolicies']).toBe(2);
    expect(calls['iam:GetRolePolicy']).toBe(INLINE_POLICIES);
  });

  it('reads every CloudTrail.5 finding, 100 per page', async () => {
    const read = await readCloudTrail5Findings(clients, {
      region: 'us-east-1',
      partition: 'aws',
    });
    expect(read.errors).toEqual([]);
    expect(read.findings).toHaveLength(FINDINGS);
    expect(read.pages).toBe(2);
    expect(counter.toJSON()).toEqual({
      'securityhub:GetFindings': 2,
      'sts:AssumeRole': 1,
    });
  });

  it('keeps a refused list as data: the operation that failed, never a thrown error', async () => {
    sim.admin.addFault({
      kind: 'accessDenied',
      account: ACCOUNT,
      service: 'securityhub',
      operation: 'GetFindings',
    });
    sim.admin.addFault({
      kind: 'accessDenied',
      account: ACCOUNT,
      service: 'cloudtrail',
      operation: 'ListTrails',
    });
    const findings = await readCloudTrail5Findings(clients, {
      region: 'us-east-1',
      partition: 'aws',
    });
    expect(findings.findings).toEqual([]);
    expect(findings.errors).toEqual([
      expect.objectContaining({
        operation: 'securityhub:GetFindings',
        code: 'AccessDeniedException',
      }),
    ]);
    const inventory = await collectTrailInventory(clients, {
      mode: 'account',
      defaultRegion: 'us-east-1',
      regions: ['us-east-1'],
    });
    expect(inventory.regionsFailed).toEqual([
      {
        region: 'us-east-1',
        errors: [
          expect.objectContaining({
            operation: 'cloudtrail:ListTrails',
            code: 'AccessDeniedException',
          }),
        ],
      },
    ]);
  });
});
