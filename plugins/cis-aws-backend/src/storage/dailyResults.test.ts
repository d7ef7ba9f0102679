import { DatabaseEvaluationStore } from './DatabaseEvaluationStore';
import {
  createStore,
  createTestDatabases,
  saveVerdictAt,
} from './__testUtils__/stores';
import { accountId, at, trailArn } from './__fixtures__/evaluations';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const DAY = 24 * 60;

describe.each(databases.eachSupportedId())(
  'daily verifications and retention on %s',
  databaseId => {
    const ACCOUNT = accountId(1);
    const TRAIL = trailArn(ACCOUNT);
    let store: DatabaseEvaluationStore;

    beforeEach(async () => {
      ({ store } = await createStore(databases, databaseId));
    });

    const save = (verdict: 'PASS' | 'FAIL' | 'ERROR', minute: number) =>
      saveVerdictAt(store, ACCOUNT, verdict, minute, `run-${minute}`);

    it('lists the last kept evaluation of each day as its verification', async () => {
      await save('PASS', 60); // day 1, 01:00
      await save('FAIL', 600); // day 1, 10:00: replaces 01:00
      await save('FAIL', DAY + 60); // day 2
      await save('PASS', 3 * DAY + 60); // day 4

      expect(
        await store.listVerifications(ACCOUNT, {
          from: new Date(at(0)),
          to: new Date(at(10 * DAY)),
        }),
      ).toEqual([
        {
          date: '2026-01-01',
          evaluatedAt: at(600),
          verdict: 'FAIL',
          reason: 'TRAIL_FAILED',
        },
        {
          date: '2026-01-02',
          evaluatedAt: at(DAY + 60),
          verdict: 'FAIL',
          reason: 'TRAIL_FAILED',
        },
        { date: '2026-01-04', evaluatedAt: at(3 * DAY + 60), verdict: 'PASS' },
      ]);
      expect(
        await store.listVerifications(ACCOUNT, {
          from: new Date(at(DAY)),
          to: new Date(at(2 * DAY)),
        }),
      ).toHaveLength(1);
    });

    it('finds the evaluation in force at a time: the latest kept at or before it', async () => {
      await save('PASS', 60);
      await save('FAIL', DAY + 60);
      await save('PASS', 2 * DAY + 60);

      const verdictAt = async (minute: number) =>
        (await store.getEvaluationAt(ACCOUNT, new Date(at(minute))))?.verdict;
      expect(await verdictAt(3 * DAY)).toBe('PASS'); // the latest
      expect(
        (await store.getEvaluationAt(ACCOUNT, new Date(at(3 * DAY))))
          ?.evaluatedAt,
      ).toBe(at(2 * DAY + 60));
      expect(await verdictAt(2 * DAY)).toBe('FAIL'); // day 2's last
      expect(await verdictAt(DAY + 59)).toBe('PASS'); // day 1's
      expect(await verdictAt(59)).toBeUndefined(); // before any evaluation
      expect(
        await store.getEvaluationAt(accountId(2), new Date(at(3 * DAY))),
      ).toBeUndefined();
    });

    it('prunes history older than the retention, but keeps each account and trail its latest change', async () => {
      await save('PASS', 0);
      await save('FAIL', 10 * DAY);
      await save('FAIL', 20 * DAY);
      const before = new Date(at(15 * DAY));
      const pruned = await store.pruneHistory(before);

      // The account's and the trail's changes to FAIL (day 10) are their latest, so they stay;
      // the first PASSes go. Days 1 and 11 go; day 21 stays.
      expect(pruned).toEqual({ changes: 2, verifications: 2, runs: 0 });
      const history = await store.getHistory(ACCOUNT);
      expect(history.map(c => [c.trailArn ?? 'account', c.to])).toEqual([
        ['account', 'FAIL'],
        [TRAIL, 'FAIL'],
      ]);
      expect(
        await store.listVerifications(ACCOUNT, {
          from: new Date(at(0)),
          to: new Date(at(30 * DAY)),
        }),
      ).toHaveLength(1);
      expect((await store.getAccount(ACCOUNT))?.verdictSince).toBe(
        at(10 * DAY),
      );
    });

    it('prunes finished runs older than the retention, never a running one', async () => {
      let clock = new Date(at(0));
      ({ store } = await createStore(databases, databaseId, {
        now: () => clock,
      }));
      const finished = await store.startRun('schedule', 1);
      await store.finishRun(finished, {
        status: 'succeeded',
        accountsEvaluated: 1,
        accountsErrored: 0,
        calls: {},
        errors: [],
      });
      await store.startRun('schedule', 1);
      clock = new Date(at(20 * DAY));
      await store.startRun('schedule', 1);

      expect((await store.pruneHistory(new Date(at(10 * DAY)))).runs).toBe(1);
      expect(await store.listRuns(10)).toHaveLength(2);
    });
  },
);
