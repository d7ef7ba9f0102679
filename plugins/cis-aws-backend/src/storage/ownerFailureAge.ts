/**
 * Failure age and time to fix per owner (contract "Failure age"), from the accounts' own failure
 * episodes (`cis_aws_failure_episodes`, trail_arn ''), grouped by the account's current owner:
 * the oldest open episode, and the lengths of the episodes closed in a period. Trails' episodes
 * are not counted: an account's episode already spans its trails' failures.
 */
import { Knex } from 'knex';
import { AccountQuery, OwnerEpisodes } from './EvaluationStore';
import { Dialect, accountFilter, matchesNothing } from './accountListing';
import { FAILURE_EPISODES_TABLE } from './failureEpisodes';
import { ACCOUNTS_TABLE, DbTimestamp, readTimestamp, toIsoUtc } from './tables';

/**
 * Per owner of the accounts the visibility lets through: their open episodes and the episodes
 * that ended between `from` and `to` (both inclusive). Owners without any are absent.
 */
export async function listOwnerEpisodes(
  db: Knex,
  dialect: Dialect,
  visibility: Pick<AccountQuery, 'readableEntityRefs' | 'hiddenEntityRefs'>,
  period: { from: Date; to: Date },
): Promise<OwnerEpisodes[]> {
  if (matchesNothing(visibility)) return [];
  // The visibility is tested on the joined account row itself: a set of 10,000 readable refs
  // matched there took a quarter of the time of a subquery listing the visible account ids
  // (SQLite, 10,000 accounts). Its refs are lower-cased and bound once for both statements.
  const visible = accountFilter(dialect, visibility);
  const episodes = () => {
    const builder = db(`${FAILURE_EPISODES_TABLE} as e`)
      .join(`${ACCOUNTS_TABLE} as a`, 'a.account_id', 'e.account_id')
      .where('e.trail_arn', '');
    visible(builder); // on entity_ref_lower, a column of the accounts table only
    return builder;
  };

  const [open, closed] = await Promise.all([
    episodes()
      .whereNull('e.ended_at')
      .groupBy('a.owner_ref')
      .select({ owner: 'a.owner_ref' })
      .min({ oldest: 'e.started_at' })
      .count({ count: '*' }) as unknown as Promise<
      Array<{
        owner: string | null;
        oldest: DbTimestamp;
        count: number | string;
      }>
    >,
    episodes()
      .whereNotNull('e.ended_at')
      .where('e.ended_at', '>=', toIsoUtc(period.from))
      .where('e.ended_at', '<=', toIsoUtc(period.to))
      .select({
        owner: 'a.owner_ref',
        startedAt: 'e.started_at',
        endedAt: 'e.ended_at',
      }) as unknown as Promise<
      Array<{
        owner: string | null;
        startedAt: DbTimestamp;
        endedAt: DbTimestamp;
      }>
    >,
  ]);

  const byOwner = new Map<string, OwnerEpisodes>();
  const entryOf = (owner: string | null): OwnerEpisodes => {
    const key = owner ?? '';
    let entry = byOwner.get(key);
    if (!entry) {
      entry = {
        ...(owner ? { ownerRef: owner } : {}),
        openCount: 0,
        fixDurationsMs: [],
      };
      byOwner.set(key, entry);
    }
    return entry;
  };
  for (const row of open) {
    const entry = entryOf(row.owner);
    entry.openCount = Number(row.count);
    entry.oldestOpenSince = readTimestamp(row.oldest);
  }
  for (const row of closed) {
    const started = Date.parse(readTimestamp(row.startedAt));
    const ended = Date.parse(readTimestamp(row.endedAt));
    entryOf(row.owner).fixDurationsMs.push(ended - started);
  }
  return [...byOwner.values()];
}
