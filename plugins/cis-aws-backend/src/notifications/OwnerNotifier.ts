import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { NotificationPayload } from '@backstage/plugin-notifications-common';
import {
  AccountDetectionResult,
  AccountMapping,
  DETECTION_CONTROL_ID,
} from '@cis-aws/plugin-cis-aws-common';
import type { SavedControlResult } from '../storage/ControlResultStore';
import { SaveOutcome } from '../storage/EvaluationStore';
import { NotificationStateStore } from '../storage/notificationStates';
import { accountLabel, buildPayload } from './buildPayload';
import { currentEvaluationCause } from '../lib/evaluationCause';
import {
  decideNotification,
  EMPTY_NOTIFICATION_STATE,
  stateBeforeRecords,
} from './decideTransition';
import { buildDetectionPayload } from './detectionPayload';
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
 *
 * The detection control (`cis-3.x-detection`, `onControlResult`) is told the same way by the same
 * rules (decideNotification), with its own state, its own options
 * (`cisAws.notifications.detection`) and its own notification per account.
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
    const { options, states } = this.deps;
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

    const payload = buildPayload({
      transition: decision.transition,
      change: { previous: decision.previous, to: summary.verdict },
      mapping,
      result: summary,
      // Set when a CloudTrail event caused this evaluation (EventReevaluator): the owner hears
      // what changed and who changed it, with the re-evaluation itself.
      cause: currentEvaluationCause(),
    });
    await this.send(mapping, payload, {
      from: decision.previous ?? change?.from ?? 'none',
      to: summary.verdict,
    });
  }

  /** For `EvaluationEngine.onControlResult`, which is told about every saved control result. */
  readonly onControlResult = (
    saved: SavedControlResult,
    mapping: AccountMapping,
  ): Promise<void> => this.notifyControl(saved, mapping);

  async notifyControl(
    saved: SavedControlResult,
    mapping: AccountMapping,
  ): Promise<void> {
    const { options, states } = this.deps;
    // Only detection notifies so far; a further control adds its options and payload here.
    if (saved.controlId !== DETECTION_CONTROL_ID) return;
    const controlOptions = options.detection;
    const { outcome } = saved;
    if (!options.enabled || !controlOptions.enabled || outcome.outdated) return;
    const result = saved.result as AccountDetectionResult;
    const change = outcome.change;
    const stored = await states.getNotificationState(
      mapping.accountId,
      saved.controlId,
    );
    const { decision, state } = decideNotification({
      // No record: nobody was told anything about this control yet.
      state: stored ?? EMPTY_NOTIFICATION_STATE,
      result: {
        verdict: result.verdict,
        evaluatedAt: result.evaluatedAt,
        firstResult: change !== undefined && change.from === undefined,
      },
      options: {
        transitions: controlOptions.transitions,
        errorAfter: controlOptions.errorAfter,
        notifyFirstResult: options.notifyFirstResult,
      },
    });
    await states.putNotificationState(
      mapping.accountId,
      state,
      saved.controlId,
    );
    if (!decision || this.backendMissing) return;
    const payload = buildDetectionPayload({
      transition: decision.transition,
      previous: decision.previous,
      mapping,
      result: { ...result, failingSince: outcome.listing.failingSince },
      cause: currentEvaluationCause(),
    });
    await this.send(mapping, payload, {
      controlId: saved.controlId,
      from: decision.previous ?? change?.from ?? 'none',
      to: result.verdict,
    });
  }

  /** Sends to the account's owner (or the unowned recipient); never throws. */
  private async send(
    mapping: AccountMapping,
    payload: NotificationPayload,
    change: Record<string, string>,
  ): Promise<void> {
    const { options, logger, notifications } = this.deps;
    const recipient = mapping.ownerRef ?? options.unownedRecipient;
    const fields = {
      accountId: mapping.accountId,
      account: accountLabel(mapping),
      ...change,
    };
    if (!recipient) {
      logger.info(
        'no owner to notify of a verdict change (set cisAws.notifications.unownedRecipient to hear about such accounts)',
        fields,
      );
      return;
    }
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
