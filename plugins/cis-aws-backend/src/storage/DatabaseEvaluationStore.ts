import { randomUUID } from 'node:crypto';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  AccountEvaluation,
  AccountMapping,
  EvaluationRun,
  VerdictChange,
} from '@cis-aws/plugin-cis-aws-common';
import { Knex } from 'knex';
import {
  AccountPage,
  AccountQuery,
  EvaluationStore,
  SaveOutcome,
  StoredAccountDetail,
} from './EvaluationStore';
import {
  buildAccountRow,
  detailFromRow,
  evaluationFromRow,
  mappingColumns,
  summaryFromRow,
} from './accountRows';
import { MAX_LIMIT, pageAccounts } from './accountListing';
import { runFromRow } from './runRows';
import {
  ACCOUNTS_TABLE,
  ACCOUNT_SUMMARY_COLUMNS,
  AccountRow,
  AccountSummaryRow,
  DbTimestamp,
  RUNS_TABLE,
  RunRow,
  VERDICT_CHANGES_TABLE,
  VerdictChangeRow,
  readTimestamp,
  toIsoUtc,
} from './tables';
import { changeFromRow, changeToRow, diffVerdicts } from './verdictChanges';

const migrationsDir = resolvePackagePath(
  '@cis-aws/plugin-cis-aws-backend',
  'migrations',
);

const ACCOUNT_ID_PATTERN = /^\d{12}$/;

function isOlder(evaluatedAt: string, storedEvaluatedAt: DbTimestamp): boolean {
  return (
    Date.parse(toIsoUtc(evaluatedAt)) <
    Date.parse(readTimestamp(storedEvaluatedAt))
  );
}

/**
 * On a SQLite file, every committed save would otherwise wait for an fsync
 * (about 10 ms here), and better-sqlite3 waits synchronously, stalling the
 * whole backend for each account saved. Write-ahead logging with
 * synchronous=NORMAL syncs at checkpoints instead: the database stays
 * consistent, and at worst the last moments of results are lost on a power
 * cut — results the next run recomputes.
 */
async function tuneSqlite(db: Knex) {
  const client = String(db.client.config.client ?? '');
  if (!client.includes('sqlite')) return;
  const [{ journal_mode: mode } = { journal_mode: '' }] = await db.raw(
    'PRAGMA journal_mode',
  );
  if (mode === 'memory') return;
  await db.raw('PRAGMA journal_mode = WAL');
  await db.raw('PRAGMA synchronous = NORMAL');
}

/** The knex implementation of EvaluationStore, on SQLite and PostgreSQL. */
export class DatabaseEvaluationStore implements EvaluationStore {
  static async create(options: {
    database: DatabaseService;
    /** The clock of run records; tests pin it. */
    now?: () => Date;
  }): Promise<DatabaseEvaluationStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    await tuneSqlite(client);
    return new DatabaseEvaluationStore(
      client,
      options.now ?? (() => new Date()),
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly now: () => Date,
  ) {}

  async saveResult(input: {
    mapping: AccountMapping;
    evaluation: AccountEvaluation;
    runId?: string;
  }): Promise<SaveOutcome> {
    const { mapping, evaluation, runId } = input;
    if (!ACCOUNT_ID_PATTERN.test(mapping.accountId)) {
      throw new InputError(
        `Not a 12-digit AWS account id: ${mapping.accountId}`,
      );
    }
    if (evaluation.accountId !== mapping.accountId) {
      throw new InputError(
        `The evaluation of ${evaluation.accountId} cannot be saved for account ${mapping.accountId}`,
      );
    }

    return this.db.transaction(async trx => {
      // The row lock makes concurrent saves of one account on PostgreSQL take turns, so each
      // change is recorded once; SQLite serializes write transactions anyway.
      const previous: AccountRow | undefined = await trx<AccountRow>(
        ACCOUNTS_TABLE,
      )
        .where('account_id', mapping.accountId)
        .forUpdate()
        .first();
      if (previous && isOlder(evaluation.evaluatedAt, previous.evaluated_at)) {
        // A slower, overlapping run must not hide a newer result, nor write history backwards.
        return {
          trailChanges: [],
          summary: summaryFromRow(previous),
          outdated: true,
        };
      }
      const diff = diffVerdicts({
        previous: previous ? evaluationFromRow(previous) : undefined,
        next: evaluation,
        runId,
      });
      const row = buildAccountRow({ mapping, evaluation, previous });
      await trx<AccountRow>(ACCOUNTS_TABLE)
        .insert(row)
        .onConflict('account_id')
        .merge();

      const changes: VerdictChange[] = [
        ...(diff.accountChange ? [diff.accountChange] : []),
        ...diff.trailChanges,
      ];
      if (changes.length > 0) {
        await trx<VerdictChangeRow>(VERDICT_CHANGES_TABLE).insert(
          changes.map(changeToRow),
        );
      }
      return {
        accountChange: diff.accountChange,
        trailChanges: diff.trailChanges,
        summary: summaryFromRow(row),
      };
    });
  }

  async updateMappings(mappings: AccountMapping[]): Promise<void> {
    if (mappings.length === 0) {
      return;
    }
    await this.db.transaction(async trx => {
      // Read the current mappings of every row (small columns only) rather than naming the
      // accounts in an IN list, and write only the rows whose place in the catalog moved.
      const current = await trx<AccountRow>(ACCOUNTS_TABLE).select(
        'account_id',
        'entity_ref',
        'title',
        'owner_ref',
        'system_ref',
      );
      const currentById = new Map(current.map(row => [row.account_id, row]));
      for (const mapping of mappings) {
        const existing = currentById.get(mapping.accountId);
        if (!existing) {
          continue; // Only evaluated accounts have a row; saveResult creates it.
        }
        const columns = mappingColumns(mapping);
        const moved =
          existing.entity_ref !== columns.entity_ref ||
          existing.title !== columns.title ||
          existing.owner_ref !== columns.owner_ref ||
          existing.system_ref !== columns.system_ref;
        if (moved) {
          await trx<AccountRow>(ACCOUNTS_TABLE)
            .where('account_id', mapping.accountId)
            .update(columns);
        }
      }
    });
  }

  async getAccount(
    accountId: string,
  ): Promise<StoredAccountDetail | undefined> {
    const row: AccountRow | undefined = await this.db<AccountRow>(
      ACCOUNTS_TABLE,
    )
      .where('account_id', accountId)
      .first();
    return row ? detailFromRow(row) : undefined;
  }

  async listAccounts(query: AccountQuery): Promise<AccountPage> {
    const builder = this.db<AccountRow>(ACCOUNTS_TABLE).select([
      ...ACCOUNT_SUMMARY_COLUMNS,
    ]);
    if (query.verdicts && query.verdicts.length > 0) {
      // At most five values, and indexed: the one filter worth doing in SQL.
      builder.whereIn('verdict', query.verdicts);
    }
    const rows: AccountSummaryRow[] = await builder;
    return pageAccounts(rows.map(summaryFromRow), query);
  }

  async getHistory(
    accountId: string,
    range?: { from?: Date; to?: Date },
  ): Promise<VerdictChange[]> {
    const builder = this.db<VerdictChangeRow>(VERDICT_CHANGES_TABLE)
      .where('account_id', accountId)
      .orderBy([
        { column: 'changed_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    if (range?.from) {
      builder.where('changed_at', '>=', toIsoUtc(range.from));
    }
    if (range?.to) {
      builder.where('changed_at', '<=', toIsoUtc(range.to));
    }
    const rows: VerdictChangeRow[] = await builder;
    return rows.map(changeFromRow);
  }

  async startRun(
    trigger: EvaluationRun['trigger'],
    accountsTotal: number,
  ): Promise<string> {
    const id = randomUUID();
    const row: RunRow = {
      id,
      trigger,
      started_at: this.now().toISOString(),
      finished_at: null,
      status: 'running',
      accounts_total: accountsTotal,
      accounts_evaluated: 0,
      accounts_errored: 0,
      calls: '{}',
      errors: '[]',
    };
    await this.db<RunRow>(RUNS_TABLE).insert(row);
    return id;
  }

  async finishRun(
    runId: string,
    outcome: Pick<
      EvaluationRun,
      'status' | 'accountsEvaluated' | 'accountsErrored' | 'calls' | 'errors'
    >,
  ): Promise<void> {
    const updated = await this.db<RunRow>(RUNS_TABLE)
      .where('id', runId)
      .update({
        finished_at: this.now().toISOString(),
        status: outcome.status,
        accounts_evaluated: outcome.accountsEvaluated,
        accounts_errored: outcome.accountsErrored,
        calls: JSON.stringify(outcome.calls),
        errors: JSON.stringify(outcome.errors),
      });
    if (updated === 0) {
      throw new NotFoundError(`No evaluation run ${runId}`);
    }
  }

  async listRuns(limit: number): Promise<EvaluationRun[]> {
    const count = Number.isFinite(limit)
      ? Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)))
      : 1;
    const rows: RunRow[] = await this.db<RunRow>(RUNS_TABLE)
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(count);
    return rows.map(runFromRow);
  }
}
