import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DatabaseEvaluationStore } from './DatabaseEvaluationStore';
import { createTestDatabases } from './__testUtils__/stores';
import {
  aMapping,
  accountId,
  anEvaluation,
  at,
} from './__fixtures__/evaluations';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@cis-aws/plugin-cis-aws-backend',
  'migrations',
);
const TABLES = ['cis_aws_accounts', 'cis_aws_verdict_changes', 'cis_aws_runs'];

async function existingTables(knex: Knex): Promise<string[]> {
  const found: string[] = [];
  for (const table of TABLES) {
    if (await knex.schema.hasTable(table)) {
      found.push(table);
    }
  }
  return found;
}

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('migrations on %s', databaseId => {
  it('up creates the tables, down removes them, and up works again', async () => {
    const knex = await databases.init(databaseId);

    await knex.migrate.up({ directory: migrationsDir });
    expect(await existingTables(knex)).toEqual(TABLES);
    await knex('cis_aws_verdict_changes').insert({
      account_id: '000000000001',
      trail_arn: null,
      from_verdict: null,
      to_verdict: 'PASS',
      reason: null,
      changed_at: '2026-01-01T00:00:00.000Z',
      run_id: null,
    });
    expect(await knex('cis_aws_verdict_changes').select('to_verdict')).toEqual([
      { to_verdict: 'PASS' },
    ]);

    await knex.migrate.down({ directory: migrationsDir });
    expect(await existingTables(knex)).toEqual([]);

    await knex.migrate.up({ directory: migrationsDir });
    expect(await existingTables(knex)).toEqual(TABLES);
    expect(await knex('cis_aws_verdict_changes').select('to_verdict')).toEqual(
      [],
    );
  });

  it('latest creates the exception, evaluation-history and chain tables too, and rolls back cleanly', async () => {
    const knex = await databases.init(databaseId);
    const later = [
      'cis_aws_exceptions',
      'cis_aws_exception_events',
      'cis_aws_notification_states',
      'cis_aws_evaluation_history',
      'cis_aws_evidence_chains',
    ];
    await knex.migrate.latest({ directory: migrationsDir });
    for (const table of [...TABLES, ...later]) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
    await knex.migrate.rollback({ directory: migrationsDir }, true);
    for (const table of [...TABLES, ...later]) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }
  });
});

describe.each(databases.eachSupportedId())(
  'carrying daily results into the evidence chain on %s',
  databaseId => {
    it('keeps every daily evaluation and change, chained so that verify holds', async () => {
      const knex = await databases.init(databaseId);
      // Up to the daily-results migration: the schema before the evidence chain.
      for (let i = 0; i < 3; i += 1) {
        await knex.migrate.up({ directory: migrationsDir });
      }
      const id = accountId(7);
      const day1 = anEvaluation(id, 'PASS', { minute: 60 });
      const day2 = anEvaluation(id, 'FAIL', { minute: 24 * 60 + 60 });
      await knex('cis_aws_daily_results').insert(
        [day1, day2].map(evaluation => ({
          account_id: id,
          day: evaluation.evaluatedAt.slice(0, 10),
          evaluated_at: evaluation.evaluatedAt,
          verdict: evaluation.verdict,
          reason: evaluation.reason ?? null,
          evaluation: JSON.stringify(evaluation),
        })),
      );
      await knex('cis_aws_verdict_changes').insert([
        {
          account_id: id,
          trail_arn: null,
          from_verdict: null,
          to_verdict: 'PASS',
          reason: null,
          changed_at: day1.evaluatedAt,
          run_id: null,
        },
        {
          account_id: id,
          trail_arn: null,
          from_verdict: 'PASS',
          to_verdict: 'FAIL',
          reason: 'TRAIL_FAILED',
          changed_at: day2.evaluatedAt,
          run_id: 'run-2',
        },
      ]);

      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('cis_aws_daily_results')).toBe(false);
      const store = await DatabaseEvaluationStore.create({
        database: mockServices.database({ knex }),
      });
      expect(await store.verifyChain(id)).toEqual({
        links: 4,
        head: { seq: 4, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      });
      expect(
        (await store.getEvaluationAt(id, new Date(at(24 * 60))))?.verdict,
      ).toBe('PASS');
      expect(
        (await store.getEvaluationRecordAt(id, new Date(at(3 * 24 * 60))))
          ?.evaluation,
      ).toEqual(day2);
      // The next save continues the carried-over chain.
      await store.saveResult({
        mapping: aMapping(id),
        evaluation: anEvaluation(id, 'PASS', { minute: 2 * 24 * 60 }),
      });
      const verified = await store.verifyChain(id);
      expect(verified.broken).toBeUndefined();
      expect(verified.head?.seq).toBeGreaterThan(4);

      await knex.migrate.rollback({ directory: migrationsDir });
      expect(
        await knex('cis_aws_daily_results')
          .select('day', 'verdict')
          .orderBy('day'),
      ).toEqual([
        { day: '2026-01-01', verdict: 'PASS' },
        { day: '2026-01-02', verdict: 'FAIL' },
        { day: '2026-01-03', verdict: 'PASS' },
      ]);
    });
  },
);
