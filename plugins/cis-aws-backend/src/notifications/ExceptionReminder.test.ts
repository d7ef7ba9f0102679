import { mockServices } from '@backstage/backend-test-utils';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { DatabaseEvaluationStore } from '../storage/DatabaseEvaluationStore';
import {
  aMapping,
  accountId,
  anEvaluation,
  at,
} from '../storage/__fixtures__/evaluations';
import { anApprovedException } from '../storage/__testUtils__/exceptions';
import {
  createStore,
  createTestDatabases,
} from '../storage/__testUtils__/stores';
import { EXCEPTION_SWEEP_ACTOR, ExceptionReminder } from './ExceptionReminder';

jest.setTimeout(60_000);

class RecordingNotificationService implements NotificationService {
  readonly sent: NotificationSendOptions[] = [];
  failWith?: Error;

  async send(options: NotificationSendOptions): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(options);
  }
}

const databases = createTestDatabases();
const DAY_MINUTES = 24 * 60;

describe.each(databases.eachSupportedId())(
  'ExceptionReminder with the store on %s',
  databaseId => {
    const ACCOUNT = accountId(3);
    let store: DatabaseEvaluationStore;
    let notifications: RecordingNotificationService;
    let clock: Date;

    beforeEach(async () => {
      ({ store } = await createStore(databases, databaseId));
      notifications = new RecordingNotificationService();
      clock = new Date(at(0));
      await store.saveResult({
        mapping: aMapping(ACCOUNT, { title: 'payments-staging' }),
        evaluation: anEvaluation(ACCOUNT, 'EXEMPT'),
      });
    });

    function reminder() {
      return ExceptionReminder.create({
        notifications,
        store,
        logger: mockServices.logger.mock(),
        approvers: ['group:default/security-team'],
        remindBeforeMs: 14 * DAY_MINUTES * 60_000,
        now: () => clock,
      });
    }

    function anException(expiresInDays: number, reason = 'Rebuilding') {
      return anApprovedException(store, {
        accountId: ACCOUNT,
        reason,
        expiresAt: at(expiresInDays * DAY_MINUTES),
        createdBy: 'user:default/barbara',
        createdAt: at(-60),
        approvedBy: 'user:default/alan',
      });
    }

    it('notifies the owner and the approvers of an exception about to expire, once', async () => {
      const soon = await anException(10);
      await anException(40, 'Not yet');
      expect(await reminder().run()).toEqual({ reminded: 1, expired: 0 });
      expect(notifications.sent).toEqual([
        {
          recipients: {
            type: 'entity',
            entityRef: [
              'group:default/platform',
              'group:default/security-team',
            ],
          },
          payload: expect.objectContaining({
            title: 'CIS 2.4 exception for payments-staging expires in 10 days',
            link: `/catalog/default/resource/aws-${ACCOUNT}/cis-aws`,
            topic: 'CIS AWS 2.4',
            scope: `cis-aws:exception:${soon.id}`,
          }),
        },
      ]);
      expect(notifications.sent[0].payload.description).toContain('Rebuilding');

      // The next run (an hour later) says nothing more about it.
      clock = new Date(at(60));
      expect(await reminder().run()).toEqual({ reminded: 0, expired: 0 });
      expect(notifications.sent).toHaveLength(1);
      const events = await store.listExceptionEvents(ACCOUNT);
      expect(
        events
          .filter(e => e.exceptionId === soon.id)
          .map(e => [e.action, e.actor]),
      ).toEqual([
        ['REQUESTED', 'user:default/barbara'],
        ['APPROVED', 'user:default/alan'],
        ['REMINDED', EXCEPTION_SWEEP_ACTOR],
      ]);
    });

    it('tries again at the next run when sending fails', async () => {
      await anException(3);
      notifications.failWith = new Error('notifications are down');
      expect(await reminder().run()).toEqual({ reminded: 0, expired: 0 });
      notifications.failWith = undefined;
      expect(await reminder().run()).toEqual({ reminded: 1, expired: 0 });
      expect(notifications.sent).toHaveLength(1);
    });

    it('schedules itself hourly on one instance, and the task runs it', async () => {
      await anException(5);
      const scheduler = mockServices.scheduler.mock();
      await reminder().schedule(scheduler);
      expect(scheduler.scheduleTask).toHaveBeenCalledWith(
        expect.objectContaining({
          id: 'cis-aws-exception-reminders',
          scope: 'global',
          frequency: { hours: 1 },
        }),
      );
      const task = scheduler.scheduleTask.mock.calls[0][0];
      await task.fn(new AbortController().signal);
      expect(notifications.sent).toHaveLength(1);
    });

    it('records the expiry of an exception once it passed, once', async () => {
      const short = await anException(1);
      clock = new Date(at(2 * DAY_MINUTES));
      expect(await reminder().run()).toEqual({ reminded: 0, expired: 1 });
      expect(await reminder().run()).toEqual({ reminded: 0, expired: 0 });
      // Expired before any reminder could go out: none is sent afterwards.
      expect(notifications.sent).toEqual([]);
      expect(
        (await store.listExceptionEvents(ACCOUNT))
          .filter(e => e.exceptionId === short.id)
          .map(e => e.action),
      ).toEqual(['REQUESTED', 'APPROVED', 'EXPIRED']);
    });
  },
);
