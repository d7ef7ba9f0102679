import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  ControlDefinition,
  controlEpisodeStep,
  isDefinitiveControlVerdict,
} from '../rules/controls';
import { episodeAction } from '../rules/failureEpisodes';
import {
  ControlFailureEpisode,
  ControlListing,
  ControlResultRecord,
  ControlResultStore,
  ControlSaveOutcome,
  ControlVerdictChange,
  StoredControlResult,
} from './ControlResultStore';
import { dialectOf, whereInSet } from './accountListing';
import {
  ACCOUNTS_TABLE,
  DbTimestamp,
  orUndefined,
  readOptionalTimestamp,
  readTimestamp,
  toIsoUtc,
} from './tables';

/** migrations/20261207010000_control_results.js */
export const CONTROL_RESULTS_TABLE = 'cis_aws_control_results';
export const CONTROL_CHANGES_TABLE = 'cis_aws_control_changes';
export const CONTROL_EPISODES_TABLE = 'cis_aws_control_episodes';

export interface ControlResultRow {
  account_id: string;
  control_id: string;
  verdict: string;
  reason: string | null;
  evaluated_at: DbTimestamp;
  run_id: string | null;
  failing_since: DbTimestamp | null;
  /** JSON of the ControlListing. */
  summary: string;
  /** JSON of the full result. */
  result: string;
  /** JSON of a ControlResultRecord, or null. */
  last_definitive: string | null;
}

interface ControlChangeRow {
  id?: number;
  account_id: string;
  control_id: string;
  changed_at: DbTimestamp;
  from_verdict: string | null;
  to_verdict: string;
  reason: string | null;
  run_id: string | null;
}

interface ControlEpisodeRow {
  id?: number;
  account_id: string;
  control_id: string;
  started_at: DbTimestamp;
  reason: string | null;
  ended_at: DbTimestamp | null;
}

const ACCOUNT_ID_PATTERN = /^\d{12}$/;

function recordFromRow<TResult, TSummary extends object>(
  row: ControlResultRow,
): ControlResultRecord<TResult, TSummary> {
  const listing = JSON.parse(row.summary) as ControlListing<TSummary>;
  const {
    verdict: _verdict,
    reason: _reason,
    evaluatedAt: _evaluatedAt,
    failingSince: _failingSince,
    stale: _stale,
    lastDefinitive: _lastDefinitive,
    ...summary
  } = listing;
  return {
    accountId: row.account_id,
    controlId: row.control_id as ControlDefinition['id'],
    verdict: row.verdict,
    ...(row.reason ? { reason: row.reason } : {}),
    summary: summary as unknown as TSummary,
    result: JSON.parse(row.result) as TResult,
    evaluatedAt: readTimestamp(row.evaluated_at),
    ...(row.run_id ? { runId: row.run_id } : {}),
  };
}

/** What listings show: the latest, or with it the last definitive one, marked stale. */
export function controlListing<TSummary extends object>(
  latest: ControlResultRecord<unknown, TSummary>,
  lastDefinitive: ControlResultRecord<unknown, TSummary> | undefined,
  failingSince: string | undefined,
): ControlListing<TSummary> {
  return {
    verdict: latest.verdict,
    ...(latest.reason ? { reason: latest.reason } : {}),
    ...latest.summary,
    ...(failingSince ? { failingSince } : {}),
    evaluatedAt: latest.evaluatedAt,
    ...(lastDefinitive
      ? {
          stale: true,
          lastDefinitive: {
            verdict: lastDefinitive.verdict,
            ...(lastDefinitive.reason ? { reason: lastDefinitive.reason } : {}),
            ...lastDefinitive.summary,
            evaluatedAt: lastDefinitive.evaluatedAt,
          },
        }
      : {}),
  };
}

/**
 * The knex implementation of ControlResultStore, on the database of DatabaseEvaluationStore
 * (`DatabaseEvaluationStore.controls()`).
 */
export class DatabaseControlResultStore implements ControlResultStore {
  constructor(private readonly db: Knex) {}

  async saveControlResult<TResult, TSummary extends object>(
    control: ControlDefinition,
    record: ControlResultRecord<TResult, TSummary>,
  ): Promise<ControlSaveOutcome<TSummary>> {
    if (!ACCOUNT_ID_PATTERN.test(record.accountId)) {
      throw new InputError(
        `Not a 12-digit AWS account id: ${record.accountId}`,
      );
    }
    if (record.controlId !== control.id) {
      throw new InputError(
        `A result of ${record.controlId} cannot be saved as ${control.id}`,
      );
    }
    const at = toIsoUtc(record.evaluatedAt);
    return this.db.transaction(async trx => {
      // The row lock makes concurrent saves of one account's control take turns on PostgreSQL.
      const previous: ControlResultRow | undefined =
        await trx<ControlResultRow>(CONTROL_RESULTS_TABLE)
          .where({ account_id: record.accountId, control_id: control.id })
          .forUpdate()
          .first();
      if (
        previous &&
        Date.parse(at) < Date.parse(readTimestamp(previous.evaluated_at))
      ) {
        return {
          listing: JSON.parse(previous.summary) as ControlListing<TSummary>,
          outdated: true,
        };
      }

      const definitive = isDefinitiveControlVerdict(control, record.verdict);
      // An ERROR keeps the last definitive result: the previous one, or the one it kept.
      let lastDefinitive: ControlResultRecord<unknown, TSummary> | undefined;
      if (!definitive && previous) {
        if (isDefinitiveControlVerdict(control, previous.verdict)) {
          lastDefinitive = recordFromRow<unknown, TSummary>(previous);
        } else if (previous.last_definitive) {
          lastDefinitive = JSON.parse(
            previous.last_definitive,
          ) as ControlResultRecord<unknown, TSummary>;
        }
      }

      const failingSince = await this.advanceEpisode(trx, control, record, at);
      const listing = controlListing(record, lastDefinitive, failingSince);
      const row: ControlResultRow = {
        account_id: record.accountId,
        control_id: control.id,
        verdict: record.verdict,
        reason: record.reason ?? null,
        evaluated_at: at,
        run_id: record.runId ?? null,
        failing_since: failingSince ?? null,
        summary: JSON.stringify(listing),
        result: JSON.stringify(record.result),
        last_definitive: lastDefinitive ? JSON.stringify(lastDefinitive) : null,
      };
      await trx<ControlResultRow>(CONTROL_RESULTS_TABLE)
        .insert(row)
        .onConflict(['account_id', 'control_id'])
        .merge();

      let change: ControlVerdictChange | undefined;
      if (
        !previous ||
        previous.verdict !== record.verdict ||
        (previous.reason ?? undefined) !== record.reason
      ) {
        change = {
          accountId: record.accountId,
          controlId: control.id,
          ...(previous ? { from: previous.verdict } : {}),
          to: record.verdict,
          ...(record.reason ? { reason: record.reason } : {}),
          changedAt: at,
          ...(record.runId ? { runId: record.runId } : {}),
        };
        await trx<ControlChangeRow>(CONTROL_CHANGES_TABLE).insert({
          account_id: change.accountId,
          control_id: change.controlId,
          changed_at: at,
          from_verdict: change.from ?? null,
          to_verdict: change.to,
          reason: change.reason ?? null,
          run_id: change.runId ?? null,
        });
      }
      return { ...(change ? { change } : {}), listing };
    });
  }

  /** Opens or closes the control's episode; the start of the open one afterwards. */
  private async advanceEpisode(
    trx: Knex.Transaction,
    control: ControlDefinition,
    record: ControlResultRecord<unknown, object>,
    at: string,
  ): Promise<string | undefined> {
    const open: ControlEpisodeRow | undefined = await trx<ControlEpisodeRow>(
      CONTROL_EPISODES_TABLE,
    )
      .where({ account_id: record.accountId, control_id: control.id })
      .whereNull('ended_at')
      .first();
    const action = episodeAction(
      controlEpisodeStep(control, record.verdict),
      open !== undefined,
    );
    if (action === 'open') {
      await trx<ControlEpisodeRow>(CONTROL_EPISODES_TABLE).insert({
        account_id: record.accountId,
        control_id: control.id,
        started_at: at,
        reason: record.reason ?? null,
        ended_at: null,
      });
      return at;
    }
    if (action === 'close') {
      await trx<ControlEpisodeRow>(CONTROL_EPISODES_TABLE)
        .where('id', open!.id!)
        .update({ ended_at: at });
      return undefined;
    }
    return open ? readTimestamp(open.started_at) : undefined;
  }

  async getControlResult<TResult, TSummary extends object>(
    accountId: string,
    controlId: ControlDefinition['id'],
  ): Promise<StoredControlResult<TResult, TSummary> | undefined> {
    const row: ControlResultRow | undefined = await this.db<ControlResultRow>(
      CONTROL_RESULTS_TABLE,
    )
      .where({ account_id: accountId, control_id: controlId })
      .first();
    if (!row) return undefined;
    const failingSince = readOptionalTimestamp(row.failing_since);
    return {
      latest: recordFromRow<TResult, TSummary>(row),
      ...(row.last_definitive
        ? {
            lastDefinitive: JSON.parse(
              row.last_definitive,
            ) as ControlResultRecord<TResult, TSummary>,
          }
        : {}),
      ...(failingSince ? { failingSince } : {}),
    };
  }

  async getControlHistory(
    accountId: string,
    controlId: ControlDefinition['id'],
    range?: { from?: Date; to?: Date },
  ): Promise<ControlVerdictChange[]> {
    const builder = this.db<ControlChangeRow>(CONTROL_CHANGES_TABLE)
      .where({ account_id: accountId, control_id: controlId })
      .orderBy([
        { column: 'changed_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    if (range?.from) builder.where('changed_at', '>=', toIsoUtc(range.from));
    if (range?.to) builder.where('changed_at', '<=', toIsoUtc(range.to));
    const rows: ControlChangeRow[] = await builder;
    return rows.map(row => ({
      accountId: row.account_id,
      controlId: row.control_id,
      ...(row.from_verdict ? { from: row.from_verdict } : {}),
      to: row.to_verdict,
      ...(row.reason ? { reason: row.reason } : {}),
      changedAt: readTimestamp(row.changed_at),
      ...(row.run_id ? { runId: row.run_id } : {}),
    }));
  }

  async countControlVerdicts(
    controlId: ControlDefinition['id'],
    accountIds: readonly string[],
  ): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    if (accountIds.length === 0) return counts;
    const builder = this.db<ControlResultRow>(CONTROL_RESULTS_TABLE)
      .where('control_id', controlId)
      .select('verdict')
      .count({ count: '*' })
      .groupBy('verdict');
    whereInSet(builder, dialectOf(this.db), 'account_id', [
      ...new Set(accountIds),
    ]);
    const rows: Array<{ verdict: string; count?: number | string }> =
      await builder;
    for (const row of rows) counts[row.verdict] = Number(row.count);
    return counts;
  }

  async listControlEpisodes(
    accountId: string,
    controlId: ControlDefinition['id'],
    range?: { from?: Date; to?: Date },
  ): Promise<ControlFailureEpisode[]> {
    const builder = this.db<ControlEpisodeRow>(CONTROL_EPISODES_TABLE)
      .where({ account_id: accountId, control_id: controlId })
      .orderBy([
        { column: 'started_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    if (range?.from) {
      const from = toIsoUtc(range.from);
      builder.where(q =>
        q.whereNull('ended_at').orWhere('ended_at', '>=', from),
      );
    }
    if (range?.to) builder.where('started_at', '<=', toIsoUtc(range.to));
    const rows: ControlEpisodeRow[] = await builder;
    return rows.map(row => {
      const endedAt = readOptionalTimestamp(row.ended_at);
      return {
        accountId: row.account_id,
        controlId: row.control_id,
        startedAt: readTimestamp(row.started_at),
        ...(orUndefined(row.reason) ? { reason: row.reason! } : {}),
        ...(endedAt ? { endedAt } : {}),
      };
    });
  }
}

/**
 * A scalar subquery for a select on the accounts table: the listing JSON of the row's result
 * of `controlId`, or null.
 */
export function controlListingColumn(
  db: Knex,
  controlId: ControlDefinition['id'],
): Knex.QueryBuilder {
  return db(CONTROL_RESULTS_TABLE)
    .select(`${CONTROL_RESULTS_TABLE}.summary`)
    .where(
      `${CONTROL_RESULTS_TABLE}.account_id`,
      db.ref(`${ACCOUNTS_TABLE}.account_id`),
    )
    .where(`${CONTROL_RESULTS_TABLE}.control_id`, controlId)
    .limit(1);
}

/** The listing of `controlId` for each given account that has one. */
export async function controlListings<TSummary extends object>(
  db: Knex,
  controlId: ControlDefinition['id'],
  accountIds: readonly string[],
): Promise<Map<string, ControlListing<TSummary>>> {
  const found = new Map<string, ControlListing<TSummary>>();
  if (accountIds.length === 0) return found;
  const rows: Array<Pick<ControlResultRow, 'account_id' | 'summary'>> =
    await db<ControlResultRow>(CONTROL_RESULTS_TABLE)
      .where('control_id', controlId)
      .whereIn('account_id', [...accountIds])
      .select('account_id', 'summary');
  for (const row of rows) {
    found.set(row.account_id, JSON.parse(row.summary));
  }
  return found;
}
