/**
 * Detection content results (CIS 3.x) as the backend serves them, typed by the common package
 * so that a change of the contract breaks these fixtures at compile time. One check result per
 * verdict and reason of detection-content.md, and whole account results built from them.
 */
import type {
  AccountDetectionResult,
  AccountSummary,
  CanonicalEventOutcome,
  DetectionCheckId,
  DetectionCheckResult,
  LogGroupRef,
  PatternJudgement,
} from '@cis-aws/plugin-cis-aws-common';
import { detectionCheck } from '@cis-aws/plugin-cis-aws-common';

export const ACCOUNT_ID = '403344556677';
export const ORG_OWNER_ACCOUNT_ID = '401122334455';
export const EVALUATED_AT = '2026-11-24T08:52:40.128Z';

export const LOG_GROUP: LogGroupRef = {
  accountId: ACCOUNT_ID,
  region: 'eu-west-1',
  name: 'aws-cloudtrail-logs-payments-prod',
  arn: `arn:aws:logs:eu-west-1:${ACCOUNT_ID}:log-group:aws-cloudtrail-logs-payments-prod:*`,
};

export const TOPIC_ARN = `arn:aws:sns:eu-west-1:${ACCOUNT_ID}:security-alerts`;

/**
 * What a pattern did with a check's canonical events: every must-match event matched except
 * `missed`, every must-not-match event unmatched except `unrelated`.
 */
export function judged(
  checkId: DetectionCheckId,
  filterName: string,
  filterPattern: string,
  options: {
    source?: 'TestMetricFilter' | 'LOCAL';
    missed?: string[];
    unrelated?: string[];
  } = {},
): PatternJudgement {
  const check = detectionCheck(checkId);
  const missed = options.missed ?? [];
  const unrelated = options.unrelated ?? [];
  const outcomes: CanonicalEventOutcome[] = [
    ...check.mustMatch.map(e => ({
      eventId: e.id,
      expected: 'MATCH' as const,
      matched: !missed.includes(e.id),
    })),
    ...check.mustNotMatch.map(e => ({
      eventId: e.id,
      expected: 'NO_MATCH' as const,
      matched: unrelated.includes(e.id),
    })),
  ];
  return {
    state: 'JUDGED',
    filterName,
    filterPattern,
    source: options.source ?? 'TestMetricFilter',
    outcomes,
    missed,
    unrelatedMatched: unrelated,
    detects: missed.length === 0,
  };
}

const ROOT_PATTERN =
  '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }';
const IAM_PATTERN = detectionCheck('3.4').benchmarkPattern;
const TRAIL_PATTERN = detectionCheck('3.5').benchmarkPattern;

/** 3.3 passes: filter → alarm → topic with two confirmed subscribers, judged by CloudWatch Logs. */
export const ROOT_PASS: DetectionCheckResult = {
  checkId: '3.3',
  logGroup: LOG_GROUP,
  verdict: 'PASS',
  detail: `filter RootAccountUsage → alarm root-account-usage → topic ${TOPIC_ARN} with 2 confirmed subscription(s)`,
  chain: {
    filterName: 'RootAccountUsage',
    metricName: 'RootAccountUsage',
    metricNamespace: 'CISBenchmark',
    alarmName: 'root-account-usage',
    alarmActionsEnabled: true,
    alarmState: 'OK',
    alarmStateUpdatedAt: '2026-11-01T10:00:00.000Z',
    topicArn: TOPIC_ARN,
    confirmedSubscriptions: 2,
    pendingSubscriptions: 0,
  },
  judgements: [judged('3.3', 'RootAccountUsage', ROOT_PATTERN)],
  warnings: [],
  errors: [],
};

/** 3.4 passes, judged locally, with a noisy filter and an alarm short of data. */
export const IAM_PASS_WITH_WARNINGS: DetectionCheckResult = {
  checkId: '3.4',
  logGroup: LOG_GROUP,
  verdict: 'PASS',
  detail: `filter IAMPolicyChanges → alarm iam-policy-changes → topic ${TOPIC_ARN} with 1 confirmed subscription(s)`,
  chain: {
    filterName: 'IAMPolicyChanges',
    metricName: 'IAMPolicyEventCount',
    metricNamespace: 'CISBenchmark',
    alarmName: 'iam-policy-changes',
    alarmActionsEnabled: true,
    alarmState: 'INSUFFICIENT_DATA',
    alarmStateUpdatedAt: '2026-11-20T07:00:00.000Z',
    topicArn: TOPIC_ARN,
    confirmedSubscriptions: 1,
    pendingSubscriptions: 1,
  },
  judgements: [
    judged(
      '3.4',
      'IAMPolicyChanges',
      `${IAM_PATTERN} || ($.eventName = GetPolicy)`,
      {
        source: 'LOCAL',
        unrelated: ['GetPolicy'],
      },
    ),
  ],
  warnings: [
    {
      code: 'FILTER_MATCHES_UNRELATED_EVENTS',
      filterName: 'IAMPolicyChanges',
      eventIds: ['GetPolicy'],
    },
    {
      code: 'ALARM_INSUFFICIENT_DATA',
      alarmName: 'iam-policy-changes',
      since: '2026-11-20T07:00:00.000Z',
    },
  ],
  errors: [],
};

export const TRAIL_PASS: DetectionCheckResult = {
  checkId: '3.5',
  logGroup: LOG_GROUP,
  verdict: 'PASS',
  detail: `filter CloudTrailChanges → alarm cloudtrail-changes → topic ${TOPIC_ARN} with 2 confirmed subscription(s)`,
  chain: {
    filterName: 'CloudTrailChanges',
    metricName: 'CloudTrailEventCount',
    metricNamespace: 'CISBenchmark',
    alarmName: 'cloudtrail-changes',
    alarmActionsEnabled: true,
    alarmState: 'ALARM',
    alarmStateUpdatedAt: '2026-11-24T08:40:00.000Z',
    topicArn: TOPIC_ARN,
    confirmedSubscriptions: 2,
    pendingSubscriptions: 0,
  },
  judgements: [judged('3.5', 'CloudTrailChanges', TRAIL_PATTERN)],
  warnings: [],
  errors: [],
};

/** 3.3 fails: no filter on the log group detects root use (the one there detects IAM changes). */
export const ROOT_NO_FILTER: DetectionCheckResult = {
  checkId: '3.3',
  logGroup: LOG_GROUP,
  verdict: 'FAIL',
  reason: 'NO_FILTER',
  detail: `no metric filter on ${LOG_GROUP.name} detects usage of the root user`,
  judgements: [
    judged('3.3', 'IAMPolicyChanges', IAM_PATTERN, {
      missed: ['root-console-sign-in', 'root-api-call'],
    }),
  ],
  warnings: [],
  errors: [],
};

/** 3.5 fails: a pattern with a typo (`StopLoging`) that text comparison would pass. */
export const TRAIL_FILTER_MISSES: DetectionCheckResult = {
  checkId: '3.5',
  logGroup: LOG_GROUP,
  verdict: 'FAIL',
  reason: 'FILTER_MISSES_EVENTS',
  detail: 'filter CloudTrailChanges misses StopLogging',
  missedEvents: ['StopLogging'],
  judgements: [
    judged(
      '3.5',
      'CloudTrailChanges',
      TRAIL_PATTERN.replace('StopLogging', 'StopLoging'),
      { missed: ['StopLogging'] },
    ),
  ],
  warnings: [],
  errors: [],
};

export const TRAIL_NO_ALARM: DetectionCheckResult = {
  checkId: '3.5',
  logGroup: LOG_GROUP,
  verdict: 'FAIL',
  reason: 'NO_ALARM',
  detail:
    'filter CloudTrailChanges detects the events, but no alarm watches its metric Storefront/Security/TrailChanges',
  chain: {
    filterName: 'CloudTrailChanges',
    metricName: 'TrailChanges',
    metricNamespace: 'Storefront/Security',
  },
  judgements: [judged('3.5', 'CloudTrailChanges', TRAIL_PATTERN)],
  warnings: [],
  errors: [],
};

export const IAM_ACTIONS_DISABLED: DetectionCheckResult = {
  checkId: '3.4',
  logGroup: LOG_GROUP,
  verdict: 'FAIL',
  reason: 'ALARM_ACTIONS_DISABLED',
  detail:
    'alarm iam-policy-changes on CISBenchmark/IAMPolicyEventCount has its actions disabled',
  chain: {
    filterName: 'IAMPolicyChanges',
    metricName: 'IAMPolicyEventCount',
    metricNamespace: 'CISBenchmark',
    alarmName: 'iam-policy-changes',
    alarmActionsEnabled: false,
  },
  judgements: [judged('3.4', 'IAMPolicyChanges', IAM_PATTERN)],
  warnings: [],
  errors: [],
};

export const IAM_NO_TOPIC: DetectionCheckResult = {
  checkId: '3.4',
  logGroup: LOG_GROUP,
  verdict: 'FAIL',
  reason: 'NO_ALARM_TOPIC',
  detail:
    'alarm iam-policy-changes on CISBenchmark/IAMPolicyEventCount notifies no SNS topic',
  chain: {
    filterName: 'IAMPolicyChanges',
    metricName: 'IAMPolicyEventCount',
    metricNamespace: 'CISBenchmark',
    alarmName: 'iam-policy-changes',
    alarmActionsEnabled: true,
  },
  judgements: [judged('3.4', 'IAMPolicyChanges', IAM_PATTERN)],
  warnings: [
    {
      code: 'ALARM_THRESHOLD_ABOVE_ONE',
      alarmName: 'iam-policy-changes',
      threshold: 5,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
    },
  ],
  errors: [],
};

export const ROOT_PENDING_ONLY: DetectionCheckResult = {
  checkId: '3.3',
  logGroup: LOG_GROUP,
  verdict: 'FAIL',
  reason: 'NO_CONFIRMED_SUBSCRIBER',
  detail: `SNS topic ${TOPIC_ARN} of alarm root-account-usage has no confirmed subscription (1 pending confirmation)`,
  chain: {
    filterName: 'RootAccountUsage',
    metricName: 'RootAccountUsage',
    metricNamespace: 'CISBenchmark',
    alarmName: 'root-account-usage',
    alarmActionsEnabled: true,
    topicArn: TOPIC_ARN,
    confirmedSubscriptions: 0,
    pendingSubscriptions: 1,
  },
  judgements: [judged('3.3', 'RootAccountUsage', ROOT_PATTERN)],
  warnings: [],
  errors: [],
};

export const ROOT_API_ERROR: DetectionCheckResult = {
  checkId: '3.3',
  logGroup: LOG_GROUP,
  verdict: 'ERROR',
  reason: 'API_ERROR',
  detail: `the metric filters of ${LOG_GROUP.name} could not be read: logs:DescribeMetricFilters failed with AccessDeniedException`,
  judgements: [],
  warnings: [],
  errors: [
    {
      service: 'logs',
      operation: 'logs:DescribeMetricFilters',
      region: 'eu-west-1',
      code: 'AccessDeniedException',
      httpStatus: 400,
      message:
        'User: arn:aws:sts::403344556677:assumed-role/cis-aws-reader/cis-aws is not authorized to perform: logs:DescribeMetricFilters',
    },
  ],
};

export function notApplicable(checkId: DetectionCheckId): DetectionCheckResult {
  return {
    checkId,
    verdict: 'NOT_APPLICABLE',
    reason: 'NO_INTEGRATED_TRAIL',
    detail: 'no trail of this account delivers to a CloudWatch Logs log group',
    judgements: [],
    warnings: [],
    errors: [],
  };
}

/** An account's result over the given checks, with the summary the backend derives. */
export function accountDetection(
  checks: DetectionCheckResult[],
  rest: Partial<AccountDetectionResult> = {},
): AccountDetectionResult {
  const order = ['FAIL', 'ERROR', 'PASS', 'NOT_APPLICABLE'] as const;
  const verdict =
    order.find(v => checks.some(c => c.verdict === v)) ?? 'NOT_APPLICABLE';
  const failing = checks.filter(
    c => c.verdict === 'FAIL' || c.verdict === 'ERROR',
  );
  return {
    accountId: ACCOUNT_ID,
    controlId: 'cis-3.x-detection',
    verdict,
    ...(failing[0]?.reason ? { reason: failing[0].reason } : {}),
    failingChecks: failing.map(c => c.checkId),
    ...(verdict === 'FAIL' ? { failingSince: '2026-11-20T07:00:00.000Z' } : {}),
    evaluatedAt: EVALUATED_AT,
    checks,
    runId: 'run-42',
    ...rest,
  };
}

export const DETECTION_PASS = accountDetection([
  ROOT_PASS,
  IAM_PASS_WITH_WARNINGS,
  TRAIL_PASS,
]);

export const DETECTION_FAIL = accountDetection([
  ROOT_NO_FILTER,
  IAM_ACTIONS_DISABLED,
  TRAIL_FILTER_MISSES,
]);

export const DETECTION_ERROR = accountDetection([
  ROOT_API_ERROR,
  IAM_PASS_WITH_WARNINGS,
  TRAIL_PASS,
]);

export const DETECTION_NOT_APPLICABLE = accountDetection([
  notApplicable('3.3'),
  notApplicable('3.4'),
  notApplicable('3.5'),
]);

/** A member covered only by the organization trail: it takes the owner's result. */
export const DETECTION_INHERITED = accountDetection(
  [
    {
      ...ROOT_PASS,
      logGroup: { ...LOG_GROUP, accountId: ORG_OWNER_ACCOUNT_ID },
    },
    {
      ...IAM_PASS_WITH_WARNINGS,
      logGroup: { ...LOG_GROUP, accountId: ORG_OWNER_ACCOUNT_ID },
    },
    {
      ...TRAIL_PASS,
      logGroup: { ...LOG_GROUP, accountId: ORG_OWNER_ACCOUNT_ID },
    },
  ],
  { accountId: '404455667788', inheritedFrom: ORG_OWNER_ACCOUNT_ID },
);

/** The owner's account as the accounts list answers it (for the inherited line's link). */
export const ORG_OWNER_SUMMARY: AccountSummary = {
  accountId: ORG_OWNER_ACCOUNT_ID,
  entityRef: 'resource:default/aws-management',
  title: 'management (401122334455)',
  verdict: 'PASS',
  evaluatedAt: EVALUATED_AT,
  verdictSince: EVALUATED_AT,
  stale: false,
};
