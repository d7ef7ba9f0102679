import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { cisAwsPermissions } from '@cis-aws/plugin-cis-aws-common';
import { createRouter } from './api/router';
import { AwsClientFactory } from './aws/clients';
import { configuredSecrets } from './evidence/secretGuard';
import { readCisAwsConfig } from './config';
import { ExceptionReminder, OwnerNotifier } from './notifications';
import { EvaluationEngine } from './engine/EvaluationEngine';
import { createApiServices } from './services';
import { DefaultDiagnosticsService } from './services/DiagnosticsService';
import { DatabaseEvaluationStore } from './storage/DatabaseEvaluationStore';
import { DatabaseNotificationStateStore } from './storage/notificationStates';
import { AccountGate } from './engine/AccountGate';
import { RunCoordinator } from './engine/RunCoordinator';
import { EventReevaluator } from './engine/EventReevaluator';
import { causeRecorder } from './engine/causeRecorder';
import { DatabaseEvaluationCauseStore } from './storage/evaluationCauses';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { scheduleLabel } from './lib/scheduleLabel';

/** The new-accounts run's timeout (and its run's deadline). */
const NEW_ACCOUNTS_TIMEOUT_MS = 15 * 60 * 1000;

/** The schedule's timeout (a HumanDuration from config, or a luxon Duration) in milliseconds. */
function durationMs(duration: HumanDuration | { toMillis(): number }): number {
  return 'toMillis' in duration && typeof duration.toMillis === 'function'
    ? duration.toMillis()
    : durationToMilliseconds(duration as HumanDuration);
}

/** The full run's period (not for cron or manual schedules) and the schedule in words. */
function scheduleInfo(frequency: unknown): {
  frequencyMs?: number;
  description: string;
} {
  if (frequency && typeof frequency === 'object') {
    if ('cron' in frequency) {
      return {
        description: `on the cron schedule "${String(
          (frequency as { cron: unknown }).cron,
        )}" (UTC)`,
      };
    }
    if ('trigger' in frequency) {
      return { description: 'only when someone starts a run' };
    }
    const ms = durationMs(frequency as HumanDuration);
    if (Number.isFinite(ms) && ms > 0) {
      const minutes = Math.round(ms / 60_000);
      return {
        frequencyMs: ms,
        description:
          minutes % 60 === 0
            ? `every ${minutes / 60} hour${minutes === 60 ? '' : 's'}`
            : `every ${minutes} minute${minutes === 1 ? '' : 's'}`,
      };
    }
  }
  return { description: 'on its schedule' };
}

/**
 * The cis-aws backend plugin: evaluates CIS AWS Foundations v1.2 control 2.4
 * for every AWS account in the catalog and serves the results under
 * `/api/cis-aws`. Only wiring lives here.
 *
 * @public
 */
export const cisAwsPlugin = createBackendPlugin({
  pluginId: 'cis-aws',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        notifications: notificationService,
        lifecycle: coreServices.lifecycle,
        events: eventsServiceRef,
      },
      async init(deps) {
        const { config, logger, scheduler, httpRouter, catalog } = deps;
        // Every cisAws.* setting, read once here and handed down as values.
        const {
          options,
          notifications: notificationOptions,
          schedule,
          exceptions: exceptionOptions,
          runs: runOptions,
          events: eventOptions,
        } = readCisAwsConfig(config);
        const store = await DatabaseEvaluationStore.create({
          database: deps.database,
        });
        const aws = AwsClientFactory.fromConfig(config, options);
        const engine = EvaluationEngine.create({
          aws,
          store,
          catalog,
          auth: deps.auth,
          logger,
          options,
          exceptions: store,
          controls: store.controls(),
        });

        // The CloudTrail event behind each event-driven evaluation is kept with its result
        // (before the owner is notified, so that what the owner is told is on record).
        const causes = await DatabaseEvaluationCauseStore.create({
          database: deps.database,
        });
        engine.onResult(causeRecorder({ causes, logger }));

        // Owners hear when an account turns FAIL, when it cannot be checked for a while (ERROR or
        // UNKNOWN that persists), and when it recovers from what they were told.
        // Detection content (cis-3.x-detection) has its own notification per account.
        if (notificationOptions.enabled) {
          const notifier = OwnerNotifier.create({
            notifications: deps.notifications,
            logger,
            states: await DatabaseNotificationStateStore.create({
              database: deps.database,
            }),
            options: notificationOptions,
          });
          engine.onResult(notifier.onResult);
          engine.onControlResult(notifier.onControlResult);
        } else {
          logger.info('owner notifications are off');
        }

        deps.permissionsRegistry.addPermissions(cisAwsPermissions);

        // Every evaluation goes through the account gate and the run queue, shared by every
        // replica on the database (README: "Running several replicas").
        const replicaId =
          runOptions.replicaId ??
          `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
        const runs = store.coordination();
        const gate = AccountGate.create({
          leases: runs,
          engine,
          logger,
          replicaId,
          leaseDurationMs: runOptions.leaseDurationMs,
          heartbeatMs: runOptions.heartbeatMs,
          accountWaitMs: runOptions.accountWaitMs,
        });
        const FULL_RUN_TASK = 'cis-aws-evaluate-all';
        const runner = RunCoordinator.create({
          engine,
          gate,
          runs,
          store,
          aws,
          logger,
          options: {
            batchSize: runOptions.batchSize,
            leaseDurationMs: runOptions.leaseDurationMs,
            heartbeatMs: runOptions.heartbeatMs,
            fullRunTimeoutMs: durationMs(schedule.timeout),
            newAccountsTimeoutMs: NEW_ACCOUNTS_TIMEOUT_MS,
          },
          triggerFullRun: () => scheduler.triggerTask(FULL_RUN_TASK),
        });
        logger.info('evaluations coordinated through the database', {
          replicaId,
        });

        await scheduler.scheduleTask({
          id: FULL_RUN_TASK,
          scope: 'global',
          ...schedule,
          fn: async signal => {
            await runner.runScheduled(signal);
          },
        });
        // Accounts new in the catalog get a verdict within a minute instead
        // of at the next full run.
        await scheduler.scheduleTask({
          id: 'cis-aws-evaluate-new-accounts',
          scope: 'global',
          frequency: { minutes: 1 },
          timeout: { milliseconds: NEW_ACCOUNTS_TIMEOUT_MS },
          initialDelay: { seconds: 20 },
          fn: async signal => {
            await runner.runNewAccounts(signal);
          },
        });
        // Every replica helps with queued accounts and takes over those of a replica that
        // went away (its claims stop being renewed).
        await scheduler.scheduleTask({
          id: 'cis-aws-run-worker',
          scope: 'local',
          frequency: { milliseconds: runOptions.workerFrequencyMs },
          timeout: { milliseconds: durationMs(schedule.timeout) },
          initialDelay: { milliseconds: runOptions.workerFrequencyMs },
          fn: async signal => {
            await runner.work(signal);
          },
        });
        deps.lifecycle.addShutdownHook(() => gate.close());

        // Drift seen within a minute: CloudTrail events that can break CIS 2.4 (StopLogging,
        // DeleteLogGroup, DetachRolePolicy, …) re-evaluate their account through the gate, once
        // per debounced burst (docs/events.md). One subscriber id for every replica: with the
        // events backend's bus, each event reaches one subscriber of that id (the replica that
        // published it, or one that polls the bus for it), never all of them.
        if (eventOptions.enabled) {
          const reevaluator = EventReevaluator.create({
            gate,
            engine,
            logger,
            debounceMs: eventOptions.debounceMs,
          });
          await deps.events.subscribe({
            id: 'cloudtrail-reevaluation',
            topics: [eventOptions.topic],
            onEvent: async event => {
              await reevaluator.onEvent(event);
            },
          });
          deps.lifecycle.addShutdownHook(() => reevaluator.close());
          logger.info('re-evaluating accounts on CloudTrail events', {
            topic: eventOptions.topic,
            debounceMs: eventOptions.debounceMs,
          });
        } else {
          logger.info(
            'event-driven re-evaluation is off (cisAws.events.enabled)',
          );
        }

        // History older than the retention goes, once a day.
        await scheduler.scheduleTask({
          id: 'cis-aws-prune-history',
          scope: 'global',
          frequency: { hours: 24 },
          timeout: { minutes: 10 },
          initialDelay: { minutes: 1 },
          fn: async () => {
            const before = new Date(Date.now() - options.historyRetentionMs);
            const pruned = await store.pruneHistory(before);
            const prunedCauses = await causes.pruneCauses(before);
            logger.info('pruned history', {
              before: before.toISOString(),
              verdictChanges: pruned.changes,
              dailyVerifications: pruned.verifications,
              runs: pruned.runs,
              eventCauses: prunedCauses,
            });
          },
        });

        // Expiring exceptions are announced to owners and approvers, hourly.
        await ExceptionReminder.create({
          notifications: deps.notifications,
          store,
          logger,
          ...exceptionOptions,
        }).schedule(scheduler);

        const knownSecrets = configuredSecrets(config);
        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            knownSecrets,
            diagnostics: DefaultDiagnosticsService.create({
              aws,
              store,
              catalog: engine,
              permissions: deps.permissions,
              options,
            }),
            ...createApiServices({
              catalog,
              permissions: deps.permissions,
              userInfo: deps.userInfo,
              auth: deps.auth,
              logger,
              store,
              controls: store.controls(),
              engine: gate.gatedEngine('request'),
              runner,
              runs,
              options,
              exceptionOptions,
              knownSecrets,
              causes,
              checkLabel: scheduleLabel(schedule.frequency),
              schedule: scheduleInfo(schedule.frequency),
            }),
          }),
        );
      },
    });
  },
});
