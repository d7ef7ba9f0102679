import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { ComplianceException } from '@cis-aws/plugin-cis-aws-common';
import { EvaluationStore, ExceptionStore } from '../storage/EvaluationStore';
import { entityTabLink, NOTIFICATION_TOPIC } from './buildPayload';

/** Who the plugin's own audit events (EXPIRED, REMINDED) name as their actor. */
export const EXCEPTION_SWEEP_ACTOR = 'plugin:cis-aws/exception-reminders';

/** What {@link ExceptionReminder} is made of. */
export interface ExceptionReminderDeps {
  notifications: NotificationService;
  store: Pick<
    ExceptionStore,
    'listExceptionsToRemind' | 'recordReminder' | 'recordExpiries'
  > &
    Pick<EvaluationStore, 'getAccount'>;
  logger: LoggerService;
  /** cisAws.exceptions.approvers: told too, so that someone decides a renewal in time. */
  approvers: readonly string[];
  /** cisAws.exceptions.remindBefore. */
  remindBeforeMs: number;
  now?: () => Date;
}

/**
 * Tells the owners of an account, and the approver groups, that an approved exception expires
 * within `remindBefore`, once per exception; and writes an EXPIRED event for each exception (or
 * undecided request) whose expiry passed. Run by a scheduled task; a failed send is retried at
 * the next run (the reminder is recorded only once sent).
 */
export class ExceptionReminder {
  static create(deps: ExceptionReminderDeps): ExceptionReminder {
    return new ExceptionReminder({
      ...deps,
      now: deps.now ?? (() => new Date()),
    });
  }

  private constructor(
    private readonly deps: ExceptionReminderDeps & { now: () => Date },
  ) {}

  /** Runs {@link ExceptionReminder.run} every hour, on one instance of the backend at a time. */
  async schedule(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: 'cis-aws-exception-reminders',
      scope: 'global',
      frequency: { hours: 1 },
      timeout: { minutes: 10 },
      initialDelay: { minutes: 2 },
      fn: async () => {
        await this.run();
      },
    });
  }

  async run(): Promise<{ reminded: number; expired: number }> {
    const { store, logger, now } = this.deps;
    const at = now();
    const expired = await store.recordExpiries({
      actor: EXCEPTION_SWEEP_ACTOR,
      at: at.toISOString(),
    });
    for (const exception of expired) {
      logger
        .child({ accountId: exception.accountId })
        .info('exception expired', {
          exceptionId: exception.id,
          expiresAt: exception.expiresAt,
        });
    }
    const due = await store.listExceptionsToRemind(
      at,
      new Date(at.getTime() + this.deps.remindBeforeMs),
    );
    let reminded = 0;
    for (const exception of due) {
      if (await this.remind(exception, at)) reminded += 1;
    }
    return { reminded, expired: expired.length };
  }

  private async remind(exception: ComplianceException, at: Date) {
    const { store, logger, notifications } = this.deps;
    const log = logger.child({ accountId: exception.accountId });
    const account = await store.getAccount(exception.accountId);
    const recipients = [
      ...new Set(
        [account?.ownerRef, ...this.deps.approvers].filter(
          (ref): ref is string => Boolean(ref),
        ),
      ),
    ];
    if (recipients.length === 0) {
      log.info('no owner or approver to remind of an expiring exception', {
        exceptionId: exception.id,
      });
      return false;
    }
    const days = Math.max(
      0,
      Math.ceil((Date.parse(exception.expiresAt) - at.getTime()) / 86_400_000),
    );
    const title = account?.title ?? `AWS account ${exception.accountId}`;
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          title: `CIS 2.4 exception for ${title} expires in ${days} day${
            days === 1 ? '' : 's'
          }`,
          description: `${
            exception.trailArn ? `Trail ${exception.trailArn}` : 'The account'
          } is exempt until ${exception.expiresAt} (${
            exception.reason
          }). After that its verdict counts again; request a new exception if it is still needed.`,
          link: account?.entityRef
            ? entityTabLink(account.entityRef)
            : '/cis-aws',
          severity: 'normal',
          topic: NOTIFICATION_TOPIC,
          scope: `cis-aws:exception:${exception.id}`,
        },
      });
    } catch (error) {
      log.warn('could not send an exception expiry reminder', {
        exceptionId: exception.id,
        error: toError(error).message,
      });
      return false;
    }
    const recorded = await store.recordReminder(exception.id, {
      actor: EXCEPTION_SWEEP_ACTOR,
      at: at.toISOString(),
      recipients,
    });
    log.info('exception expiry reminded', {
      exceptionId: exception.id,
      recipients: recipients.join(', '),
      recorded,
    });
    return recorded;
  }
}
