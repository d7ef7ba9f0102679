import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  AccountMapping,
  Verdict,
  VerdictChange,
} from '@cis-aws/plugin-cis-aws-common';
import { EvaluationStore, SaveOutcome } from '../storage/EvaluationStore';
import { accountLabel, buildPayload } from './buildPayload';
import {
  decideTransition,
  needsVerdictBeforeUnknown,
} from './decideTransition';
import { NotificationOptions } from './options';

/**
 * How `DefaultNotificationService.send` reports a missing notifications
 * backend: the discovered URL answers 404 ("Request failed with status 404").
 */
const NOT_INSTALLED = /\bstatus 404\b/;

/**
 * Tells an account's owner when its CIS 2.4 verdict turns FAIL or ERROR and
 * when it recovers, through the notifications backend. It listens to every
 * saved result (`EvaluationEngine.onResult`) and acts only on changes of the
 * account's verdict, so a run that changes nothing sends nothing. Sending is
 * best effort: a failure is logged and never fails the evaluation.
 */
export class OwnerNotifier {
  /**
   * Set when the notifications backend answered 404: it is not installed in
   * this Backstage. Said once, then no more sends until a restart, instead of
   * a warning on every verdict change.
   */
  private backendMissing = false;

  private constructor(
    private readonly deps: {
      notifications: NotificationService;
      logger: LoggerService;
      history: Pick<EvaluationStore, 'getHistory'>;
      options: NotificationOptions;
    },
  ) {}

  static create(deps: {
    notifications: NotificationService;
    logger: LoggerService;
    /** Where the verdict before an UNKNOWN stretch is looked up. */
    history: Pick<EvaluationStore, 'getHistory'>;
    options: NotificationOptions;
  }): OwnerNotifier {
    return new OwnerNotifier(deps);
  }

  /** For `EvaluationEngine.onResult`, which is told about every saved result. */
  readonly onResult = (
    outcome: SaveOutcome,
    mapping: AccountMapping,
  ): Promise<void> => this.notify(outcome, mapping);

  async notify(outcome: SaveOutcome, mapping: AccountMapping): Promise<void> {
    const { options, logger, notifications } = this.deps;
    const change = outcome.accountChange;
    // An outdated result was not saved: the newer one already spoke.
    if (!options.enabled || outcome.outdated || !change) return;
    if (this.backendMissing) return;

    const decision = decideTransition(
      change,
      options,
      needsVerdictBeforeUnknown(change)
        ? await this.verdictBeforeUnknown(change)
        : undefined,
    );
    if (!decision) return;

    const account = accountLabel(mapping);
    const recipient = mapping.ownerRef ?? options.unownedRecipient;
    const fields = {
      accountId: mapping.accountId,
      account,
      from: change.from ?? 'none',
      to: change.to,
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
      change: { previous: decision.previous, to: change.to },
      mapping,
      result: outcome.summary,
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

  /**
   * The verdict the account had before it became UNKNOWN: the `from` of its
   * latest change into UNKNOWN (not a new reason under UNKNOWN). Undefined when that is no longer in the
   * history (pruned) or cannot be read — then no recovery is announced.
   */
  private async verdictBeforeUnknown(
    change: VerdictChange,
  ): Promise<Verdict | undefined> {
    try {
      const history = await this.deps.history.getHistory(change.accountId, {
        to: new Date(change.changedAt),
      });
      const intoUnknown = history
        .filter(c => !c.trailArn && c.to === 'UNKNOWN' && c.from !== 'UNKNOWN')
        .pop();
      return intoUnknown?.from;
    } catch (error) {
      this.deps.logger.warn('could not read the verdict history', {
        accountId: change.accountId,
        error: toError(error).message,
      });
      return undefined;
    }
  }
}
