/**
 * Filtering, sorting, counting and paging the accounts list over the lightweight summary rows.
 *
 * Why in memory and not in SQL: `readableEntityRefs` can hold tens of thousands of refs, which
 * one `IN` list cannot carry (SQLite's bound-variable limit) and chunked queries cannot page;
 * refs must match case-insensitively and titles sort the same way on SQLite and PostgreSQL
 * (whose collations differ). The summary columns of 10,000 accounts are a few MB at most and
 * are filtered and sorted in milliseconds; the JSON documents are never read for a list.
 */
import {
  AccountSummary,
  VERDICTS,
  VERDICT_SEVERITY_ORDER,
  Verdict,
  VerdictTotals,
} from '@cis-aws/plugin-cis-aws-common';
import { AccountPage, AccountQuery, AccountSortField } from './EvaluationStore';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

/** The query's filters with the refs lower-cased once. */
interface AccountFilter {
  verdicts?: ReadonlySet<Verdict>;
  accountIds?: ReadonlySet<string>;
  ownerRefs?: ReadonlySet<string>;
  entityRefs?: ReadonlySet<string>;
  systemRefs?: ReadonlySet<string>;
  readableEntityRefs?: ReadonlySet<string>;
  search?: string;
}

function lower(value: string): string {
  return value.toLocaleLowerCase('en-US');
}

/** An empty or absent list does not filter. */
function setOf(values: readonly string[] | undefined, normalize = lower) {
  return values && values.length > 0
    ? new Set(values.map(normalize))
    : undefined;
}

function toFilter(query: AccountQuery): AccountFilter {
  const search = query.search?.trim();
  return {
    verdicts:
      query.verdicts && query.verdicts.length > 0
        ? new Set(query.verdicts)
        : undefined,
    accountIds: setOf(query.accountIds, id => id.trim()),
    ownerRefs: setOf(query.ownerRefs),
    entityRefs: setOf(query.entityRefs),
    systemRefs: setOf(query.systemRefs),
    // An empty set is a restriction too: the user may read no account entity at all.
    readableEntityRefs: query.readableEntityRefs
      ? new Set(Array.from(query.readableEntityRefs, lower))
      : undefined,
    search: search ? lower(search) : undefined,
  };
}

function matchesRef(
  filter: ReadonlySet<string> | undefined,
  ref: string | undefined,
): boolean {
  return filter === undefined || (ref !== undefined && filter.has(lower(ref)));
}

function matches(account: AccountSummary, filter: AccountFilter): boolean {
  if (filter.verdicts && !filter.verdicts.has(account.verdict)) {
    return false;
  }
  if (filter.accountIds && !filter.accountIds.has(account.accountId)) {
    return false;
  }
  if (
    !matchesRef(filter.ownerRefs, account.ownerRef) ||
    !matchesRef(filter.entityRefs, account.entityRef) ||
    !matchesRef(filter.systemRefs, account.systemRef) ||
    !matchesRef(filter.readableEntityRefs, account.entityRef)
  ) {
    return false;
  }
  if (filter.search) {
    const needle = filter.search;
    return [
      account.accountId,
      account.title,
      account.ownerRef,
      account.systemRef,
    ].some(value => value !== undefined && lower(value).includes(needle));
  }
  return true;
}

const collator = new Intl.Collator('en', {
  sensitivity: 'base',
  numeric: true,
});

/** Worst first, in the contract's order. */
function severityRank(verdict: Verdict): number {
  return VERDICT_SEVERITY_ORDER.indexOf(verdict);
}

type Comparator = (a: AccountSummary, b: AccountSummary) => number;

/** Compares text, with missing values last whatever the direction. */
function byText(
  read: (account: AccountSummary) => string | undefined,
  sign: number,
): Comparator {
  return (a, b) => {
    const left = read(a);
    const right = read(b);
    if (left === undefined || right === undefined) {
      return (left === undefined ? 1 : 0) - (right === undefined ? 1 : 0);
    }
    return sign * collator.compare(left, right);
  };
}

function primaryComparator(field: AccountSortField, sign: number): Comparator {
  switch (field) {
    case 'verdict':
      return (a, b) =>
        sign * (severityRank(a.verdict) - severityRank(b.verdict));
    case 'accountId':
      return (a, b) =>
        sign *
        (a.accountId < b.accountId ? -1 : Number(a.accountId > b.accountId));
    case 'title':
      return byText(a => a.title, sign);
    case 'ownerRef':
      return byText(a => a.ownerRef, sign);
    case 'systemRef':
      return byText(a => a.systemRef, sign);
    case 'evaluatedAt':
      // ISO 8601 UTC strings of one width: text order is time order.
      return (a, b) =>
        sign *
        (a.evaluatedAt < b.evaluatedAt
          ? -1
          : Number(a.evaluatedAt > b.evaluatedAt));
    default:
      throw new TypeError(`Unknown sort field ${String(field)}`);
  }
}

/**
 * The sort of the list: the requested field, then title, then account id, so that pages never
 * overlap. `verdict` ascending is worst first (FAIL, ERROR, UNKNOWN, EXEMPT, PASS).
 */
export function accountComparator(
  orderBy: AccountQuery['orderBy'],
): Comparator {
  const field = orderBy?.field ?? 'verdict';
  const sign = orderBy?.direction === 'desc' ? -1 : 1;
  const primary = primaryComparator(field, sign);
  const byTitle = byText(a => a.title, 1);
  return (a, b) =>
    primary(a, b) ||
    byTitle(a, b) ||
    (a.accountId < b.accountId ? -1 : Number(a.accountId > b.accountId));
}

export function emptyTotals(): VerdictTotals {
  return Object.fromEntries(
    VERDICTS.map(verdict => [verdict, 0]),
  ) as VerdictTotals;
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

/** One page of the accounts matching the query, with counts over all of them. */
export function pageAccounts(
  accounts: AccountSummary[],
  query: AccountQuery,
): AccountPage {
  const filter = toFilter(query);
  const matching = accounts.filter(account => matches(account, filter));
  const totals = emptyTotals();
  for (const account of matching) {
    totals[account.verdict] += 1;
  }
  matching.sort(accountComparator(query.orderBy));
  const offset = clamp(query.offset, 0, Number.MAX_SAFE_INTEGER, 0);
  const limit = clamp(query.limit, 1, MAX_LIMIT, DEFAULT_LIMIT);
  return {
    items: matching.slice(offset, offset + limit),
    totalCount: matching.length,
    totals,
  };
}
