import { parseEntityRef } from '@backstage/catalog-model';
import {
  NotificationPayload,
  NotificationSeverity,
} from '@backstage/plugin-notifications-common';
import {
  AccountMapping,
  accountReasonCodes,
  accountReasonTitle,
  reasonExplanation,
  Verdict,
  VERDICT_DESCRIPTIONS,
} from '@cis-aws/plugin-cis-aws-common';
import { NotificationTransition } from './options';
import { describeCause, EvaluationCause } from '../lib/evaluationCause';

/** The topic users can mute or filter in their notification settings. */
export const NOTIFICATION_TOPIC = 'CIS AWS 2.4';

/** The route of the CIS 2.4 tab on entity pages (packages/app EntityPage). */
const ENTITY_TAB_PATH = 'cis-aws';

export const SEVERITIES: Record<NotificationTransition, NotificationSeverity> =
  {
    // A failing control is a finding an auditor would see.
    fail: 'high',
    // No verdict: worth a look, but nothing is known to be broken.
    error: 'normal',
    recovery: 'low',
  };

export const HEADLINES: Record<NotificationTransition, string> = {
  fail: 'failing',
  error: 'could not be checked',
  recovery: 'recovered',
};

/**
 * One notification per account, whatever happens to it: the notifications
 * backend updates a notification with the same scope and origin for the
 * same user (and marks it unread) instead of adding another, so an account
 * that fails, recovers and fails again leaves one notification saying what
 * is true now.
 */
export function notificationScope(
  accountId: string,
  controlId: 'cis-2.4' | 'cis-3.x-detection' = 'cis-2.4',
): string {
  // 2.4's scope is as it always was: its notifications already sent keep being updated.
  return controlId === 'cis-2.4'
    ? `cis-aws:account:${accountId}`
    : `cis-aws:account:${accountId}:control:${controlId}`;
}

/**
 * The account's CIS 2.4 tab in the catalog, relative to the app: kind and
 * namespace lower-cased like the catalog's entity routes.
 */
export function entityTabLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${[
    namespace.toLocaleLowerCase('en-US'),
    kind.toLocaleLowerCase('en-US'),
    name,
  ]
    .map(encodeURIComponent)
    .join('/')}/${ENTITY_TAB_PATH}`;
}

/** The account as people know it, its id once: titles often carry it already ("name (id)"). */
export function accountLabel(
  mapping: Pick<AccountMapping, 'accountId' | 'title'>,
): string {
  return mapping.title.includes(mapping.accountId)
    ? mapping.title
    : `${mapping.title} (${mapping.accountId})`;
}

/** What the owner is told, in the words the UI uses. */
export function buildPayload(input: {
  transition: NotificationTransition;
  /** `previous`: the bad verdict the owner was told about before (see decideNotification). */
  change: { previous?: Verdict; to: Verdict };
  mapping: Pick<AccountMapping, 'accountId' | 'title' | 'entityRef'>;
  /** The saved result: why the account has its verdict, and since when it fails. */
  result: { reason?: string; trailReasons?: string[]; failingSince?: string };
  /** The CloudTrail event that caused this evaluation, when one did. */
  cause?: EvaluationCause;
}): NotificationPayload {
  const { transition, change, mapping, result, cause } = input;
  const account = accountLabel(mapping);
  const title = `CIS 2.4 ${HEADLINES[transition]}: ${account} — ${titleReason(
    transition,
    change.to,
    result,
  )}`;
  return {
    title: cause ? `${title} (after ${describeCause(cause)})` : title,
    description: cause
      ? `${causeSentence(cause)} ${description(transition, change, result)}`
      : description(transition, change, result),
    link: entityTabLink(mapping.entityRef),
    severity: SEVERITIES[transition],
    topic: NOTIFICATION_TOPIC,
    scope: notificationScope(mapping.accountId),
  };
}

/** What changed and who changed it, as the CloudTrail event says. */
export function causeSentence(cause: EvaluationCause): string {
  const who = cause.principalArn ?? cause.principal ?? 'an unknown principal';
  const what = cause.resource
    ? `${cause.eventName} on ${cause.resource}`
    : cause.eventName;
  const when = cause.eventTime ? ` at ${cause.eventTime}` : '';
  const more =
    cause.otherEventNames.length > 0
      ? ` Other changes in the same burst: ${cause.otherEventNames.join(', ')}.`
      : '';
  return `Changed by ${who}: ${what}${when} (CloudTrail); re-checked at once.${more}`;
}

function titleReason(
  transition: NotificationTransition,
  to: Verdict,
  result: { reason?: string; trailReasons?: string[] },
): string {
  if (transition === 'recovery') {
    return to === 'EXEMPT' ? 'exempt by an approved exception' : 'passing';
  }
  return accountReasonTitle(result) ?? VERDICT_DESCRIPTIONS[to].title;
}

/**
 * "Failing since …" from the open failure episode (contract "Failure age"): an ERROR run or an
 * exception in the middle of a failure does not move it. Minutes in UTC, no milliseconds.
 */
export function failingSinceSentence(failingSince?: string): string {
  if (!failingSince || Number.isNaN(Date.parse(failingSince))) return '';
  const at = new Date(failingSince)
    .toISOString()
    .slice(0, 16)
    .replace('T', ' ');
  return `Failing since ${at} UTC.`;
}

function description(
  transition: NotificationTransition,
  change: { previous?: Verdict; to: Verdict },
  result: { reason?: string; trailReasons?: string[]; failingSince?: string },
): string {
  const why = accountReasonCodes(result)
    .map(code => reasonExplanation(code))
    .filter(Boolean)
    .join(' ');
  switch (transition) {
    case 'fail':
      return [
        why || VERDICT_DESCRIPTIONS.FAIL.explanation,
        failingSinceSentence(result.failingSince),
        'The CIS 2.4 tab shows what is broken and the AWS CLI command that fixes it; after the fix, the next evaluation (or Evaluate now on that tab) confirms it.',
      ]
        .filter(Boolean)
        .join(' ');
    case 'error':
      return [
        why,
        VERDICT_DESCRIPTIONS[change.to].explanation,
        result.failingSince
          ? `${failingSinceSentence(
              result.failingSince,
            )} It has not been shown to be fixed since.`
          : '',
        "Check that the portal's reader role can be assumed in this account and may make the read calls; the CIS 2.4 tab shows which calls failed.",
      ]
        .filter(Boolean)
        .join(' ');
    case 'recovery':
    default:
      return [
        VERDICT_DESCRIPTIONS[change.to].explanation,
        change.previous === 'ERROR' || change.previous === 'UNKNOWN'
          ? 'Before, it could not be checked.'
          : 'Before, it was failing.',
      ].join(' ');
  }
}
