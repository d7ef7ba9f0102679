import { mockCredentials } from '@backstage/backend-test-utils';
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
import { DETECTION_CONTROL } from '../rules/controls';
import { DefaultAccountResultsService } from './AccountResultsService';
import { CALLER, accessTo, accountEntity } from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const READABLE = accountId(1);
const HIDDEN = accountId(2);
const DAY = 24 * 60;

/** Alice, as Backstage's identity resolves her: a member of the platform group. */
const ALICE_IN_PLATFORM = {
  getUserInfo: async () => ({
    userEntityRef: 'user:default/alice',
    ownershipEntityRefs: ['user:default/alice', 'group:default/platform'],
  }),
};

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
        userInfo: ALICE_IN_PLATFORM,
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

    it('lists with "mine" the accounts of the caller\'s groups that the catalog lets them read', async () => {
      const { store } = await createStore(databases, databaseId);
      const owned = [accountId(11), accountId(12), accountId(13)];
      await store.saveResult({
        mapping: aMapping(owned[0]),
        evaluation: anEvaluation(owned[0], 'FAIL'),
      });
      await store.saveResult({
        mapping: aMapping(owned[1], { ownerRef: 'group:default/other' }),
        evaluation: anEvaluation(owned[1], 'FAIL'),
      });
      await store.saveResult({
        mapping: aMapping(owned[2]), // the platform group's, but not readable
        evaluation: anEvaluation(owned[2], 'PASS'),
      });
      const service = DefaultAccountResultsService.create({
        store,
        access: accessTo([
          accountEntity(owned[0]),
          accountEntity(owned[1], { owner: 'group:default/other' }),
        ]),
        userInfo: ALICE_IN_PLATFORM,
        securityHubRegion: 'us-east-1',
        historyRetentionMs: 400 * 86_400_000,
      });

      const mine = await service.listAccounts({ mine: true }, CALLER);
      expect(mine.items.map(a => a.accountId)).toEqual([owned[0]]);
      expect(mine.totals.FAIL).toBe(1);
      // With an owner filter: the owners both name, here none.
      const none = await service.listAccounts(
        { mine: true, ownerRefs: ['group:default/other'] },
        CALLER,
      );
      expect(none).toMatchObject({ items: [], totalCount: 0 });
      const all = await service.listAccounts({}, CALLER);
      expect(all.totalCount).toBe(2);
    });

    it('refuses "mine" to a service, which owns nothing', async () => {
      const { service } = await setup();
      await expect(
        service.listAccounts(
          { mine: true },
          { credentials: mockCredentials.service() },
        ),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: /signed-in user/,
      });
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

    describe('the detection control (CIS 3.x)', () => {
      async function setupDetection(detectionEnabled = true) {
        const { store } = await createStore(databases, databaseId);
        await store.saveResult({
          mapping: aMapping(READABLE),
          evaluation: anEvaluation(READABLE, 'PASS', { minute: 0 }),
        });
        const controls = store.controls();
        for (const [verdict, minute, reason] of [
          ['PASS', 0, undefined],
          ['FAIL', DAY, 'NO_FILTER'],
          ['ERROR', DAY + 60, 'API_ERROR'],
          ['PASS', 3 * DAY, undefined],
          ['FAIL', 4 * DAY, 'NO_CONFIRMED_SUBSCRIBER'],
        ] as const) {
          await controls.saveControlResult(DETECTION_CONTROL, {
            accountId: READABLE,
            controlId: 'cis-3.x-detection',
            verdict,
            ...(reason ? { reason } : {}),
            summary: { failingChecks: verdict === 'PASS' ? [] : ['3.3'] },
            result: {},
            evaluatedAt: at(minute),
            runId: `run-${minute}`,
          });
        }
        const service = DefaultAccountResultsService.create({
          store,
          access: accessTo([accountEntity(READABLE)]),
          userInfo: ALICE_IN_PLATFORM,
          securityHubRegion: 'us-east-1',
          historyRetentionMs: 400 * 86_400_000,
          detectionEnabled,
          controls,
        });
        return { service };
      }

      it("answers its changes and failure episodes beside 2.4's, in the same range", async () => {
        const { service } = await setupDetection();
        const all = await service.getHistory(READABLE, {}, CALLER);
        expect(all.changes.filter(c => !c.trailArn).map(c => c.to)).toEqual([
          'PASS',
        ]);
        expect(all.detection).toEqual({
          controlId: 'cis-3.x-detection',
          changes: [
            {
              accountId: READABLE,
              to: 'PASS',
              changedAt: at(0),
              runId: 'run-0',
            },
            {
              accountId: READABLE,
              from: 'PASS',
              to: 'FAIL',
              reason: 'NO_FILTER',
              changedAt: at(DAY),
              runId: `run-${DAY}`,
            },
            {
              accountId: READABLE,
              from: 'FAIL',
              to: 'ERROR',
              reason: 'API_ERROR',
              changedAt: at(DAY + 60),
              runId: `run-${DAY + 60}`,
            },
            {
              accountId: READABLE,
              from: 'ERROR',
              to: 'PASS',
              changedAt: at(3 * DAY),
              runId: `run-${3 * DAY}`,
            },
            {
              accountId: READABLE,
              from: 'PASS',
              to: 'FAIL',
              reason: 'NO_CONFIRMED_SUBSCRIBER',
              changedAt: at(4 * DAY),
              runId: `run-${4 * DAY}`,
            },
          ],
          // The ERROR neither ends the first episode nor opens another.
          episodes: [
            {
              accountId: READABLE,
              startedAt: at(DAY),
              reason: 'NO_FILTER',
              endedAt: at(3 * DAY),
              durationMs: 2 * 86_400_000,
            },
            {
              accountId: READABLE,
              startedAt: at(4 * DAY),
              reason: 'NO_CONFIRMED_SUBSCRIBER',
            },
          ],
        });

        const later = await service.getHistory(
          READABLE,
          { from: new Date(at(3.5 * DAY)) },
          CALLER,
        );
        expect(later.detection?.changes.map(c => c.changedAt)).toEqual([
          at(4 * DAY),
        ]);
        expect(later.detection?.episodes.map(e => e.startedAt)).toEqual([
          at(4 * DAY),
        ]);
        const earlier = await service.getHistory(
          READABLE,
          { to: new Date(at(2 * DAY)) },
          CALLER,
        );
        expect(earlier.detection?.changes.map(c => c.to)).toEqual([
          'PASS',
          'FAIL',
          'ERROR',
        ]);
        expect(earlier.detection?.episodes.map(e => e.startedAt)).toEqual([
          at(DAY),
        ]);
      });

      it("serves the account's failingSince from the open detection episode", async () => {
        const { service } = await setupDetection();
        const detail = await service.getAccount(READABLE, CALLER);
        expect(detail.detection).toMatchObject({
          verdict: 'FAIL',
          failingSince: at(4 * DAY),
        });
        const listed = await service.listAccounts({}, CALLER);
        expect(listed.items[0].detection?.failingSince).toBe(at(4 * DAY));
      });

      it('leaves detection out of the history when detection is turned off', async () => {
        const { service } = await setupDetection(false);
        const history = await service.getHistory(READABLE, {}, CALLER);
        expect(history).not.toHaveProperty('detection');
        expect(history.changes.length).toBeGreaterThan(0);
      });
    });
  },
);
