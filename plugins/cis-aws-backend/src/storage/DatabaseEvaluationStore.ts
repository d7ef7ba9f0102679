import { randomUUID } from 'node:crypto';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  AccountEvaluation,
  AccountMapping,
  ComplianceException,
  EvaluationRun,
  EvidenceVerification,
  ExceptionAuditEvent,
  VerdictChange,
} from '@cis-aws/plugin-cis-aws-common';
import { Knex } from 'knex';
import {
  AccountPage,
  AccountQuery,
  EvaluationStore,
  ExceptionStore,
  NewException,
  OwnerCounts,
  SaveOutcome,
  StoredAccountDetail,
} from './EvaluationStore';
import {
  eventFromRow,
  exceptionFromRow,
  exceptionToRow,
} from './exceptionRows';
import {
  buildAccountRow,
  detailFromRow,
  evaluationFromRow,
  mappingColumns,
  summaryFromRow,
} from './accountRows';
import {
  Dialect,
  MAX_LIMIT,
  applyAccountFilter,
  applyAccountOrder,
  dialectOf,
  emptyTotals,
  matchesNothing,
  pageBounds,
  totalsFromCounts,
  whereInSet,
} from './accountListing';
import { runFromRow } from './runRows';
import {
  ACCOUNTS_TABLE,
  ACCOUNT_SUMMARY_COLUMNS,
  AccountRow,
  AccountSummaryRow,
  DAILY_RESULTS_TABLE,
  DailyResultRow,
  DbTimestamp,
  EXCEPTIONS_TABLE,
  EXCEPTION_EVENTS_TABLE,
  ExceptionEventRow,
  ExceptionRow,
  RUNS_TABLE,
  RunRow,
  VERDICT_CHANGES_TABLE,
  VerdictChangeRow,
  orUndefined,
  readTimestamp,
  readVerdict,
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

/** The UTC day of an ISO time, YYYY-MM-DD. */
function utcDay(iso: string): string {
  return toIsoUtc(iso).slice(0, 10);
}

/** The knex implementation of EvaluationStore and ExceptionStore, on SQLite and PostgreSQL. */
export class DatabaseEvaluationStore
  implements EvaluationStore, ExceptionStore
{
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

  private readonly dialect: Dialect;

  private constructor(
    private readonly db: Knex,
    private readonly now: () => Date,
  ) {
    this.dialect = dialectOf(db);
  }

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
      // The day's row keeps the day's last evaluation: evidence of recurring verification.
      await trx<DailyResultRow>(DAILY_RESULTS_TABLE)
        .insert({
          account_id: mapping.accountId,
          day: utcDay(evaluation.evaluatedAt),
          evaluated_at: row.evaluated_at,
          verdict: row.verdict,
          reason: row.reason,
          evaluation: row.evaluation,
        })
        .onConflict(['account_id', 'day'])
        .merge();
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
    if (matchesNothing(query)) {
      return { items: [], totalCount: 0, totals: emptyTotals() };
    }
    const { offset, limit } = pageBounds(query);
    const filtered = () => {
      const builder = this.db<AccountRow>(ACCOUNTS_TABLE);
      applyAccountFilter(builder, this.dialect, query);
      return builder;
    };
    const pageQuery = filtered().select([...ACCOUNT_SUMMARY_COLUMNS]);
    applyAccountOrder(pageQuery, query.orderBy);
    pageQuery.offset(offset).limit(limit);
    const [rows, counts] = await Promise.all([
      pageQuery as Promise<AccountSummaryRow[]>,
      filtered()
        .select('verdict')
        .count({ count: '*' })
        .groupBy('verdict') as Promise<
        Array<{ verdict: string; count: number | string }>
      >,
    ]);
    const totals = totalsFromCounts(counts);
    return {
      items: rows.map(summaryFromRow),
      totalCount: Object.values(totals).reduce((sum, n) => sum + n, 0),
      totals,
    };
  }

  async listEntityRefs(): Promise<string[]> {
    const rows: Array<{ entity_ref_lower: string }> = await this.db<AccountRow>(
      ACCOUNTS_TABLE,
    ).distinct('entity_ref_lower');
    return rows.map(row => row.entity_ref_lower);
  }

  async countAccountsByOwner(
    query: Pick<AccountQuery, 'readableEntityRefs' | 'hiddenEntityRefs'>,
  ): Promise<OwnerCounts[]> {
    if (matchesNothing(query)) return [];
    const builder = this.db<AccountRow>(ACCOUNTS_TABLE)
      .select('owner_ref', 'verdict')
      .count({ count: '*' })
      .groupBy('owner_ref', 'verdict');
    applyAccountFilter(builder, this.dialect, query);
    const rows = (await builder) as Array<{
      owner_ref: string | null;
      verdict: string;
      count: number | string;
    }>;
    const byOwner = new Map<string | null, OwnerCounts>();
    for (const row of rows) {
      let owner = byOwner.get(row.owner_ref);
      if (!owner) {
        owner = {
          ...(row.owner_ref === null ? {} : { ownerRef: row.owner_ref }),
          totals: emptyTotals(),
        };
        byOwner.set(row.owner_ref, owner);
      }
      owner.totals[readVerdict(row.verdict)] += Number(row.count);
    }
    return [...byOwner.values()];
  }

  async listEvaluatedAccountIds(
    accountIds: readonly string[],
  ): Promise<string[]> {
    if (accountIds.length === 0) return [];
    const builder = this.db<AccountRow>(ACCOUNTS_TABLE).select('account_id');
    whereInSet(builder, this.dialect, 'account_id', [...new Set(accountIds)]);
    const rows: Array<{ account_id: string }> = await builder;
    return rows.map(row => row.account_id);
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

  async getEvaluationAt(
    accountId: string,
    at: Date,
  ): Promise<AccountEvaluation | undefined> {
    const atIso = toIsoUtc(at);
    const current: AccountRow | undefined = await this.db<AccountRow>(
      ACCOUNTS_TABLE,
    )
      .where('account_id', accountId)
      .where('evaluated_at', '<=', atIso)
      .first();
    if (current) {
      return evaluationFromRow(current);
    }
    const daily: DailyResultRow | undefined = await this.db<DailyResultRow>(
      DAILY_RESULTS_TABLE,
    )
      .where('account_id', accountId)
      .where('evaluated_at', '<=', atIso)
      .orderBy('evaluated_at', 'desc')
      .first();
    return daily
      ? (JSON.parse(daily.evaluation) as AccountEvaluation)
      : undefined;
  }

  async listVerifications(
    accountId: string,
    range: { from: Date; to: Date },
  ): Promise<EvidenceVerification[]> {
    const rows: Omit<DailyResultRow, 'evaluation'>[] =
      await this.db<DailyResultRow>(DAILY_RESULTS_TABLE)
        .select('account_id', 'day', 'evaluated_at', 'verdict', 'reason')
        .where('account_id', accountId)
        .where('evaluated_at', '>=', toIsoUtc(range.from))
        .where('evaluated_at', '<=', toIsoUtc(range.to))
        .orderBy('day', 'asc');
    return rows.map(row => {
      const verification: EvidenceVerification = {
        date: row.day,
        evaluatedAt: readTimestamp(row.evaluated_at),
        verdict: readVerdict(row.verdict),
      };
      const reason = orUndefined(row.reason);
      return reason ? { ...verification, reason } : verification;
    });
  }

  async pruneHistory(
    before: Date,
  ): Promise<{ changes: number; verifications: number; runs: number }> {
    const cutoff = toIsoUtc(before);
    return this.db.transaction(async trx => {
      // Each account's latest change of its own verdict stays, however old: it says since
      // when the account has had its verdict.
      const latestAccountChanges = trx(VERDICT_CHANGES_TABLE)
        .max('id')
        .whereNull('trail_arn')
        .groupBy('account_id');
      const changes = await trx(VERDICT_CHANGES_TABLE)
        .where('changed_at', '<', cutoff)
        .whereNotIn('id', latestAccountChanges)
        .delete();
      const verifications = await trx(DAILY_RESULTS_TABLE)
        .where('day', '<', cutoff.slice(0, 10))
        .delete();
      const runs = await trx(RUNS_TABLE)
        .where('started_at', '<', cutoff)
        .whereNot('status', 'running')
        .delete();
      return { changes, verifications, runs };
    });
  }

  async createException(input: NewException): Promise<ComplianceException> {
    if (!ACCOUNT_ID_PATTERN.test(input.accountId)) {
      throw new InputError(`Not a 12-digit AWS account id: ${input.accountId}`);
    }
    const row = exceptionToRow(randomUUID(), input);
    const exception = exceptionFromRow(row);
    await this.db.transaction(async trx => {
      await trx<ExceptionRow>(EXCEPTIONS_TABLE).insert(row);
      await trx<ExceptionEventRow>(EXCEPTION_EVENTS_TABLE).insert({
        exception_id: row.id,
        account_id: row.account_id,
        action: 'CREATED',
        actor: input.createdBy,
        at: row.created_at,
        details: JSON.stringify(exception),
      });
    });
    return exception;
  }

  async revokeException(
    id: string,
    input: { actor: string; at: string; reason?: string },
  ): Promise<ComplianceException | undefined> {
    return this.db.transaction(async trx => {
      const row: ExceptionRow | undefined = await trx<ExceptionRow>(
        EXCEPTIONS_TABLE,
      )
        .where('id', id)
        .forUpdate()
        .first();
      if (!row) return undefined;
      if (row.revoked_at !== null) {
        throw new ConflictError(
          `Exception ${id} was already revoked at ${readTimestamp(
            row.revoked_at,
          )} by ${row.revoked_by}`,
        );
      }
      const at = toIsoUtc(input.at);
      const update = {
        revoked_at: at,
        revoked_by: input.actor,
        revoke_reason: input.reason ?? null,
      };
      await trx<ExceptionRow>(EXCEPTIONS_TABLE).where('id', id).update(update);
      await trx<ExceptionEventRow>(EXCEPTION_EVENTS_TABLE).insert({
        exception_id: id,
        account_id: row.account_id,
        action: 'REVOKED',
        actor: input.actor,
        at,
        details: JSON.stringify(
          input.reason === undefined ? {} : { reason: input.reason },
        ),
      });
      return exceptionFromRow({ ...row, ...update });
    });
  }

  async getException(id: string): Promise<ComplianceException | undefined> {
    const row: ExceptionRow | undefined = await this.db<ExceptionRow>(
      EXCEPTIONS_TABLE,
    )
      .where('id', id)
      .first();
    return row ? exceptionFromRow(row) : undefined;
  }

  async listExceptions(
    query: { accountIds?: string[]; activeAt?: Date } = {},
  ): Promise<ComplianceException[]> {
    if (query.accountIds && query.accountIds.length === 0) return [];
    const builder = this.db<ExceptionRow>(EXCEPTIONS_TABLE).orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'asc' },
    ]);
    if (query.accountIds) {
      builder.whereIn('account_id', query.accountIds);
    }
    if (query.activeAt) {
      const at = toIsoUtc(query.activeAt);
      builder
        .where('created_at', '<=', at)
        .where('expires_at', '>', at)
        .where(active =>
          active.whereNull('revoked_at').orWhere('revoked_at', '>', at),
        );
    }
    const rows: ExceptionRow[] = await builder;
    return rows.map(exceptionFromRow);
  }

  async listExceptionEvents(accountId: string): Promise<ExceptionAuditEvent[]> {
    const rows: ExceptionEventRow[] = await this.db<ExceptionEventRow>(
      EXCEPTION_EVENTS_TABLE,
    )
      .where('account_id', accountId)
      .orderBy([
        { column: 'at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(eventFromRow);
  }
}
