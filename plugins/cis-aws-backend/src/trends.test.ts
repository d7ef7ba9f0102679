// GET /v1/trends over a replayed demo history (plugins/cis-aws-backend/dev), in SQL.
import { mockCredentials } from '@backstage/backend-test-utils';
import { RunningSimulator } from '@internal/aws-simulator';
import { startDemoSimulator } from './__testUtils__/testBackend';
import {
  createStore,
  createTestDatabases,
} from './storage/__testUtils__/stores';
import { DEMO_HISTORY, replayDemoHistory } from '../dev/replayDemoHistory';
import { DefaultTrendService } from './services/TrendService';

jest.setTimeout(180_000);

const databases = createTestDatabases();
const PAYMENTS_PROD = '403344556677';

describe.each(databases.eachSupportedId())(
  'trends over the replayed demo history, on %s',
  databaseId => {
    let sim: RunningSimulator;
    beforeAll(async () => {
      sim = await startDemoSimulator();
    });
    afterAll(async () => {
      await sim.close();
    });

    it('counts each day’s verifications per verdict, within what the caller may see', async () => {
      const { store } = await createStore(databases, databaseId);
      const end = new Date('2026-12-06T09:00:00.000Z');
      // payments-prod stopped 20 days back at 09:40, restarted, broken at 15:30, fixed next day.
      await replayDemoHistory({
        simulatorUrl: sim.url,
        store,
        days: 21,
        end,
        events: DEMO_HISTORY.filter(e => e.daysAgo === 20 || e.daysAgo === 19),
      });
      const all = await store.listAccounts({ limit: 1000 });
      const refs = all.items.map(a => a.entityRef);
      const payments = all.items.find(a => a.accountId === PAYMENTS_PROD)!;
      const everything = {
        accountVisibility: async () => ({ readableEntityRefs: new Set(refs) }),
      };
      const trends = DefaultTrendService.create({
        catalog: {} as any,
        access: everything,
        store,
        now: () => end,
      });
      const credentials = mockCredentials.user();

      const series = await trends.getTrend(
        { from: '2026-11-14', to: '2026-12-06' },
        { credentials },
      );
      expect(series.points).toHaveLength(23);
      // Nothing was evaluated before the replay's first day, nor on the last (today).
      expect(series.points[0]).toMatchObject({
        date: '2026-11-14',
        accountCount: 0,
        compliantShare: null,
      });
      const day = (date: string) => series.points.find(p => p.date === date)!;
      const first = day('2026-11-15');
      expect(first.accountCount).toBe(all.totalCount);
      // On 2026-11-16 payments-prod's last evaluation of the day failed (role broken at 15:30).
      const broken = day('2026-11-16');
      const fixed = day('2026-11-17');
      expect(broken.counts.FAIL).toBe(fixed.counts.FAIL + 1);
      expect(broken.compliantShare!).toBeLessThan(fixed.compliantShare!);
      expect(
        (fixed.counts.PASS + fixed.counts.EXEMPT) / fixed.accountCount,
      ).toBeCloseTo(fixed.compliantShare!, 10);

      // A caller who may not read payments-prod's entity does not see it counted.
      const without = DefaultTrendService.create({
        catalog: {} as any,
        access: {
          accountVisibility: async () => ({
            readableEntityRefs: new Set(
              refs.filter(ref => ref !== payments.entityRef),
            ),
          }),
        },
        store,
        now: () => end,
      });
      const hidden = await without.getTrend(
        { from: '2026-11-16', to: '2026-11-17' },
        { credentials },
      );
      expect(hidden.points.map(p => p.accountCount)).toEqual([
        all.totalCount - 1,
        all.totalCount - 1,
      ]);
      expect(hidden.points[0].counts.FAIL).toBe(broken.counts.FAIL - 1);

      // An entity: the accounts it stands for, as the catalog lets the caller read them.
      const catalog = {
        getEntityByRef: jest.fn(async () => ({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Resource',
          metadata: {
            name: 'payments-prod',
            namespace: 'default',
            annotations: { 'amazonaws.com/account-id': PAYMENTS_PROD },
          },
        })),
        getEntities: jest.fn(async () => ({ items: [] })),
      };
      const ofEntity = DefaultTrendService.create({
        catalog: catalog as any,
        access: everything,
        store,
        now: () => end,
      });
      const own = await ofEntity.getTrend(
        { entityRef: payments.entityRef, from: '2026-11-15', to: '2026-11-17' },
        { credentials },
      );
      expect(own.entityRef).toBe(payments.entityRef);
      expect(own.points.map(p => p.counts.FAIL)).toEqual([0, 1, 0]);
      expect(own.points.map(p => p.compliantShare)).toEqual([1, 0, 1]);
    });

    it('refuses a range that is reversed or too long', async () => {
      const { store } = await createStore(databases, databaseId);
      const trends = DefaultTrendService.create({
        catalog: {} as any,
        access: { accountVisibility: async () => ({}) },
        store,
      });
      const credentials = mockCredentials.user();
      await expect(
        trends.getTrend(
          { from: '2026-12-02', to: '2026-12-01' },
          { credentials },
        ),
      ).rejects.toThrow(/"from" must not be after "to"/);
      await expect(
        trends.getTrend(
          { from: '2020-01-01', to: '2026-12-01' },
          { credentials },
        ),
      ).rejects.toThrow(/at most 800 days/);
      // The default: the last 30 days, today included.
      const series = await trends.getTrend({}, { credentials });
      expect(series.points).toHaveLength(30);
    });
  },
);
