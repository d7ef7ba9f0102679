import { DatabaseEvaluationStore } from './DatabaseEvaluationStore';
import { ControlResultRecord } from './ControlResultStore';
import { createStore, createTestDatabases } from './__testUtils__/stores';
import {
  aMapping,
  accountId,
  anEvaluation,
  at,
} from './__fixtures__/evaluations';
import { DETECTION_CONTROL } from '../rules/controls';

jest.setTimeout(60_000);

const databases = createTestDatabases();

type Summary = { failingChecks: string[] };

function aResult(
  account: string,
  verdict: string,
  minute: number,
  options: { reason?: string; failingChecks?: string[]; runId?: string } = {},
): ControlResultRecord<{ note: string }, Summary> {
  return {
    accountId: account,
    controlId: 'cis-3.x-detection',
    verdict,
    ...(options.reason ? { reason: options.reason } : {}),
    summary: { failingChecks: options.failingChecks ?? [] },
    result: { note: `${verdict} at ${minute}` },
    evaluatedAt: at(minute),
    ...(options.runId ? { runId: options.runId } : {}),
  };
}

describe.each(databases.eachSupportedId())(
  'control results on %s',
  databaseId => {
    const ACCOUNT = accountId(1);
    let store: DatabaseEvaluationStore;

    beforeEach(async () => {
      ({ store } = await createStore(databases, databaseId));
    });

    const save = (record: ControlResultRecord<{ note: string }, Summary>) =>
      store.controls().saveControlResult(DETECTION_CONTROL, record);

    it('keeps the latest result per account and control, with its full result and run', async () => {
      await save(aResult(ACCOUNT, 'PASS', 1, { runId: 'run-1' }));
      const stored = await store
        .controls()
        .getControlResult<{ note: string }, Summary>(
          ACCOUNT,
          'cis-3.x-detection',
        );
      expect(stored).toEqual({
        latest: aResult(ACCOUNT, 'PASS', 1, { runId: 'run-1' }),
      });
      expect(
        await store
          .controls()
          .getControlResult(accountId(2), 'cis-3.x-detection'),
      ).toBeUndefined();
    });

    it('an ERROR after a FAIL keeps the FAIL as the last definitive result, shown stale', async () => {
      await save(
        aResult(ACCOUNT, 'FAIL', 1, {
          reason: 'NO_FILTER',
          failingChecks: ['3.3'],
        }),
      );
      const outcome = await save(
        aResult(ACCOUNT, 'ERROR', 2, {
          reason: 'API_ERROR',
          failingChecks: ['3.3'],
        }),
      );
      expect(outcome.listing).toEqual({
        verdict: 'ERROR',
        reason: 'API_ERROR',
        failingChecks: ['3.3'],
        failingSince: at(1),
        evaluatedAt: at(2),
        stale: true,
        lastDefinitive: {
          verdict: 'FAIL',
          reason: 'NO_FILTER',
          failingChecks: ['3.3'],
          evaluatedAt: at(1),
        },
      });
      // A second ERROR still shows the same definitive one.
      await save(aResult(ACCOUNT, 'ERROR', 3, { reason: 'API_ERROR' }));
      const stored = await store
        .controls()
        .getControlResult<{ note: string }, Summary>(
          ACCOUNT,
          'cis-3.x-detection',
        );
      expect(stored?.latest.verdict).toBe('ERROR');
      expect(stored?.lastDefinitive).toMatchObject({
        verdict: 'FAIL',
        result: { note: 'FAIL at 1' },
        evaluatedAt: at(1),
      });
      expect(stored?.failingSince).toBe(at(1));
    });

    it('a definitive result after an ERROR replaces the last definitive one (nothing stale)', async () => {
      await save(aResult(ACCOUNT, 'PASS', 1));
      await save(aResult(ACCOUNT, 'ERROR', 2, { reason: 'API_ERROR' }));
      const outcome = await save(
        aResult(ACCOUNT, 'NOT_APPLICABLE', 3, {
          reason: 'NO_INTEGRATED_TRAIL',
        }),
      );
      expect(outcome.listing.stale).toBeUndefined();
      expect(outcome.listing.lastDefinitive).toBeUndefined();
      const stored = await store
        .controls()
        .getControlResult(ACCOUNT, 'cis-3.x-detection');
      expect(stored?.lastDefinitive).toBeUndefined();
    });

    it('records each change of verdict or reason, not the results that changed nothing', async () => {
      await save(aResult(ACCOUNT, 'PASS', 1, { runId: 'r1' }));
      await save(aResult(ACCOUNT, 'PASS', 2));
      await save(aResult(ACCOUNT, 'FAIL', 3, { reason: 'NO_ALARM' }));
      await save(aResult(ACCOUNT, 'FAIL', 4, { reason: 'NO_FILTER' }));
      const history = await store
        .controls()
        .getControlHistory(ACCOUNT, 'cis-3.x-detection');
      expect(history.map(c => [c.from, c.to, c.reason, c.changedAt])).toEqual([
        [undefined, 'PASS', undefined, at(1)],
        ['PASS', 'FAIL', 'NO_ALARM', at(3)],
        ['FAIL', 'FAIL', 'NO_FILTER', at(4)],
      ]);
      expect(history[0].runId).toBe('r1');
      expect(
        await store.controls().getControlHistory(ACCOUNT, 'cis-3.x-detection', {
          from: new Date(at(3)),
          to: new Date(at(3)),
        }),
      ).toHaveLength(1);
    });

    it('a failure episode starts with the first FAIL, survives ERRORs and ends with a PASS', async () => {
      await save(aResult(ACCOUNT, 'PASS', 1));
      await save(aResult(ACCOUNT, 'FAIL', 2, { reason: 'NO_ALARM' }));
      await save(aResult(ACCOUNT, 'ERROR', 3, { reason: 'API_ERROR' }));
      const failing = await save(
        aResult(ACCOUNT, 'FAIL', 4, { reason: 'NO_FILTER' }),
      );
      expect(failing.listing.failingSince).toBe(at(2));
      const fixed = await save(aResult(ACCOUNT, 'PASS', 5));
      expect(fixed.listing.failingSince).toBeUndefined();
      await save(aResult(ACCOUNT, 'FAIL', 6, { reason: 'NO_ALARM' }));
      const episodes = await store
        .controls()
        .listControlEpisodes(ACCOUNT, 'cis-3.x-detection');
      expect(episodes).toEqual([
        {
          accountId: ACCOUNT,
          controlId: 'cis-3.x-detection',
          startedAt: at(2),
          reason: 'NO_ALARM',
          endedAt: at(5),
        },
        {
          accountId: ACCOUNT,
          controlId: 'cis-3.x-detection',
          startedAt: at(6),
          reason: 'NO_ALARM',
        },
      ]);
    });

    it('pruning history keeps each account’s latest change per control, however old', async () => {
      await save(aResult(ACCOUNT, 'PASS', 1));
      await save(aResult(ACCOUNT, 'FAIL', 2, { reason: 'NO_ALARM' }));
      await save(aResult(accountId(2), 'PASS', 1));
      await save(aResult(ACCOUNT, 'PASS', 10));
      const pruned = await store.pruneHistory(new Date(at(5)));
      expect(pruned.changes).toBe(2);
      expect(
        (
          await store.controls().getControlHistory(ACCOUNT, 'cis-3.x-detection')
        ).map(c => c.changedAt),
      ).toEqual([at(10)]);
      expect(
        await store
          .controls()
          .getControlHistory(accountId(2), 'cis-3.x-detection'),
      ).toHaveLength(1);
    });

    it('an older result (an overlapping, slower run) is not saved', async () => {
      await save(aResult(ACCOUNT, 'PASS', 5));
      const outcome = await save(aResult(ACCOUNT, 'FAIL', 4));
      expect(outcome.outdated).toBe(true);
      expect(outcome.listing.verdict).toBe('PASS');
      expect(
        (await store.controls().getControlResult(ACCOUNT, 'cis-3.x-detection'))
          ?.latest.verdict,
      ).toBe('PASS');
    });

    it('accounts listings carry the detection summary and filter by it; the 2.4 verdict does not move', async () => {
      for (const n of [1, 2, 3]) {
        await store.saveResult({
          mapping: aMapping(accountId(n)),
          evaluation: anEvaluation(accountId(n), 'PASS', { minute: 1 }),
        });
      }
      await save(
        aResult(accountId(1), 'FAIL', 2, {
          reason: 'NO_FILTER',
          failingChecks: ['3.3', '3.4'],
        }),
      );
      await save(aResult(accountId(2), 'PASS', 2));

      const page = await store.listAccounts({
        orderBy: { field: 'accountId', direction: 'asc' },
      });
      expect(
        page.items.map(i => [i.accountId, i.verdict, i.detection]),
      ).toEqual([
        [
          accountId(1),
          'PASS',
          {
            verdict: 'FAIL',
            reason: 'NO_FILTER',
            failingChecks: ['3.3', '3.4'],
            failingSince: at(2),
            evaluatedAt: at(2),
          },
        ],
        [
          accountId(2),
          'PASS',
          { verdict: 'PASS', failingChecks: [], evaluatedAt: at(2) },
        ],
        [accountId(3), 'PASS', undefined],
      ]);

      const failing = await store.listAccounts({ detectionVerdicts: ['FAIL'] });
      expect(failing.items.map(i => i.accountId)).toEqual([accountId(1)]);
      expect(failing.totalCount).toBe(1);
      expect(failing.totals.PASS).toBe(1);
      const either = await store.listAccounts({
        detectionVerdicts: ['FAIL', 'PASS'],
        verdicts: ['PASS'],
      });
      expect(either.totalCount).toBe(2);

      expect((await store.getAccount(accountId(1)))?.detection).toMatchObject({
        verdict: 'FAIL',
        failingChecks: ['3.3', '3.4'],
      });
      expect((await store.getAccount(accountId(3)))?.detection).toBeUndefined();
    });

    it('counts the latest verdicts of the given accounts in the database, however many are asked', async () => {
      const many = Array.from({ length: 150 }, (_, i) => accountId(500 + i));
      await save(aResult(many[0], 'FAIL', 1, { reason: 'NO_FILTER' }));
      await save(aResult(many[0], 'ERROR', 2, { reason: 'API_ERROR' }));
      await save(aResult(many[1], 'FAIL', 1, { reason: 'NO_ALARM' }));
      await save(aResult(many[2], 'PASS', 1));
      await save(aResult(many[140], 'FAIL', 1, { reason: 'NO_FILTER' }));
      await save(aResult(many[141], 'NOT_APPLICABLE', 1));
      // Not asked about: not counted.
      await save(aResult(accountId(1), 'FAIL', 1, { reason: 'NO_FILTER' }));
      const controls = store.controls();
      // Few enough to be inlined, and more than that (bound as one set).
      expect(
        await controls.countControlVerdicts(
          'cis-3.x-detection',
          many.slice(0, 3),
        ),
      ).toEqual({ ERROR: 1, FAIL: 1, PASS: 1 });
      expect(
        await controls.countControlVerdicts('cis-3.x-detection', many),
      ).toEqual({ ERROR: 1, FAIL: 2, PASS: 1, NOT_APPLICABLE: 1 });
      expect(
        await controls.countControlVerdicts('cis-3.x-detection', []),
      ).toEqual({});
    });
  },
);
