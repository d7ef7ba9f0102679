/**
 * The tables of migrations/20261124000000_init.js as the store sees them, and the conversions
 * of the values whose shape differs between SQLite and PostgreSQL.
 */
import { VERDICTS, Verdict } from '@cis-aws/plugin-cis-aws-common';

export const ACCOUNTS_TABLE = 'cis_aws_accounts';
export const VERDICT_CHANGES_TABLE = 'cis_aws_verdict_changes';
export const RUNS_TABLE = 'cis_aws_runs';
export const EXCEPTIONS_TABLE = 'cis_aws_exceptions';
export const EXCEPTION_EVENTS_TABLE = 'cis_aws_exception_events';
export const DAILY_RESULTS_TABLE = 'cis_aws_daily_results';

/**
 * A timestamp as read back: PostgreSQL returns Date objects, SQLite the ISO string the store
 * wrote (a number only if someone wrote a Date through the driver).
 */
export type DbTimestamp = string | number | Date;

/** Every column of an account row except the two large JSON documents. */
export interface AccountSummaryRow {
  account_id: string;
  entity_ref: string;
  title: string;
  owner_ref: string | null;
  system_ref: string | null;
  verdict: string;
  reason: string | null;
  evaluated_at: DbTimestamp;
  verdict_since: DbTimestamp;
  last_definitive_verdict: string | null;
  last_definitive_reason: string | null;
  last_definitive_evaluated_at: DbTimestamp | null;
  security_hub_status: string | null;
  /** SQLite returns 0 / 1. */
  security_hub_agrees: boolean | number | null;
  latest_delivery_time: DbTimestamp | null;
  /** Reason codes of the failing/undetermined trails, worst first, comma-separated. */
  trail_reasons: string | null;
}

/**
 * What the list is filtered, sorted and searched by, derived from the row's other columns
 * (migrations/20261206030000_account_list_columns.js).
 */
export interface AccountListColumns {
  /** The verdict worst first: FAIL 0, ERROR 1, UNKNOWN 2, EXEMPT 3, PASS 4. */
  verdict_rank: number;
  /** The title without case or accents, numbers padded to sort by value. */
  sort_title: string;
  entity_ref_lower: string;
  owner_ref_lower: string | null;
  system_ref_lower: string | null;
  /** Account id, title, owner and system, lower-cased, for substring search. */
  search_text: string;
}

export interface AccountRow extends AccountSummaryRow, AccountListColumns {
  /** JSON of the latest AccountEvaluation. */
  evaluation: string;
  /**
   * JSON of the last definitive AccountEvaluation when it is not the latest one; null when the
   * latest is itself definitive (no second copy of a document of tens of KB) or none ever was.
   */
  definitive_evaluation: string | null;
}

/** The columns lists read: never the JSON documents. */
export const ACCOUNT_SUMMARY_COLUMNS: ReadonlyArray<keyof AccountSummaryRow> = [
  'account_id',
  'entity_ref',
  'title',
  'owner_ref',
  'system_ref',
  'verdict',
  'reason',
  'evaluated_at',
  'verdict_since',
  'last_definitive_verdict',
  'last_definitive_reason',
  'last_definitive_evaluated_at',
  'security_hub_status',
  'security_hub_agrees',
  'latest_delivery_time',
  'trail_reasons',
];

export interface VerdictChangeRow {
  id?: number;
  account_id: string;
  trail_arn: string | null;
  from_verdict: string | null;
  to_verdict: string;
  reason: string | null;
  changed_at: DbTimestamp;
  run_id: string | null;
}

export interface RunRow {
  id: string;
  trigger: string;
  started_at: DbTimestamp;
  finished_at: DbTimestamp | null;
  status: string;
  accounts_total: number;
  accounts_evaluated: number;
  accounts_errored: number;
  /** JSON: Record<string, number>. */
  calls: string;
  /** JSON: string[]. */
  errors: string;
}

export interface ExceptionRow {
  id: string;
  account_id: string;
  trail_arn: string | null;
  reason: string;
  approved_by: string;
  ticket_url: string | null;
  created_at: DbTimestamp;
  created_by: string;
  expires_at: DbTimestamp;
  revoked_at: DbTimestamp | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

export interface ExceptionEventRow {
  id?: number;
  exception_id: string;
  account_id: string;
  action: string;
  actor: string;
  at: DbTimestamp;
  /** JSON object. */
  details: string;
}

export interface DailyResultRow {
  account_id: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  evaluated_at: DbTimestamp;
  verdict: string;
  reason: string | null;
  /** JSON of the AccountEvaluation. */
  evaluation: string;
}

const CANONICAL_ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The one format times are written in: ISO 8601 UTC with milliseconds. Being fixed-width, its
 * text order is its time order, which SQLite relies on.
 */
export function toIsoUtc(value: DbTimestamp): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new TypeError(`Not a valid time: ${String(value)}`);
  }
  return date.toISOString();
}

/** A time read from the database, as an ISO 8601 UTC string. */
export function readTimestamp(value: DbTimestamp): string {
  if (typeof value === 'string' && CANONICAL_ISO_UTC.test(value)) {
    return value; // As the store wrote it (SQLite): lists read thousands, skip parsing them.
  }
  return toIsoUtc(value);
}

export function readOptionalTimestamp(
  value: DbTimestamp | null | undefined,
): string | undefined {
  return value === null || value === undefined
    ? undefined
    : readTimestamp(value);
}

export function readBoolean(value: boolean | number | null): boolean | null {
  return value === null ? null : Boolean(value);
}

export function readVerdict(value: string): Verdict {
  const verdict = VERDICTS.find(candidate => candidate === value);
  if (!verdict) {
    throw new TypeError(`Unknown verdict in the database: ${value}`);
  }
  return verdict;
}

export function optionalVerdict(value: string | null): Verdict | undefined {
  return value === null ? undefined : readVerdict(value);
}

/** `undefined` and `null` are both "absent" in the domain types. */
export function orUndefined<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}
