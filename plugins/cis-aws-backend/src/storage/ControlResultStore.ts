import type { ControlDefinition } from '../rules/controls';

/**
 * Results of the controls evaluated besides CIS 2.4 (rules/controls.ts), per account AND control
 * (migrations/20261207010000_control_results.js). The store knows nothing of a control's result
 * shape: it keeps the verdict and reason, a small summary for listings and the full result as
 * JSON, and from the control's definition which verdicts are definitive and which open or close
 * a failure episode.
 */

/** One result of one control for one account, as saved. */
export interface ControlResultRecord<
  TResult = unknown,
  TSummary extends object = object,
> {
  accountId: string;
  controlId: ControlDefinition['id'];
  verdict: string;
  reason?: string;
  /** What listings show besides verdict, reason and times (e.g. the failing checks). */
  summary: TSummary;
  result: TResult;
  /** ISO 8601. */
  evaluatedAt: string;
  runId?: string;
}

/** The stored state of one control of one account. */
export interface StoredControlResult<
  TResult = unknown,
  TSummary extends object = object,
> {
  latest: ControlResultRecord<TResult, TSummary>;
  /**
   * The last definitive record when the latest is not definitive (an ERROR after a PASS or a
   * FAIL): shown, marked stale, instead of being erased.
   */
  lastDefinitive?: ControlResultRecord<TResult, TSummary>;
  /** ISO 8601: start of the open failure episode, when one is open. */
  failingSince?: string;
}

/**
 * What an account listing shows of a control: verdict, reason, the summary's fields, when it
 * was evaluated, since when it fails, and, when the latest is not definitive, the last
 * definitive one (`stale`).
 */
export type ControlListing<TSummary extends object = object> = TSummary & {
  verdict: string;
  reason?: string;
  evaluatedAt: string;
  failingSince?: string;
  stale?: boolean;
  lastDefinitive?: TSummary & {
    verdict: string;
    reason?: string;
    evaluatedAt: string;
  };
};

/** A change of a control's verdict or reason for an account. */
export interface ControlVerdictChange {
  accountId: string;
  controlId: string;
  /** Absent for the control's first result. */
  from?: string;
  to: string;
  reason?: string;
  changedAt: string;
  runId?: string;
}

/** A failure episode of a control for an account. */
export interface ControlFailureEpisode {
  accountId: string;
  controlId: string;
  startedAt: string;
  reason?: string;
  endedAt?: string;
}

export interface ControlSaveOutcome<TSummary extends object = object> {
  /** The verdict or reason changed (or this is the first result). */
  change?: ControlVerdictChange;
  listing: ControlListing<TSummary>;
  /** The record is older than the stored one: nothing was saved. */
  outdated?: boolean;
}

export interface ControlResultStore {
  /**
   * Keeps the latest result of a control for an account. A definitive verdict also becomes the
   * last definitive result; another (ERROR) keeps the previous definitive one. Changes of the
   * verdict or reason are appended to the history, failure episodes opened and closed. A record
   * older than the stored one is not saved (an overlapping, slower run).
   */
  saveControlResult<TResult, TSummary extends object>(
    control: ControlDefinition,
    record: ControlResultRecord<TResult, TSummary>,
  ): Promise<ControlSaveOutcome<TSummary>>;

  getControlResult<TResult, TSummary extends object>(
    accountId: string,
    controlId: ControlDefinition['id'],
  ): Promise<StoredControlResult<TResult, TSummary> | undefined>;

  /** Changes of the control for the account, oldest first; `from`, `to` inclusive. */
  getControlHistory(
    accountId: string,
    controlId: ControlDefinition['id'],
    range?: { from?: Date; to?: Date },
  ): Promise<ControlVerdictChange[]>;

  /**
   * How many of the given accounts have each latest verdict of the control, counted by the
   * database (an entity's roll-up); verdicts no account has are absent.
   */
  countControlVerdicts(
    controlId: ControlDefinition['id'],
    accountIds: readonly string[],
  ): Promise<Record<string, number>>;

  /** The control's failure episodes for the account that overlap the range, oldest first. */
  listControlEpisodes(
    accountId: string,
    controlId: ControlDefinition['id'],
    range?: { from?: Date; to?: Date },
  ): Promise<ControlFailureEpisode[]>;
}

/** A control's result as saved, for those told about every saved result (owner notifications). */
export interface SavedControlResult<TResult = unknown> {
  controlId: ControlDefinition['id'];
  outcome: ControlSaveOutcome;
  /** The full result that was saved. */
  result: TResult;
}
