/*
 * createAccountCredentials against the simulated STS, through the real AWS
 * SDK: roles are assumed through the configured endpoint with the `aws.*`
 * settings of @backstage/integration-aws-node.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { ConfigReader } from '@backstage/config';
import { RunningSimulator, startSimulator } from '@internal/aws-simulator';
import { createAccountCredentials } from './accountCredentials';

// Over HTTP to a real server: a ceiling for loaded CI machines, not a timing target.
jest.setTimeout(60_000);

const MAIN = '320000000000';
const MEMBER = '320000000001';

const WORLD = {
  regions: ['us-east-1'],
  callerAccount: MAIN,
  readerRoleName: 'CisAwsReader',
  accounts: [
    { id: MAIN, name: 'main', organizationMember: false },
    { id: MEMBER, name: 'member', organizationMember: false },
  ],
};

const MAIN_ACCOUNT = {
  accessKeyId: 'AKIATESTMAINACCOUNT1',
  secretAccessKey: 'test-placeholder-not-a-secret',
};

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ world: WORLD, port: 0 });
  sim.admin.setRateLimits({ enabled: false });
});

afterAll(async () => {
  await sim?.close();
});

async function callerOf(credentials: AwsCredentialIdentityProvider) {
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: sim.url,
    credentials,
  });
  return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
}

describe('createAccountCredentials with an endpoint', () => {
  it("assumes aws.accountDefaults' role in the account through the endpoint, once per account", async () => {
    const source = createAccountCredentials({
      config: new ConfigReader({
        aws: {
          mainAccount: MAIN_ACCOUNT,
          accountDefaults: { roleName: 'CisAwsReader', externalId: 'x' },
        },
      }),
      endpoint: sim.url,
      roleSessionName: 'cis-aws-test',
    });
    const provider = await source.forAccount(MEMBER);
    expect(await source.forAccount(MEMBER)).toBe(provider);
    const identity = await provider();
    expect(identity.accessKeyId).toMatch(new RegExp(`^ASIA${MEMBER}`));
    expect(identity.expiration).toBeInstanceOf(Date);
    expect((await provider()).accessKeyId).toBe(identity.accessKeyId);
    expect(await callerOf(provider)).toContain(
      `${MEMBER}:assumed-role/CisAwsReader/cis-aws-test`,
    );
  });

  it('rejects when the role cannot be assumed, and tries again on the next call', async () => {
    const source = createAccountCredentials({
      config: new ConfigReader({
        aws: {
          mainAccount: MAIN_ACCOUNT,
          accountDefaults: { roleName: 'NotTheReader' },
        },
      }),
      endpoint: sim.url,
      roleSessionName: 'cis-aws-test',
    });
    const provider = await source.forAccount(MEMBER);
    await expect(provider()).rejects.toThrow();
    await expect(provider()).rejects.toThrow();
  });

  it('tells onStsCall of every AssumeRole attempt with the identity properties of the call that needed it', async () => {
    const told: unknown[] = [];
    const options = {
      endpoint: sim.url,
      roleSessionName: 'cis-aws-test',
      onStsCall: (call: unknown) => told.push(call),
    };
    const source = createAccountCredentials({
      ...options,
      config: new ConfigReader({
        aws: {
          mainAccount: MAIN_ACCOUNT,
          accountDefaults: { roleName: 'CisAwsReader' },
        },
      }),
    });
    const provider = await source.forAccount(MEMBER);
    await Promise.all([provider({ caller: 'a' }), provider({ caller: 'b' })]);
    await provider({ caller: 'c' });
    // One AssumeRole, shared: told with the properties of the call that made it.
    expect(told).toEqual([
      { operation: 'AssumeRole', identityProperties: { caller: 'a' } },
    ]);

    told.length = 0;
    const refused = await createAccountCredentials({
      ...options,
      config: new ConfigReader({
        aws: {
          mainAccount: MAIN_ACCOUNT,
          accountDefaults: { roleName: 'NotTheReader' },
        },
      }),
    }).forAccount(MEMBER);
    await expect(refused({ caller: 'd' })).rejects.toThrow();
    expect(told).toEqual([
      {
        operation: 'AssumeRole',
        errorCode: expect.any(String),
        identityProperties: { caller: 'd' },
      },
    ]);
  });

  it("uses the main account's credentials for an unconfigured account when told to", async () => {
    const source = createAccountCredentials({
      config: new ConfigReader({ aws: { mainAccount: MAIN_ACCOUNT } }),
      endpoint: sim.url,
      roleSessionName: 'cis-aws-test',
      unconfiguredAccount: 'main-account',
    });
    const provider = await source.forAccount(MAIN);
    expect((await provider()).accessKeyId).toBe(MAIN_ACCOUNT.accessKeyId);
    expect(await callerOf(provider)).toBe(
      `arn:aws:iam::${MAIN}:user/aws-simulator`,
    );
  });

  it("uses an account's own aws.accounts[] keys when it has no role", async () => {
    const source = createAccountCredentials({
      config: new ConfigReader({
        aws: {
          mainAccount: MAIN_ACCOUNT,
          accounts: [
            {
              accountId: MEMBER,
              accessKeyId: 'AKIATESTMEMBERKEYS01',
              secretAccessKey: 'test-placeholder-not-a-secret',
            },
          ],
        },
      }),
      endpoint: sim.url,
      roleSessionName: 'cis-aws-test',
      unconfiguredAccount: 'main-account',
    });
    const provider = await source.forAccount(MEMBER);
    expect((await provider()).accessKeyId).toBe('AKIATESTMEMBERKEYS01');
  });
});
