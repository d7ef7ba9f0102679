import { randomUUID } from 'node:crypto';
import {
  AccountMapping,
  EvaluationRun,
  Verdict,
} from '@cis-aws/plugin-cis-aws-common';
import { Knex } from 'knex';
import { runFromRow } from './runRows';
import {
  ACCOUNT_LEASES_TABLE,
  AccountLeaseRow,
  DbTimestamp,
  RUNS_TABLE,
  RUN_ACCOUNTS_TABLE,
  RunAccountRow,
  RunRow,
  readTimestamp,
  toIsoUtc,
} from './tables';

/** Added to the position of a deferred account: after every other, and deferred once only. */
export const DEFERRED = 1_000_000;

/** Who holds an account now. */
export interface AccountLease {
  accountId: string;
  holder: string;
  runId?: string;
  acquiredAt: string;
  expiresAt: string;
}

/** An account of a run, claimed by one worker. */
export interface ClaimedAccount {
  runId: string;
  mapping: AccountMapping;
  /** It may still be put back at the end of the queue once (see `defer`). */
  deferrable: boolean;
}

/** The statuses a run is closed with. */
export type ClosingStatus = Extract<
  EvaluationRun['status'],
  'failed' | 'timed_out' | 'abandoned'
>;

const FULL_RUN_TRIGGERS: EvaluationRun['trigger'][] = ['schedule', 'manual'];

function mergeCounts(
  a: Record<string, number>,
  b: Record<string, number>,
): Record<string, number> {
  const merged = { ...a };
  for (const [key, value] of Object.entries(b)) {
    merged[key] = (merged[key] ?? 0) + value;
  }
  return Object.fromEntries(Object.entries(merged).sort());
}

/**
 * The database side of coordinating evaluations across replicas (tables of
 * migrations/20261206010000_run_coordination.js). Every claim is one conditional statement
 * (an insert that ignores a conflict, an update whose WHERE only matches a free or expired row):
 * atomic on SQLite and on PostgreSQL, where concurrent updates of a row re-check the WHERE once
 * the first commits. Times come from the replica's clock (`now`): replicas are expected to keep
 * their clocks in sync (NTP); a skew only shortens or lengthens a lease by that much.
 */
export class DatabaseRunCoordination {
  constructor(
    private readonly db: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private at(offsetMs = 0): string {
    return new Date(this.now().getTime() + offsetMs).toISOString();
  }

  // ---------------------------------------------------------------- leases

  /**
   * Takes the account for `ttlMs` when nobody holds it or its holder's lease expired; false when
   * someone else holds it. `token` identifies this acquisition (renew and release with it).
   */
  async acquireLease(input: {
    accountId: string;
    holder: string;
    token: string;
    runId?: string;
    ttlMs: number;
  }): Promise<boolean> {
    const now = this.at();
    const row: AccountLeaseRow = {
      account_id: input.accountId,
      holder: input.holder,
      token: input.token,
      run_id: input.runId ?? null,
      acquired_at: now,
      expires_at: this.at(input.ttlMs),
    };
    await this.db<AccountLeaseRow>(ACCOUNT_LEASES_TABLE)
      .insert(row)
      .onConflict('account_id')
      .ignore();
    // Ours if the insert went in (the token is ours) or the lease there has expired.
    const updated = await this.db<AccountLeaseRow>(ACCOUNT_LEASES_TABLE)
      .where('account_id', input.accountId)
      .where(q => q.where('token', input.token).orWhere('expires_at', '<', now))
      .update({
        holder: row.holder,
        token: row.token,
        run_id: row.run_id,
        acquired_at: row.acquired_at,
        expires_at: row.expires_at,
      });
    return updated === 1;
  }

  /** Extends the leases of `tokens` by `ttlMs` from now; the number still held. */
  async renewLeases(tokens: string[], ttlMs: number): Promise<number> {
    if (tokens.length === 0) return 0;
    return this.db<AccountLeaseRow>(ACCOUNT_LEASES_TABLE)
      .whereIn('token', tokens)
      .update({ expires_at: this.at(ttlMs) });
  }

  async releaseLease(accountId: string, token: string): Promise<void> {
    await this.db<AccountLeaseRow>(ACCOUNT_LEASES_TABLE)
      .where({ account_id: accountId, token })
      .delete();
  }

  /** The lease on an account that has not expired, if any. */
  async getLease(accountId: string): Promise<AccountLease | undefined> {
    const row: AccountLeaseRow | undefined = await this.db<AccountLeaseRow>(
      ACCOUNT_LEASES_TABLE,
    )
      .where('account_id', accountId)
      .where('expires_at', '>=', this.at())
      .first();
    if (!row) return undefined;
    return {
      accountId: row.account_id,
      holder: row.holder,
      ...(row.run_id ? { runId: row.run_id } : {}),
      acquiredAt: readTimestamp(row.acquired_at),
      expiresAt: readTimestamp(row.expires_at),
    };
  }

  // ------------------------------------------------------------------ runs

  /** A new run record, `queued` (asked for) or `running`. */
  async createRun(input: {
    trigger: EvaluationRun['trigger'];
    status: 'queued' | 'running';
    replica: string;
    deadlineAt?: Date;
  }): Promise<string> {
    const id = randomUUID();
    const now = this.at();
    const row: RunRow = {
      id,
      trigger: input.trigger,
      started_at: now,
      finished_at: null,
      status: input.status,
      accounts_total: 0,
      accounts_evaluated: 0,
      accounts_errored: 0,
      calls: '{}',
      errors: '[]',
      replica: input.replica,
      deadline_at: input.deadlineAt ? toIsoUtc(input.deadlineAt) : null,
      heartbeat_at: now,
      api_errors: '{}',
      accounts_skipped: 0,
      verdicts: '{}',
    };
    await this.db<RunRow>(RUNS_TABLE).insert(row);
    return id;
  }

  /** The full run (schedule or manual) queued or running now, oldest first, if any. */
  async findActiveFullRun(): Promise<EvaluationRun | undefined> {
    const row: RunRow | undefined = await this.db<RunRow>(RUNS_TABLE)
      .whereIn('status', ['queued', 'running'])
      .whereIn('trigger', FULL_RUN_TRIGGERS)
      .orderBy('started_at', 'asc')
      .first();
    return row ? runFromRow(row) : undefined;
  }

  /** Takes the oldest queued run for this replica to start; undefined when none is queued. */
  async claimQueuedRun(replica: string): Promise<string | undefined> {
    const queued: Pick<RunRow, 'id'>[] = await this.db<RunRow>(RUNS_TABLE)
      .select('id')
      .where('status', 'queued')
      .orderBy('started_at', 'asc')
      .limit(5);
    for (const { id } of queued) {
      const updated = await this.db<RunRow>(RUNS_TABLE)
        .where({ id, status: 'queued' })
        .update({ status: 'running', replica, heartbeat_at: this.at() });
      if (updated === 1) return id;
    }
    return undefined;
  }

  /**
   * Starts a run on its accounts: each is queued, in the given order, for any replica's worker to
   * claim. `inScope`: every account of the catalog (a member's organization trail is judged by its
   * in-scope owner even when the owner is not part of the run).
   */
  async startRun(
    runId: string,
    input: {
      mappings: AccountMapping[];
      inScope: string[];
      deadlineAt: Date;
      errors: string[];
    },
  ): Promise<void> {
    await this.db.transaction(async trx => {
      const rows: RunAccountRow[] = input.mappings.map((mapping, index) => ({
        run_id: runId,
        account_id: mapping.accountId,
        position: index,
        mapping: JSON.stringify(mapping),
        state: 'queued',
        claimed_by: null,
        claim_token: null,
        claim_expires_at: null,
        verdict: null,
        note: null,
      }));
      if (rows.length > 0) {
        await trx.batchInsert(RUN_ACCOUNTS_TABLE, rows, 500);
      }
      await trx<RunRow>(RUNS_TABLE)
        .where('id', runId)
        .update({
          status: 'running',
          accounts_total: rows.length,
          deadline_at: toIsoUtc(input.deadlineAt),
          heartbeat_at: this.at(),
          in_scope: JSON.stringify(input.inScope),
          errors: JSON.stringify(input.errors),
        });
    });
  }

  /** The accounts of the catalog when the run started. */
  async inScope(runId: string): Promise<string[]> {
    const row: Pick<RunRow, 'in_scope'> | undefined = await this.db<RunRow>(
      RUNS_TABLE,
    )
      .select('in_scope')
      .where('id', runId)
      .first();
    return row?.in_scope ? (JSON.parse(row.in_scope) as string[]) : [];
  }

  /** Accounts queued or claimed by a run that is still going. */
  async activeAccountIds(): Promise<Set<string>> {
    const rows: Pick<RunAccountRow, 'account_id'>[] = await this.db(
      `${RUN_ACCOUNTS_TABLE} as ra`,
    )
      .join(`${RUNS_TABLE} as r`, 'r.id', 'ra.run_id')
      .where('r.status', 'running')
      .whereIn('ra.state', ['queued', 'claimed'])
      .select('ra.account_id');
    return new Set(rows.map(row => row.account_id));
  }

  /**
   * Claims up to `size` queued accounts of one running run that is not past its deadline (the
   * given run, else the oldest with work), first in its order, until `ttlMs` from now.
   */
  async claimBatch(input: {
    holder: string;
    token: string;
    size: number;
    ttlMs: number;
    runId?: string;
  }): Promise<ClaimedAccount[]> {
    const now = this.at();
    const runs = this.db<RunRow>(RUNS_TABLE)
      .select('id')
      .where('status', 'running')
      .where(q => q.whereNull('deadline_at').orWhere('deadline_at', '>', now));
    if (input.runId) runs.where('id', input.runId);
    const candidates: Pick<
      RunAccountRow,
      'run_id' | 'account_id' | 'position'
    >[] = await this.db<RunAccountRow>(RUN_ACCOUNTS_TABLE)
      .select('run_id', 'account_id', 'position')
      .where('state', 'queued')
      .whereIn('run_id', runs)
      .orderBy([
        { column: 'run_id', order: 'asc' },
        { column: 'position', order: 'asc' },
      ])
      .limit(input.size * 2);
    const runId = candidates[0]?.run_id;
    const claimed: ClaimedAccount[] = [];
    for (const candidate of candidates) {
      if (candidate.run_id !== runId || claimed.length >= input.size) break;
      const updated = await this.db<RunAccountRow>(RUN_ACCOUNTS_TABLE)
        .where({
          run_id: candidate.run_id,
          account_id: candidate.account_id,
          state: 'queued',
        })
        .update({
          state: 'claimed',
          claimed_by: input.holder,
          claim_token: input.token,
          claim_expires_at: this.at(input.ttlMs),
        });
      if (updated === 1) {
        claimed.push({
          runId: candidate.run_id,
          deferrable: Number(candidate.position) < DEFERRED,
          mapping: await this.claimedMapping(
            candidate.run_id,
            candidate.account_id,
          ),
        });
      }
    }
    if (claimed.length > 0) {
      await this.db<RunRow>(RUNS_TABLE)
        .where({ id: runId, status: 'running' })
        .update({ heartbeat_at: this.at() });
    }
    return claimed;
  }

  private async claimedMapping(
    runId: string,
    accountId: string,
  ): Promise<AccountMapping> {
    const row: Pick<RunAccountRow, 'mapping'> | undefined =
      await this.db<RunAccountRow>(RUN_ACCOUNTS_TABLE)
        .select('mapping')
        .where({ run_id: runId, account_id: accountId })
        .first();
    if (!row) throw new Error(`account ${accountId} left run ${runId}`);
    return JSON.parse(row.mapping) as AccountMapping;
  }

  /** Extends this worker's claims (and its run's heartbeat); the number still held. */
  async renewClaims(runId: string, token: string, ttlMs: number) {
    const held = await this.db<RunAccountRow>(RUN_ACCOUNTS_TABLE)
      .where({ run_id: runId, claim_token: token, state: 'claimed' })
      .update({ claim_expires_at: this.at(ttlMs) });
    await this.db<RunRow>(RUNS_TABLE)
      .where({ id: runId, status: 'running' })
      .update({ heartbeat_at: this.at() });
    return held;
  }

  /** An account this worker claimed was evaluated and saved. */
  async finishAccount(
    runId: string,
    accountId: string,
    token: string,
    verdict: Verdict,
  ) {
    await this.db<RunAccountRow>(RUN_ACCOUNTS_TABLE)
      .where({ run_id: runId, account_id: accountId, claim_token: token })
      .update({ state: 'done', verdict, claim_expires_at: null });
  }

  /** An account this worker claimed is not evaluated by this run, and why. */
  async skipAccount(
    runId: string,
    accountId: string,
    token: string,
    note: string,
  ) {
    await this.db<RunAccountRow>(RUN_ACCOUNTS_TABLE)
      .where({ run_id: runId, account_id: accountId, claim_token: token })
      .update({ state: 'skipped', note, claim_expires_at: null });
  }

  /** Every account of a run still open. */
  async runAccountIds(runId: string): Promise<string[]> {
    const rows: Pick<RunAccountRow, 'account_id'>[] =
      await this.db<RunAccountRow>(RUN_ACCOUNTS_TABLE)
        .select('account_id')
        .where('run_id', runId);
    return rows.map(row => row.account_id);
  }

  /**
   * Puts claimed accounts back at the end of the queue, once: an account is deferrable while
   * its position is below {@link DEFERRED}.
   */
  async defer(runId: string, accountIds: string[], token: string) {
    if (accountIds.length === 0) return;
    await this.db<RunAccountRow>(RUN_ACCOUNTS_TABLE)
      .where({ run_id: runId, claim_token: token, state: 'claimed' })
      .whereIn('account_id', accountIds)
      .where('position', '<', DEFERRED)
      .update({
        state: 'queued',
        position: this.db.raw('position + ?', [DEFERRED]),
        claimed_by: null,
        claim_token: null,
        claim_expires_at: null,
      });
  }

  /** Gives claimed accounts back to the queue (this worker stops before evaluating them). */
  async requeue(runId: string, accountIds: string[], token: string) {
    if (accountIds.length === 0) return;
    await this.db<RunAccountRow>(RUN_ACCOUNTS_TABLE)
      .where({ run_id: runId, claim_token: token, state: 'claimed' })
      .whereIn('account_id', accountIds)
      .update({
        state: 'queued',
        claimed_by: null,
        claim_token: null,
        claim_expires_at: null,
      });
  }

  /** Adds a batch's AWS calls, failed calls and run-level problems to its run. */
  async addToRun(
    runId: string,
    input: {
      calls: Record<string, number>;
      apiErrors: Record<string, number>;
      errors: string[];
    },
  ) {
    await this.db.transaction(async trx => {
      const row: RunRow | undefined = await trx<RunRow>(RUNS_TABLE)
        .where('id', runId)
        .forUpdate()
        .first();
      if (!row) return;
      const errors = JSON.parse(row.errors) as string[];
      for (const error of input.errors) {
        if (!errors.includes(error)) errors.push(error);
      }
      await trx<RunRow>(RUNS_TABLE)
        .where('id', runId)
        .update({
          calls: JSON.stringify(
            mergeCounts(JSON.parse(row.calls), input.calls),
          ),
          api_errors: JSON.stringify(
            mergeCounts(JSON.parse(row.api_errors ?? '{}'), input.apiErrors),
          ),
          errors: JSON.stringify(errors),
        });
    });
  }

  /**
   * Closes the run when none of its accounts is queued or claimed any more: `succeeded` when
   * every account came out PASS, FAIL or EXEMPT and no run-level problem was recorded, else
   * `completed_with_errors`. Undefined when it is not done (or someone else closed it).
   */
  async closeIfDone(runId: string): Promise<EvaluationRun | undefined> {
    const open = await this.db<RunAccountRow>(RUN_ACCOUNTS_TABLE)
      .where('run_id', runId)
      .whereIn('state', ['queued', 'claimed'])
      .first('account_id');
    if (open) return undefined;
    return this.close(runId, undefined, []);
  }

  /**
   * Closes a running (or queued) run that will not finish: accounts not yet evaluated are
   * counted as skipped. Undefined when it was closed already.
   */
  async closeRun(
    runId: string,
    status: ClosingStatus,
    errors: string[],
  ): Promise<EvaluationRun | undefined> {
    return this.close(runId, status, errors);
  }

  private async close(
    runId: string,
    forced: ClosingStatus | undefined,
    extraErrors: string[],
  ): Promise<EvaluationRun | undefined> {
    const closed = await this.db.transaction(async trx => {
      const row: RunRow | undefined = await trx<RunRow>(RUNS_TABLE)
        .where('id', runId)
        .whereIn('status', ['queued', 'running'])
        .forUpdate()
        .first();
      if (!row) return undefined;
      const counts = await this.countAccounts(trx, runId);
      const errors = [...(JSON.parse(row.errors) as string[]), ...extraErrors];
      const troubled =
        (counts.verdicts.ERROR ?? 0) > 0 ||
        (counts.verdicts.UNKNOWN ?? 0) > 0 ||
        errors.length > 0;
      let status: EvaluationRun['status'];
      if (forced) status = forced;
      else status = troubled ? 'completed_with_errors' : 'succeeded';
      await trx<RunRow>(RUNS_TABLE)
        .where('id', runId)
        .update({
          status,
          finished_at: this.at(),
          accounts_evaluated: counts.evaluated,
          accounts_errored: counts.verdicts.ERROR ?? 0,
          // Whatever was still queued or claimed will not be evaluated by this run.
          accounts_skipped: counts.skipped + counts.open,
          verdicts: JSON.stringify(counts.verdicts),
          errors: JSON.stringify(errors),
          in_scope: null,
        });
      // The per-account rows served their purpose: the run record keeps the counts.
      await trx(RUN_ACCOUNTS_TABLE).where('run_id', runId).delete();
      return true;
    });
    return closed ? this.getRun(runId) : undefined;
  }

  private async countAccounts(db: Knex, runId: string) {
    const rows: { state: string; verdict: string | null; count: unknown }[] =
      await db(RUN_ACCOUNTS_TABLE)
        .select('state', 'verdict')
        .count({ count: '*' })
        .where('run_id', runId)
        .groupBy('state', 'verdict');
    const verdicts: Partial<Record<Verdict, number>> = {};
    let evaluated = 0;
    let skipped = 0;
    let open = 0;
    for (const row of rows) {
      const count = Number(row.count);
      if (row.state === 'done') {
        evaluated += count;
        if (row.verdict) {
          const verdict = row.verdict as Verdict;
          verdicts[verdict] = (verdicts[verdict] ?? 0) + count;
        }
      } else if (row.state === 'skipped') {
        skipped += count;
      } else {
        open += count;
      }
    }
    return { verdicts, evaluated, skipped, open };
  }

  /** One run, with its counts so far when it is still going. */
  async getRun(runId: string): Promise<EvaluationRun | undefined> {
    const row: RunRow | undefined = await this.db<RunRow>(RUNS_TABLE)
      .where('id', runId)
      .first();
    return row ? this.withProgress(row) : undefined;
  }

  /** The latest runs, newest first, those still going with their counts so far. */
  async listRuns(limit: number): Promise<EvaluationRun[]> {
    const count = Number.isFinite(limit)
      ? Math.min(1000, Math.max(1, Math.floor(limit)))
      : 1;
    const rows: RunRow[] = await this.db<RunRow>(RUNS_TABLE)
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(count);
    return Promise.all(rows.map(row => this.withProgress(row)));
  }

  private async withProgress(row: RunRow): Promise<EvaluationRun> {
    const run = runFromRow(row);
    if (run.status !== 'running') return run;
    const counts = await this.countAccounts(this.db, run.id);
    return {
      ...run,
      accountsEvaluated: counts.evaluated,
      accountsErrored: counts.verdicts.ERROR ?? 0,
      accountsSkipped: counts.skipped,
      verdicts: counts.verdicts,
    };
  }

  /**
   * Housekeeping any replica does before claiming work: claims whose heartbeat stopped go back to
   * the queue (their worker died), and runs that cannot finish are closed: past their deadline
   * with no account still being evaluated, as `timed_out` when a replica worked on them within
   * `graceMs`, else as `abandoned` (the replicas that worked on them went away); queued for
   * longer than `queuedForMs` without any replica starting them, as `abandoned`.
   */
  async sweep(input: {
    graceMs: number;
    queuedForMs: number;
  }): Promise<{ requeued: number; abandoned: string[] }> {
    const now = this.at();
    const requeued = await this.db<RunAccountRow>(RUN_ACCOUNTS_TABLE)
      .where('state', 'claimed')
      .where('claim_expires_at', '<', now)
      .update({
        state: 'queued',
        claimed_by: null,
        claim_token: null,
        claim_expires_at: null,
      });
    const stale: Pick<RunRow, 'id' | 'status' | 'heartbeat_at'>[] =
      await this.db<RunRow>(RUNS_TABLE)
        .select('id', 'status', 'heartbeat_at')
        .where(q =>
          q
            .where(running =>
              running.where('status', 'running').where(deadline =>
                deadline
                  .where('deadline_at', '<', now)
                  // Runs recorded before deadlines existed: a day is far past any timeout.
                  .orWhere(legacy =>
                    legacy
                      .whereNull('deadline_at')
                      .where('started_at', '<', this.at(-24 * 3600 * 1000)),
                  ),
              ),
            )
            .orWhere(queued =>
              queued
                .where('status', 'queued')
                .where('started_at', '<', this.at(-input.queuedForMs)),
            ),
        );
    const abandoned: string[] = [];
    const recent = this.at(-input.graceMs);
    for (const run of stale) {
      if (run.status === 'running') {
        // Accounts still being evaluated (claims renewed by a live replica) finish first.
        const live = await this.db<RunAccountRow>(RUN_ACCOUNTS_TABLE)
          .where({ run_id: run.id, state: 'claimed' })
          .first('account_id');
        if (live) continue;
      }
      // Worked on until its deadline by live replicas: it timed out. Nobody renewed it for
      // longer than the grace: its replica went away.
      const worked =
        run.status === 'running' &&
        run.heartbeat_at !== null &&
        run.heartbeat_at !== undefined &&
        toIsoUtc(run.heartbeat_at) >= recent;
      const closed = worked
        ? await this.close(run.id, 'timed_out', [
            'stopped at its timeout: accounts not evaluated by then are counted as skipped',
          ])
        : await this.close(run.id, 'abandoned', [
            run.status === 'queued'
              ? 'abandoned: no replica started it'
              : 'abandoned: the replica running it went away before its deadline',
          ]);
      if (closed && !worked) abandoned.push(run.id);
    }
    return { requeued, abandoned };
  }

  /** When a run must be over, if it has a deadline. */
  async deadlineOf(runId: string): Promise<DbTimestamp | undefined> {
    const row: Pick<RunRow, 'deadline_at'> | undefined = await this.db<RunRow>(
      RUNS_TABLE,
    )
      .select('deadline_at')
      .where('id', runId)
      .first();
    return row?.deadline_at ?? undefined;
  }
}
