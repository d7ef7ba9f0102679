import { NotificationPayload } from '@backstage/plugin-notifications-common';
import {
  AccountDetectionResult,
  AccountMapping,
  DETECTION_CONTROL_ID,
  DetectionCheckId,
  DetectionCheckResult,
  detectionCheck,
} from '@cis-aws/plugin-cis-aws-common';
import { describeCause, EvaluationCause } from '../lib/evaluationCause';
import {
  accountLabel,
  causeSentence,
  entityTabLink,
  failingSinceSentence,
  HEADLINES,
  notificationScope,
  SEVERITIES,
} from './buildPayload';
import type { NotifiedVerdict } from './decideTransition';
import { NotificationTransition } from './options';

/** The topic users can mute or filter in their notification settings, apart from 2.4's. */
export const DETECTION_NOTIFICATION_TOPIC = 'CIS AWS 3.x detection';

/** What each check watches, as the end of "nobody is told when …". */
const WHEN: Record<DetectionCheckId, string> = {
  '3.1': 'unauthorized API calls are made',
  '3.2': 'someone signs in to the console without MFA',
  '3.3': 'root is used',
  '3.4': 'IAM policies change',
  '3.5': "CloudTrail's configuration changes",
  '3.6': 'console sign-ins fail',
  '3.7': 'KMS keys are disabled or scheduled for deletion',
  '3.8': 'S3 bucket policies change',
  '3.9': "AWS Config's configuration changes",
  '3.10': 'security groups change',
  '3.11': 'network ACLs change',
  '3.12': 'network gateways change',
  '3.13': 'route tables change',
  '3.14': 'VPCs change',
};

/** The checks that are not PASS, in check order: those the owner must hear about. */
function failing(
  result: Pick<AccountDetectionResult, 'checks' | 'failingChecks'>,
): DetectionCheckResult[] {
  return result.checks.filter(check =>
    result.failingChecks.includes(check.checkId),
  );
}

/** "root is used, IAM policies change or CloudTrail's configuration changes" (at most three). */
function whenList(checkIds: readonly DetectionCheckId[]): string {
  const shown = checkIds
    .slice(0, checkIds.length > 3 ? 2 : 3)
    .map(id => WHEN[id]);
  const others = checkIds.length - shown.length;
  if (others > 0) shown.push(`${others} other kinds of event happen`);
  return shown.length > 1
    ? `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`
    : shown[0] ?? '';
}

function titleText(
  transition: NotificationTransition,
  account: string,
  result: Pick<AccountDetectionResult, 'failingChecks'>,
): string {
  const checks = result.failingChecks;
  switch (transition) {
    case 'fail':
      return checks.length
        ? `Detection (CIS 3.x) failing: nobody is told when ${whenList(
            checks,
          )} in ${account}`
        : `Detection (CIS 3.x) failing: ${account}`;
    case 'error':
      return `Detection (CIS 3.x) ${HEADLINES.error}: ${account}${
        checks.length ? ` — checks ${checks.join(', ')}` : ''
      }`;
    case 'recovery':
    default:
      return `Detection (CIS 3.x) ${HEADLINES.recovery}: ${account} — every required check alerts a confirmed subscriber`;
  }
}

/** Why a check fails, in plain words naming the log group, filter, alarm or topic concerned. */
function whyNot(check: DetectionCheckResult): string {
  const chain = check.chain;
  const group = check.logGroup?.name ?? 'the log group';
  switch (check.reason) {
    case 'NO_FILTER':
      return `no metric filter on ${group} matches these events`;
    case 'FILTER_MISSES_EVENTS':
      return `the best metric filter on ${group} misses ${(
        check.missedEvents ?? []
      ).join(', ')}`;
    case 'NO_ALARM':
      return chain
        ? `filter ${chain.filterName} matches them, but no alarm watches its metric ${chain.metricNamespace}/${chain.metricName}`
        : check.detail;
    case 'ALARM_ACTIONS_DISABLED':
      return chain?.alarmName
        ? `alarm ${chain.alarmName} has its actions disabled`
        : check.detail;
    case 'NO_ALARM_TOPIC':
      return chain?.alarmName
        ? `alarm ${chain.alarmName} notifies no SNS topic`
        : check.detail;
    case 'NO_CONFIRMED_SUBSCRIBER':
      return `nobody has confirmed a subscription to ${
        chain?.topicArn ? `topic ${chain.topicArn}` : "the alarm's topic"
      }`;
    default:
      return check.detail;
  }
}

/** "3.3 Usage of the root user: no metric filter on … matches these events." */
function checkLine(check: DetectionCheckResult): string {
  return `${check.checkId} ${detectionCheck(check.checkId).title}: ${whyNot(
    check,
  )}.`;
}

/**
 * What the owner is told about the account's detection content (`cis-3.x-detection`), in plain
 * words: which checks fail and why, linking to the account's CIS tab. Its own topic and scope:
 * one notification per account for detection, beside (never replacing) the 2.4 one.
 */
export function buildDetectionPayload(input: {
  transition: NotificationTransition;
  /** `previous`: the bad verdict the owner was told about before (see decideNotification). */
  previous?: NotifiedVerdict;
  mapping: Pick<AccountMapping, 'accountId' | 'title' | 'entityRef'>;
  result: Pick<
    AccountDetectionResult,
    'checks' | 'failingChecks' | 'failingSince' | 'inheritedFrom'
  >;
  cause?: EvaluationCause;
}): NotificationPayload {
  const { transition, previous, mapping, result, cause } = input;
  const account = accountLabel(mapping);
  const title = titleText(transition, account, result);
  const lines = failing(result).map(checkLine);
  const inherited = result.inheritedFrom
    ? `It is covered by the organization trail of account ${result.inheritedFrom}, whose log group decides this.`
    : '';
  let description: string;
  switch (transition) {
    case 'fail':
      description = [
        'Events arrive in CloudWatch Logs, but not every required event reaches a person (a metric filter, an alarm on its metric, an SNS topic and a confirmed subscriber).',
        ...lines,
        inherited,
        failingSinceSentence(result.failingSince),
        'The CIS tab shows each check, the test events and the fix (AWS CLI, Terraform, CloudFormation); after the fix, the next evaluation confirms it.',
      ]
        .filter(Boolean)
        .join(' ');
      break;
    case 'error':
      description = [
        'The detection content of this account could not be checked for a while.',
        ...lines,
        inherited,
        "Check that the portal's reader role may read metric filters, alarms and SNS subscriptions; the CIS tab shows which calls failed.",
      ]
        .filter(Boolean)
        .join(' ');
      break;
    case 'recovery':
    default:
      description = [
        'Every required check now has a metric filter that detects its events, an alarm on it and a confirmed subscriber.',
        previous === 'ERROR' || previous === 'UNKNOWN'
          ? 'Before, it could not be checked.'
          : 'Before, it was failing.',
      ].join(' ');
  }
  return {
    title: cause ? `${title} (after ${describeCause(cause)})` : title,
    description: cause ? `${causeSentence(cause)} ${description}` : description,
    link: entityTabLink(mapping.entityRef),
    severity: SEVERITIES[transition],
    topic: DETECTION_NOTIFICATION_TOPIC,
    scope: notificationScope(mapping.accountId, DETECTION_CONTROL_ID),
  };
}
