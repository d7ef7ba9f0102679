/**
 * Failure episodes as stored (migrations/20261206070000_failure_episodes.js): advanced in the
 * transaction that saves each evaluation, read for "failing since" and the history.
 */
import {
  AccountEvaluation,
  FailureEpisode,
} from '@cis-aws/plugin-cis-aws-common';
import { Knex } from 'knex';
import { episodeAction, episodeSubjects } from '../rules/failureEpisodes';
import {
  ACCOUNTS_TABLE,
  DbTimestamp,
  orUndefined,
  readOptionalTimestamp,
  readTimestamp,
  toIsoUtc,
} from './tables';

export const FAILURE_EPISODES_TABLE = 'cis_aws_failure_episodes';

export interface FailureEpisodeRow {
  id?: number;
  account_id: string;
  /** '' for the account's own episode. */
  trail_arn: string;
  started_at: DbTimestamp;
  reason: string | null;
  ended_at: DbTimestamp | null;
}

/**
 * Opens and closes the account's and its trails' episodes for `evaluation` (the newest of the
 * account, saved in the same transaction). Returns the start of the account's open episode
 * afterwards, if one is open.
 */
export async function advanceEpisodes(
  trx: Knex.Transaction,
  evaluation: AccountEvaluation,
): Promise<string | undefined> {
  const accountId = evaluation.accountId;
  const at = toIsoUtc(evaluation.evaluatedAt);
  const openRows: FailureEpisodeRow[] = await trx<FailureEpisodeRow>(
    FAILURE_EPISODES_TABLE,
  )
    .where('account_id', accountId)
    .whereNull('ended_at');
  const open = new Map(openRows.map(row => [row.trail_arn, row]));

  let accountStart: string | undefined = open.has('')
    ? readTimestamp(open.get('')!.started_at)
    : undefined;
  const toOpen: FailureEpisodeRow[] = [];
  const toClose: number[] = [];
  for (const subject of episodeSubjects(evaluation)) {
    const key = subject.trailArn ?? '';
    const row = open.get(key);
    const action = episodeAction(subject.step, row !== undefined);
    if (action === 'open') {
      toOpen.push({
        account_id: accountId,
        trail_arn: key,
        started_at: at,
        reason: subject.reason ?? null,
        ended_at: null,
      });
      if (key === '') accountStart = at;
    } else if (action === 'close') {
      toClose.push(row!.id!);
      if (key === '') accountStart = undefined;
    }
  }
  if (toClose.length > 0) {
    await trx<FailureEpisodeRow>(FAILURE_EPISODES_TABLE)
      .whereIn('id', toClose)
      .update({ ended_at: at });
  }
  if (toOpen.length > 0) {
    await trx.batchInsert(FAILURE_EPISODES_TABLE, toOpen, 100);
  }
  return accountStart;
}

/**
 * A scalar subquery for a select on the accounts table: the start of the row's open account
 * episode, or null.
 */
export function openEpisodeStart(db: Knex): Knex.QueryBuilder {
  return db(FAILURE_EPISODES_TABLE)
    .select(`${FAILURE_EPISODES_TABLE}.started_at`)
    .where(
      `${FAILURE_EPISODES_TABLE}.account_id`,
      db.ref(`${ACCOUNTS_TABLE}.account_id`),
    )
    .where(`${FAILURE_EPISODES_TABLE}.trail_arn`, '')
    .whereNull(`${FAILURE_EPISODES_TABLE}.ended_at`)
    .limit(1);
}

/** The start of each given account's open episode (accounts without one are absent). */
export async function openAccountEpisodeStarts(
  db: Knex,
  accountIds: readonly string[],
): Promise<Map<string, string>> {
  const starts = new Map<string, string>();
  if (accountIds.length === 0) return starts;
  const rows: Array<Pick<FailureEpisodeRow, 'account_id' | 'started_at'>> =
    await db<FailureEpisodeRow>(FAILURE_EPISODES_TABLE)
      .whereIn('account_id', [...accountIds])
      .where('trail_arn', '')
      .whereNull('ended_at')
      .select('account_id', 'started_at');
  for (const row of rows) {
    starts.set(row.account_id, readTimestamp(row.started_at));
  }
  return starts;
}

/**
 * The account's and its trails' episodes that overlap the range (open ones always reach its
 * end), oldest first.
 */
export async function listEpisodes(
  db: Knex,
  accountId: string,
  range?: { from?: Date; to?: Date },
): Promise<FailureEpisode[]> {
  const builder = db<FailureEpisodeRow>(FAILURE_EPISODES_TABLE)
    .where('account_id', accountId)
    .orderBy([
      { column: 'started_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);
  if (range?.from) {
    const from = toIsoUtc(range.from);
    builder.where(q => q.whereNull('ended_at').orWhere('ended_at', '>=', from));
  }
  if (range?.to) {
    builder.where('started_at', '<=', toIsoUtc(range.to));
  }
  const rows: FailureEpisodeRow[] = await builder;
  return rows.map(episodeFromRow);
}

export function episodeFromRow(row: FailureEpisodeRow): FailureEpisode {
  const startedAt = readTimestamp(row.started_at);
  const endedAt = readOptionalTimestamp(row.ended_at);
  return {
    accountId: row.account_id,
    ...(row.trail_arn ? { trailArn: row.trail_arn } : {}),
    startedAt,
    reason: orUndefined(row.reason),
    ...(endedAt
      ? { endedAt, durationMs: Date.parse(endedAt) - Date.parse(startedAt) }
      : {}),
  };
}
