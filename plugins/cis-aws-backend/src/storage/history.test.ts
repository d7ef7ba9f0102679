import type { Verdict } from '@cis-aws/plugin-cis-aws-common';
import { DatabaseEvaluationStore } from './DatabaseEvaluationStore';
import {
  createStore,
  createTestDatabases,
  saveVerdictAt,
} from './__testUtils__/stores';
import {
  aMapping,
  accountId,
  anEvaluation,
  at,
  trailArn,
} from './__fixtures__/evaluations';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('history on %s', databaseId => {
  const ACCOUNT = accountId(1);
  const TRAIL = trailArn(ACCOUNT);
  let store: DatabaseEvaluationStore;

  beforeEach(async () => {
    ({ store } = await createStore(databases, databaseId));
  });

  const save = (verdict: Verdict, minute: number, runId?: string) =>
    saveVerdictAt(store, ACCOUNT, verdict, minute, runId);

  describe('getHistory', () => {
    it('returns the changes of the account and its trails oldest first', async () => {
      await save('PASS', 0, 'run-1');
      await save('FAIL', 60, 'run-2');
      await save('FAIL', 120, 'run-3');
      await save('PASS', 180, 'run-4');
      await store.saveResult({
        mapping: aMapping(accountId(2)),
        evaluation: anEvaluation(accountId(2)),
      });

      const history = await store.getHistory(ACCOUNT);
      expect(
        history.map(c => [
          c.changedAt,
          c.trailArn ?? 'account',
          c.from,
          c.to,
          c.runId,
        ]),
      ).toEqual([
        [at(0), 'account', undefined, 'PASS', 'run-1'],
        [at(0), TRAIL, undefined, 'PASS', 'run-1'],
        [at(60), 'account', 'PASS', 'FAIL', 'run-2'],
        [at(60), TRAIL, 'PASS', 'FAIL', 'run-2'],
        [at(180), 'account', 'FAIL', 'PASS', 'run-4'],
        [at(180), TRAIL, 'FAIL', 'PASS', 'run-4'],
      ]);
    });

    it('limits history to a range, both ends included', async () => {
      await save('PASS', 0);
      await save('FAIL', 60);
      await save('PASS', 120);
      await save('FAIL', 180);

      const history = await store.getHistory(ACCOUNT, {
        from: new Date(at(60)),
        to: new Date(at(120)),
      });
      expect([...new Set(history.map(c => c.changedAt))]).toEqual([
        at(60),
        at(120),
      ]);
      expect(
        await store.getHistory(ACCOUNT, { from: new Date(at(181)) }),
      ).toEqual([]);
      expect(
        await store.getHistory(ACCOUNT, { to: new Date(at(0)) }),
      ).toHaveLength(2);
    });

    it('a trail absent from an ERROR run keeps its last verdict: its next change is recorded from it', async () => {
      await save('FAIL', 0, 'run-1');
      // The trail's region could not be read: the run has no trail at all.
      await store.saveResult({
        mapping: aMapping(ACCOUNT),
        evaluation: anEvaluation(ACCOUNT, 'ERROR', { minute: 60, trails: [] }),
        runId: 'run-2',
      });
      await save('PASS', 120, 'run-3');

      const trailHistory = (await store.getHistory(ACCOUNT)).filter(
        c => c.trailArn === TRAIL,
      );
      expect(trailHistory.map(c => [c.from, c.to, c.runId])).toEqual([
        [undefined, 'FAIL', 'run-1'],
        ['FAIL', 'PASS', 'run-3'],
      ]);
    });

    it('a trail that comes back as it was records no change', async () => {
      await save('FAIL', 0, 'run-1');
      await store.saveResult({
        mapping: aMapping(ACCOUNT),
        evaluation: anEvaluation(ACCOUNT, 'ERROR', { minute: 60, trails: [] }),
        runId: 'run-2',
      });
      const outcome = await save('FAIL', 120, 'run-3');
      expect(outcome.trailChanges).toEqual([]);
      expect(
        (await store.getHistory(ACCOUNT)).filter(c => c.trailArn === TRAIL),
      ).toHaveLength(1);
    });

    it("keeps each trail's latest change when pruning, so a trail that comes back still has its from", async () => {
      await save('FAIL', 0, 'run-1');
      await store.saveResult({
        mapping: aMapping(ACCOUNT),
        evaluation: anEvaluation(ACCOUNT, 'ERROR', { minute: 60, trails: [] }),
        runId: 'run-2',
      });
      await store.pruneHistory(new Date(at(90)));
      await save('PASS', 120, 'run-3');
      const trailHistory = (await store.getHistory(ACCOUNT)).filter(
        c => c.trailArn === TRAIL,
      );
      expect(trailHistory.map(c => [c.from, c.to])).toEqual([
        [undefined, 'FAIL'],
        ['FAIL', 'PASS'],
      ]);
    });

    it('is empty for an account never evaluated', async () => {
      expect(await store.getHistory(accountId(9))).toEqual([]);
      expect(await store.getAccount(accountId(9))).toBeUndefined();
    });
  });
});
