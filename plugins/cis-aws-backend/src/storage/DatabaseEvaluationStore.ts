import { randomUUID } from 'node:crypto';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  AccountEvaluation,
  AccountMapping,
  DETECTION_VERDICTS,
  DetectionVerdict,
  EvaluationRun,
  EvidenceVerification,
  VerdictChange,
  FailureEpisode,
  VerdictTotals,
} from '@cis-aws/plugin-cis-aws-common';
import { Knex } from 'knex';
import {
  AccountPage,
  AccountQuery,
  ChainHead,
  DailyVerdictCounts,
  EvaluationRecord,
  EvaluationStore,
  EvidenceChainStore,
  ExceptionStore,
  OwnerCounts,
  OwnerEpisodes,
  SaveOutcome,
  SystemCounts,
  StoredAccountDetail,
} from './EvaluationStore';
import { DatabaseExceptionStore } from './DatabaseExceptionStore';
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
  accountFilter,
  applyAccountFilter,
  applyAccountOrder,
  dialectOf,
  emptyDetectionCounts,
  emptyTotals,
  matchesNothing,
  pageBounds,
  totalsFromCounts,
  whereInSet,
} from './accountListing';
import { runFromRow } from './runRows';
import { listOwnerEpisodes } from './ownerFailureAge';
import {
  advanceEpisodes,
  listEpisodes,
  openAccountEpisodeStarts,
  openEpisodeStart,
} from './failureEpisodes';
import { DatabaseRunCoordination } from './runCoordination';
import {
  CONTROL_CHANGES_TABLE,
  CONTROL_RESULTS_TABLE,
  DatabaseControlResultStore,
  controlListingColumn,
  controlListings,
} from './DatabaseControlResultStore';
import { DETECTION_CONTROL } from '../rules/controls';
import {
  ACCOUNTS_TABLE,
  ACCOUNT_SUMMARY_COLUMNS,
  AccountRow,
  AccountSummaryRow,
  DbTimestamp,
  EVALUATION_HISTORY_TABLE,
  EVIDENCE_CHAINS_TABLE,
  EvaluationHistoryRow,
  EvidenceChainRow,
  EXCEPTION_EVENTS_TABLE,
  ExceptionEventRow,
  RUNS_TABLE,
  RunRow,
  VERDICT_CHANGES_TABLE,
  VerdictChangeRow,
  orUndefined,
  readTimestamp,
  readVerdict,
  toIsoUtc,
} from './tables';
import {
  changeFromRow,
  changeToRow,
  diffVerdicts,
  LastKnownVerdict,
} from './verdictChanges';
import {
  appendToChain,
  BrokenLink,
  ChainTable,
  changeRecordContent,
  evaluationRecordContent,
  readLinks,
  verifyLinks,
} from './evidenceChain';

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
/**
 * The verdict the history last recorded for each trail of `next` that `previous` lacks (a trail
 * an earlier run could not read): what its change is recorded from.
 */
async function lastKnownTrailVerdicts(
  trx: Knex.Transaction,
  next: AccountEvaluation,
  previous: AccountEvaluation,
): Promise<Map<string, LastKnownVerdict>> {
  const known = new Set(previous.trails.map(trail => trail.trailArn));
  const returning = next.trails
    .map(trail => trail.trailArn)
    .filter(arn => !known.has(arn));
  const found = new Map<string, LastKnownVerdict>();
  if (returning.length === 0) return found;
  const rows: VerdictChangeRow[] = await trx<VerdictChangeRow>(
    VERDICT_CHANGES_TABLE,
  )
    .where('account_id', next.accountId)
    .whereIn('trail_arn', returning)
    .orderBy('id', 'desc');
  for (const row of rows) {
    if (row.trail_arn && !found.has(row.trail_arn)) {
      const change = changeFromRow(row);
      found.set(row.trail_arn, { verdict: change.to, reason: change.reason });
    }
  }
  return found;
}

function utcDay(iso: string): string {
  return toIsoUtc(iso).slice(0, 10);
}

/** The knex implementation of EvaluationStore and ExceptionStore, on SQLite and PostgreSQL. */
export class DatabaseEvaluationStore
  implements EvaluationStore, ExceptionStore, EvidenceChainStore
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

  private readonly exceptions: ExceptionStore;
  private readonly dialect: Dialect;

  private constructor(
    private readonly db: Knex,
    private readonly now: () => Date,
  ) {
    this.exceptions = DatabaseExceptionStore.create({ db });
    this.dialect = dialectOf(db);
  }

  /** Results of the controls besides 2.4, on the same database (see ControlResultStore). */
  controls(): DatabaseControlResultStore {
    return new DatabaseControlResultStore(this.db);
  }

  /** Leases and run queues on the same database (see DatabaseRunCoordination). */
  coordination(): DatabaseRunCoordination {
    return new DatabaseRunCoordination(this.db, this.now);
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
        const starts = await openAccountEpisodeStarts(trx, [mapping.accountId]);
        return {
          trailChanges: [],
          summary: summaryFromRow({
            ...previous,
            failing_since: starts.get(mapping.accountId),
          }),
          outdated: true,
        };
      }
      const previousEvaluation = previous
        ? evaluationFromRow(previous)
        : undefined;
      const diff = diffVerdicts({
        previous: previousEvaluation,
        next: evaluation,
        runId,
        lastKnownTrails: previousEvaluation
          ? await lastKnownTrailVerdicts(trx, evaluation, previousEvaluation)
          : undefined,
      });
      const row = buildAccountRow({ mapping, evaluation, previous });
      await trx<AccountRow>(ACCOUNTS_TABLE)
        .insert(row)
        .onConflict('account_id')
        .merge();
      const failingSince = await advanceEpisodes(trx, evaluation);

      const changes: VerdictChange[] = [
        ...(diff.accountChange ? [diff.accountChange] : []),
        ...diff.trailChanges,
      ];
      // The evaluation is kept as evidence when it changed a verdict or reason, and as the
      // day's verification when it is the account's first of its UTC day.
      const day = utcDay(evaluation.evaluatedAt);
      const keep =
        changes.length > 0 ||
        !(await trx<EvaluationHistoryRow>(EVALUATION_HISTORY_TABLE)
          .where('account_id', mapping.accountId)
          .where('evaluated_at', '>=', `${day}T00:00:00.000Z`)
          .first('id'));
      const kept = keep
        ? {
            account_id: mapping.accountId,
            evaluated_at: row.evaluated_at,
            day,
            verdict: row.verdict,
            reason: row.reason,
            changed: changes.length > 0,
            evaluation: row.evaluation,
          }
        : undefined;
      const changeRows = changes.map(changeToRow);
      const stamps = await appendToChain(trx, mapping.accountId, [
        ...(kept
          ? [
              {
                table: EVALUATION_HISTORY_TABLE as ChainTable,
                record: evaluationRecordContent(kept),
              },
            ]
          : []),
        ...changeRows.map(changeRow => ({
          table: VERDICT_CHANGES_TABLE as ChainTable,
          record: changeRecordContent(changeRow),
        })),
      ]);
      if (kept) {
        await trx<EvaluationHistoryRow>(EVALUATION_HISTORY_TABLE).insert({
          ...kept,
          ...stamps[0],
        });
      }
      if (changeRows.length > 0) {
        const offset = kept ? 1 : 0;
        await trx<VerdictChangeRow>(VERDICT_CHANGES_TABLE).insert(
          changeRows.map((changeRow, i) => ({
            ...changeRow,
            ...stamps[offset + i],
          })),
        );
      }
      return {
        accountChange: diff.accountChange,
        trailChanges: diff.trailChanges,
        summary: summaryFromRow({ ...row, failing_since: failingSince }),
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
    if (!row) return undefined;
    const [starts, detection] = await Promise.all([
      openAccountEpisodeStarts(this.db, [accountId]),
      controlListings(this.db, DETECTION_CONTROL.id, [accountId]),
    ]);
    const listing = detection.get(accountId);
    return detailFromRow({
      ...row,
      failing_since: starts.get(accountId),
      detection_listing: listing ? JSON.stringify(listing) : null,
    });
  }

  async listAccounts(query: AccountQuery): Promise<AccountPage> {
    if (matchesNothing(query)) {
      return { items: [], totalCount: 0, totals: emptyTotals() };
    }
    const { offset, limit } = pageBounds(query);
    const applyFilter = accountFilter(this.dialect, query);
    const filtered = () => {
      const builder = this.db<AccountRow>(ACCOUNTS_TABLE);
      applyFilter(builder);
      return builder;
    };
    // "Failing since" in the same statement: the open account episode, through its index.
    const pageQuery = filtered().select([
      ...ACCOUNT_SUMMARY_COLUMNS,
      openEpisodeStart(this.db).as('failing_since'),
      controlListingColumn(this.db, DETECTION_CONTROL.id).as(
        'detection_listing',
      ),
    ]);
    applyAccountOrder(pageQuery, query.orderBy);
    pageQuery.offset(offset).limit(limit);
    const [rows, counts] = await Promise.all([
      pageQuery as unknown as Promise<AccountSummaryRow[]>,
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
    return (await this.countAccountsBy('owner_ref', query)).map(
      ({ ref, ...counts }) =>
        ref === null ? counts : { ownerRef: ref, ...counts },
    );
  }

  async listOwnerEpisodes(
    query: Pick<AccountQuery, 'readableEntityRefs' | 'hiddenEntityRefs'>,
    period: { from: Date; to: Date },
  ): Promise<OwnerEpisodes[]> {
    return listOwnerEpisodes(this.db, this.dialect, query, period);
  }

  async countAccountsBySystem(
    query: Pick<AccountQuery, 'readableEntityRefs' | 'hiddenEntityRefs'>,
  ): Promise<SystemCounts[]> {
    return (await this.countAccountsBy('system_ref', query)).map(
      ({ ref, ...counts }) =>
        ref === null ? counts : { systemRef: ref, ...counts },
    );
  }

  /**
   * Accounts per verdict and per detection verdict, grouped by a ref column, over the accounts
   * the filter lets through: one statement, the detection result joined on (account, control).
   */
  private async countAccountsBy(
    column: 'owner_ref' | 'system_ref',
    query: Pick<AccountQuery, 'readableEntityRefs' | 'hiddenEntityRefs'>,
  ): Promise<
    Array<{
      ref: string | null;
      totals: VerdictTotals;
      detection: Record<DetectionVerdict, number>;
    }>
  > {
    if (matchesNothing(query)) return [];
    const builder = this.db<AccountRow>(ACCOUNTS_TABLE)
      .leftJoin(CONTROL_RESULTS_TABLE, join =>
        join
          .on(
            `${CONTROL_RESULTS_TABLE}.account_id`,
            `${ACCOUNTS_TABLE}.account_id`,
          )
          .andOnVal(
            `${CONTROL_RESULTS_TABLE}.control_id`,
            DETECTION_CONTROL.id,
          ),
      )
      .select({
        ref: `${ACCOUNTS_TABLE}.${column}`,
        verdict: `${ACCOUNTS_TABLE}.verdict`,
        detection_verdict: `${CONTROL_RESULTS_TABLE}.verdict`,
      })
      .count({ count: '*' })
      .groupBy(
        `${ACCOUNTS_TABLE}.${column}`,
        `${ACCOUNTS_TABLE}.verdict`,
        `${CONTROL_RESULTS_TABLE}.verdict`,
      );
    // The filter names only columns of the accounts table (entity_ref_lower).
    applyAccountFilter(builder, this.dialect, query);
    const rows = (await builder) as Array<{
      ref: string | null;
      verdict: string;
      detection_verdict: string | null;
      count: number | string;
    }>;
    const byRef = new Map<
      string | null,
      {
        ref: string | null;
        totals: VerdictTotals;
        detection: Record<DetectionVerdict, number>;
      }
    >();
    for (const row of rows) {
      let group = byRef.get(row.ref);
      if (!group) {
        group = {
          ref: row.ref,
          totals: emptyTotals(),
          detection: emptyDetectionCounts(),
        };
        byRef.set(row.ref, group);
      }
      const count = Number(row.count);
      group.totals[readVerdict(row.verdict)] += count;
      const detection = row.detection_verdict as DetectionVerdict | null;
      if (detection && DETECTION_VERDICTS.includes(detection)) {
        group.detection[detection] += count;
      }
    }
    return [...byRef.values()];
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

  async listEpisodes(
    accountId: string,
    range?: { from?: Date; to?: Date },
  ): Promise<FailureEpisode[]> {
    return listEpisodes(this.db, accountId, range);
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
    // The current result is the latest evaluation: when it is not newer than `at`, it is the one
    // in force (kept or not; if not kept, it changed nothing since the latest kept one).
    const current: AccountRow | undefined = await this.db<AccountRow>(
      ACCOUNTS_TABLE,
    )
      .where('account_id', accountId)
      .where('evaluated_at', '<=', toIsoUtc(at))
      .first();
    if (current) return evaluationFromRow(current);
    return (await this.getEvaluationRecordAt(accountId, at))?.evaluation;
  }

  async getEvaluationRecordAt(
    accountId: string,
    at: Date,
  ): Promise<EvaluationRecord | undefined> {
    const row: EvaluationHistoryRow | undefined =
      await this.db<EvaluationHistoryRow>(EVALUATION_HISTORY_TABLE)
        .where('account_id', accountId)
        .where('evaluated_at', '<=', toIsoUtc(at))
        .orderBy([
          { column: 'evaluated_at', order: 'desc' },
          { column: 'seq', order: 'desc' },
        ])
        .first();
    return row
      ? {
          evaluation: JSON.parse(row.evaluation) as AccountEvaluation,
          seq: row.seq,
          hash: row.hash,
        }
      : undefined;
  }

  async getChainHeadAt(
    accountId: string,
    at: Date,
  ): Promise<ChainHead | undefined> {
    const atIso = toIsoUtc(at);
    const [evaluation, change, event] = await Promise.all([
      this.db<EvaluationHistoryRow>(EVALUATION_HISTORY_TABLE)
        .select('seq', 'hash', 'evaluated_at')
        .where('account_id', accountId)
        .where('evaluated_at', '<=', atIso)
        .orderBy('seq', 'desc')
        .first(),
      this.db<VerdictChangeRow>(VERDICT_CHANGES_TABLE)
        .select('seq', 'hash', 'changed_at')
        .where('account_id', accountId)
        .where('changed_at', '<=', atIso)
        .whereNotNull('seq')
        .orderBy('seq', 'desc')
        .first(),
      this.db<ExceptionEventRow>(EXCEPTION_EVENTS_TABLE)
        .select('seq', 'hash', 'at')
        .where('account_id', accountId)
        .where('at', '<=', atIso)
        .whereNotNull('seq')
        .orderBy('seq', 'desc')
        .first(),
    ]);
    const heads: ChainHead[] = [];
    if (evaluation) {
      heads.push({
        accountId,
        seq: evaluation.seq,
        hash: evaluation.hash,
        table: EVALUATION_HISTORY_TABLE,
        at: readTimestamp(evaluation.evaluated_at),
      });
    }
    if (change?.seq && change.hash) {
      heads.push({
        accountId,
        seq: change.seq,
        hash: change.hash,
        table: VERDICT_CHANGES_TABLE,
        at: readTimestamp(change.changed_at),
      });
    }
    if (event?.seq && event.hash) {
      heads.push({
        accountId,
        seq: event.seq,
        hash: event.hash,
        table: EXCEPTION_EVENTS_TABLE,
        at: readTimestamp(event.at),
      });
    }
    return heads.sort((a, b) => b.seq - a.seq)[0];
  }

  async findLink(
    accountId: string,
    seq: number,
  ): Promise<
    { table: string; rowId: number; hash: string; at: string } | undefined
  > {
    const evaluation:
      | Pick<EvaluationHistoryRow, 'id' | 'hash' | 'evaluated_at'>
      | undefined = await this.db<EvaluationHistoryRow>(
      EVALUATION_HISTORY_TABLE,
    )
      .select('id', 'hash', 'evaluated_at')
      .where({ account_id: accountId, seq })
      .first();
    if (evaluation) {
      return {
        table: EVALUATION_HISTORY_TABLE,
        rowId: evaluation.id!,
        hash: evaluation.hash,
        at: readTimestamp(evaluation.evaluated_at),
      };
    }
    const change:
      | Pick<VerdictChangeRow, 'id' | 'hash' | 'changed_at'>
      | undefined = await this.db<VerdictChangeRow>(VERDICT_CHANGES_TABLE)
      .select('id', 'hash', 'changed_at')
      .where({ account_id: accountId, seq })
      .first();
    if (change?.hash) {
      return {
        table: VERDICT_CHANGES_TABLE,
        rowId: change.id!,
        hash: change.hash,
        at: readTimestamp(change.changed_at),
      };
    }
    const event: Pick<ExceptionEventRow, 'id' | 'hash' | 'at'> | undefined =
      await this.db<ExceptionEventRow>(EXCEPTION_EVENTS_TABLE)
        .select('id', 'hash', 'at')
        .where({ account_id: accountId, seq })
        .first();
    return event?.hash
      ? {
          table: EXCEPTION_EVENTS_TABLE,
          rowId: event.id!,
          hash: event.hash,
          at: readTimestamp(event.at),
        }
      : undefined;
  }

  async listChainAccounts(): Promise<string[]> {
    const ids = new Set<string>();
    for (const table of [
      EVIDENCE_CHAINS_TABLE,
      EVALUATION_HISTORY_TABLE,
      VERDICT_CHANGES_TABLE,
      EXCEPTION_EVENTS_TABLE,
    ]) {
      const rows: { account_id: string }[] = await this.db(table).distinct(
        'account_id',
      );
      rows.forEach(row => ids.add(row.account_id));
    }
    return [...ids].sort();
  }

  async verifyChain(accountId: string): Promise<{
    links: number;
    head?: { seq: number; hash: string };
    broken?: BrokenLink;
  }> {
    const { links, chain } = await readLinks(this.db, accountId);
    const broken = verifyLinks(accountId, links, chain);
    return {
      links: links.length,
      ...(chain
        ? { head: { seq: chain.head_seq, hash: chain.head_hash } }
        : {}),
      ...(broken ? { broken } : {}),
    };
  }

  async listVerifications(
    accountId: string,
    range: { from: Date; to: Date },
  ): Promise<EvidenceVerification[]> {
    const rows: Pick<
      EvaluationHistoryRow,
      'day' | 'evaluated_at' | 'verdict' | 'reason'
    >[] = await this.db<EvaluationHistoryRow>(EVALUATION_HISTORY_TABLE)
      .select('day', 'evaluated_at', 'verdict', 'reason')
      .where('account_id', accountId)
      .where('evaluated_at', '>=', toIsoUtc(range.from))
      .where('evaluated_at', '<=', toIsoUtc(range.to))
      .orderBy([
        { column: 'evaluated_at', order: 'asc' },
        { column: 'seq', order: 'asc' },
      ]);
    // Each day's last kept evaluation is that day's verification.
    const lastOfDay = new Map<string, (typeof rows)[number]>();
    for (const row of rows) lastOfDay.set(row.day, row);
    return [...lastOfDay.values()].map(row => {
      const verification: EvidenceVerification = {
        date: row.day,
        evaluatedAt: readTimestamp(row.evaluated_at),
        verdict: readVerdict(row.verdict),
      };
      const reason = orUndefined(row.reason);
      return reason ? { ...verification, reason } : verification;
    });
  }

  async countDailyVerdicts(
    query: Pick<
      AccountQuery,
      'accountIds' | 'readableEntityRefs' | 'hiddenEntityRefs'
    >,
    days: { from: string; to: string },
  ): Promise<DailyVerdictCounts[]> {
    // An empty accountIds list would not filter at all: no ids, no accounts.
    if (matchesNothing(query) || query.accountIds?.length === 0) return [];
    const accounts = this.db(ACCOUNTS_TABLE).select('account_id');
    applyAccountFilter(accounts, this.dialect, query);
    // Each account's last kept evaluation of each day (seq grows with time per account).
    const lastOfDay = this.db(EVALUATION_HISTORY_TABLE)
      .select('account_id')
      .max({ seq: 'seq' })
      .where('day', '>=', days.from)
      .where('day', '<=', days.to)
      .whereIn('account_id', accounts)
      .groupBy('account_id', 'day');
    const rows = (await this.db({ h: EVALUATION_HISTORY_TABLE })
      .join(lastOfDay.as('l'), function joinLast() {
        this.on('h.account_id', '=', 'l.account_id').andOn(
          'h.seq',
          '=',
          'l.seq',
        );
      })
      .select({ day: 'h.day', verdict: 'h.verdict' })
      .count({ count: '*' })
      .groupBy('h.day', 'h.verdict')
      .orderBy('h.day', 'asc')) as Array<{
      day: string;
      verdict: string;
      count: number | string;
    }>;
    const byDay = new Map<
      string,
      Array<{ verdict: string; count: number | string }>
    >();
    for (const row of rows) {
      const list = byDay.get(row.day) ?? [];
      list.push(row);
      byDay.set(row.day, list);
    }
    return [...byDay].map(([day, counts]) => ({
      day,
      totals: totalsFromCounts(counts),
    }));
  }

  async pruneHistory(
    before: Date,
  ): Promise<{ changes: number; verifications: number; runs: number }> {
    const cutoff = toIsoUtc(before);
    return this.db.transaction(async trx => {
      // Each account's latest change of its own verdict stays, however old: it says since
      // when the account has had its verdict. So does each trail's: a trail that comes back
      // after runs that could not read it changes from that verdict. Its latest kept
      // evaluation stays too: what a packet for now shows.
      const doomedChanges = () =>
        trx(VERDICT_CHANGES_TABLE)
          .where('changed_at', '<', cutoff)
          .whereNotIn(
            'id',
            trx(VERDICT_CHANGES_TABLE)
              .max('id')
              .groupBy('account_id', 'trail_arn'),
          );
      const doomedEvaluations = () =>
        trx(EVALUATION_HISTORY_TABLE)
          .where('evaluated_at', '<', cutoff)
          .whereNotIn(
            'id',
            trx(EVALUATION_HISTORY_TABLE).max('id').groupBy('account_id'),
          );
      // The chain continues from the last link deleted: it becomes the account's anchor.
      const doomed: {
        account_id: string;
        seq: number | null;
        hash: string | null;
      }[] = [
        ...(await doomedChanges().select('account_id', 'seq', 'hash')),
        ...(await doomedEvaluations().select('account_id', 'seq', 'hash')),
      ];
      const anchors = new Map<string, { seq: number; hash: string }>();
      for (const link of doomed) {
        if (link.seq === null || link.hash === null) continue;
        const anchor = anchors.get(link.account_id);
        if (!anchor || anchor.seq < link.seq) {
          anchors.set(link.account_id, { seq: link.seq, hash: link.hash });
        }
      }
      const changes =
        (await doomedChanges().delete()) +
        // The controls besides 2.4 likewise keep each account's latest change per control.
        (await trx(CONTROL_CHANGES_TABLE)
          .where('changed_at', '<', cutoff)
          .whereNotIn(
            'id',
            trx(CONTROL_CHANGES_TABLE)
              .max('id')
              .groupBy('account_id', 'control_id'),
          )
          .delete());
      const verifications = await doomedEvaluations().delete();
      for (const [accountId, anchor] of anchors) {
        await trx<EvidenceChainRow>(EVIDENCE_CHAINS_TABLE)
          .where('account_id', accountId)
          .where(older =>
            older
              .whereNull('anchor_seq')
              .orWhere('anchor_seq', '<', anchor.seq),
          )
          .update({ anchor_seq: anchor.seq, anchor_hash: anchor.hash });
      }
      // Runs still going are kept; a run whose replica went away is closed as abandoned by
      // another replica, and pruned like any other.
      const runs = await trx(RUNS_TABLE)
        .where('started_at', '<', cutoff)
        .whereNotIn('status', ['running', 'queued'])
        .delete();
      return { changes, verifications, runs };
    });
  }

  // Exceptions live in their own store; this one answers for both.
  requestException: ExceptionStore['requestException'] = input =>
    this.exceptions.requestException(input);
  decideException: ExceptionStore['decideException'] = (id, input) =>
    this.exceptions.decideException(id, input);
  revokeException: ExceptionStore['revokeException'] = (id, input) =>
    this.exceptions.revokeException(id, input);
  getException: ExceptionStore['getException'] = id =>
    this.exceptions.getException(id);
  listExceptions: ExceptionStore['listExceptions'] = query =>
    this.exceptions.listExceptions(query);
  listExceptionEvents: ExceptionStore['listExceptionEvents'] = accountId =>
    this.exceptions.listExceptionEvents(accountId);
  listExceptionsToRemind: ExceptionStore['listExceptionsToRemind'] = (
    now,
    until,
  ) => this.exceptions.listExceptionsToRemind(now, until);
  recordReminder: ExceptionStore['recordReminder'] = (id, input) =>
    this.exceptions.recordReminder(id, input);
  recordExpiries: ExceptionStore['recordExpiries'] = input =>
    this.exceptions.recordExpiries(input);
}
