import { ApiError } from '../facts';
import { DetectionCheckId } from './checks';

/**
 * Facts and results of the detection checks (CIS v1.2 3.1–3.14) on one integrated log group:
 * the chain metric filter → alarm on the filter's metric → SNS topic → confirmed subscription
 * (docs: detection-content.md). Facts are what collection read; results are what the pure rules
 * made of them. Subscription endpoints (addresses, webhook URLs) are never kept: they can hold
 * secrets and the verdict does not need them.
 */

/** A collected value, or the call that failed to read it (errors are data). */
export type Collected<T> =
  | { state: 'OK'; value: T }
  | { state: 'FAILED'; error: ApiError };

export interface MetricTransformationFacts {
  metricName: string;
  metricNamespace: string;
  metricValue: string;
}

export interface MetricFilterFacts {
  filterName: string;
  filterPattern: string;
  metricTransformations: MetricTransformationFacts[];
}

export interface AlarmFacts {
  alarmName: string;
  alarmArn?: string;
  actionsEnabled: boolean;
  /** Every action ARN; SNS topics among them are what the check follows. */
  alarmActions: string[];
  /** `OK`, `ALARM` or `INSUFFICIENT_DATA`. */
  stateValue: string;
  /** ISO 8601. */
  stateUpdatedTimestamp?: string;
  threshold?: number;
  /** `GreaterThanOrEqualToThreshold`, `GreaterThanThreshold`, … */
  comparisonOperator?: string;
  metricName: string;
  namespace: string;
}

export interface SubscriptionFacts {
  /** The subscription's ARN, or `PendingConfirmation` while it is not confirmed. */
  subscriptionArn: string;
  protocol: string;
}

export type TopicFacts =
  | { state: 'FOUND'; topicArn: string; subscriptions: SubscriptionFacts[] }
  | { state: 'NOT_FOUND'; topicArn: string }
  | { state: 'FAILED'; topicArn: string; error: ApiError };

/** CloudWatch Logs' own answer (`logs:TestMetricFilter`): which sample messages a pattern matches. */
export type PatternTestFacts =
  | {
      state: 'ANSWERED';
      /** `detectionEventKey(check, event)` of every canonical event the pattern matched. */
      matchedEvents: string[];
    }
  | { state: 'FAILED'; error: ApiError };

/** The key of a metric in the maps below: `namespace` + NUL + `name`. */
export function metricKey(metricNamespace: string, metricName: string): string {
  return `${metricNamespace}\u0000${metricName}`;
}

export interface LogGroupRef {
  accountId: string;
  region: string;
  name: string;
  arn: string;
}

export interface LogGroupDetectionFacts {
  logGroup: LogGroupRef;
  metricFilters: Collected<MetricFilterFacts[]>;
  /** By `metricKey(namespace, name)` of each filter's metric. */
  alarmsByMetric: Record<string, Collected<AlarmFacts[]>>;
  /** By topic ARN, for every SNS topic among the alarms' actions. */
  topics: Record<string, TopicFacts>;
  /**
   * CloudWatch Logs' answers by pattern text, for the canonical events of the checks evaluated
   * (`detectionTestEvents()`). A pattern without an answer (or a failed one) is evaluated locally.
   */
  patternTests: Record<string, PatternTestFacts>;
  /** ISO 8601: when the facts were read (for the "INSUFFICIENT_DATA for a day" warning). */
  collectedAt: string;
}

// ---------------------------------------------------------------- results

export const DETECTION_VERDICTS = [
  'PASS',
  'FAIL',
  'ERROR',
  'NOT_APPLICABLE',
] as const;
export type DetectionVerdict = (typeof DETECTION_VERDICTS)[number];

/** In the contract's order: the first that applies is the reason. */
export const DETECTION_REASON_CODES = [
  'API_ERROR',
  'NO_INTEGRATED_TRAIL',
  'NO_FILTER',
  'FILTER_MISSES_EVENTS',
  'NO_ALARM',
  'ALARM_ACTIONS_DISABLED',
  'NO_ALARM_TOPIC',
  'NO_CONFIRMED_SUBSCRIBER',
] as const;
export type DetectionReasonCode = (typeof DETECTION_REASON_CODES)[number];

export type DetectionWarning =
  | {
      code: 'FILTER_MATCHES_UNRELATED_EVENTS';
      filterName: string;
      /** Ids of the must-not-match events it matched. */
      eventIds: string[];
    }
  | {
      code: 'ALARM_INSUFFICIENT_DATA';
      alarmName: string;
      /** ISO 8601: since when. */
      since: string;
    }
  | {
      code: 'ALARM_THRESHOLD_ABOVE_ONE';
      alarmName: string;
      threshold: number;
      comparisonOperator: string;
    }
  | {
      code: 'PATTERN_NOT_EVALUATED';
      filterName: string;
      /** Why neither CloudWatch Logs nor the local evaluator could judge it. */
      message: string;
    };

export interface CanonicalEventOutcome {
  eventId: string;
  expected: 'MATCH' | 'NO_MATCH';
  matched: boolean;
}

/** What one filter's pattern does with one check's canonical events. */
export type PatternJudgement =
  | {
      state: 'JUDGED';
      filterName: string;
      filterPattern: string;
      /** Who answered: CloudWatch Logs itself, or the local evaluator. */
      source: 'TestMetricFilter' | 'LOCAL';
      outcomes: CanonicalEventOutcome[];
      /** Must-match events it does not match. */
      missed: string[];
      /** Must-not-match events it matches. */
      unrelatedMatched: string[];
      /** Matches every must-match event. */
      detects: boolean;
    }
  | {
      state: 'NOT_EVALUATED';
      filterName: string;
      filterPattern: string;
      message: string;
    };

export interface DetectionChainLink {
  filterName: string;
  metricName: string;
  metricNamespace: string;
  alarmName?: string;
  alarmActionsEnabled?: boolean;
  /**
   * The alarm's state when it was read (`OK`, `ALARM` or `INSUFFICIENT_DATA`): informative, not
   * part of the verdict (INSUFFICIENT_DATA for long is the `ALARM_INSUFFICIENT_DATA` warning).
   */
  alarmState?: string;
  /** ISO 8601: when the alarm last changed state, when CloudWatch said. */
  alarmStateUpdatedAt?: string;
  topicArn?: string;
  confirmedSubscriptions?: number;
  pendingSubscriptions?: number;
}

export interface DetectionCheckResult {
  checkId: DetectionCheckId;
  /** For an account's result: the log group that decided it. */
  logGroup?: LogGroupRef;
  verdict: DetectionVerdict;
  /** Absent on PASS. */
  reason?: DetectionReasonCode;
  /** One sentence on why, naming the filter, alarm, topic or events concerned. */
  detail: string;
  /** FILTER_MISSES_EVENTS: the must-match events the best filter misses. */
  missedEvents?: string[];
  /** The best chain found (how far it got), when a filter detects the events. */
  chain?: DetectionChainLink;
  /** Every filter of the log group judged against this check's events: the evidence. */
  judgements: PatternJudgement[];
  warnings: DetectionWarning[];
  /** The calls that failed on the way (with ERROR, the reason). */
  errors: ApiError[];
}

export interface LogGroupDetectionResult {
  logGroup: LogGroupRef;
  checks: DetectionCheckResult[];
}

/** Worst first, for an account (worst of its checks) and an entity (worst of its accounts). */
export const DETECTION_SEVERITY_ORDER: readonly DetectionVerdict[] = [
  'FAIL',
  'ERROR',
  'PASS',
  'NOT_APPLICABLE',
];

/** The worst of some detection verdicts, or undefined when there are none. */
export function worstDetectionVerdict(
  verdicts: Iterable<DetectionVerdict>,
): DetectionVerdict | undefined {
  let worst: DetectionVerdict | undefined;
  for (const v of verdicts)
    if (
      worst === undefined ||
      DETECTION_SEVERITY_ORDER.indexOf(v) <
        DETECTION_SEVERITY_ORDER.indexOf(worst)
    )
      worst = v;
  return worst;
}

// ---------------------------------------------------------------- controls and the API

/**
 * The controls the product evaluates per account. `cis-2.4` is the original verdict (trail →
 * role → log group → delivery); `cis-3.x-detection` is whether anyone is told about what arrives
 * in the integrated log group (detection-content.md). Results are kept per account and control.
 */
export const CONTROL_IDS = ['cis-2.4', 'cis-3.x-detection'] as const;
export type ControlId = (typeof CONTROL_IDS)[number];
export const DETECTION_CONTROL_ID: ControlId = 'cis-3.x-detection';

/** The short form of an account's detection status, in listings and roll-ups. */
export interface DetectionSummary {
  verdict: DetectionVerdict;
  /** The reason of the first failing (or erroring) check, in check order. */
  reason?: DetectionReasonCode;
  /** The checks that are not PASS (FAIL or ERROR), in check order. */
  failingChecks: DetectionCheckId[];
  /** ISO 8601: start of the open failure episode of this control, when FAIL. */
  failingSince?: string;
  /** ISO 8601. */
  evaluatedAt: string;
  /**
   * When the account is covered only by an organization trail: the owner account whose log
   * group decided it.
   */
  inheritedFrom?: string;
  /**
   * True when the latest result is not definitive (ERROR) and an older definitive one (PASS,
   * FAIL, NOT_APPLICABLE) exists: show `lastDefinitive`, marked stale. An error never erases it.
   */
  stale?: boolean;
  /** The last definitive result, when the latest is not definitive. */
  lastDefinitive?: {
    verdict: DetectionVerdict;
    reason?: DetectionReasonCode;
    failingChecks: DetectionCheckId[];
    /** ISO 8601. */
    evaluatedAt: string;
  };
}

/**
 * `GET /v1/accounts/{accountId}/controls/cis-3.x-detection`: an account's detection result.
 * The account's verdict is the worst of its checks (FAIL, ERROR, PASS, NOT_APPLICABLE).
 */
export interface AccountDetectionResult extends DetectionSummary {
  accountId: string;
  controlId: 'cis-3.x-detection';
  /** The checks evaluated (the baseline 3.3–3.5 by default; all fourteen when configured). */
  checks: DetectionCheckResult[];
  /**
   * When the account is covered only by an organization trail: the owner (management) account
   * whose log group, and so whose detection result, it takes.
   */
  inheritedFrom?: string;
  /** The run that produced it. */
  runId?: string;
  /**
   * With `stale`: the checks of the last definitive result (`lastDefinitive`), which the latest
   * (an ERROR) did not erase.
   */
  lastDefinitiveChecks?: DetectionCheckResult[];
}
