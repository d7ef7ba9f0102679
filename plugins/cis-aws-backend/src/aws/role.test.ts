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
import { RolePolicyMemory } from './rolePolicyMemory';

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
  let clientsCountingInto: (into: CallCounter) => Promise<AccountClients>;

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
    clientsCountingInto = into =>
      AwsClientFactory.fromConfig(config, readCisAwsOptions(config))
        .withCounter(into)
        .forAccount(ACCOUNT);
    clients = await clientsCountingInto(counter);
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

  it('asks GetRole, the simulation and the documents at once, and a missing role is NOT_FOUND whatever the others answered', async () => {
    const role = await readRole(clients, {
      ...TARGET,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/Missing`,
    });
    expect(role).toEqual({
      state: 'NOT_FOUND',
      arn: `arn:aws:iam::${ACCOUNT}:role/Missing`,
      accountId: ACCOUNT,
      region: '',
    });
    // The role assumption that gave the credentials is counted with the calls.
    expect(counter.toJSON()).toMatchObject({
      'iam:GetRole': 1,
      'iam:SimulatePrincipalPolicy': 1,
      'sts:AssumeRole': 1,
    });
  });

  describe('documents read by an earlier evaluation', () => {
    const READ_AT = new Date('2026-12-01T10:00:00.000Z');
    const HOUR = 3_600_000;
    const at = (ms: number) => () => new Date(READ_AT.getTime() + ms);
    let memory: RolePolicyMemory;
    const reuse = () => ({ memory, maxAgeMs: 24 * HOUR });
    const documentCalls = () =>
      Object.keys(counter.toJSON()).filter(op =>
        /Policies|GetRolePolicy|GetPolicy/.test(op),
      );

    /** The precondition of each test: the first evaluation read the documents at READ_AT. */
    async function expectFirstReadRemembered() {
      const first = decided(
        await readRole(clients, TARGET, { now: at(0), reuse: reuse() }),
      );
      expect(first.policiesReadAt).toBe(READ_AT.toISOString());
    }

    beforeEach(async () => {
      memory = RolePolicyMemory.create();
      // The first evaluation reads everything and is remembered.
      await expectFirstReadRemembered();
      counter = new CallCounter();
      clients = await clientsCountingInto(counter);
    });

    it('are shown again while the simulation answers as it did, saying when they were read', async () => {
      const role = found(
        await readRole(clients, TARGET, { now: at(HOUR), reuse: reuse() }),
      );
      const permission = decided(role);
      expect(permission).toMatchObject({
        decision: 'ALLOWED',
        decidedBy: 'SIMULATION',
        policiesReadAt: READ_AT.toISOString(),
      });
      expect(permission.policies.map(p => p.name)).toEqual([
        'DeliveryCreateStreams',
        'DeliveryPutEvents',
      ]);
      // The trust policy and the decision are read on every evaluation.
      expect(role.trust.allowsCloudTrail).toBe('ALLOWED');
      // (…and the role assumption that gave the new clients their credentials.)
      expect(counter.toJSON()).toEqual({
        'iam:GetRole': 1,
        'iam:SimulatePrincipalPolicy': 1,
        'sts:AssumeRole': 1,
      });
    });

    it('are read again once older than the maximum age', async () => {
      const permission = decided(
        await readRole(clients, TARGET, {
          now: at(24 * HOUR),
          reuse: reuse(),
        }),
      );
      expect(permission.policiesReadAt).toBe(
        new Date(READ_AT.getTime() + 24 * HOUR).toISOString(),
      );
      expect(documentCalls()).toContain('iam:ListRolePolicies');
    });

    it('are read again when the simulation answers differently', async () => {
      const target = { roleArn: ROLE_ARN, logGroupArn: LOG_GROUP_ARN };
      const remembered = await memory.recall(target);
      memory.remember(target, { ...remembered!, decision: 'DENIED' });
      const permission = decided(
        await readRole(clients, TARGET, { now: at(HOUR), reuse: reuse() }),
      );
      expect(permission.policiesReadAt).toBe(
        new Date(READ_AT.getTime() + HOUR).toISOString(),
      );
      expect(documentCalls()).toContain('iam:ListAttachedRolePolicies');
      // …and the new read is the one remembered.
      expect((await memory.recall(target))?.decision).toBe('ALLOWED');
    });

    it('are read again when the simulation matched a policy they do not hold', async () => {
      const target = { roleArn: ROLE_ARN, logGroupArn: LOG_GROUP_ARN };
      const remembered = await memory.recall(target);
      memory.remember(target, {
        ...remembered!,
        policies: remembered!.policies.filter(p => p.kind === 'INLINE'),
      });
      const permission = decided(
        await readRole(clients, TARGET, { now: at(HOUR), reuse: reuse() }),
      );
      expect(permission.policies).toHaveLength(2);
      expect(documentCalls()).toContain('iam:GetPolicyVersion');
    });

    it('never decide: where simulation is refused, the documents are read for the static analysis', async () => {
      denyIam('SimulatePrincipalPolicy');
      const permission = decided(
        await readRole(clients, TARGET, { now: at(HOUR), reuse: reuse() }),
      );
      expect(permission.decidedBy).toBe('STATIC_ANALYSIS');
      expect(permission.policiesReadAt).toBe(
        new Date(READ_AT.getTime() + HOUR).toISOString(),
      );
      expect(documentCalls()).toContain('iam:GetRolePolicy');
    });

    it('come from the fallback (the stored evaluation) when the memory does not know them', async () => {
      const remembered = await memory.recall({
        roleArn: ROLE_ARN,
        logGroupArn: LOG_GROUP_ARN,
      });
      const asked: string[] = [];
      memory = RolePolicyMemory.create({
        fallback: async target => {
          asked.push(target.roleArn);
          return remembered;
        },
      });
      const permission = decided(
        await readRole(clients, TARGET, { now: at(HOUR), reuse: reuse() }),
      );
      expect(asked).toEqual([ROLE_ARN]);
      expect(permission.policiesReadAt).toBe(READ_AT.toISOString());
      expect(documentCalls()).toEqual([]);
    });

    it('are read every time with a maximum age of zero', async () => {
      const permission = decided(
        await readRole(clients, TARGET, {
          now: at(HOUR),
          reuse: { memory, maxAgeMs: 0 },
        }),
      );
      expect(permission.policiesReadAt).toBe(
        new Date(READ_AT.getTime() + HOUR).toISOString(),
      );
      expect(documentCalls()).toContain('iam:ListRolePolicies');
    });
  });
});
