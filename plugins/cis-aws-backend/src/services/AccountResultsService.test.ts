import {
  aMapping,
  accountId,
  anEvaluation,
  at,
} from '../storage/__fixtures__/evaluations';
import {
  createStore,
  createTestDatabases,
} from '../storage/__testUtils__/stores';
import { DefaultAccountResultsService } from './AccountResultsService';
import { CALLER, accessTo, accountEntity } from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const READABLE = accountId(1);
const HIDDEN = accountId(2);
const DAY = 24 * 60;

describe.each(databases.eachSupportedId())(
  'DefaultAccountResultsService on %s',
  databaseId => {
    async function setup() {
      const { store } = await createStore(databases, databaseId);
      for (const [id, verdict, minute] of [
        [READABLE, 'PASS', 0],
        [READABLE, 'FAIL', DAY],
        [HIDDEN, 'FAIL', 0],
      ] as const) {
        await store.saveResult({
          mapping: aMapping(id),
          evaluation: anEvaluation(id, verdict, { minute }),
        });
      }
      // Only READABLE's entity is in the caller's catalog.
      const service = DefaultAccountResultsService.create({
        store,
        access: accessTo([accountEntity(READABLE)]),
        securityHubRegion: 'us-east-1',
        historyRetentionMs: 400 * 86_400_000,
      });
      return { service };
    }

    it('lists only the accounts the caller may read, with the page it was given', async () => {
      const { service } = await setup();
      const page = await service.listAccounts({ limit: 10 }, CALLER);
      expect(page.items.map(a => a.accountId)).toEqual([READABLE]);
      expect(page).toMatchObject({ totalCount: 1, offset: 0, limit: 10 });
    });

    it('answers a readable account with console links per trail, and a hidden one like an unknown one', async () => {
      const { service } = await setup();
      const detail = await service.getAccount(READABLE, CALLER);
      expect(detail.verdict).toBe('FAIL');
      for (const trail of detail.evaluation.trails) {
        expect(trail.consoleLinks.trail).toContain(
          encodeURIComponent(trail.trailArn),
        );
      }
      for (const id of [HIDDEN, accountId(3)]) {
        await expect(service.getAccount(id, CALLER)).rejects.toMatchObject({
          name: 'NotFoundError',
          message: `No CIS 2.4 result for AWS account ${id}`,
        });
      }
    });

    it('answers the history in the range asked for, with the retention in days', async () => {
      const { service } = await setup();
      const all = await service.getHistory(READABLE, {}, CALLER);
      expect(all.changes.filter(c => !c.trailArn).map(c => c.to)).toEqual([
        'PASS',
        'FAIL',
      ]);
      expect(all.retentionDays).toBe(400);
      const from = new Date(at(DAY / 2));
      const later = await service.getHistory(READABLE, { from }, CALLER);
      expect(later).toMatchObject({ accountId: READABLE, from: at(DAY / 2) });
      expect(later.changes.filter(c => !c.trailArn).map(c => c.to)).toEqual([
        'FAIL',
      ]);
      await expect(
        service.getHistory(HIDDEN, {}, CALLER),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
    });
  },
);
