/*
 * readRole against the simulated IAM, through the real AWS SDK: the role's trust policy and its
 * permission policy documents are evidence whatever decides the permission, and a failed read of
 * the documents never changes a decision the simulation made.
 */
import { ConfigReader } from '@backstage/config';
import { RoleFacts } from '@cis-aws/plugin-cis-aws-common';
import { RunningSimulator, startSimulator } from '@internal/aws-simulator';
import { readCisAwsOptions } from '../config';
import { AccountClients, AwsClientFactory, CallCounter } from './clients';
import { readRole, RoleCheckTarget } from './role';

// Over HTTP to a real server: a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers, never on clocks.
jest.setTimeout(60_000);

const MAIN = '310000000000';
const ACCOUNT = '310000000001';
const ROLE = 'Delivery';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE}`;
const LOG_GROUP_ARN = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:cloudtrail:*`;
const STREAMS = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:cloudtrail:log-stream:*`;
const MANAGED_ARN = `arn:aws:iam::${ACCOUNT}:policy/DeliveryPutEvents`;

/** CreateLogStream comes from the inline policy, PutLogEvents from the managed one. */
const WORLD = {
  partition: 'aws',
  regions: ['us-east-1'],
  callerAccount: MAIN,
  readerRoleName: 'CisAwsReader',
  accounts: [
    { id: MAIN, name: 'main', organizationMember: false },
    {
      id: ACCOUNT,
      name: 'member',
      managedPolicies: [
        {
          name: 'DeliveryPutEvents',
          document: {
            Statement: [
              {
                Effect: 'Allow',
                Action: 'logs:PutLogEvents',
                Resource: STREAMS,
              },
            ],
          },
        },
      ],
      roles: [
        {
          name: ROLE,
          trustedServices: ['cloudtrail.amazonaws.com'],
          inlinePolicies: {
            DeliveryCreateStreams: {
              Statement: [
                {
                  Effect: 'Allow',
                  Action: 'logs:CreateLogStream',
                  Resource: STREAMS,
                },
              ],
            },
          },
          attachedPolicies: ['DeliveryPutEvents'],
        },
      ],
    },
  ],
};

const TARGET: RoleCheckTarget = {
  roleArn: ROLE_ARN,
  logGroupArn: LOG_GROUP_ARN,
  ownerAccountId: ACCOUNT,
  homeRegion: 'us-east-1',
  isOrganizationTrail: false,
};

type FoundRole = Extract<RoleFacts, { state: 'FOUND' }>;

function found(role: RoleFacts): FoundRole {
  if (role.state !== 'FOUND') {
    throw new Error(`expected a found role, got ${JSON.stringify(role)}`);
  }
  return role;
}

function decided(role: RoleFacts) {
  const { permission } = found(role);
  if (permission.state !== 'DECIDED') {
    throw new Error(`expected a decision, got ${JSON.stringify(permission)}`);
  }
  return permission;
}

describe('readRole against the simulated IAM', () => {
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
    const config = new ConfigReader({
      aws: {
        mainAccount: {
          accessKeyId: 'AKIATESTMAINACCOUNT1',
          secretAccessKey: 'test-only',
        },
        accountDefaults: { roleName: 'CisAwsReader' },
      },
      cisAws: {
        aws: { endpoint: sim.url, regions: ['us-east-1'], maxAttempts: 1 },
      },
    });
    counter = new CallCounter();
    clients = await AwsClientFactory.fromConfig(
      config,
      readCisAwsOptions(config),
    )
      .withCounter(counter)
      .forAccount(ACCOUNT);
  });

  const denyIam = (operation: string) =>
    sim.admin.addFault({
      kind: 'accessDenied',
      account: ACCOUNT,
      service: 'iam',
      operation,
    });

  it('keeps the trust policy and every permission document beside the simulation’s decision', async () => {
    const role = found(await readRole(clients, TARGET));
    expect(JSON.parse(role.trust.document).Statement[0].Principal).toEqual({
      Service: 'cloudtrail.amazonaws.com',
    });
    const permission = decided(role);
    expect(permission).toMatchObject({
      decision: 'ALLOWED',
      decidedBy: 'SIMULATION',
    });
    expect(permission.documentsError).toBeUndefined();
    expect(
      permission.policies.map(({ kind, name, arn }) => ({ kind, name, arn })),
    ).toEqual([
      { kind: 'INLINE', name: 'DeliveryCreateStreams', arn: undefined },
      { kind: 'MANAGED', name: 'DeliveryPutEvents', arn: MANAGED_ARN },
    ]);
    // Decoded from IAM's URL encoding: plain JSON, exactly the documents in IAM.
    expect(JSON.parse(permission.policies[0].document).Statement).toEqual(
      WORLD.accounts[1].roles![0].inlinePolicies.DeliveryCreateStreams
        .Statement,
    );
    expect(JSON.parse(permission.policies[1].document).Statement).toEqual(
      WORLD.accounts[1].managedPolicies![0].document.Statement,
    );
    expect(counter.toJSON()).toEqual({
      'iam:GetPolicy': 1,
      'iam:GetPolicyVersion': 1,
      'iam:GetRole': 1,
      'iam:GetRolePolicy': 1,
      'iam:ListAttachedRolePolicies': 1,
      'iam:ListRolePolicies': 1,
      'iam:SimulatePrincipalPolicy': 1,
      'sts:AssumeRole': 1,
    });
  });

  it('keeps a denied document read beside the simulation’s decision without changing it', async () => {
    denyIam('ListRolePolicies');
    const permission = decided(await readRole(clients, TARGET));
    expect(permission).toMatchObject({
      decision: 'ALLOWED',
      decidedBy: 'SIMULATION',
      documentsError: {
        operation: 'iam:ListRolePolicies',
        code: 'AccessDenied',
      },
    });
    // The managed policy was read on its own branch: kept.
    expect(permission.policies.map(p => p.name)).toEqual(['DeliveryPutEvents']);
  });

  it('names the call that failed deep in the managed policies', async () => {
    denyIam('GetPolicyVersion');
    const permission = decided(await readRole(clients, TARGET));
    expect(permission.decidedBy).toBe('SIMULATION');
    expect(permission.documentsError).toMatchObject({
      operation: 'iam:GetPolicyVersion',
      code: 'AccessDenied',
    });
    expect(permission.policies.map(p => p.name)).toEqual([
      'DeliveryCreateStreams',
    ]);
  });

  it('decides from the documents when simulation is denied, with no documents error', async () => {
    denyIam('SimulatePrincipalPolicy');
    const permission = decided(await readRole(clients, TARGET));
    expect(permission).toMatchObject({
      decision: 'ALLOWED',
      decidedBy: 'STATIC_ANALYSIS',
    });
    expect(permission.details).toContain(
      'simulation unavailable: AccessDenied',
    );
    expect(permission.documentsError).toBeUndefined();
    expect(permission.policies).toHaveLength(2);
  });

  it('fails the permission when neither simulation nor the documents can be read', async () => {
    denyIam('SimulatePrincipalPolicy');
    denyIam('GetRolePolicy');
    const { permission } = found(await readRole(clients, TARGET));
    expect(permission).toEqual({
      state: 'FAILED',
      errors: [
        expect.objectContaining({
          operation: 'iam:SimulatePrincipalPolicy',
          code: 'AccessDenied',
        }),
        expect.objectContaining({
          operation: 'iam:GetRolePolicy',
          code: 'AccessDenied',
        }),
      ],
    });
  });

  it('keeps the documents of a trail without a log group, where nothing can be decided', async () => {
    const permission = decided(
      await readRole(clients, { ...TARGET, logGroupArn: null }),
    );
    expect(permission.decision).toBe('UNDETERMINED');
    expect(permission.policies.map(p => p.name)).toEqual([
      'DeliveryCreateStreams',
      'DeliveryPutEvents',
    ]);
    expect(counter.toJSON()['iam:SimulatePrincipalPolicy']).toBeUndefined();
  });

  it('reads no documents for a role that does not exist', async () => {
    const role = await readRole(clients, {
      ...TARGET,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/Missing`,
    });
    expect(role.state).toBe('NOT_FOUND');
    // The role assumption that gave the credentials is counted with the calls.
    expect(counter.toJSON()).toEqual({ 'iam:GetRole': 1, 'sts:AssumeRole': 1 });
  });
});
