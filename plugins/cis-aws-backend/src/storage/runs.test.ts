import { mockServices } from '@backstage/backend-test-utils';
import { DatabaseEvaluationStore } from './DatabaseEvaluationStore';
import { createStore, createTestDatabases } from './__testUtils__/stores';
import { at } from './__fixtures__/evaluations';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'evaluation runs on %s',
  databaseId => {
    let store: DatabaseEvaluationStore;
    let clock: Date;

    beforeEach(async () => {
      clock = new Date(at(0));
      ({ store } = await createStore(databases, databaseId, {
        now: () => clock,
      }));
    });

    it('a started run is running until it is finished', async () => {
      const id = await store.startRun('schedule', 3);

      expect(await store.listRuns(10)).toEqual([
        {
          id,
          trigger: 'schedule',
          startedAt: at(0),
          status: 'running',
          accountsTotal: 3,
          accountsEvaluated: 0,
          accountsErrored: 0,
          accountsSkipped: 0,
          verdicts: {},
          calls: {},
          apiErrors: {},
          errors: [],
        },
      ]);

      clock = new Date(at(5));
      await store.finishRun(id, {
        status: 'succeeded',
        accountsEvaluated: 3,
        accountsErrored: 1,
        calls: { 'cloudtrail:DescribeTrails': 17, 'iam:GetRole': 3 },
        errors: ['Security Hub could not be read: AccessDeniedException'],
      });

      expect(await store.listRuns(10)).toEqual([
        {
          id,
          trigger: 'schedule',
          startedAt: at(0),
          finishedAt: at(5),
          status: 'succeeded',
          accountsTotal: 3,
          accountsEvaluated: 3,
          accountsErrored: 1,
          accountsSkipped: 0,
          verdicts: {},
          calls: { 'cloudtrail:DescribeTrails': 17, 'iam:GetRole': 3 },
          apiErrors: {},
          errors: ['Security Hub could not be read: AccessDeniedException'],
        },
      ]);
    });

    it('lists runs newest first, up to the limit', async () => {
      const ids: string[] = [];
      for (const [minute, trigger] of [
        [0, 'new-accounts'],
        [60, 'schedule'],
        [90, 'manual'],
      ] as const) {
        clock = new Date(at(minute));
        ids.push(await store.startRun(trigger, 1));
      }

      const runs = await store.listRuns(2);
      expect(runs.map(run => [run.id, run.trigger, run.startedAt])).toEqual([
        [ids[2], 'manual', at(90)],
        [ids[1], 'schedule', at(60)],
      ]);
    });

    it('finishing an unknown run is an error', async () => {
      await expect(
        store.finishRun('00000000-0000-0000-0000-000000000000', {
          status: 'failed',
          accountsEvaluated: 0,
          accountsErrored: 0,
          calls: {},
          errors: [],
        }),
      ).rejects.toThrow(/No evaluation run/);
    });

    it('does not migrate when the database service says to skip migrations', async () => {
      const knex = await databases.init(databaseId);
      await DatabaseEvaluationStore.create({
        database: mockServices.database({ knex, migrations: { skip: true } }),
      });

      expect(await knex.schema.hasTable('cis_aws_accounts')).toBe(false);
    });
  },
);
