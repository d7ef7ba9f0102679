import {
  GetTrailStatusCommand,
  ListTrailsCommand,
} from '@aws-sdk/client-cloudtrail';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { RunningSimulator } from '../index';
import {
  adminFetch,
  clients,
  clientsAs,
  errorOf,
  startDemo,
} from '../__testUtils__/harness';
import { FaultRegistry } from './faults';

const PAYMENTS_PROD = '403344556677';
const MGMT = '401122334455';

// Over HTTP to a real server: a ceiling for loaded CI machines, not a timing target.
jest.setTimeout(60_000);

describe('fault injection', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startDemo();
  });
  afterAll(() => sim.close());
  afterEach(() => sim.admin.clearFaults());

  const status = async (account = PAYMENTS_PROD) => {
    const { cloudtrail } = await clientsAs(sim, account);
    return () =>
      cloudtrail.send(
        new GetTrailStatusCommand({ Name: 'payments-prod-trail' }),
      );
  };

  it('latency: delays matching calls by the given milliseconds', async () => {
    const call = await status();
    const fault = sim.admin.addFault({
      kind: 'latency',
      latencyMs: 400,
      service: 'cloudtrail',
      operation: 'GetTrailStatus',
    });
    const t0 = Date.now();
    await call();
    // A delay only adds time: this lower bound holds however loaded the machine is.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
    const { cloudtrail } = await clientsAs(sim, PAYMENTS_PROD);
    await cloudtrail.send(new ListTrailsCommand({}));
    // The other call was not delayed: the fault applied once. (Timing it would measure the
    // machine's load, not the simulator.)
    const [listed] = (await adminFetch(sim, 'GET', '/faults')).body;
    expect(listed).toMatchObject({ id: fault.id, applied: 1 });
  });

  it("throttle: answers each service's real throttling error", async () => {
    const call = await status();
    sim.admin.addFault({ kind: 'throttle' });
    const ct = await errorOf(call);
    expect(ct.name).toBe('ThrottlingException');
    expect(ct.$metadata?.httpStatusCode).toBe(400);
    const { iam, securityhub, organizations } = clients(sim);
    const q = await errorOf(() =>
      iam.send(
        new GetRoleCommand({ RoleName: 'CloudTrail_CloudWatchLogs_Role' }),
      ),
    );
    expect(q.name).toBe('Throttling');
    const sh = await errorOf(() =>
      securityhub.send(new GetFindingsCommand({})),
    );
    expect(sh.name).toBe('TooManyRequestsException');
    expect(sh.$metadata?.httpStatusCode).toBe(429);
    const org = await errorOf(() =>
      organizations.send(new ListAccountsCommand({})),
    );
    expect(org.name).toBe('TooManyRequestsException');
  });

  it('accessDenied: AccessDeniedException (JSON) and AccessDenied (query), 403', async () => {
    const call = await status();
    sim.admin.addFault({ kind: 'accessDenied', account: PAYMENTS_PROD });
    const json = await errorOf(call);
    expect(json.name).toBe('AccessDeniedException');
    expect(json.$metadata?.httpStatusCode).toBe(403);
    expect(json.message).toContain('cloudtrail:GetTrailStatus');
    const { sts } = await clientsAs(sim, PAYMENTS_PROD);
    const query = await errorOf(() =>
      sts.send(new GetCallerIdentityCommand({})),
    );
    expect(query.name).toBe('AccessDenied');
    expect(query.$metadata?.httpStatusCode).toBe(403);
  });

  it('serverError: 500 InternalFailure by default, 503 ServiceUnavailable on request', async () => {
    const call = await status();
    sim.admin.addFault({ kind: 'serverError', count: 1 });
    const e500 = await errorOf(call);
    expect(e500.name).toBe('InternalFailure');
    expect(e500.$metadata?.httpStatusCode).toBe(500);
    sim.admin.addFault({ kind: 'serverError', status: 503, count: 1 });
    const e503 = await errorOf(call);
    expect(e503.name).toBe('ServiceUnavailable');
    expect(e503.$metadata?.httpStatusCode).toBe(503);
  });

  it('serverError is retried by the SDK like a real transient failure', async () => {
    const { cloudtrail } = clients(sim, {
      credentials: undefined,
      maxAttempts: 3,
    });
    sim.admin.addFault({
      kind: 'serverError',
      count: 1,
      operation: 'ListTrails',
    });
    const out = await cloudtrail.send(new ListTrailsCommand({}));
    expect(out.$metadata.attempts).toBe(2);
  });

  it('connectionReset: destroys the socket, the SDK sees a network error', async () => {
    const call = await status();
    sim.admin.addFault({ kind: 'connectionReset', count: 1 });
    const error = await errorOf(call);
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(
      `${error.name} ${error.message} ${(error as { code?: string }).code}`,
    ).toMatch(/ECONNRESET|socket hang up/);
    await expect(call()).resolves.toMatchObject({ IsLogging: true });
  });

  it('scpDenied: access denied naming a service control policy, in one region only', async () => {
    const call = await status();
    sim.admin.addFault({
      kind: 'scpDenied',
      region: 'us-east-1',
      account: PAYMENTS_PROD,
    });
    const error = await errorOf(call);
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toMatch(
      /not authorized to perform: cloudtrail:GetTrailStatus with an explicit deny in a service control policy$/,
    );
    const { cloudtrail } = await clientsAs(sim, PAYMENTS_PROD, 'eu-west-1');
    await expect(
      cloudtrail.send(new ListTrailsCommand({})),
    ).resolves.toBeDefined();
  });

  it('regionDisabled: answers as a region not enabled for the account', async () => {
    const call = await status();
    sim.admin.addFault({
      kind: 'regionDisabled',
      region: 'us-east-1',
      account: PAYMENTS_PROD,
    });
    const error = await errorOf(call);
    expect(error.name).toBe('UnrecognizedClientException');
    expect(error.message).toBe(
      'The security token included in the request is invalid.',
    );
  });

  it('applies only to matching account, service, operation and region', async () => {
    sim.admin.addFault({
      kind: 'throttle',
      account: MGMT,
      service: 'cloudtrail',
      operation: 'GetTrailStatus',
      region: 'us-east-1',
    });
    await expect((await status())()).resolves.toMatchObject({
      IsLogging: true,
    });
    const mgmt = await clientsAs(sim, MGMT);
    await expect(
      mgmt.cloudtrail.send(new ListTrailsCommand({})),
    ).resolves.toBeDefined();
    const west = await clientsAs(sim, MGMT, 'us-west-2');
    await expect(
      west.cloudtrail.send(
        new GetTrailStatusCommand({ Name: 'acme-org-trail' }),
      ),
    ).resolves.toBeDefined();
    expect(
      (
        await errorOf(() =>
          mgmt.cloudtrail.send(
            new GetTrailStatusCommand({ Name: 'acme-org-trail' }),
          ),
        )
      ).name,
    ).toBe('ThrottlingException');
  });

  it('count: fires N times and then disappears', async () => {
    const call = await status();
    const fault = sim.admin.addFault({
      kind: 'throttle',
      count: 2,
      account: PAYMENTS_PROD,
    });
    expect((await errorOf(call)).name).toBe('ThrottlingException');
    expect((await errorOf(call)).name).toBe('ThrottlingException');
    await expect(call()).resolves.toMatchObject({ IsLogging: true });
    expect(sim.admin.faults().map(f => f.id)).not.toContain(fault.id);
  });

  it('probability: fires on that share of matching calls', () => {
    const rolls = [0.1, 0.9, 0.4, 0.6];
    const registry = new FaultRegistry(() => rolls.shift()!);
    registry.add({ kind: 'throttle', probability: 0.5 });
    const target = {
      account: '1',
      service: 'cloudtrail' as const,
      operation: 'X',
      region: 'r',
    };
    const fired = [
      registry.fire(target),
      registry.fire(target),
      registry.fire(target),
      registry.fire(target),
    ].map(f => f.length);
    expect(fired).toEqual([1, 0, 1, 0]);
    expect(registry.list()[0].applied).toBe(2);
  });

  it('is managed over HTTP: POST returns an id, GET lists, DELETE removes; bad faults are 400 with a path', async () => {
    const created = await adminFetch(sim, 'POST', '/faults', {
      kind: 'latency',
      ms: 10,
      service: 'iam',
    });
    expect(created.status).toBe(201);
    expect(created.body.id).toEqual(expect.any(String));
    expect(created.body.latencyMs).toBe(10);
    expect(
      (await adminFetch(sim, 'GET', '/faults')).body.map(
        (f: { id: string }) => f.id,
      ),
    ).toEqual([created.body.id]);
    expect(
      (await adminFetch(sim, 'GET', `/faults/${created.body.id}`)).body.kind,
    ).toBe('latency');
    expect(
      (await adminFetch(sim, 'DELETE', `/faults/${created.body.id}`)).status,
    ).toBe(204);
    expect(
      (await adminFetch(sim, 'GET', `/faults/${created.body.id}`)).status,
    ).toBe(404);
    await adminFetch(sim, 'POST', '/faults', { kind: 'throttle' });
    expect((await adminFetch(sim, 'DELETE', '/faults')).status).toBe(204);
    expect((await adminFetch(sim, 'GET', '/faults')).body).toEqual([]);
    const bad = await adminFetch(sim, 'POST', '/faults', { kind: 'meteor' });
    expect(bad.status).toBe(400);
    expect(bad.body.path).toBe('body.kind');
    const badService = await adminFetch(sim, 'POST', '/faults', {
      kind: 'throttle',
      service: 's3',
    });
    expect(badService.body.path).toBe('body.service');
  });
});
