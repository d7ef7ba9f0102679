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
export const EVALUATION_HISTORY_TABLE = 'cis_aws_evaluation_history';
export const EVIDENCE_CHAINS_TABLE = 'cis_aws_evidence_chains';
export const ACCOUNT_LEASES_TABLE = 'cis_aws_account_leases';
export const RUN_ACCOUNTS_TABLE = 'cis_aws_run_accounts';

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
  /**
   * Not a column: the start of the open failure episode, read from cis_aws_failure_episodes
   * (src/storage/failureEpisodes.ts) and merged in before the row is served.
   */
  failing_since?: DbTimestamp | null;
  /**
   * Not a column: the listing JSON of the account's detection result (cis_aws_control_results,
   * src/storage/DatabaseControlResultStore.ts), when it has one.
   */
  detection_listing?: string | null;
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
  /** Place in the account's evidence chain (null only on a row written before chaining). */
  seq?: number | null;
  prev_hash?: string | null;
  hash?: string | null;
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
  // migrations/20261206010000_run_coordination.js; null on runs recorded before it.
  replica?: string | null;
  deadline_at?: DbTimestamp | null;
  heartbeat_at?: DbTimestamp | null;
  /** JSON: string[]. */
  in_scope?: string | null;
  /** JSON: Record<string, number>. */
  api_errors?: string | null;
  accounts_skipped?: number | null;
  /** JSON: Partial<Record<Verdict, number>>. */
  verdicts?: string | null;
}

export interface AccountLeaseRow {
  account_id: string;
  holder: string;
  token: string;
  run_id: string | null;
  acquired_at: DbTimestamp;
  expires_at: DbTimestamp;
}

export interface RunAccountRow {
  run_id: string;
  account_id: string;
  position: number;
  /** JSON: AccountMapping. */
  mapping: string;
  state: 'queued' | 'claimed' | 'done' | 'skipped';
  claimed_by: string | null;
  claim_token: string | null;
  claim_expires_at: DbTimestamp | null;
  verdict: string | null;
  note: string | null;
}

export interface ExceptionRow {
  id: string;
  account_id: string;
  trail_arn: string | null;
  reason: string;
  /** PENDING, APPROVED or REJECTED (migrations/20261206050000_exceptions_four_eyes.js). */
  state: string;
  approved_by: string | null;
  approved_at: DbTimestamp | null;
  rejected_by: string | null;
  rejected_at: DbTimestamp | null;
  decision_comment: string | null;
  /** SQLite returns 0 / 1. */
  legacy_single_step: boolean | number;
  ticket_url: string | null;
  created_at: DbTimestamp;
  created_by: string;
  expires_at: DbTimestamp;
  revoked_at: DbTimestamp | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  reminded_at: DbTimestamp | null;
  expiry_recorded_at: DbTimestamp | null;
}

/** Append-only: rows are inserted, never updated or deleted. */
export interface ExceptionEventRow {
  id?: number;
  exception_id: string;
  account_id: string;
  action: string;
  actor: string;
  /** When the event was recorded. */
  at: DbTimestamp;
  comment: string | null;
  /** JSON object. */
  details: string;
  /** Place in the account's evidence chain (migrations/20261206090000_exception_events_chain.js). */
  seq?: number | null;
  prev_hash?: string | null;
  hash?: string | null;
}

/** An evaluation kept as evidence: behind a change, or the day's first (its verification). */
export interface EvaluationHistoryRow {
  id?: number;
  account_id: string;
  seq: number;
  evaluated_at: DbTimestamp;
  /** YYYY-MM-DD, UTC. */
  day: string;
  verdict: string;
  reason: string | null;
  /** A verdict or reason of the account or one of its trails changed. SQLite returns 0 / 1. */
  changed: boolean | number;
  /** JSON of the AccountEvaluation. */
  evaluation: string;
  prev_hash: string | null;
  hash: string;
}

/** An account's evidence chain: its head, and the last link retention deleted. */
export interface EvidenceChainRow {
  account_id: string;
  head_seq: number;
  head_hash: string;
  anchor_seq: number | null;
  anchor_hash: string | null;
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
