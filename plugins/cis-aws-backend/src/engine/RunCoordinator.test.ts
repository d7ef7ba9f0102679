import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { RunningSimulator } from '@internal/aws-simulator';
import { AwsClientFactory } from '../aws/clients';
import { readCisAwsOptions } from '../config';
import { DatabaseEvaluationStore } from '../storage/DatabaseEvaluationStore';
import { DatabaseRunCoordination } from '../storage/runCoordination';
import {
  createStore,
  createTestDatabases,
} from '../storage/__testUtils__/stores';
import { startDemoSimulator } from '../__testUtils__/testBackend';
import { AccountGate } from './AccountGate';
import { EvaluationEngine } from './EvaluationEngine';
import { RunCoordinator } from './RunCoordinator';
import { demoEngine } from './__testUtils__/demoEngine';

jest.setTimeout(60_000);

/** The demo world's verdicts (see plugin.test.ts for the reasons). */
const DEMO_VERDICTS: Record<string, string> = {
  '401122334455': 'PASS',
  '402233445566': 'PASS',
  '403344556677': 'PASS',
  '404455667788': 'FAIL',
  '411122334455': 'ERROR',
  '405566778899': 'PASS',
  '406677889900': 'FAIL',
  '407788990011': 'FAIL',
  '408899001122': 'FAIL',
  '410011223344': 'PASS',
  '409900112233': 'FAIL',
};
const PAYMENTS_PROD = '403344556677';

describe('RunCoordinator and AccountGate', () => {
  let sim: RunningSimulator;
  let store: DatabaseEvaluationStore;
  let runs: DatabaseRunCoordination;
  let engine: EvaluationEngine;
  const databases = createTestDatabases();
  const gates: AccountGate[] = [];

  beforeEach(async () => {
    sim = await startDemoSimulator();
    ({ store } = await createStore(databases, 'SQLITE_3'));
    runs = store.coordination();
    engine = demoEngine({ simulatorUrl: sim.url, store });
  });
  afterEach(async () => {
    gates.splice(0).forEach(gate => gate.close());
    await sim.close();
  });

  function replica(
    name: string,
    options: { batchSize?: number; fullRunTimeoutMs?: number } = {},
  ) {
    const gate = AccountGate.create({
      leases: runs,
      engine,
      logger: mockServices.logger.mock(),
      replicaId: name,
      leaseDurationMs: 60_000,
      heartbeatMs: 20_000,
      accountWaitMs: 300,
      sleep: ms =>
        new Promise(resolve => setTimeout(resolve, Math.min(ms, 50))),
    });
    gates.push(gate);
    const config = new ConfigReader({
      aws: {
        mainAccount: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' },
        accountDefaults: { roleName: 'CisAwsReader' },
      },
      cisAws: { aws: { endpoint: sim.url, maxAttempts: 2 } },
    });
    const runner = RunCoordinator.create({
      engine,
      gate,
      runs,
      store,
      aws: AwsClientFactory.fromConfig(config, readCisAwsOptions(config)),
      logger: mockServices.logger.mock(),
      options: {
        batchSize: options.batchSize ?? 3,
        leaseDurationMs: 60_000,
        heartbeatMs: 20_000,
        fullRunTimeoutMs: options.fullRunTimeoutMs ?? 30 * 60_000,
        newAccountsTimeoutMs: 15 * 60_000,
      },
      triggerFullRun: async () => {},
      sleep: () => new Promise(resolve => setTimeout(resolve, 20)),
    });
    return { gate, runner };
  }

  async function verdicts() {
    const found: Record<string, string | undefined> = {};
    for (const id of Object.keys(DEMO_VERDICTS)) {
      found[id] = (await store.getAccount(id))?.verdict;
    }
    return found;
  }

  it('evaluates every account in batches with the verdicts of a single pass, and records the run honestly', async () => {
    const { runner } = replica('replica-a', { batchSize: 3 });
    await runner.runScheduled();
    expect(await verdicts()).toEqual(DEMO_VERDICTS);
    const [run] = await runs.listRuns(1);
    expect(run).toMatchObject({
      trigger: 'schedule',
      status: 'completed_with_errors',
      replica: 'replica-a',
      accountsTotal: 11,
      accountsEvaluated: 11,
      accountsErrored: 1,
      accountsSkipped: 0,
      verdicts: { PASS: 5, FAIL: 5, ERROR: 1 },
      apiErrors: { 'sts:AccessDenied': 1 },
    });
    expect(run.calls['sts:AssumeRole']).toBeGreaterThanOrEqual(11);
    expect(run.calls['securityhub:GetFindings']).toBeGreaterThanOrEqual(1);
  });

  it('skips an account someone else is evaluating, and records it as skipped', async () => {
    await runs.acquireLease({
      accountId: PAYMENTS_PROD,
      holder: 'replica-b request',
      token: 'b',
      ttlMs: 60_000,
    });
    const { runner } = replica('replica-a');
    await runner.runScheduled();
    expect(await store.getAccount(PAYMENTS_PROD)).toBeUndefined();
    const [run] = await runs.listRuns(1);
    expect(run).toMatchObject({ accountsEvaluated: 10, accountsSkipped: 1 });
  });

  it('leaves a run it stops working on (shutdown) to another replica, which finishes it', async () => {
    const a = replica('replica-a', { batchSize: 3 });
    const stop = new AbortController();
    // Replica A stops as soon as its first batch is under way.
    const sawFirstSave = new Promise<void>(resolve =>
      engine.onResult(async () => {
        stop.abort();
        resolve();
      }),
    );
    await Promise.all([a.runner.runScheduled(stop.signal), sawFirstSave]);
    const [left] = await runs.listRuns(1);
    expect(left.status).toBe('running');
    expect(left.accountsEvaluated).toBeLessThan(11);

    const b = replica('replica-b', { batchSize: 3 });
    await b.runner.work();
    expect(await verdicts()).toEqual(DEMO_VERDICTS);
    expect(await runs.getRun(left.id)).toMatchObject({
      status: 'completed_with_errors',
      replica: 'replica-a',
      accountsEvaluated: 11,
      accountsSkipped: 0,
    });
  });

  it('closes a run aborted at its timeout as timed_out, saving nothing half done', async () => {
    const { runner } = replica('replica-a', { fullRunTimeoutMs: 1 });
    const timeout = new AbortController();
    timeout.abort();
    await runner.runScheduled(timeout.signal);
    const [run] = await runs.listRuns(1);
    expect(run).toMatchObject({
      status: 'timed_out',
      accountsEvaluated: 0,
      accountsSkipped: 11,
      errors: [expect.stringContaining('timeout')],
    });
    expect(Object.values(await verdicts()).filter(Boolean)).toEqual([]);
    // Nothing is left held.
    expect(await runs.getLease(PAYMENTS_PROD)).toBeUndefined();
  });

  it('answers a request for an account being evaluated with 409 naming the holder once the wait runs out', async () => {
    const { gate } = replica('replica-a');
    await runs.acquireLease({
      accountId: PAYMENTS_PROD,
      holder: 'replica-b run 42',
      token: 'b',
      ttlMs: 60_000,
    });
    const started = Date.now();
    await expect(
      gate.evaluateAccount(PAYMENTS_PROD, { purpose: 'request' }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('replica-b run 42'),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(await store.getAccount(PAYMENTS_PROD)).toBeUndefined();
  });

  it('evaluates a requested account once the evaluation under way ends', async () => {
    const { gate } = replica('replica-a');
    await runs.acquireLease({
      accountId: PAYMENTS_PROD,
      holder: 'replica-b run 42',
      token: 'b',
      ttlMs: 60_000,
    });
    let released = 0;
    setTimeout(() => {
      released = Date.now();
      runs.releaseLease(PAYMENTS_PROD, 'b');
    }, 100);
    const { outcome } = await gate.evaluateAccount(PAYMENTS_PROD, {
      purpose: 'request',
    });
    expect(released).toBeGreaterThan(0);
    const stored = await store.getAccount(PAYMENTS_PROD);
    expect(stored?.verdict).toBe(outcome.summary.verdict);
    expect(Date.parse(stored!.evaluatedAt)).toBeGreaterThanOrEqual(
      released - 1000,
    );
    expect(await runs.getLease(PAYMENTS_PROD)).toBeUndefined();
  });
});
