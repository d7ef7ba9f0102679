import type { Verdict } from '@cis-aws/plugin-cis-aws-common';
import { DatabaseEvaluationStore } from './DatabaseEvaluationStore';
import {
  createStore,
  createTestDatabases,
  saveVerdictAt,
} from './__testUtils__/stores';
import {
  aMapping,
  aTrail,
  accountId,
  anEvaluation,
  at,
  trailArn,
} from './__fixtures__/evaluations';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'DatabaseEvaluationStore.saveResult on %s',
  databaseId => {
    const ACCOUNT = accountId(1);
    const TRAIL = trailArn(ACCOUNT);
    let store: DatabaseEvaluationStore;

    beforeEach(async () => {
      ({ store } = await createStore(databases, databaseId));
    });

    const save = (verdict: Verdict, minute: number, runId?: string) =>
      saveVerdictAt(store, ACCOUNT, verdict, minute, runId);

    it('the first result of an account records its verdict and each trail from nothing', async () => {
      const outcome = await save('PASS', 0, 'run-1');

      expect(outcome.accountChange).toEqual({
        accountId: ACCOUNT,
        to: 'PASS',
        changedAt: at(0),
        runId: 'run-1',
      });
      expect(outcome.trailChanges).toEqual([
        {
          accountId: ACCOUNT,
          trailArn: TRAIL,
          to: 'PASS',
          changedAt: at(0),
          runId: 'run-1',
        },
      ]);
      expect(outcome.summary).toMatchObject({
        accountId: ACCOUNT,
        verdict: 'PASS',
        evaluatedAt: at(0),
        verdictSince: at(0),
        lastDefinitive: { verdict: 'PASS', evaluatedAt: at(0) },
        stale: false,
      });
    });

    it('an unchanged verdict records no change and keeps verdict_since', async () => {
      await save('PASS', 0);
      const outcome = await save('PASS', 60);

      expect(outcome.accountChange).toBeUndefined();
      expect(outcome.trailChanges).toEqual([]);
      expect(outcome.summary.verdictSince).toBe(at(0));
      expect(outcome.summary.evaluatedAt).toBe(at(60));
      expect(await store.getHistory(ACCOUNT)).toHaveLength(2); // the first save's two
    });

    it('a FAIL after a PASS records one account change and one trail change', async () => {
      await save('PASS', 0);
      const outcome = await save('FAIL', 60, 'run-2');

      expect(outcome.accountChange).toEqual({
        accountId: ACCOUNT,
        from: 'PASS',
        to: 'FAIL',
        reason: 'TRAIL_FAILED',
        changedAt: at(60),
        runId: 'run-2',
      });
      expect(outcome.trailChanges).toEqual([
        {
          accountId: ACCOUNT,
          trailArn: TRAIL,
          from: 'PASS',
          to: 'FAIL',
          reason: 'DELIVERY_STALE',
          changedAt: at(60),
          runId: 'run-2',
        },
      ]);
      expect(outcome.summary).toMatchObject({
        verdict: 'FAIL',
        verdictSince: at(60),
        stale: false,
      });
    });

    it('an ERROR after a PASS keeps the PASS as last definitive and marks the account stale', async () => {
      await save('PASS', 0);
      const outcome = await save('ERROR', 60);

      expect(outcome.summary).toMatchObject({
        verdict: 'ERROR',
        verdictSince: at(60),
        lastDefinitive: { verdict: 'PASS', evaluatedAt: at(0) },
        stale: true,
      });
      const detail = await store.getAccount(ACCOUNT);
      expect(detail?.stale).toBe(true);
      expect(detail?.evaluation.verdict).toBe('ERROR');
      expect(detail?.lastDefinitiveEvaluation).toEqual(
        anEvaluation(ACCOUNT, 'PASS', { minute: 0 }),
      );
    });

    it('a second ERROR still shows the PASS before the first one', async () => {
      await save('PASS', 0);
      await save('ERROR', 60);
      const outcome = await save('UNKNOWN', 120);

      expect(outcome.summary.lastDefinitive).toEqual({
        verdict: 'PASS',
        evaluatedAt: at(0),
      });
      expect(outcome.summary.stale).toBe(true);
      const detail = await store.getAccount(ACCOUNT);
      expect(detail?.lastDefinitiveEvaluation?.evaluatedAt).toBe(at(0));
    });

    it('a definitive verdict after an ERROR replaces the last definitive and is not stale', async () => {
      await save('PASS', 0);
      await save('ERROR', 60);
      const outcome = await save('FAIL', 120);

      expect(outcome.summary).toMatchObject({
        lastDefinitive: {
          verdict: 'FAIL',
          reason: 'TRAIL_FAILED',
          evaluatedAt: at(120),
        },
        stale: false,
      });
      const detail = await store.getAccount(ACCOUNT);
      expect(detail?.lastDefinitiveEvaluation).toBeUndefined();
    });

    it('EXEMPT is a definitive verdict', async () => {
      await save('ERROR', 0);
      const outcome = await save('EXEMPT', 60);

      expect(outcome.summary.lastDefinitive?.verdict).toBe('EXEMPT');
      expect(outcome.summary.stale).toBe(false);
    });

    it('an account that never had a definitive verdict is not stale', async () => {
      const outcome = await save('ERROR', 0);

      expect(outcome.summary.lastDefinitive).toBeUndefined();
      expect(outcome.summary.stale).toBe(false);
      expect(
        (await store.getAccount(ACCOUNT))?.lastDefinitiveEvaluation,
      ).toBeUndefined();
    });

    it('a new trail changes from nothing and a disappeared trail records no change', async () => {
      const kept = trailArn(ACCOUNT, 'kept');
      const gone = trailArn(ACCOUNT, 'gone');
      const added = trailArn(ACCOUNT, 'added');
      await store.saveResult({
        mapping: aMapping(ACCOUNT),
        evaluation: anEvaluation(ACCOUNT, 'PASS', {
          trails: [aTrail(kept), aTrail(gone)],
        }),
      });
      const outcome = await store.saveResult({
        mapping: aMapping(ACCOUNT),
        evaluation: anEvaluation(ACCOUNT, 'PASS', {
          minute: 60,
          trails: [aTrail(kept), aTrail(added)],
        }),
      });

      expect(outcome.accountChange).toBeUndefined();
      expect(outcome.trailChanges).toEqual([
        {
          accountId: ACCOUNT,
          trailArn: added,
          to: 'PASS',
          changedAt: at(60),
        },
      ]);
    });

    it('concurrent saves of one account each see the result saved before them', async () => {
      await save('PASS', 0);
      // Evaluated at the same time, so that none is outdated whatever the order they land in.
      await Promise.all([
        save('FAIL', 60),
        save('ERROR', 60),
        save('UNKNOWN', 60),
      ]);

      const accountChanges = (await store.getHistory(ACCOUNT)).filter(
        c => !c.trailArn,
      );
      expect(accountChanges).toHaveLength(4);
      for (let i = 1; i < accountChanges.length; i += 1) {
        expect(accountChanges[i].from).toBe(accountChanges[i - 1].to);
      }
    });

    it('an evaluation older than the stored one is not saved and changes nothing', async () => {
      await save('PASS', 60);
      const outcome = await save('FAIL', 0);

      expect(outcome.outdated).toBe(true);
      expect(outcome.accountChange).toBeUndefined();
      expect(outcome.trailChanges).toEqual([]);
      expect(outcome.summary).toMatchObject({
        verdict: 'PASS',
        evaluatedAt: at(60),
      });
      expect((await store.getAccount(ACCOUNT))?.verdict).toBe('PASS');
      expect(await store.getHistory(ACCOUNT)).toHaveLength(2);
    });
  },
);
