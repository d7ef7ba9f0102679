/*
 * AwsClientFactory's call counting against the simulator, through the real AWS SDK: every
 * attempt is counted into the counter of the run (or request) that made it, and so is the
 * AssumeRole of an account's shared credentials, into the counter of the call that needed them.
 */
import { ConfigReader } from '@backstage/config';
import { ListTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { RunningSimulator, startSimulator } from '@internal/aws-simulator';
import { readCisAwsOptions } from '../config';
import { AwsClientFactory, CallCounter } from './clients';

// Over HTTP to a real server: a ceiling for loaded CI machines, not a timing target.
jest.setTimeout(60_000);

const MAIN = '330000000000';
const ACCOUNT = '330000000001';

const WORLD = {
  regions: ['us-east-1'],
  callerAccount: MAIN,
  readerRoleName: 'CisAwsReader',
  accounts: [
    { id: MAIN, name: 'main', organizationMember: false },
    { id: ACCOUNT, name: 'member', organizationMember: false },
  ],
};

describe('AwsClientFactory call counting', () => {
  let sim: RunningSimulator;
  let factory: AwsClientFactory;

  beforeAll(async () => {
    sim = await startSimulator({ world: WORLD, port: 0 });
    sim.admin.setRateLimits({ enabled: false });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.admin.clearFaults();
    sim.admin.resetCalls();
    const config = new ConfigReader({
      aws: {
        mainAccount: {
          accessKeyId: 'AKIATESTMAINACCOUNT3',
          secretAccessKey: 'test-only',
        },
        accountDefaults: { roleName: 'CisAwsReader' },
      },
      cisAws: {
        aws: { endpoint: sim.url, regions: ['us-east-1'], maxAttempts: 1 },
      },
    });
    factory = AwsClientFactory.fromConfig(config, readCisAwsOptions(config));
  });

  it("counts an account's shared role assumption into the run whose call needed it", async () => {
    const first = new CallCounter();
    const second = new CallCounter();
    const firstClients = await factory.withCounter(first).forAccount(ACCOUNT);
    const secondClients = await factory.withCounter(second).forAccount(ACCOUNT);

    // The second run calls first: the account's role is assumed for its call.
    await secondClients.cloudTrail('us-east-1').send(new ListTrailsCommand({}));
    await firstClients.cloudTrail('us-east-1').send(new ListTrailsCommand({}));
    await firstClients.resolveCredentials();

    expect(second.toJSON()).toEqual({
      'cloudtrail:ListTrails': 1,
      'sts:AssumeRole': 1,
    });
    // The credentials are the account's, shared: no second AssumeRole.
    expect(first.toJSON()).toEqual({ 'cloudtrail:ListTrails': 1 });
    expect(sim.admin.calls().byOperation['sts:AssumeRole']).toBe(1);
  });

  it('counts a refused role assumption, and its error, into the run that asked', async () => {
    sim.admin.addFault({
      kind: 'accessDenied',
      service: 'sts',
      operation: 'AssumeRole',
    });
    const counter = new CallCounter();
    const clients = await factory.withCounter(counter).forAccount(ACCOUNT);
    await expect(clients.resolveCredentials()).rejects.toThrow();
    expect(counter.toJSON()).toEqual({ 'sts:AssumeRole': 1 });
    expect(Object.keys(counter.errorsJSON())).toEqual([
      expect.stringMatching(/^sts:/),
    ]);
  });
});
