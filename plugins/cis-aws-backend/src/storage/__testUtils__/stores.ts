import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { Verdict } from '@cis-aws/plugin-cis-aws-common';
import { DatabaseEvaluationStore } from '../DatabaseEvaluationStore';
import { buildAccountRow } from '../accountRows';
import { AccountRow } from '../tables';
import { aMapping, accountId, anEvaluation } from '../__fixtures__/evaluations';

/** Every database the store supports; those without a connection string (or Docker) are skipped. */
export function createTestDatabases(): TestDatabases {
  return TestDatabases.create({
    ids: [
      'POSTGRES_18',
      'POSTGRES_17',
      'POSTGRES_16',
      'POSTGRES_15',
      'SQLITE_3',
    ],
  });
}

/** A fresh, migrated store on an empty database. */
export async function createStore(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
  options: { now?: () => Date } = {},
): Promise<{ knex: Knex; store: DatabaseEvaluationStore }> {
  const knex = await databases.init(databaseId);
  const store = await DatabaseEvaluationStore.create({
    database: mockServices.database({ knex }),
    now: options.now,
  });
  return { knex, store };
}

/** Writes many rows at once (saving 10,000 one by one takes tens of seconds on PostgreSQL). */
export async function seedAccounts(
  knex: Knex,
  count: number,
  verdictOf: (n: number) => Verdict,
  /** Default: every account is group:default/platform's. */
  ownerOf?: (n: number) => string,
) {
  const rows: AccountRow[] = [];
  for (let n = 1; n <= count; n += 1) {
    const id = accountId(n);
    rows.push(
      buildAccountRow({
        mapping: aMapping(id, {
          title: `Account ${String(n).padStart(5, '0')}`,
          ...(ownerOf ? { ownerRef: ownerOf(n) } : {}),
        }),
        evaluation: anEvaluation(id, verdictOf(n)),
      }),
    );
  }
  await knex.batchInsert('cis_aws_accounts', rows, 200);
}

/**
 * Saves the demo evaluation of `account` with `verdict` at `minute` (see `anEvaluation`): the
 * one-line history step the store's tests are written in.
 */
export function saveVerdictAt(
  store: DatabaseEvaluationStore,
  account: string,
  verdict: Verdict,
  minute: number,
  runId?: string,
) {
  return store.saveResult({
    mapping: aMapping(account),
    evaluation: anEvaluation(account, verdict, { minute }),
    runId,
  });
}
