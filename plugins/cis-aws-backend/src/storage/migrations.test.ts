import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { createTestDatabases } from './__testUtils__/stores';

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

  it('latest creates the exception and daily-result tables too, and rolls back cleanly', async () => {
    const knex = await databases.init(databaseId);
    const later = [
      'cis_aws_exceptions',
      'cis_aws_exception_events',
      'cis_aws_daily_results',
      'cis_aws_notification_states',
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
