import {
  AccountEvaluation,
  ComplianceException,
} from '@cis-aws/plugin-cis-aws-common';
import { DatabaseEvaluationStore } from './DatabaseEvaluationStore';
import { createStore, createTestDatabases } from './__testUtils__/stores';
import {
  aMapping,
  aTrail,
  accountId,
  anEvaluation,
  at,
  trailArn,
} from './__fixtures__/evaluations';
import { evaluateAccount } from '../rules/evaluateAccount';
import { anAccount, anException } from '../rules/__fixtures__/facts';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'failure episodes on %s',
  databaseId => {
    const ACCOUNT = accountId(1);
    const TRAIL = trailArn(ACCOUNT);
    let store: DatabaseEvaluationStore;

    beforeEach(async () => {
      ({ store } = await createStore(databases, databaseId));
    });

    async function save(evaluation: AccountEvaluation) {
      return store.saveResult({ mapping: aMapping(ACCOUNT), evaluation });
    }

    /**
     * What the rules make of a failing trail at `minute`, with the given exceptions on record:
     * the real judgement of contract rule 1 (account exception) on top of rules 2 to 6.
     */
    function judged(
      minute: number,
      trailVerdict: 'PASS' | 'FAIL',
      exceptions: ComplianceException[] = [],
    ): AccountEvaluation {
      const now = new Date(at(minute));
      const evaluation = evaluateAccount(
        anAccount({ accountId: ACCOUNT, collectedAt: at(minute) }),
        [aTrail(TRAIL, trailVerdict)],
        exceptions,
        now,
      );
      return { ...evaluation, evaluatedAt: at(minute) };
    }

    it('an ERROR run in the middle of a failure keeps "failing since" (FAIL → ERROR → FAIL)', async () => {
      await save(anEvaluation(ACCOUNT, 'PASS', { minute: 0 }));
      await save(anEvaluation(ACCOUNT, 'FAIL', { minute: 131 })); // 02:11
      const errored = await save(
        anEvaluation(ACCOUNT, 'ERROR', { minute: 143 }),
      );
      const again = await save(anEvaluation(ACCOUNT, 'FAIL', { minute: 147 })); // 02:27

      expect(errored.summary.failingSince).toBe(at(131));
      expect(again.summary.failingSince).toBe(at(131));
      // The verdict's own "since" moved, which is why it is not the failure age.
      expect(again.summary.verdictSince).toBe(at(147));
      expect((await store.getAccount(ACCOUNT))?.failingSince).toBe(at(131));
      const page = await store.listAccounts({});
      expect(page.items.find(a => a.accountId === ACCOUNT)?.failingSince).toBe(
        at(131),
      );
      expect(await store.listEpisodes(ACCOUNT)).toEqual([
        {
          accountId: ACCOUNT,
          startedAt: at(131),
          reason: 'TRAIL_FAILED',
        },
        {
          accountId: ACCOUNT,
          trailArn: TRAIL,
          startedAt: at(131),
          reason: 'DELIVERY_STALE',
        },
      ]);
    });

    it('an account exception granted then revoked in the middle of a failure does not reset it', async () => {
      const exception = anException({
        accountId: ACCOUNT,
        approvedAt: at(140),
        createdAt: at(135),
        expiresAt: at(60 * 24 * 30),
      });
      await save(judged(0, 'PASS'));
      await save(judged(131, 'FAIL'));
      const exempt = await save(judged(141, 'FAIL', [exception]));
      const revoked = await save(
        judged(150, 'FAIL', [{ ...exception, revokedAt: at(149) }]),
      );

      expect(exempt.summary.verdict).toBe('EXEMPT');
      expect(exempt.summary.failingSince).toBe(at(131));
      expect(revoked.summary.verdict).toBe('FAIL');
      expect(revoked.summary.failingSince).toBe(at(131));
      expect(
        (await store.listEpisodes(ACCOUNT)).map(e => [
          e.trailArn ?? 'account',
          e.startedAt,
          e.endedAt,
        ]),
      ).toEqual([
        ['account', at(131), undefined],
        [TRAIL, at(131), undefined],
      ]);
    });

    it('a trail exception round-trip keeps the trail\'s and the account\'s episodes', async () => {
      const exception = anException({
        accountId: ACCOUNT,
        trailArn: TRAIL,
        approvedAt: at(140),
        createdAt: at(135),
        expiresAt: at(60 * 24 * 30),
      });
      await save(judged(0, 'PASS'));
      await save(judged(131, 'FAIL'));
      const exempt = await save(judged(141, 'FAIL', [exception]));
      const revoked = await save(
        judged(150, 'FAIL', [{ ...exception, revokedAt: at(149) }]),
      );
      expect(exempt.summary.verdict).toBe('EXEMPT');
      expect(revoked.summary.failingSince).toBe(at(131));
      expect(
        (await store.listEpisodes(ACCOUNT)).filter(e => e.endedAt),
      ).toEqual([]);
    });

    it('only a definitive PASS closes an episode; its length is the time to fix', async () => {
      await save(anEvaluation(ACCOUNT, 'FAIL', { minute: 10 }));
      await save(anEvaluation(ACCOUNT, 'UNKNOWN', { minute: 20 }));
      const fixed = await save(anEvaluation(ACCOUNT, 'PASS', { minute: 70 }));
      await save(anEvaluation(ACCOUNT, 'FAIL', { minute: 100 }));

      expect(fixed.summary.failingSince).toBeUndefined();
      const episodes = await store.listEpisodes(ACCOUNT);
      expect(
        episodes
          .filter(e => !e.trailArn)
          .map(e => [e.startedAt, e.endedAt, e.durationMs]),
      ).toEqual([
        [at(10), at(70), 60 * 60_000],
        [at(100), undefined, undefined],
      ]);
      // A range after the closed episode still shows the open one.
      expect(
        (await store.listEpisodes(ACCOUNT, { from: new Date(at(90)) })).map(
          e => e.startedAt,
        ),
      ).toEqual([at(100), at(100)]);
      expect((await store.getAccount(ACCOUNT))?.failingSince).toBe(at(100));
    });

    it('a trail missing from one run keeps its episode; each trail has its own', async () => {
      const other = trailArn(ACCOUNT, 'second');
      await save(
        anEvaluation(ACCOUNT, 'FAIL', {
          minute: 0,
          trails: [aTrail(TRAIL, 'FAIL'), aTrail(other, 'PASS')],
        }),
      );
      await save(
        anEvaluation(ACCOUNT, 'FAIL', {
          minute: 10,
          trails: [aTrail(other, 'FAIL')],
        }),
      );
      await save(
        anEvaluation(ACCOUNT, 'FAIL', {
          minute: 20,
          trails: [aTrail(TRAIL, 'PASS'), aTrail(other, 'FAIL')],
        }),
      );
      expect(
        (await store.listEpisodes(ACCOUNT))
          .filter(e => e.trailArn)
          .map(e => [e.trailArn, e.startedAt, e.endedAt]),
      ).toEqual([
        [TRAIL, at(0), at(20)],
        [other, at(10), undefined],
      ]);
    });
  },
);
