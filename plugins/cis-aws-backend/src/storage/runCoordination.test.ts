import { createStore, createTestDatabases } from './__testUtils__/stores';
import { aMapping, accountId, at } from './__fixtures__/evaluations';
import { DatabaseRunCoordination } from './runCoordination';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const MINUTE = 60_000;

describe.each(databases.eachSupportedId())(
  'run coordination on %s',
  databaseId => {
    let runs: DatabaseRunCoordination;
    let clock: Date;
    const advance = (ms: number) => {
      clock = new Date(clock.getTime() + ms);
    };

    beforeEach(async () => {
      clock = new Date(at(0));
      const { store } = await createStore(databases, databaseId, {
        now: () => clock,
      });
      runs = store.coordination();
    });

    describe('account leases', () => {
      const ACCOUNT = accountId(1);
      const lease = (holder: string, token: string) => ({
        accountId: ACCOUNT,
        holder,
        token,
        ttlMs: 2 * MINUTE,
      });

      it('lets one holder at a time take an account, and another once the lease expired', async () => {
        expect(await runs.acquireLease(lease('replica-a run 1', 'a'))).toBe(
          true,
        );
        expect(await runs.acquireLease(lease('replica-b run 2', 'b'))).toBe(
          false,
        );
        expect(await runs.getLease(ACCOUNT)).toMatchObject({
          holder: 'replica-a run 1',
          expiresAt: at(2),
        });

        // A renews: still its own a minute later.
        advance(MINUTE);
        expect(await runs.renewLeases(['a'], 2 * MINUTE)).toBe(1);
        advance(90_000);
        expect(await runs.acquireLease(lease('replica-b run 2', 'b'))).toBe(
          false,
        );

        // A stops renewing (killed): B takes it after the lease runs out, and A's token holds
        // nothing any more.
        advance(2 * MINUTE);
        expect(await runs.acquireLease(lease('replica-b run 2', 'b'))).toBe(
          true,
        );
        expect(await runs.renewLeases(['a'], 2 * MINUTE)).toBe(0);
        await runs.releaseLease(ACCOUNT, 'a');
        expect((await runs.getLease(ACCOUNT))?.holder).toBe('replica-b run 2');

        await runs.releaseLease(ACCOUNT, 'b');
        expect(await runs.getLease(ACCOUNT)).toBeUndefined();
        expect(await runs.acquireLease(lease('replica-a request', 'c'))).toBe(
          true,
        );
      });

      it('gives an account to exactly one of many concurrent claimants', async () => {
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, n) =>
            runs.acquireLease(lease(`replica-${n}`, `token-${n}`)),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect((await runs.getLease(ACCOUNT))?.holder).toBe(
          `replica-${winner}`,
        );
      });
    });

    describe('run queue', () => {
      const MAPPINGS = [1, 2, 3, 4, 5].map(n => aMapping(accountId(n)));

      async function startedRun() {
        const runId = await runs.createRun({
          trigger: 'schedule',
          status: 'running',
          replica: 'replica-a',
        });
        await runs.startRun(runId, {
          mappings: MAPPINGS,
          inScope: MAPPINGS.map(m => m.accountId),
          deadlineAt: new Date(clock.getTime() + 30 * MINUTE),
          errors: [],
        });
        return runId;
      }

      const claim = (holder: string, token: string, size = 2) =>
        runs.claimBatch({ holder, token, size, ttlMs: 2 * MINUTE });

      it('hands out each account once, in order, and takes back the claims of a replica that stopped renewing', async () => {
        const runId = await startedRun();
        const a = await claim('replica-a', 'a');
        const b = await claim('replica-b', 'b');
        expect(a.map(c => c.mapping.accountId)).toEqual([
          accountId(1),
          accountId(2),
        ]);
        expect(b.map(c => c.mapping.accountId)).toEqual([
          accountId(3),
          accountId(4),
        ]);
        expect(a[0].mapping).toEqual(MAPPINGS[0]);

        // B renews and finishes; A is killed and renews nothing.
        advance(MINUTE);
        expect(await runs.renewClaims(runId, 'b', 2 * MINUTE)).toBe(2);
        await runs.finishAccount(runId, accountId(3), 'b', 'PASS');
        await runs.finishAccount(runId, accountId(4), 'b', 'ERROR');
        await runs.sweep({ graceMs: 2 * MINUTE, queuedForMs: 30 * MINUTE });
        expect(
          (await claim('replica-b', 'b2', 5)).map(c => c.mapping.accountId),
        ).toEqual([accountId(5)]);

        advance(90_000); // A's claims expired
        expect(
          await runs.sweep({ graceMs: 2 * MINUTE, queuedForMs: 30 * MINUTE }),
        ).toEqual({ requeued: 2, abandoned: [] });
        const takenOver = await claim('replica-b', 'b3', 5);
        expect(takenOver.map(c => c.mapping.accountId)).toEqual([
          accountId(1),
          accountId(2),
        ]);
        // A's late write, with its old token, changes nothing.
        await runs.finishAccount(runId, accountId(1), 'a', 'FAIL');

        expect(await runs.closeIfDone(runId)).toBeUndefined();
        expect(await runs.getRun(runId)).toMatchObject({
          status: 'running',
          accountsEvaluated: 2,
          verdicts: { PASS: 1, ERROR: 1 },
        });
        await runs.finishAccount(runId, accountId(5), 'b2', 'PASS');
        await runs.finishAccount(runId, accountId(1), 'b3', 'PASS');
        await runs.finishAccount(runId, accountId(2), 'b3', 'FAIL');
        await runs.addToRun(runId, {
          calls: { 'sts:AssumeRole': 5 },
          apiErrors: { 'cloudtrail:ThrottlingException': 2 },
          errors: [],
        });
        await runs.addToRun(runId, {
          calls: { 'sts:AssumeRole': 1, 'iam:GetRole': 4 },
          apiErrors: {},
          errors: ['Security Hub: AccessDenied'],
        });

        const closed = await runs.closeIfDone(runId);
        expect(closed).toMatchObject({
          status: 'completed_with_errors',
          replica: 'replica-a',
          accountsTotal: 5,
          accountsEvaluated: 5,
          accountsErrored: 1,
          accountsSkipped: 0,
          verdicts: { PASS: 3, FAIL: 1, ERROR: 1 },
          calls: { 'iam:GetRole': 4, 'sts:AssumeRole': 6 },
          apiErrors: { 'cloudtrail:ThrottlingException': 2 },
          errors: ['Security Hub: AccessDenied'],
          finishedAt: clock.toISOString(),
        });
        // Closed once only.
        expect(await runs.closeIfDone(runId)).toBeUndefined();
      });

      it('says succeeded only when every account is PASS, FAIL or EXEMPT', async () => {
        const runId = await startedRun();
        for (const token of ['x', 'y', 'z']) {
          for (const c of await claim('replica-a', token)) {
            await runs.finishAccount(
              runId,
              c.mapping.accountId,
              token,
              c.mapping.accountId === accountId(5) ? 'EXEMPT' : 'FAIL',
            );
          }
        }
        expect(await runs.closeIfDone(runId)).toMatchObject({
          status: 'succeeded',
          verdicts: { FAIL: 4, EXEMPT: 1 },
        });
      });

      it('closes a run with accounts left as timed_out, counting them as skipped', async () => {
        const runId = await startedRun();
        const [first, second] = await claim('replica-a', 'a');
        await runs.finishAccount(runId, first.mapping.accountId, 'a', 'PASS');
        await runs.skipAccount(
          runId,
          second.mapping.accountId,
          'a',
          'being evaluated by replica-b request',
        );
        expect(
          await runs.closeRun(runId, 'timed_out', ['stopped at its timeout']),
        ).toMatchObject({
          status: 'timed_out',
          accountsEvaluated: 1,
          accountsSkipped: 4,
          errors: ['stopped at its timeout'],
        });
        // No more work from a closed run.
        expect(await claim('replica-b', 'b', 5)).toEqual([]);
      });

      it('closes runs whose replica went away as abandoned, and pruning removes them later', async () => {
        const running = await startedRun();
        await claim('replica-a', 'a');
        const queued = await runs.createRun({
          trigger: 'manual',
          status: 'queued',
          replica: 'replica-a',
        });
        expect((await runs.findActiveFullRun())?.id).toBe(running);

        // Before the deadline, nothing is abandoned.
        advance(20 * MINUTE);
        expect(
          await runs.sweep({ graceMs: 2 * MINUTE, queuedForMs: 30 * MINUTE }),
        ).toEqual({ requeued: 2, abandoned: [] });

        // Past the deadline (30 min) and its grace: no replica can finish it any more.
        advance(13 * MINUTE);
        const swept = await runs.sweep({
          graceMs: 2 * MINUTE,
          queuedForMs: 30 * MINUTE,
        });
        expect(swept.abandoned.sort()).toEqual([running, queued].sort());
        expect(await runs.getRun(running)).toMatchObject({
          status: 'abandoned',
          accountsSkipped: 5,
          errors: [expect.stringContaining('went away')],
        });
        expect(await runs.getRun(queued)).toMatchObject({
          status: 'abandoned',
          errors: [expect.stringContaining('no replica started it')],
        });
        expect(await runs.findActiveFullRun()).toBeUndefined();
        expect(await runs.claimQueuedRun('replica-b')).toBeUndefined();
      });

      it('closes a run worked on until its deadline as timed_out once its last claims end', async () => {
        const runId = await startedRun();
        advance(29 * MINUTE);
        const [first] = await claim('replica-a', 'a');
        advance(2 * MINUTE); // past the deadline, the claims still renewed
        await runs.renewClaims(runId, 'a', 2 * MINUTE);
        const sweep = () =>
          runs.sweep({ graceMs: 2 * MINUTE, queuedForMs: 30 * MINUTE });
        expect(await sweep()).toEqual({ requeued: 0, abandoned: [] });
        expect((await runs.getRun(runId))?.status).toBe('running');
        // Nothing new is handed out past the deadline.
        expect(await claim('replica-b', 'b', 5)).toEqual([]);

        await runs.finishAccount(runId, first.mapping.accountId, 'a', 'PASS');
        await runs.skipAccount(runId, accountId(2), 'a', 'not evaluated');
        await sweep();
        expect(await runs.getRun(runId)).toMatchObject({
          status: 'timed_out',
          accountsEvaluated: 1,
          accountsSkipped: 4,
        });
      });

      it('starts a queued run for one replica only', async () => {
        const queued = await runs.createRun({
          trigger: 'manual',
          status: 'queued',
          replica: 'replica-a',
        });
        const claims = await Promise.all([
          runs.claimQueuedRun('replica-a'),
          runs.claimQueuedRun('replica-b'),
        ]);
        expect(claims.filter(Boolean)).toEqual([queued]);
        expect(await runs.getRun(queued)).toMatchObject({ status: 'running' });
      });
    });
  },
);
