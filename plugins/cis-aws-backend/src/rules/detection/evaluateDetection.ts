import {
  AlarmFacts,
  ApiError,
  DetectionChainLink,
  DetectionCheck,
  DetectionCheckId,
  DetectionCheckResult,
  DetectionReasonCode,
  DetectionWarning,
  LogGroupDetectionFacts,
  LogGroupDetectionResult,
  MetricFilterFacts,
  PatternJudgement,
  detectionCheck,
  metricKey,
} from '@cis-aws/plugin-cis-aws-common';
import { judgePattern } from './judgePattern';

/**
 * The detection checks (CIS v1.2 3.1–3.14) on one integrated log group: the audit chain
 * filter → alarm on the filter's metric (name and namespace) → SNS topic among the alarm's
 * actions → a confirmed subscription, with the contract's verdicts (detection-content.md,
 * "Verdicts"; first match wins).
 *
 * A log group can hold several filters, a metric several alarms, an alarm several topics: the
 * check follows every chain and keeps the one that gets furthest. ERROR comes first as in the
 * contract, with one reading of "a call needed for the check": a call is needed when no chain
 * passes without it — a complete passing chain does not need the call that failed elsewhere,
 * but a FAIL never hides a failed call that could have turned it into a PASS.
 */

/** How far a chain gets, worst to best. */
const STAGES = [
  'NO_ALARM',
  'ALARM_ACTIONS_DISABLED',
  'NO_ALARM_TOPIC',
  'NO_CONFIRMED_SUBSCRIBER',
  'PASS',
] as const;
type Stage = (typeof STAGES)[number];

interface Chain {
  stage: Stage;
  link: DetectionChainLink;
  alarm?: AlarmFacts;
  judgement: Extract<PatternJudgement, { state: 'JUDGED' }>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const SNS_ARN = /^arn:[\w-]+:sns:[a-z0-9-]+:\d{12}:.+$/;
const PENDING = new Set(['PendingConfirmation', 'Deleted']);

/** A record's own entry: pattern texts are user input (`constructor`, `__proto__`…). */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key)
    ? record[key]
    : undefined;
}

function notCollected(operation: string, what: string): ApiError {
  return {
    service: operation.split(':')[0],
    operation,
    code: 'NotCollected',
    message: `${what} was not collected`,
  };
}

/** Every chain through one detecting filter, and the failed calls met on the way. */
function chainsThrough(
  judgement: Chain['judgement'],
  filter: MetricFilterFacts,
  facts: LogGroupDetectionFacts,
  errors: ApiError[],
): Chain[] {
  const chains: Chain[] = [];
  for (const metric of filter.metricTransformations) {
    const base: DetectionChainLink = {
      filterName: filter.filterName,
      metricName: metric.metricName,
      metricNamespace: metric.metricNamespace,
    };
    const alarms = own(
      facts.alarmsByMetric,
      metricKey(metric.metricNamespace, metric.metricName),
    );
    if (!alarms) {
      errors.push(
        notCollected(
          'cloudwatch:DescribeAlarmsForMetric',
          `the alarms of ${metric.metricNamespace}/${metric.metricName}`,
        ),
      );
      continue;
    }
    if (alarms.state === 'FAILED') {
      errors.push(alarms.error);
      continue;
    }
    if (alarms.value.length === 0) {
      chains.push({ stage: 'NO_ALARM', link: base, judgement });
      continue;
    }
    for (const alarm of alarms.value) {
      const link: DetectionChainLink = {
        ...base,
        alarmName: alarm.alarmName,
        alarmActionsEnabled: alarm.actionsEnabled,
        alarmState: alarm.stateValue,
        ...(alarm.stateUpdatedTimestamp
          ? { alarmStateUpdatedAt: alarm.stateUpdatedTimestamp }
          : {}),
      };
      if (!alarm.actionsEnabled) {
        chains.push({
          stage: 'ALARM_ACTIONS_DISABLED',
          link,
          alarm,
          judgement,
        });
        continue;
      }
      const topicArns = alarm.alarmActions.filter(a => SNS_ARN.test(a));
      if (topicArns.length === 0) {
        chains.push({ stage: 'NO_ALARM_TOPIC', link, alarm, judgement });
        continue;
      }
      for (const topicArn of topicArns) {
        const topic = own(facts.topics, topicArn);
        if (!topic) {
          errors.push(
            notCollected('sns:ListSubscriptionsByTopic', `topic ${topicArn}`),
          );
          continue;
        }
        if (topic.state === 'FAILED') {
          errors.push(topic.error);
          continue;
        }
        const subscriptions =
          topic.state === 'FOUND' ? topic.subscriptions : [];
        const confirmed = subscriptions.filter(
          s => !PENDING.has(s.subscriptionArn),
        ).length;
        chains.push({
          stage: confirmed > 0 ? 'PASS' : 'NO_CONFIRMED_SUBSCRIBER',
          link: {
            ...link,
            topicArn,
            confirmedSubscriptions: confirmed,
            pendingSubscriptions: subscriptions.length - confirmed,
          },
          alarm,
          judgement,
        });
      }
    }
  }
  return chains;
}

/** The chain that gets furthest; among equals, one whose filter matches no unrelated event. */
function best(chains: Chain[]): Chain | undefined {
  const rank = (c: Chain) =>
    STAGES.indexOf(c.stage) * 2 + (c.judgement.unrelatedMatched.length ? 0 : 1);
  return chains.reduce<Chain | undefined>(
    (top, c) => (!top || rank(c) > rank(top) ? c : top),
    undefined,
  );
}

function alarmWarnings(
  alarm: AlarmFacts | undefined,
  collectedAt: string,
): DetectionWarning[] {
  if (!alarm) return [];
  const warnings: DetectionWarning[] = [];
  if (alarm.stateValue === 'INSUFFICIENT_DATA' && alarm.stateUpdatedTimestamp) {
    const since = Date.parse(alarm.stateUpdatedTimestamp);
    if (Date.parse(collectedAt) - since > DAY_MS) {
      warnings.push({
        code: 'ALARM_INSUFFICIENT_DATA',
        alarmName: alarm.alarmName,
        since: alarm.stateUpdatedTimestamp,
      });
    }
  }
  const { threshold, comparisonOperator } = alarm;
  if (threshold !== undefined && comparisonOperator) {
    const above =
      (comparisonOperator === 'GreaterThanOrEqualToThreshold' &&
        threshold > 1) ||
      (comparisonOperator === 'GreaterThanThreshold' && threshold >= 1);
    if (above) {
      warnings.push({
        code: 'ALARM_THRESHOLD_ABOVE_ONE',
        alarmName: alarm.alarmName,
        threshold,
        comparisonOperator,
      });
    }
  }
  return warnings;
}

function noisyWarning(
  judgement: Chain['judgement'],
): DetectionWarning | undefined {
  return judgement.unrelatedMatched.length
    ? {
        code: 'FILTER_MATCHES_UNRELATED_EVENTS',
        filterName: judgement.filterName,
        eventIds: judgement.unrelatedMatched,
      }
    : undefined;
}

const CHAIN_DETAIL: Record<Exclude<Stage, 'PASS'>, (c: Chain) => string> = {
  NO_ALARM: c =>
    `filter ${c.link.filterName} detects the events, but no alarm watches its metric ${c.link.metricNamespace}/${c.link.metricName}`,
  ALARM_ACTIONS_DISABLED: c =>
    `alarm ${c.link.alarmName} on ${c.link.metricNamespace}/${c.link.metricName} has its actions disabled`,
  NO_ALARM_TOPIC: c =>
    `alarm ${c.link.alarmName} on ${c.link.metricNamespace}/${c.link.metricName} notifies no SNS topic`,
  NO_CONFIRMED_SUBSCRIBER: c =>
    `SNS topic ${c.link.topicArn} of alarm ${
      c.link.alarmName
    } has no confirmed subscription${
      c.link.pendingSubscriptions
        ? ` (${c.link.pendingSubscriptions} pending confirmation)`
        : ' (or does not exist)'
    }`,
};

function result(
  check: DetectionCheck,
  verdict: DetectionCheckResult['verdict'],
  reason: DetectionReasonCode | undefined,
  detail: string,
  rest: Partial<DetectionCheckResult> = {},
): DetectionCheckResult {
  return {
    checkId: check.id,
    verdict,
    ...(reason ? { reason } : {}),
    detail,
    judgements: [],
    warnings: [],
    errors: [],
    ...rest,
  };
}

export function evaluateDetectionCheck(
  checkId: DetectionCheckId,
  facts: LogGroupDetectionFacts,
): DetectionCheckResult {
  const check = detectionCheck(checkId);
  const group = facts.logGroup.name;
  if (facts.metricFilters.state === 'FAILED') {
    const { error } = facts.metricFilters;
    return result(
      check,
      'ERROR',
      'API_ERROR',
      `the metric filters of ${group} could not be read: ${error.operation} failed with ${error.code}`,
      { errors: [error] },
    );
  }
  const filters = facts.metricFilters.value;
  const judgements = filters.map(f =>
    judgePattern(check, f, own(facts.patternTests, f.filterPattern)),
  );
  const errors: ApiError[] = [];
  const warnings: DetectionWarning[] = [];
  judgements.forEach((j, i) => {
    if (j.state !== 'NOT_EVALUATED') return;
    warnings.push({
      code: 'PATTERN_NOT_EVALUATED',
      filterName: j.filterName,
      message: j.message,
    });
    const remote = own(facts.patternTests, filters[i].filterPattern);
    if (remote?.state === 'FAILED') errors.push(remote.error);
  });

  const chains: Chain[] = [];
  judgements.forEach((j, i) => {
    if (j.state === 'JUDGED' && j.detects)
      chains.push(...chainsThrough(j, filters[i], facts, errors));
  });
  const top = best(chains);
  const detecting = judgements.some(j => j.state === 'JUDGED' && j.detects);
  const evidence = { judgements, errors };

  if (top?.stage === 'PASS') {
    return result(
      check,
      'PASS',
      undefined,
      `filter ${top.link.filterName} → alarm ${top.link.alarmName} → topic ${top.link.topicArn} with ${top.link.confirmedSubscriptions} confirmed subscription(s)`,
      {
        ...evidence,
        chain: top.link,
        warnings: [
          ...warnings,
          ...[noisyWarning(top.judgement)].filter(
            (w): w is DetectionWarning => !!w,
          ),
          ...alarmWarnings(top.alarm, facts.collectedAt),
        ],
      },
    );
  }
  if (errors.length > 0) {
    const first = errors[0];
    return result(
      check,
      'ERROR',
      'API_ERROR',
      `${first.operation} failed with ${first.code}; without it the check cannot be decided`,
      { ...evidence, warnings, ...(top ? { chain: top.link } : {}) },
    );
  }
  if (!detecting) {
    const partial = judgements
      .filter(
        (j): j is Chain['judgement'] =>
          j.state === 'JUDGED' && j.missed.length < check.mustMatch.length,
      )
      .sort((a, b) => a.missed.length - b.missed.length)[0];
    if (partial) {
      return result(
        check,
        'FAIL',
        'FILTER_MISSES_EVENTS',
        `filter ${partial.filterName} misses ${partial.missed.join(', ')}`,
        { ...evidence, warnings, missedEvents: partial.missed },
      );
    }
    return result(
      check,
      'FAIL',
      'NO_FILTER',
      `no metric filter on ${group} detects ${check.title.toLowerCase()}`,
      { ...evidence, warnings },
    );
  }
  // a filter detects, every chain through it is complete and none passes
  const failing = top!;
  const stage = failing.stage as Exclude<Stage, 'PASS'>;
  return result(check, 'FAIL', stage, CHAIN_DETAIL[stage](failing), {
    ...evidence,
    chain: failing.link,
    warnings: [
      ...warnings,
      ...[noisyWarning(failing.judgement)].filter(
        (w): w is DetectionWarning => !!w,
      ),
      ...alarmWarnings(failing.alarm, facts.collectedAt),
    ],
  });
}

/** Every required check on one integrated log group. */
export function evaluateLogGroupDetection(
  facts: LogGroupDetectionFacts,
  checkIds: readonly DetectionCheckId[],
): LogGroupDetectionResult {
  return {
    logGroup: facts.logGroup,
    checks: checkIds.map(id => evaluateDetectionCheck(id, facts)),
  };
}

/** The account has no trail that delivers to a log group: 2.4 already says FAIL. */
export function detectionNotApplicable(
  checkIds: readonly DetectionCheckId[],
): DetectionCheckResult[] {
  return checkIds.map(id =>
    result(
      detectionCheck(id),
      'NOT_APPLICABLE',
      'NO_INTEGRATED_TRAIL',
      'no trail of this account delivers to a CloudWatch Logs log group',
    ),
  );
}
