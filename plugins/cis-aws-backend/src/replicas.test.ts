import { mockCredentials } from '@backstage/backend-test-utils';
import { AccountsListResponse } from '@cis-aws/plugin-cis-aws-common';
import { RunningSimulator } from '@internal/aws-simulator';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import {
  startCisAwsTestBackend,
  startDemoSimulator,
  waitForRun,
} from './__testUtils__/testBackend';
import { createTestDatabases } from './storage/__testUtils__/stores';

/**
 * Two backends ("replicas") on one PostgreSQL database, each with Backstage's own scheduler on
 * that database, started one after the other as the README says. Each talks to its own simulator
 * (same demo world), so the simulators' call logs tell which replica evaluated which account.
 * Runs only where a PostgreSQL connection string is set (CI sets one).
 */

jest.setTimeout(180_000);

const GUEST = mockCredentials.user.header('user:default/guest');
const databases = createTestDatabases();
const postgres = databases
  .eachSupportedId()
  .map(([id]) => id)
  .filter(id => id.startsWith('POSTGRES'))
  .slice(0, 1);

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

/** Short leases, so that a takeover takes seconds here (minutes by default). */
const RUNS = {
  batchSize: 2,
  leaseDuration: 'PT6S',
  heartbeat: 'PT2S',
  workerFrequency: 'PT1S',
  accountWait: 'PT0S',
};

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** The accounts whose CloudTrail was read through this simulator since its last reset. */
function accountsEvaluatedBy(sim: RunningSimulator): Set<string> {
  const calls = sim.admin.calls().byAccountOperation;
  return new Set(
    Object.entries(calls)
      .filter(([, ops]) =>
        Object.keys(ops).some(op => op.startsWith('cloudtrail:')),
      )
      .map(([account]) => account),
  );
}

/**
 * Samples, every few milliseconds, both simulators' cloudtrail calls per account (each replica
 * has its own simulator) and then the gate's leases. An account whose calls grew on one replica's
 * simulator while the other replica held its lease means both were evaluating it at once.
 */
function watchEvaluations(sims: Record<string, RunningSimulator>, db: Knex) {
  const previous = new Map<string, number>();
  const overlaps = new Set<string>();
  let samples = 0;
  let stopped = false;
  const sample = async () => {
    const grew: { account: string; replica: string }[] = [];
    for (const [replica, sim] of Object.entries(sims)) {
      for (const [account, ops] of Object.entries(
        sim.admin.calls().byAccountOperation,
      )) {
        const count = Object.entries(ops)
          .filter(([op]) => op.startsWith('cloudtrail:'))
          .reduce((sum, [, n]) => sum + n, 0);
        const key = `${account} ${replica}`;
        if (count > (previous.get(key) ?? 0)) grew.push({ account, replica });
        previous.set(key, count);
      }
    }
    const leases: { account_id: string; holder: string }[] = await db(
      'cis_aws_account_leases',
    ).select('account_id', 'holder');
    const holders = new Map(leases.map(l => [l.account_id, l.holder]));
    for (const { account, replica } of grew) {
      const holder = holders.get(account);
      if (holder && !holder.startsWith(`${replica} `)) overlaps.add(account);
    }
    samples += 1;
  };
  const loop = (async () => {
    while (!stopped) {
      await sample();
      await new Promise(resolve => setTimeout(resolve, 10));
    }
  })();
  return {
    /** Accounts both replicas were evaluating at the same time, and how many samples. */
    async stop() {
      stopped = true;
      await loop;
      return { overlaps: [...overlaps], samples };
    },
  };
}

async function listAccounts(server: Parameters<typeof request>[0]) {
  const res = await request(server)
    .get('/api/cis-aws/v1/accounts?limit=100&orderBy=accountId')
    .set('Authorization', GUEST);
  expect(res.status).toBe(200);
  return res.body as AccountsListResponse;
}

const describeOnPostgres = postgres.length > 0 ? describe : describe.skip;

describeOnPostgres('two replicas on one PostgreSQL database', () => {
  let simA: RunningSimulator;
  let simB: RunningSimulator;
  let knexA: Knex;
  let knexB: Knex;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    simA = await startDemoSimulator();
    simB = await startDemoSimulator();
    // Each replica has its own connection pool to the one test database (whose own connection
    // TestDatabases closes): replica A's is destroyed mid-test, as if its process died.
    const database = await databases.init(postgres[0]);
    knexA = knexFactory(database.client.config);
    knexB = knexFactory(database.client.config);
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await knexA?.destroy();
    await knexB?.destroy();
    await simA?.close();
    await simB?.close();
  });

  async function startReplica(name: string, sim: RunningSimulator, knex: Knex) {
    const backend = await startCisAwsTestBackend({
      sim,
      database: knex,
      realScheduler: true,
      cisAws: {
        aws: { endpoint: sim.url, regions: ['us-east-1', 'eu-west-1'] },
        securityHub: {
          administratorAccountId: '402233445566',
          region: 'us-east-1',
        },
        // Only runs asked for in this test (and the workers) evaluate.
        schedule: {
          frequency: { hours: 24 },
          timeout: { minutes: 5 },
          initialDelay: { hours: 1 },
        },
        runs: { ...RUNS, replicaId: name },
      },
    });
    stops.push(() => backend.stop());
    return backend;
  }

  it('never evaluate an account twice at once, take over a killed replica’s accounts within seconds, and serve identical answers', async () => {
    // One after the other: Backstage's own migrations must not race on a fresh database.
    const a = await startReplica('replica-a', simA, knexA);
    const b = await startReplica('replica-b', simB, knexB);
    // Every cloudtrail call takes a while, so runs last long enough to overlap with workers.
    for (const sim of [simA, simB]) {
      sim.admin.addFault({ kind: 'latency', service: 'cloudtrail', ms: 150 });
    }

    // --- A run shared by both replicas: never both on one account at the same time.
    const watch = watchEvaluations(
      { 'replica-a': simA, 'replica-b': simB },
      knexB,
    );
    const asked = await request(a.server)
      .post('/api/cis-aws/v1/runs')
      .set('Authorization', GUEST);
    expect(asked.status).toBe(202);
    // Asked again on the other replica: the same run, not a second one.
    const again = await request(b.server)
      .post('/api/cis-aws/v1/runs')
      .set('Authorization', GUEST);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({
      runId: asked.body.runId,
      alreadyActive: true,
    });
    const first = await waitForRun(b.server, GUEST, asked.body.runId, {
      timeoutMs: 120_000,
    });
    expect(first).toMatchObject({
      status: 'completed_with_errors',
      accountsEvaluated: 11,
      accountsSkipped: 0,
      verdicts: { PASS: 5, FAIL: 5, ERROR: 1 },
    });
    const watched = await watch.stop();
    expect(watched.overlaps).toEqual([]);
    expect(watched.samples).toBeGreaterThan(10);
    const byA = accountsEvaluatedBy(simA);
    const byB = accountsEvaluatedBy(simB);
    // The account whose role cannot be assumed has no cloudtrail call: 10 read in total (a
    // member read before its organization trail's owner is read again after it, by either).
    expect(new Set([...byA, ...byB]).size).toBe(10);
    // eslint-disable-next-line no-console
    console.log(
      `first run: replica-a evaluated ${byA.size} accounts, replica-b ${byB.size}`,
    );

    // Identical answers from both replicas.
    const listA = await listAccounts(a.server);
    const listB = await listAccounts(b.server);
    expect(listA).toEqual(listB);
    expect(
      Object.fromEntries(
        listA.items.map(item => [item.accountId, item.verdict]),
      ),
    ).toEqual(DEMO_VERDICTS);

    // --- Replica A is killed mid-run: its calls hang, then its database connection is gone
    // (it can neither renew nor release anything, like a dead process).
    simA.admin.resetCalls();
    simB.admin.resetCalls();
    simA.admin.addFault({ kind: 'latency', ms: 60_000 });
    const secondStart = Date.now();
    const second = await request(a.server)
      .post('/api/cis-aws/v1/runs')
      .set('Authorization', GUEST);
    expect(second.status).toBe(202);
    // The gate's records: the accounts replica-a has claimed and is evaluating.
    const heldByA = await until('replica-a to claim accounts', async () => {
      const rows: { account_id: string }[] = await knexB('cis_aws_run_accounts')
        .where({ claimed_by: 'replica-a', state: 'claimed' })
        .select('account_id');
      return rows.length > 0 && rows.map(row => row.account_id);
    });
    await knexA.destroy();
    const killedAt = Date.now();

    const finished = await waitForRun(b.server, GUEST, second.body.runId, {
      timeoutMs: 120_000,
    });
    const takeoverMs = Date.now() - killedAt;
    // eslint-disable-next-line no-console
    console.log(
      `second run: replica-a killed holding ${heldByA.join(
        ', ',
      )}; replica-b finished the run ${takeoverMs} ms later`,
    );
    expect(finished).toMatchObject({
      status: 'completed_with_errors',
      accountsEvaluated: 11,
      verdicts: { PASS: 5, FAIL: 5, ERROR: 1 },
    });
    expect(takeoverMs).toBeLessThan(5 * 60_000);
    // Every account has a result of the second run, evaluated by replica-b.
    const after = await listAccounts(b.server);
    expect(
      Object.fromEntries(
        after.items.map(item => [item.accountId, item.verdict]),
      ),
    ).toEqual(DEMO_VERDICTS);
    for (const item of after.items) {
      expect(Date.parse(item.evaluatedAt)).toBeGreaterThanOrEqual(secondStart);
    }
    const takenOver = accountsEvaluatedBy(simB);
    expect(takenOver.size).toBe(10);
    const readable = heldByA.filter(account => account !== '411122334455');
    expect(readable.filter(account => !takenOver.has(account))).toEqual([]);
  });
});
