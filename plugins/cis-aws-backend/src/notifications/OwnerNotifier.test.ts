import { mockServices } from '@backstage/backend-test-utils';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import {
  AccountDetectionResult,
  AccountMapping,
  DetectionVerdict,
  Verdict,
} from '@cis-aws/plugin-cis-aws-common';
import { DETECTION_CONTROL } from '../rules/controls';
import { DatabaseEvaluationStore } from '../storage/DatabaseEvaluationStore';
import { DatabaseNotificationStateStore } from '../storage/notificationStates';
import {
  aMapping,
  accountId,
  anEvaluation,
} from '../storage/__fixtures__/evaluations';
import {
  createStore,
  createTestDatabases,
} from '../storage/__testUtils__/stores';
import { DEFAULT_NOTIFICATION_OPTIONS, NotificationOptions } from './options';
import { OwnerNotifier } from './OwnerNotifier';
import { withEvaluationCause } from '../lib/evaluationCause';

jest.setTimeout(60_000);

/** A NotificationService that keeps what it is asked to send. */
class RecordingNotificationService implements NotificationService {
  readonly sent: NotificationSendOptions[] = [];
  failWith?: Error;

  async send(options: NotificationSendOptions): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(options);
  }

  titles() {
    return this.sent.map(n => n.payload.title);
  }
}

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'OwnerNotifier with the store on %s',
  databaseId => {
    const ACCOUNT = accountId(7);
    let store: DatabaseEvaluationStore;
    let states: DatabaseNotificationStateStore;
    let notifications: RecordingNotificationService;
    let logger: ReturnType<typeof mockServices.logger.mock>;
    let minute: number;

    beforeEach(async () => {
      let knex;
      ({ store, knex } = await createStore(databases, databaseId));
      states = await DatabaseNotificationStateStore.create({
        database: mockServices.database({ knex }),
      });
      notifications = new RecordingNotificationService();
      logger = mockServices.logger.mock();
      minute = 0;
    });

    function notifier(options: Partial<NotificationOptions> = {}) {
      return OwnerNotifier.create({
        notifications,
        logger,
        states,
        options: { ...DEFAULT_NOTIFICATION_OPTIONS, ...options },
      });
    }

    /** Saves the next evaluation of the account and tells the notifier, as the engine does. */
    async function evaluate(
      target: OwnerNotifier,
      verdict: Verdict,
      mapping: AccountMapping = aMapping(ACCOUNT, { title: 'payments-prod' }),
    ) {
      minute += 60;
      const outcome = await store.saveResult({
        mapping,
        evaluation: anEvaluation(ACCOUNT, verdict, { minute }),
      });
      await target.onResult(outcome, mapping);
    }

    /** Saves the next detection result of the account and tells the notifier, as the engine does. */
    async function evaluateDetection(
      target: OwnerNotifier,
      verdict: DetectionVerdict,
      mapping: AccountMapping = aMapping(ACCOUNT, { title: 'payments-prod' }),
    ) {
      minute += 60;
      const evaluatedAt = new Date(
        Date.UTC(2026, 0, 1) + minute * 60_000,
      ).toISOString();
      const failing = verdict === 'FAIL' || verdict === 'ERROR';
      const result: AccountDetectionResult = {
        accountId: ACCOUNT,
        controlId: 'cis-3.x-detection',
        verdict,
        ...(verdict === 'FAIL' ? { reason: 'NO_ALARM' as const } : {}),
        ...(verdict === 'ERROR' ? { reason: 'API_ERROR' as const } : {}),
        failingChecks: failing ? ['3.3'] : [],
        evaluatedAt,
        checks: [
          {
            checkId: '3.3',
            verdict,
            detail: 'no alarm on the metric',
            judgements: [],
            warnings: [],
            errors: [],
            ...(verdict === 'FAIL'
              ? {
                  reason: 'NO_ALARM' as const,
                  chain: {
                    filterName: 'RootAccountUsage',
                    metricName: 'RootAccountUsage',
                    metricNamespace: 'CISBenchmark',
                  },
                }
              : {}),
          },
        ],
      };
      const outcome = await store
        .controls()
        .saveControlResult(DETECTION_CONTROL, {
          accountId: ACCOUNT,
          controlId: DETECTION_CONTROL.id,
          verdict,
          ...(result.reason ? { reason: result.reason } : {}),
          summary: { failingChecks: result.failingChecks },
          result,
          evaluatedAt,
        });
      await target.onControlResult(
        { controlId: DETECTION_CONTROL.id, outcome, result },
        mapping,
      );
    }

    it('tells detection transitions with their own state and scope, beside 2.4', async () => {
      const target = notifier();
      await evaluate(target, 'PASS');
      await evaluateDetection(target, 'PASS');
      // 2.4 fails: its notification. Detection still passes: none.
      await evaluate(target, 'FAIL');
      // Detection fails too: told, although the owner was already told 2.4 fails.
      await evaluateDetection(target, 'FAIL');
      await evaluateDetection(target, 'FAIL');
      // NOT_APPLICABLE is silent; FAIL after it is no news; PASS resolves.
      await evaluateDetection(target, 'NOT_APPLICABLE');
      await evaluateDetection(target, 'FAIL');
      await evaluateDetection(target, 'PASS');
      // One ERROR is nothing; two in a row is (errorAfter: 2 runs, as for 2.4).
      await evaluateDetection(target, 'ERROR');
      await evaluateDetection(target, 'PASS');
      await evaluateDetection(target, 'ERROR');
      await evaluateDetection(target, 'ERROR');
      expect(
        notifications.sent.map(n => [n.payload.scope, n.payload.severity]),
      ).toEqual([
        [`cis-aws:account:${ACCOUNT}`, 'high'],
        [`cis-aws:account:${ACCOUNT}:control:cis-3.x-detection`, 'high'],
        [`cis-aws:account:${ACCOUNT}:control:cis-3.x-detection`, 'low'],
        [`cis-aws:account:${ACCOUNT}:control:cis-3.x-detection`, 'normal'],
      ]);
      expect(notifications.titles()[1]).toBe(
        `Detection (CIS 3.x) failing: nobody is told when root is used in payments-prod (${ACCOUNT})`,
      );
      expect(notifications.sent[1].recipients).toEqual({
        type: 'entity',
        entityRef: 'group:default/platform',
      });
      // 2.4's own state was not touched by detection's: its recovery is still told.
      await evaluate(target, 'PASS');
      expect(notifications.titles().at(-1)).toBe(
        `CIS 2.4 recovered: payments-prod (${ACCOUNT}) — passing`,
      );
    });

    it('follows cisAws.notifications.detection: off, or only some transitions', async () => {
      await evaluateDetection(
        notifier({
          detection: {
            ...DEFAULT_NOTIFICATION_OPTIONS.detection,
            enabled: false,
          },
        }),
        'FAIL',
      );
      expect(notifications.sent).toEqual([]);

      const onlyFail = notifier({
        detection: {
          ...DEFAULT_NOTIFICATION_OPTIONS.detection,
          transitions: new Set(['fail']),
        },
      });
      await evaluateDetection(onlyFail, 'PASS');
      await evaluateDetection(onlyFail, 'FAIL');
      await evaluateDetection(onlyFail, 'PASS');
      expect(notifications.titles()).toEqual([
        `Detection (CIS 3.x) failing: nobody is told when root is used in payments-prod (${ACCOUNT})`,
      ]);

      // Notifications off altogether: detection is off too.
      await evaluateDetection(notifier({ enabled: false }), 'FAIL');
      expect(notifications.sent).toHaveLength(1);
    });

    it('sends exactly one notification per transition, to the owning entity', async () => {
      const target = notifier();
      for (const verdict of [
        'PASS',
        'PASS',
        'FAIL',
        'FAIL',
        'FAIL',
        'PASS',
        'PASS',
        'ERROR',
        'ERROR',
        'FAIL',
        'EXEMPT',
      ] as const) {
        await evaluate(target, verdict);
      }
      // The ERROR is told at its second result in a row (errorAfter: 2 runs by default).
      expect(notifications.titles()).toEqual([
        `CIS 2.4 failing: payments-prod (${ACCOUNT}) — Delivery has stopped`,
        `CIS 2.4 recovered: payments-prod (${ACCOUNT}) — passing`,
        `CIS 2.4 could not be checked: payments-prod (${ACCOUNT}) — Some regions could not be read`,
        `CIS 2.4 failing: payments-prod (${ACCOUNT}) — Delivery has stopped`,
        `CIS 2.4 recovered: payments-prod (${ACCOUNT}) — exempt by an approved exception`,
      ]);
      for (const sent of notifications.sent) {
        expect(sent.recipients).toEqual({
          type: 'entity',
          entityRef: 'group:default/platform',
        });
        // One scope per account: the notifications backend updates instead of adding.
        expect(sent.payload.scope).toBe(`cis-aws:account:${ACCOUNT}`);
        expect(sent.payload.link).toBe(
          `/catalog/default/resource/aws-${ACCOUNT}/cis-aws`,
        );
      }
      expect(notifications.sent.map(n => n.payload.severity)).toEqual([
        'high',
        'low',
        'normal',
        'high',
        'low',
      ]);
    });

    it('tells the owner of an event-driven FAIL at once what changed and who changed it', async () => {
      const target = notifier();
      await evaluate(target, 'PASS');
      await withEvaluationCause(
        {
          trigger: 'event',
          eventName: 'StopLogging',
          principal: 'alice',
          principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
          eventTime: '2026-12-06T10:01:00.000Z',
          eventCount: 1,
          otherEventNames: [],
          receivedAt: '2026-12-06T10:01:02.000Z',
        },
        () => evaluate(target, 'FAIL'),
      );
      expect(notifications.titles()).toEqual([
        `CIS 2.4 failing: payments-prod (${ACCOUNT}) — Delivery has stopped (after StopLogging by alice)`,
      ]);
      expect(notifications.sent[0].payload.description).toMatch(
        new RegExp(
          `^Changed by arn:aws:iam::${ACCOUNT}:user/alice: StopLogging at 2026-12-06T10:01:00.000Z`,
        ),
      );
      // Outside the event's evaluation, nothing names it.
      await evaluate(target, 'PASS');
      expect(notifications.titles()[1]).toBe(
        `CIS 2.4 recovered: payments-prod (${ACCOUNT}) — passing`,
      );
    });

    it('sends nothing when nothing changed', async () => {
      const target = notifier();
      await evaluate(target, 'FAIL');
      notifications.sent.length = 0;
      for (let n = 0; n < 5; n += 1) await evaluate(target, 'FAIL');
      expect(notifications.sent).toEqual([]);
    });

    it('sends nothing for a passing first result', async () => {
      const target = notifier();
      await evaluate(target, 'PASS');
      await evaluate(target, 'PASS');
      expect(notifications.sent).toEqual([]);
    });

    it('stays quiet about a failing first result when notifyFirstResult is off', async () => {
      const target = notifier({ notifyFirstResult: false });
      await evaluate(target, 'FAIL');
      expect(notifications.sent).toEqual([]);
      await evaluate(target, 'PASS');
      await evaluate(target, 'FAIL');
      // The first FAIL was not told, so its end is no recovery to tell either.
      expect(notifications.titles()).toEqual([
        `CIS 2.4 failing: payments-prod (${ACCOUNT}) — Delivery has stopped`,
      ]);
    });

    it('sends only the configured transitions', async () => {
      const target = notifier({ transitions: new Set(['fail']) });
      for (const verdict of [
        'PASS',
        'ERROR',
        'PASS',
        'FAIL',
        'PASS',
      ] as const) {
        await evaluate(target, verdict);
      }
      expect(notifications.sent.map(n => n.payload.severity)).toEqual(['high']);
    });

    it('a transient ERROR or UNKNOWN notifies nothing, neither then nor when it clears', async () => {
      const target = notifier();
      for (const verdict of [
        'PASS',
        'ERROR',
        'PASS',
        'UNKNOWN',
        'PASS',
      ] as const) {
        await evaluate(target, verdict);
      }
      expect(notifications.sent).toEqual([]);
    });

    it('remembers across notifiers (a restart, another replica) what the owner was told', async () => {
      await evaluate(notifier(), 'PASS');
      await evaluate(notifier(), 'ERROR');
      await evaluate(notifier(), 'ERROR');
      await evaluate(notifier(), 'PASS');
      expect(notifications.sent.map(n => n.payload.severity)).toEqual([
        'normal',
        'low',
      ]);
    });

    it('looks through UNKNOWN: a failure that clears via UNKNOWN recovers, one that comes back is no news', async () => {
      const target = notifier();
      for (const verdict of [
        'FAIL',
        'UNKNOWN',
        'FAIL',
        'UNKNOWN',
        'PASS',
      ] as const) {
        await evaluate(target, verdict);
      }
      expect(notifications.titles()).toEqual([
        `CIS 2.4 failing: payments-prod (${ACCOUNT}) — Delivery has stopped`,
        `CIS 2.4 recovered: payments-prod (${ACCOUNT}) — passing`,
      ]);
      expect(notifications.sent[1].payload.description).toContain(
        'Before, it was failing.',
      );
    });

    it('sends nothing for an outdated result that was not saved', async () => {
      const target = notifier();
      await evaluate(target, 'PASS');
      const mapping = aMapping(ACCOUNT);
      const older = await store.saveResult({
        mapping,
        evaluation: anEvaluation(ACCOUNT, 'FAIL', { minute: 1 }),
      });
      expect(older.outdated).toBe(true);
      await target.onResult(older, mapping);
      expect(notifications.sent).toEqual([]);
    });

    it('notifies nobody about an account without owner unless an unowned recipient is set', async () => {
      const unowned = aMapping(ACCOUNT, {
        title: 'growth-experiments',
        ownerRef: undefined,
      });
      await evaluate(notifier(), 'FAIL', unowned);
      expect(notifications.sent).toEqual([]);
      expect(logger.info).toHaveBeenCalledWith(
        expect.stringContaining('no owner to notify'),
        expect.objectContaining({
          accountId: ACCOUNT,
          account: `growth-experiments (${ACCOUNT})`,
          to: 'FAIL',
        }),
      );

      await evaluate(
        notifier({ unownedRecipient: 'group:default/platform-team' }),
        'PASS',
        unowned,
      );
      expect(notifications.sent).toHaveLength(1);
      expect(notifications.sent[0].recipients).toEqual({
        type: 'entity',
        entityRef: 'group:default/platform-team',
      });
    });

    it('logs a failed send and carries on', async () => {
      const target = notifier();
      notifications.failWith = new Error(
        'Failed to send notifications: Error: Request failed with status 503',
      );
      await expect(evaluate(target, 'FAIL')).resolves.toBeUndefined();
      expect(logger.warn).toHaveBeenCalledWith('could not notify the owner', {
        accountId: ACCOUNT,
        account: `payments-prod (${ACCOUNT})`,
        recipient: 'group:default/platform',
        from: 'none',
        to: 'FAIL',
        error:
          'Failed to send notifications: Error: Request failed with status 503',
      });
      // The result was saved all the same.
      expect((await store.getAccount(ACCOUNT))?.verdict).toBe('FAIL');
    });

    it('says once, naming the config key, that the notifications backend is missing, then stops trying', async () => {
      const target = notifier();
      notifications.failWith = new Error(
        'Failed to send notifications: Error: Request failed with status 404',
      );
      await evaluate(target, 'FAIL');
      await evaluate(target, 'PASS');
      await evaluate(target, 'ERROR');
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('cisAws.notifications.enabled: false'),
      );
      // Installed later (after a restart): a new notifier sends again.
      notifications.failWith = undefined;
      await evaluate(notifier(), 'FAIL');
      expect(notifications.titles()).toHaveLength(1);
    });

    it('sends nothing when turned off', async () => {
      const target = notifier({ enabled: false });
      await evaluate(target, 'FAIL');
      await evaluate(target, 'PASS');
      expect(notifications.sent).toEqual([]);
    });
  },
);
