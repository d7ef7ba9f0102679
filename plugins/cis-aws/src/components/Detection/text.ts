/**
 * Detection content (CIS 3.x) in plain words. The backend decides every verdict and reason;
 * these functions only say them, from the served result (detection-content.md).
 */
import type {
  CanonicalEventOutcome,
  DetectionCheckId,
  DetectionCheckResult,
  DetectionReasonCode,
  DetectionSummary,
  DetectionVerdict,
  DetectionWarning,
  EntityDetectionCounts,
} from '@cis-aws/plugin-cis-aws-common';
import { detectionCheck } from '@cis-aws/plugin-cis-aws-common';
import { dateAndAgo } from '../common/text';

export const DETECTION_TITLE = 'Detection (CIS 3.x)';

/** What each check watches, as the subject of a sentence (and whether it takes "is" or "are"). */
const SUBJECTS: Record<DetectionCheckId, [string, 'is' | 'are']> = {
  '3.1': ['Unauthorized API calls', 'are'],
  '3.2': ['Console sign-in without MFA', 'is'],
  '3.3': ['Root account use', 'is'],
  '3.4': ['IAM policy changes', 'are'],
  '3.5': ['CloudTrail configuration changes', 'are'],
  '3.6': ['Console authentication failures', 'are'],
  '3.7': ['Disabling or scheduled deletion of KMS keys', 'is'],
  '3.8': ['S3 bucket policy changes', 'are'],
  '3.9': ['AWS Config configuration changes', 'are'],
  '3.10': ['Security group changes', 'are'],
  '3.11': ['Network ACL changes', 'are'],
  '3.12': ['Network gateway changes', 'are'],
  '3.13': ['Route table changes', 'are'],
  '3.14': ['VPC changes', 'are'],
};

export function checkSubject(id: DetectionCheckId): string {
  return SUBJECTS[id][0];
}

/** `3.3 Usage of the root user`: the benchmark's own title. */
export function checkHeading(id: DetectionCheckId): string {
  return `${id} ${detectionCheck(id).title}`;
}

/** Each reason's short title; exhaustive, so a new reason cannot ship without its words. */
export const DETECTION_REASON_TITLES: Record<DetectionReasonCode, string> = {
  API_ERROR: 'An AWS call failed',
  NO_INTEGRATED_TRAIL: 'No trail delivers to CloudWatch Logs',
  NO_FILTER: 'No metric filter',
  FILTER_MISSES_EVENTS: 'The filter misses events',
  NO_ALARM: 'No alarm on the metric',
  ALARM_ACTIONS_DISABLED: 'Alarm actions disabled',
  NO_ALARM_TOPIC: 'The alarm notifies no SNS topic',
  NO_CONFIRMED_SUBSCRIBER: 'No confirmed subscriber',
};

export const DETECTION_VERDICT_TITLES: Record<DetectionVerdict, string> = {
  PASS: 'Watched',
  FAIL: 'Not watched',
  ERROR: 'Could not be checked',
  NOT_APPLICABLE: 'Not applicable',
};

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** One check's result as one plain sentence, naming the filter, alarm, topic or events concerned. */
export function checkSentence(check: DetectionCheckResult): string {
  const [subject, verb] = SUBJECTS[check.checkId];
  const chain = check.chain;
  if (check.verdict === 'PASS') {
    return `${subject} ${verb} detected and alerts reach ${count(
      chain?.confirmedSubscriptions ?? 0,
      'confirmed subscriber',
    )}.`;
  }
  switch (check.reason) {
    case 'NO_FILTER':
      return `${subject} ${verb} not detected: no metric filter on ${
        check.logGroup?.name ?? 'the log group'
      } matches ${verb === 'is' ? 'it' : 'them'}.`;
    case 'FILTER_MISSES_EVENTS': {
      const filter = missingJudgement(check)?.filterName;
      return `${subject} ${verb} only partly detected: ${
        filter ? `filter ${filter}` : 'the best filter'
      } misses ${(check.missedEvents ?? []).join(', ')}.`;
    }
    case 'NO_ALARM':
      return `No alarm on the metric of filter ${chain?.filterName} (${chain?.metricNamespace}/${chain?.metricName}): the events are detected, but nobody is told.`;
    case 'ALARM_ACTIONS_DISABLED':
      return `Alarm ${chain?.alarmName} has its actions disabled: it changes state, but nobody is told.`;
    case 'NO_ALARM_TOPIC':
      return `Alarm ${chain?.alarmName} notifies no SNS topic: nobody is told.`;
    case 'NO_CONFIRMED_SUBSCRIBER':
      return `Nobody has confirmed a subscription to the alarm's topic${
        chain?.pendingSubscriptions
          ? ` (${count(
              chain.pendingSubscriptions,
              'subscription',
            )} pending confirmation)`
          : ' (or the topic does not exist)'
      }: alerts reach nobody.`;
    case 'API_ERROR': {
      const error = check.errors[0];
      return error
        ? `Could not be checked: ${error.operation} failed with ${error.code}.`
        : `Could not be checked: ${check.detail}.`;
    }
    case 'NO_INTEGRATED_TRAIL':
      return 'Not applicable: no trail of this account delivers to a CloudWatch Logs log group (CIS 2.4 fails).';
    default:
      return check.detail;
  }
}

/**
 * The judgement the FILTER_MISSES_EVENTS verdict is about: of the filters that detect some but
 * not all of the events, the one that misses the fewest (a filter for other events is not it).
 */
export function missingJudgement(check: DetectionCheckResult) {
  return check.judgements
    .flatMap(j => (j.state === 'JUDGED' ? [j] : []))
    .filter(
      j =>
        j.missed.length > 0 &&
        j.outcomes.some(o => o.expected === 'MATCH' && o.matched),
    )
    .sort((a, b) => a.missed.length - b.missed.length)[0];
}

/** The filter whose events the tab shows first: the chain's, or the one that misses fewest. */
export function decisiveJudgement(check: DetectionCheckResult) {
  const byChain = check.chain
    ? check.judgements.find(j => j.filterName === check.chain!.filterName)
    : undefined;
  return byChain ?? missingJudgement(check);
}

export function warningText(warning: DetectionWarning): string {
  switch (warning.code) {
    case 'FILTER_MATCHES_UNRELATED_EVENTS':
      return `Filter ${
        warning.filterName
      } also matches events it should not (${warning.eventIds.join(
        ', ',
      )}): its alarm may be noisy.`;
    case 'ALARM_INSUFFICIENT_DATA':
      return `Alarm ${
        warning.alarmName
      } has been in INSUFFICIENT_DATA since ${dateAndAgo(
        warning.since,
      )}: check that its metric receives data.`;
    case 'ALARM_THRESHOLD_ABOVE_ONE':
      return `Alarm ${warning.alarmName} fires only at a threshold of ${warning.threshold} (${warning.comparisonOperator}): a single event should alert.`;
    case 'PATTERN_NOT_EVALUATED':
      return `The pattern of filter ${warning.filterName} could not be judged: ${warning.message}`;
    default:
      return 'Unknown warning.';
  }
}

/** What a pattern did with one canonical event, in words. */
export function outcomeLabel(outcome: CanonicalEventOutcome): string {
  if (outcome.expected === 'MATCH')
    return outcome.matched ? 'matched' : 'missed';
  return outcome.matched ? 'matched, but unrelated' : 'not matched, as it should be';
}

/** The canonical event's description, from the shared check data. */
export function eventDescription(
  checkId: DetectionCheckId,
  eventId: string,
): string | undefined {
  const check = detectionCheck(checkId);
  return [...check.mustMatch, ...check.mustNotMatch].find(e => e.id === eventId)
    ?.description;
}

export function judgeName(source: 'TestMetricFilter' | 'LOCAL'): string {
  return source === 'TestMetricFilter'
    ? 'CloudWatch Logs (TestMetricFilter)'
    : 'the local pattern evaluator';
}

/** An account's detection status in one line, for the card (from the listing's summary). */
export function summaryLine(summary: DetectionSummary): string {
  const [first, ...others] = summary.failingChecks;
  const also = others.length ? `; also ${others.join(', ')}` : '';
  switch (summary.verdict) {
    case 'PASS':
      return 'Every required check is watched: alerts reach a confirmed subscriber.';
    case 'NOT_APPLICABLE':
      return 'Not applicable: no trail delivers to CloudWatch Logs.';
    case 'ERROR':
      return first
        ? `${checkSubject(first)} (${first}) could not be checked${
            summary.reason
              ? `: ${lowerFirst(DETECTION_REASON_TITLES[summary.reason])}`
              : ''
          }${also}.`
        : 'Could not be checked.';
    case 'FAIL':
    default:
      return first
        ? `${checkSubject(first)} (${first}) ${SUBJECTS[first][1]} not watched${
            summary.reason
              ? `: ${lowerFirst(DETECTION_REASON_TITLES[summary.reason])}`
              : ''
          }${also}.`
        : 'Not watched.';
  }
}

/**
 * A team's or system's detection roll-up in one line: "1 of 2 accounts fail", with those that
 * could not be checked named apart (they are not counted as failing).
 */
export function rollupLine(detection: EntityDetectionCounts): string {
  const { counts, accountCount } = detection;
  if (accountCount === 0) return 'no account evaluated yet';
  const failing = `${counts.FAIL} of ${count(accountCount, 'account')} ${
    counts.FAIL === 1 && accountCount === 1 ? 'fails' : 'fail'
  }`;
  return counts.ERROR > 0
    ? `${failing}; ${counts.ERROR} could not be checked`
    : failing;
}
