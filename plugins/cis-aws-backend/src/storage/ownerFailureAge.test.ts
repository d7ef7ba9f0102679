import { AccountEvaluation } from '@cis-aws/plugin-cis-aws-common';
import { DatabaseEvaluationStore } from './DatabaseEvaluationStore';
import { createStore, createTestDatabases } from './__testUtils__/stores';
import {
  aMapping,
  accountId,
  anEvaluation,
  at,
} from './__fixtures__/evaluations';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const MINUTE = 60_000;

describe.each(databases.eachSupportedId())(
  'failure age per owner on %s',
  databaseId => {
    let store: DatabaseEvaluationStore;

    beforeEach(async () => {
      ({ store } = await createStore(databases, databaseId));
    });

    async function history(
      account: string,
      ownerRef: string | undefined,
      steps: Array<[minute: number, verdict: AccountEvaluation['verdict']]>,
    ) {
      for (const [minute, verdict] of steps) {
        await store.saveResult({
          mapping: aMapping(account, {
            ownerRef,
            entityRef: `resource:default/aws-${account}`,
          }),
          evaluation: anEvaluation(account, verdict, { minute }),
        });
      }
    }

    const WHOLE_TIME = { from: new Date(at(0)), to: new Date(at(100_000)) };

    it("groups the accounts' episodes by owner: the oldest open one, and how long the fixed ones took", async () => {
      // shop: one account fixed after 30 min, then failing again from 200 (ERROR inside it);
      // another failing since 50; a third fixed after 10 min.
      await history(accountId(1), 'group:default/shop', [
        [0, 'PASS'],
        [10, 'FAIL'],
        [40, 'PASS'],
        [200, 'FAIL'],
        [210, 'ERROR'],
      ]);
      await history(accountId(2), 'group:default/shop', [[50, 'FAIL']]);
      await history(accountId(3), 'group:default/shop', [
        [0, 'FAIL'],
        [10, 'PASS'],
      ]);
      await history(accountId(4), undefined, [[5, 'FAIL']]);
      await history(accountId(5), 'group:default/lake', [[0, 'PASS']]);

      const owners = await store.listOwnerEpisodes({}, WHOLE_TIME);
      const byOwner = Object.fromEntries(
        owners.map(o => [
          o.ownerRef ?? 'nobody',
          { ...o, fixDurationsMs: [...o.fixDurationsMs].sort((a, b) => a - b) },
        ]),
      );
      expect(Object.keys(byOwner).sort()).toEqual([
        'group:default/shop',
        'nobody',
      ]);
      expect(byOwner['group:default/shop']).toEqual({
        ownerRef: 'group:default/shop',
        openCount: 2,
        oldestOpenSince: at(50),
        fixDurationsMs: [10 * MINUTE, 30 * MINUTE],
      });
      expect(byOwner.nobody).toEqual({
        openCount: 1,
        oldestOpenSince: at(5),
        fixDurationsMs: [],
      });
    });

    it('counts as fixed in the period only the episodes that ended within it, both ends included', async () => {
      await history(accountId(1), 'group:default/shop', [
        [0, 'FAIL'],
        [60, 'PASS'], // ended at minute 60
        [100, 'FAIL'],
        [160, 'PASS'], // ended at minute 160
      ]);
      const [shop] = await store.listOwnerEpisodes(
        {},
        { from: new Date(at(60)), to: new Date(at(120)) },
      );
      expect(shop.fixDurationsMs).toEqual([60 * MINUTE]);
      const [later] = await store.listOwnerEpisodes(
        {},
        { from: new Date(at(61)), to: new Date(at(160)) },
      );
      expect(later.fixDurationsMs).toEqual([60 * MINUTE]);
      expect(later.openCount).toBe(0);
    });

    it('leaves out the accounts the caller may not read, and answers nothing to a caller who reads none', async () => {
      await history(accountId(1), 'group:default/shop', [[0, 'FAIL']]);
      await history(accountId(2), 'group:default/shop', [[30, 'FAIL']]);
      const onlySecond = await store.listOwnerEpisodes(
        {
          readableEntityRefs: new Set([`resource:default/aws-${accountId(2)}`]),
        },
        WHOLE_TIME,
      );
      expect(onlySecond).toEqual([
        {
          ownerRef: 'group:default/shop',
          openCount: 1,
          oldestOpenSince: at(30),
          fixDurationsMs: [],
        },
      ]);
      const hidingSecond = await store.listOwnerEpisodes(
        {
          hiddenEntityRefs: new Set([`resource:default/aws-${accountId(2)}`]),
        },
        WHOLE_TIME,
      );
      expect(hidingSecond[0].oldestOpenSince).toBe(at(0));
      expect(
        await store.listOwnerEpisodes(
          { readableEntityRefs: new Set() },
          WHOLE_TIME,
        ),
      ).toEqual([]);
    });

    it('matches a set of refs larger than an inline list (bound once) the same way, whatever their case', async () => {
      await history(accountId(1), 'group:default/shop', [[0, 'FAIL']]);
      await history(accountId(2), 'group:default/shop', [[30, 'FAIL']]);
      const others = Array.from(
        { length: 150 },
        (_, i) => `resource:default/aws-elsewhere-${i}`,
      );
      const second = `Resource:default/AWS-${accountId(2)}`;
      const onlySecond = await store.listOwnerEpisodes(
        { readableEntityRefs: new Set([...others, second]) },
        WHOLE_TIME,
      );
      expect(onlySecond).toEqual([
        expect.objectContaining({ openCount: 1, oldestOpenSince: at(30) }),
      ]);
      const hidingSecond = await store.listOwnerEpisodes(
        { hiddenEntityRefs: new Set([...others, second]) },
        WHOLE_TIME,
      );
      expect(hidingSecond).toEqual([
        expect.objectContaining({ openCount: 1, oldestOpenSince: at(0) }),
      ]);
    });
  },
);
