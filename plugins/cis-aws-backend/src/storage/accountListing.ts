/**
 * Filtering, sorting, counting and paging the accounts list in SQL, the same way on SQLite and
 * PostgreSQL, over the list columns every row carries (see AccountListColumns): the database
 * reads only the rows of the page it returns, and counts the rest with GROUP BY.
 *
 * A set of values that may be large (the refs a user may read: tens of thousands; the accounts
 * of a root group) is bound as ONE parameter, a JSON array on SQLite (`json_each`) and an array
 * on PostgreSQL (`= ANY`), so that no list runs into a bound-variable limit and no query is split
 * into chunks that could not be counted or paged together.
 */
import {
  DETECTION_CONTROL_ID,
  DETECTION_VERDICTS,
  DetectionVerdict,
  VERDICTS,
  Verdict,
  VerdictTotals,
} from '@cis-aws/plugin-cis-aws-common';
import { Knex } from 'knex';
import { AccountQuery, AccountSortField } from './EvaluationStore';
import { lowerText } from './accountRows';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

/** Up to this many values, a plain `IN (?, ?, …)`; above it, one bound array. */
const INLINE_SET_SIZE = 100;

export type Dialect = 'sqlite' | 'pg';

export function dialectOf(db: Knex): Dialect {
  return String(db.client.config.client ?? '').includes('sqlite')
    ? 'sqlite'
    : 'pg';
}

/** `column` is one of `values` (or, negated, none of them), whatever their number. */
export function whereInSet(
  builder: Knex.QueryBuilder,
  dialect: Dialect,
  column: string,
  values: readonly string[],
  options: {
    not?: boolean;
    /** `boundSet(dialect, values)`, when the caller binds the same set more than once. */
    bound?: string | string[];
  } = {},
): void {
  const not = options.not ? 'NOT ' : '';
  if (values.length <= INLINE_SET_SIZE) {
    if (options.not) builder.whereNotIn(column, values as string[]);
    else builder.whereIn(column, values as string[]);
  } else if (dialect === 'sqlite') {
    // The unary + keeps SQLite from looking each value up in the column's index and sorting
    // what it found: it walks the index of the requested order instead, testing each row
    // against the set (a bloom filter, then a lookup), and stops after the page.
    builder.whereRaw(`+?? ${not}IN (SELECT value FROM json_each(?))`, [
      column,
      options.bound ?? boundSet(dialect, values),
    ]);
  } else {
    builder.whereRaw(`${not}(?? = ANY(?::text[]))`, [
      column,
      options.bound ?? boundSet(dialect, values),
    ]);
  }
}

/** The one parameter a large set is bound as: a JSON array on SQLite, an array on PostgreSQL. */
function boundSet(
  dialect: Dialect,
  values: readonly string[],
): string | string[] {
  return dialect === 'sqlite' ? JSON.stringify(values) : (values as string[]);
}

/** The filters of a query, with refs lower-cased once; `undefined` does not filter. */
interface AccountFilter {
  verdicts?: Verdict[];
  detectionVerdicts?: DetectionVerdict[];
  accountIds?: string[];
  ownerRefs?: string[];
  noOwner?: true;
  entityRefs?: string[];
  systemRefs?: string[];
  readableEntityRefs?: string[];
  hiddenEntityRefs?: string[];
  search?: string;
  afterAccountId?: string;
}

/** An empty or absent list does not filter. */
function listOf(
  values: readonly string[] | undefined,
  normalize: (value: string) => string = lowerText,
): string[] | undefined {
  return values && values.length > 0
    ? [...new Set(values.map(normalize))]
    : undefined;
}

function toFilter(query: AccountQuery): AccountFilter {
  const search = query.search?.trim();
  return {
    verdicts:
      query.verdicts && query.verdicts.length > 0
        ? [...new Set(query.verdicts)]
        : undefined,
    detectionVerdicts:
      query.detectionVerdicts && query.detectionVerdicts.length > 0
        ? [...new Set(query.detectionVerdicts)]
        : undefined,
    accountIds: listOf(query.accountIds, id => id.trim()),
    ownerRefs: listOf(query.ownerRefs),
    noOwner: query.noOwner === true ? true : undefined,
    entityRefs: listOf(query.entityRefs),
    systemRefs: listOf(query.systemRefs),
    // An empty set is a restriction too: the user may read no account entity at all.
    readableEntityRefs: query.readableEntityRefs
      ? [...new Set(Array.from(query.readableEntityRefs, lowerText))]
      : undefined,
    hiddenEntityRefs: query.hiddenEntityRefs?.size
      ? [...new Set(Array.from(query.hiddenEntityRefs, lowerText))]
      : undefined,
    search: search ? lowerText(search) : undefined,
    afterAccountId: query.afterAccountId,
  };
}

/** True when the query can match no account at all (the user may read none). */
export function matchesNothing(query: AccountQuery): boolean {
  return (
    query.readableEntityRefs !== undefined &&
    query.readableEntityRefs.size === 0
  );
}

/** Restricts `builder` to the accounts matching the query's filters. */
export function applyAccountFilter(
  builder: Knex.QueryBuilder,
  dialect: Dialect,
  query: AccountQuery,
): void {
  accountFilter(dialect, query)(builder);
}

/**
 * The query's filters, normalized once, for several statements (a page and its totals): a set
 * of tens of thousands of refs or ids is lower-cased, de-duplicated and serialized once.
 */
export function accountFilter(
  dialect: Dialect,
  query: AccountQuery,
): (builder: Knex.QueryBuilder) => void {
  const filter = toFilter(query);
  const sets: Array<{
    column: string;
    values: string[];
    not?: boolean;
  }> = [];
  if (filter.accountIds) {
    sets.push({ column: 'account_id', values: filter.accountIds });
  }
  if (filter.ownerRefs) {
    sets.push({ column: 'owner_ref_lower', values: filter.ownerRefs });
  }
  if (filter.entityRefs) {
    sets.push({ column: 'entity_ref_lower', values: filter.entityRefs });
  }
  if (filter.systemRefs) {
    sets.push({ column: 'system_ref_lower', values: filter.systemRefs });
  }
  if (filter.readableEntityRefs) {
    sets.push({
      column: 'entity_ref_lower',
      values: filter.readableEntityRefs,
    });
  }
  if (filter.hiddenEntityRefs) {
    sets.push({
      column: 'entity_ref_lower',
      values: filter.hiddenEntityRefs,
      not: true,
    });
  }
  const prepared = sets.map(set => ({
    ...set,
    bound: boundSet(dialect, set.values),
  }));
  return builder => {
    if (filter.verdicts) builder.whereIn('verdict', filter.verdicts);
    if (filter.detectionVerdicts) {
      // The control results' table (migrations/20261207010000_control_results.js).
      const verdicts = filter.detectionVerdicts;
      builder.whereIn('account_id', sub =>
        sub
          .select('account_id')
          .from('cis_aws_control_results')
          .where('control_id', DETECTION_CONTROL_ID)
          .whereIn('verdict', verdicts),
      );
    }
    if (filter.noOwner) builder.whereNull('owner_ref');
    for (const set of prepared) {
      whereInSet(builder, dialect, set.column, set.values, {
        not: set.not,
        bound: set.bound,
      });
    }
    if (filter.search) {
      // A substring, not a pattern: no wildcard in the user's text means anything.
      builder.whereRaw(
        dialect === 'sqlite' ? 'instr(??, ?) > 0' : 'strpos(??, ?) > 0',
        ['search_text', filter.search],
      );
    }
    if (filter.afterAccountId) {
      builder.where('account_id', '>', filter.afterAccountId);
    }
  };
}

type Direction = 'asc' | 'desc';

/**
 * The sort of the list: the requested field, then title, then account id, so that pages never
 * overlap. `verdict` ascending is worst first (FAIL, ERROR, UNKNOWN, EXEMPT, PASS); missing
 * owners and systems sort last in either direction.
 */
export function applyAccountOrder(
  builder: Knex.QueryBuilder,
  orderBy: AccountQuery['orderBy'],
): void {
  const field: AccountSortField = orderBy?.field ?? 'verdict';
  const direction: Direction = orderBy?.direction === 'desc' ? 'desc' : 'asc';
  const nullsLast = (column: string) => {
    builder.orderByRaw('(?? IS NULL)', [column]);
    builder.orderBy(column, direction);
  };
  switch (field) {
    case 'verdict':
      builder.orderBy('verdict_rank', direction);
      break;
    case 'accountId':
      builder.orderBy('account_id', direction);
      return;
    case 'title':
      builder.orderBy('sort_title', direction);
      builder.orderBy('account_id', 'asc');
      return;
    case 'ownerRef':
      nullsLast('owner_ref_lower');
      break;
    case 'systemRef':
      nullsLast('system_ref_lower');
      break;
    case 'evaluatedAt':
      builder.orderBy('evaluated_at', direction);
      break;
    case 'verdictSince':
      // Failing accounts first however it is sorted; within a verdict, by its age.
      builder.orderBy('verdict_rank', 'asc');
      builder.orderBy('verdict_since', direction);
      builder.orderBy('account_id', 'asc');
      return;
    default:
      throw new TypeError(`Unknown sort field ${String(field)}`);
  }
  builder.orderBy('sort_title', 'asc');
  builder.orderBy('account_id', 'asc');
}

/** Every 2.4 verdict counted 0. */
export function emptyTotals(): VerdictTotals {
  return Object.fromEntries(
    VERDICTS.map(verdict => [verdict, 0]),
  ) as VerdictTotals;
}

/** Every detection verdict counted 0. */
export function emptyDetectionCounts(): Record<DetectionVerdict, number> {
  return Object.fromEntries(
    DETECTION_VERDICTS.map(verdict => [verdict, 0]),
  ) as Record<DetectionVerdict, number>;
}

function clamp(
  value: number | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined || !Number.isFinite(value)) {
    return fallback;
  }
  return Math.min(max, Math.max(min, Math.floor(value)));
}

/** The page the query asks for: offset from 0, limit 1 to 1000 (50 by default). */
export function pageBounds(query: AccountQuery): {
  offset: number;
  limit: number;
} {
  return {
    offset: clamp(query.offset, 0, Number.MAX_SAFE_INTEGER, 0),
    limit: clamp(query.limit, 1, MAX_LIMIT, DEFAULT_LIMIT),
  };
}

/** Totals from `verdict, count` rows (PostgreSQL counts as strings). */
export function totalsFromCounts(
  rows: ReadonlyArray<{ verdict: string; count: number | string }>,
): VerdictTotals {
  const totals = emptyTotals();
  for (const row of rows) {
    if (row.verdict in totals) {
      totals[row.verdict as Verdict] += Number(row.count);
    }
  }
  return totals;
}
