/**
 * The HTTP API of the cis-aws backend plugin (`/api/cis-aws/v1`), as both
 * sides see it. The OpenAPI document of the backend package describes the
 * same shapes.
 */
import type {
  AccountEvaluation,
  EntityVerdictValue,
  TrailEvaluation,
  TrailSecurityHubOpinion,
} from './results';
import type { Verdict } from './verdicts';
import type {
  DetectionReasonCode,
  DetectionSummary,
  DetectionVerdict,
} from './detection/types';

/** Where an AWS account sits in the catalog. */
export interface AccountMapping {
  accountId: string;
  /** The cloud-account Resource that carries `amazonaws.com/account-id`. */
  entityRef: string;
  /** The entity's title, or its name. */
  title: string;
  /** `spec.owner` of the account entity, as an entity ref. */
  ownerRef?: string;
  /** `spec.system` of the account entity, as an entity ref. */
  systemRef?: string;
}

/** Definitive verdicts stay visible when a later run could not decide. */
export const DEFINITIVE_VERDICTS: readonly Verdict[] = [
  'PASS',
  'FAIL',
  'EXEMPT',
];

export function isDefinitiveVerdict(verdict: Verdict): boolean {
  return DEFINITIVE_VERDICTS.includes(verdict);
}

/** The last definitive result of an account, kept when later runs error. */
export interface DefinitiveResult {
  verdict: Verdict;
  reason?: string;
  evaluatedAt: string;
}

/** One row of the accounts list. */
export interface AccountSummary extends AccountMapping {
  verdict: Verdict;
  reason?: string;
  evaluatedAt: string;
  /** Since when the account has had its current verdict. */
  verdictSince: string;
  /**
   * Start of the account's open failure episode (contract "Failure age"): its first FAIL after
   * a PASS, kept through ERROR, UNKNOWN and EXEMPT results. Absent when no episode is open.
   */
  failingSince?: string;
  /** The last PASS, FAIL or EXEMPT, which may be this result. */
  lastDefinitive?: DefinitiveResult;
  /**
   * True when the latest result is not definitive (ERROR, UNKNOWN) and an
   * older definitive one exists: show that one, marked stale.
   */
  stale: boolean;
  /** Security Hub's CloudTrail.5 status and whether it agrees with ours. */
  securityHub?: { status: 'PASS' | 'FAIL' | 'UNKNOWN'; agrees: boolean | null };
  /** The most recent CloudWatch Logs delivery across the account's trails. */
  latestDeliveryTime?: string;
  /**
   * Why its trails fail or could not be decided: their reason codes, worst
   * first, each once (e.g. `ROLE_CANNOT_WRITE`). Empty when none does.
   */
  trailReasons?: string[];
  /**
   * The account's detection content (CIS 3.x, control `cis-3.x-detection`): absent until it has
   * been evaluated, or when detection is turned off (`cisAws.detection.enabled: false`). The full
   * result is `GET /v1/accounts/{accountId}/controls/cis-3.x-detection`.
   */
  detection?: DetectionSummary;
}

/** Links into the AWS console for a trail's chain. */
export interface ConsoleLinks {
  trail?: string;
  logGroup?: string;
  role?: string;
  securityHubControl?: string;
}

/**
 * A trail as the API serves it: its evaluation with what the backend judged for display, so the
 * frontend renders and derives nothing.
 */
export interface ServedTrailEvaluation extends TrailEvaluation {
  /** Console links for each link of the trail's chain. */
  consoleLinks: ConsoleLinks;
  /** Absent when no Security Hub opinion was read for the account. */
  securityHub?: TrailSecurityHubOpinion;
}

/** An account evaluation as the API serves it: each trail with its console links and opinion. */
export interface ServedAccountEvaluation
  extends Omit<AccountEvaluation, 'trails'> {
  trails: ServedTrailEvaluation[];
}

/** An account's full result. */
export interface AccountDetail extends AccountSummary {
  evaluation: ServedAccountEvaluation;
  /** The full evaluation behind `lastDefinitive`, when it is not the latest. */
  lastDefinitiveEvaluation?: ServedAccountEvaluation;
}

export type VerdictTotals = Record<Verdict, number>;

export interface AccountsListResponse {
  items: AccountSummary[];
  /** Accounts matching the filters (before pagination). */
  totalCount: number;
  /** Accounts per verdict among those matching the filters. */
  totals: VerdictTotals;
  offset: number;
  limit: number;
}

/** A catalog entity that carries a malformed account annotation. */
export interface MappingProblem {
  entityRef: string;
  annotation: string;
  value: string;
  message: string;
}

export interface EntityResultResponse {
  entityRef: string;
  /**
   * The worst verdict of its accounts; NOT_MAPPED when it maps to no account;
   * PENDING when it maps to accounts none of which has been evaluated yet.
   */
  verdict: EntityVerdictValue | 'PENDING';
  /** Over all its evaluated accounts, not just the page in `accounts`. */
  counts: Record<EntityVerdictValue, number>;
  /**
   * One page of its evaluated accounts, worst first (then by title): `accountCount` says how
   * many there are in all, `offset` and `limit` which ones these are.
   */
  accounts: AccountSummary[];
  /** How many of its accounts have been evaluated. */
  accountCount: number;
  offset: number;
  limit: number;
  /** Accounts mapped to the entity that have not been evaluated yet. */
  pendingAccountIds: string[];
  problems: MappingProblem[];
  /**
   * The detection content (CIS 3.x) of all its accounts, not just the page: how many have each
   * latest verdict (an ERROR counts as ERROR, even when an older FAIL or PASS is shown stale). Absent
   * when detection is turned off (`cisAws.detection.enabled: false`).
   */
  detection?: EntityDetectionCounts;
}

/** `EntityResultResponse.detection`. */
export interface EntityDetectionCounts {
  counts: Record<DetectionVerdict, number>;
  /** Its accounts with a detection result (the sum of `counts`). */
  accountCount: number;
}

/**
 * How a run ended, or where it is: `queued` (asked for, not started), `running`, `succeeded`
 * (every account evaluated, none ERROR or UNKNOWN, no run-level problem), `completed_with_errors`
 * (it finished, but some accounts are ERROR or UNKNOWN or a run-level problem was recorded: see
 * `verdicts`, `apiErrors` and `errors`), `failed` (it stopped on an error), `timed_out` (stopped at
 * the schedule's timeout; accounts not started are `accountsSkipped`), `abandoned` (its replica
 * went away and its deadline passed; closed by another replica).
 */
export type EvaluationRunStatus =
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'completed_with_errors'
  | 'failed'
  | 'timed_out'
  | 'abandoned';

/** A record of one evaluation run. */
export interface EvaluationRun {
  id: string;
  /** schedule: the periodic run; new-accounts: accounts new in the catalog; manual: every account, on request. */
  trigger: 'schedule' | 'new-accounts' | 'manual';
  startedAt: string;
  finishedAt?: string;
  status: EvaluationRunStatus;
  /** The replica that started it (host/pid/instance); others may have evaluated some of its accounts. */
  replica?: string;
  accountsTotal: number;
  /** Accounts evaluated and saved so far. */
  accountsEvaluated: number;
  /** Of those, accounts whose verdict is ERROR. */
  accountsErrored: number;
  /** Accounts not evaluated by this run: being evaluated by another at that moment, or not started before its end. */
  accountsSkipped: number;
  /** Accounts evaluated, per verdict. */
  verdicts: Partial<Record<Verdict, number>>;
  /** AWS calls made, by `service:Operation`, every attempt counted (sts:AssumeRole included). */
  calls: Record<string, number>;
  /** Failed AWS call attempts, by `service:ErrorCode` (retried throttling included). */
  apiErrors: Record<string, number>;
  /** Run-level problems (e.g. Security Hub unreadable, catalog unreadable). */
  errors: string[];
}

/** `POST /v1/runs`: the run asked for, queued or already running. */
export interface RunRequestResponse {
  runId: string;
  status: EvaluationRunStatus;
  /** True when a full run was already queued or running, and this is that run. */
  alreadyActive: boolean;
}

/**
 * One change of verdict or of reason, of an account or of one of its trails (a new reason under
 * the same verdict has `from` equal to `to`).
 */
export interface VerdictChange {
  accountId: string;
  /** Set for a trail's change; absent for the account's. */
  trailArn?: string;
  /** Absent for the first verdict ever recorded. */
  from?: Verdict;
  to: Verdict;
  reason?: string;
  changedAt: string;
  runId?: string;
}

/**
 * A failure episode of an account (no `trailArn`) or of one trail (contract "Failure age"): it
 * starts with the first FAIL after a PASS (or after no result) and ends only with a definitive
 * PASS; ERROR, UNKNOWN and EXEMPT results inside it neither end nor restart it.
 */
export interface FailureEpisode {
  accountId: string;
  /** Set for a trail's episode; absent for the account's. */
  trailArn?: string;
  /** The FAIL that opened it. */
  startedAt: string;
  /** Its reason then (e.g. `TRAIL_FAILED`, `ROLE_CANNOT_WRITE`). */
  reason?: string;
  /** The PASS that closed it; absent while it is open. */
  endedAt?: string;
  /** Time to fix: `endedAt - startedAt` in milliseconds, for a closed episode. */
  durationMs?: number;
}

/** `GET /v1/accounts/{accountId}/history`. */
export interface HistoryResponse {
  accountId: string;
  /** The range asked for (both inclusive); absent bounds are open. */
  from?: string;
  to?: string;
  /** Oldest first. */
  changes: VerdictChange[];
  /**
   * The account's and its trails' failure episodes that overlap the range (an open one always
   * does), oldest first.
   */
  episodes: FailureEpisode[];
  /**
   * The detection control's (`cis-3.x-detection`, CIS 3.x) changes and failure episodes in the
   * same range, kept apart from 2.4's; absent when detection is turned off
   * (`cisAws.detection.enabled: false`).
   */
  detection?: DetectionHistory;
  /** How long history is kept (`cisAws.history.retention`), in days. */
  retentionDays: number;
}

/** A change of the detection verdict (or its reason) of an account. */
export interface DetectionVerdictChange {
  accountId: string;
  /** Absent for the first detection result ever recorded. */
  from?: DetectionVerdict;
  to: DetectionVerdict;
  reason?: DetectionReasonCode;
  changedAt: string;
  runId?: string;
}

/**
 * A failure episode of the detection control of an account: it starts with the first FAIL
 * after a PASS (or after no result) and ends only with a PASS; ERROR and NOT_APPLICABLE
 * neither open nor close it.
 */
export interface DetectionFailureEpisode {
  accountId: string;
  startedAt: string;
  reason?: DetectionReasonCode;
  /** The PASS that closed it; absent while it is open. */
  endedAt?: string;
  /** `endedAt - startedAt` in milliseconds, for a closed episode. */
  durationMs?: number;
}

/** The detection part of `HistoryResponse`. */
export interface DetectionHistory {
  controlId: 'cis-3.x-detection';
  /** Oldest first. */
  changes: DetectionVerdictChange[];
  /** Overlapping the range (an open one always does), oldest first. */
  episodes: DetectionFailureEpisode[];
}

/**
 * One owner's failure age and time to fix (contract "Failure age"), from its accounts' failure
 * episodes: an episode starts with the first FAIL after a PASS and ends only with a PASS.
 */
export interface OwnerFailureAge {
  /** Its accounts with an open failure episode (failing now, or ERROR/EXEMPT within one). */
  openCount: number;
  /** Start of the oldest open episode: how long its oldest failure has lasted. */
  oldestFailingSince?: string;
  /** Episodes of its accounts that were fixed (ended with a PASS) within the period. */
  fixedCount: number;
  /** Median length of those episodes, in ms; absent when none was fixed. */
  medianTimeToFixMs?: number;
  /** Longest of those episodes, in ms; absent when none was fixed. */
  maxTimeToFixMs?: number;
}

/** One owner's accounts by verdict, for the organization page's ranking. */
export interface OwnerSummary {
  /** The owner's entity ref; absent for accounts nobody owns. */
  ownerRef?: string;
  totalCount: number;
  totals: VerdictTotals;
  /** Failure age now, and time to fix within {@link OwnersResponse.period}. */
  failureAge: OwnerFailureAge;
  /**
   * Its accounts per latest detection verdict (CIS 3.x), counted in the database as
   * `EntityResultResponse.detection`; absent when detection is turned off
   * (`cisAws.detection.enabled: false`).
   */
  detection?: EntityDetectionCounts;
}

/** One system's accounts per verdict (the organization page's roll-up by system). */
export interface SystemSummary {
  /** The system's entity ref; absent for accounts that are part of no system. */
  systemRef?: string;
  totalCount: number;
  totals: VerdictTotals;
  /** As {@link OwnerSummary.detection}. */
  detection?: EntityDetectionCounts;
}

export interface SystemsResponse {
  /** Systems with the most failing accounts first (then erroring, then by name). */
  systems: SystemSummary[];
}

export interface OwnersResponse {
  /** Owners with the most failing accounts first (then erroring, then by name). */
  owners: OwnerSummary[];
  /** The UTC days (YYYY-MM-DD, both inclusive) whose fixed episodes time to fix is over. */
  period: { from: string; to: string };
}

/** A CloudTrail event that caused an evaluation (cisAws.events, docs/events.md). */
export interface EvaluationEventCause {
  /** When the evaluation it caused ran, and what it found. */
  evaluatedAt: string;
  verdict: Verdict;
  /** `StopLogging`, `DeleteLogGroup`, `DetachRolePolicy`, … (the first of a burst). */
  eventName: string;
  eventSource?: string;
  /** Who made the change: the IAM user name or role session, else the ARN. */
  principal?: string;
  principalArn?: string;
  /** When the change was made (CloudTrail's eventTime). */
  eventTime?: string;
  /** The trail, log group or role the call named. */
  resource?: string;
  /** How many relevant events the debounced burst held. */
  eventCount: number;
  otherEventNames: string[];
  /** When the portal received the event. */
  receivedAt: string;
  /** Seconds from the change (eventTime, else receipt) to the evaluation; absent if unknown. */
  delaySeconds?: number;
}

/** `GET /v1/accounts/{accountId}/freshness`: how the current result came about. */
export interface AccountFreshnessResponse {
  accountId: string;
  /** When the current result was made. */
  evaluatedAt: string;
  /**
   * `event`: a CloudTrail event re-evaluated the account (`event` says which); `check`: the
   * regular schedule, a new-account check or someone asking (`checkLabel` names the schedule).
   */
  trigger: 'event' | 'check';
  event?: EvaluationEventCause;
  /** E.g. "hourly check". */
  checkLabel: string;
  /** The latest event-driven evaluations of this account, newest first (history). */
  recentEvents: EvaluationEventCause[];
}

/**
 * `GET /v1/accounts/{accountId}/evaluation-access`: whether the caller may evaluate the account
 * now (`POST /v1/accounts/{accountId}/evaluate`), on what grounds, and if not, why and when
 * the account is checked anyway.
 */
export interface EvaluationAccess {
  accountId: string;
  allowed: boolean;
  /**
   * PERMISSION: the caller holds `cis-aws.account.evaluate`. OWNER: the caller owns the account
   * through the catalog. NOT_OWNER: neither. RATE_LIMITED: an owner, but the account was
   * evaluated less than `cisAws.evaluate.minInterval` ago.
   */
  basis: 'PERMISSION' | 'OWNER' | 'NOT_OWNER' | 'RATE_LIMITED';
  /** In words, for the UI: why the caller may or may not. */
  message: string;
  /** RATE_LIMITED: from when the owner may evaluate it again. */
  retryAt?: string;
  /** When the scheduled full run is expected to check the account next, when known. */
  nextScheduledAt?: string;
  /** The full run's schedule in words (e.g. "every 1 hour", or its cron expression). */
  schedule: string;
}
