import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { AccountMapping } from '@cis-aws/plugin-cis-aws-common';
import { SaveOutcome } from '../storage/EvaluationStore';
import { NotificationStateStore } from '../storage/notificationStates';
import { accountLabel, buildPayload } from './buildPayload';
import { currentEvaluationCause } from '../lib/evaluationCause';
import { decideNotification, stateBeforeRecords } from './decideTransition';
import { NotificationOptions } from './options';

/**
 * How `DefaultNotificationService.send` reports a missing notifications
 * backend: the discovered URL answers 404 ("Request failed with status 404").
 */
const NOT_INSTALLED = /\bstatus 404\b/;

export interface OwnerNotifierDeps {
  notifications: NotificationService;
  logger: LoggerService;
  /** What the notifier remembers per account between results (see decideNotification). */
  states: NotificationStateStore;
  options: NotificationOptions;
}

/**
 * Tells an account's owner when its CIS 2.4 verdict turns FAIL (at once), when it could not be
 * checked for a while (ERROR or UNKNOWN that persists, `cisAws.notifications.errorAfter`), and
 * when it recovers from what the owner was told, through the notifications backend. It listens to
 * every saved result (`EvaluationEngine.onResult`): results that change nothing still count
 * towards persistence, and send nothing. Sending is best effort: a failure is logged and never
 * fails the evaluation.
 */
export class OwnerNotifier {
  /**
   * Set when the notifications backend answered 404: it is not installed in
   * this Backstage. Said once, then no more sends until a restart, instead of
   * a warning on every verdict change.
   */
  private backendMissing = false;

  private constructor(private readonly deps: OwnerNotifierDeps) {}

  static create(deps: OwnerNotifierDeps): OwnerNotifier {
    return new OwnerNotifier(deps);
  }

  /** For `EvaluationEngine.onResult`, which is told about every saved result. */
  readonly onResult = (
    outcome: SaveOutcome,
    mapping: AccountMapping,
  ): Promise<void> => this.notify(outcome, mapping);

  async notify(outcome: SaveOutcome, mapping: AccountMapping): Promise<void> {
    const { options, logger, notifications, states } = this.deps;
    // An outdated result was not saved: the newer one already spoke.
    if (!options.enabled || outcome.outdated) return;

    const change = outcome.accountChange;
    const { summary } = outcome;
    const stored = await states.getNotificationState(mapping.accountId);
    const { decision, state } = decideNotification({
      // No record: evaluated before these were kept (or never): what the verdict before says.
      state:
        stored ?? stateBeforeRecords(change ? change.from : summary.verdict),
      result: {
        verdict: summary.verdict,
        evaluatedAt: summary.evaluatedAt,
        firstResult: change !== undefined && change.from === undefined,
      },
      options,
    });
    await states.putNotificationState(mapping.accountId, state);
    if (!decision || this.backendMissing) return;

    const account = accountLabel(mapping);
    const recipient = mapping.ownerRef ?? options.unownedRecipient;
    const fields = {
      accountId: mapping.accountId,
      account,
      from: decision.previous ?? change?.from ?? 'none',
      to: summary.verdict,
    };
    if (!recipient) {
      logger.info(
        'no owner to notify of a verdict change (set cisAws.notifications.unownedRecipient to hear about such accounts)',
        fields,
      );
      return;
    }
    const payload = buildPayload({
      transition: decision.transition,
      change: { previous: decision.previous, to: summary.verdict },
      mapping,
      result: summary,
      // Set when a CloudTrail event caused this evaluation (EventReevaluator): the owner hears
      // what changed and who changed it, with the re-evaluation itself.
      cause: currentEvaluationCause(),
    });
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: recipient },
        payload,
      });
      logger.info('owner notified', { ...fields, recipient });
    } catch (error) {
      const { message } = toError(error);
      if (NOT_INSTALLED.test(message)) {
        this.backendMissing = true;
        logger.warn(
          'owner notifications are skipped: the notifications backend is not installed (its API answered 404). Add @backstage/plugin-notifications-backend to the backend, or set cisAws.notifications.enabled: false to turn owner notifications off.',
        );
        return;
      }
      logger.warn('could not notify the owner', {
        ...fields,
        recipient,
        error: message,
      });
    }
  }
}
