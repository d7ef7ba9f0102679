import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { cisAwsPermissions } from '@cis-aws/plugin-cis-aws-common';
import { createRouter } from './api/router';
import { AwsClientFactory } from './aws/clients';
import { configuredSecrets } from './evidence/secretGuard';
import { readCisAwsConfig } from './config';
import { OwnerNotifier } from './notifications';
import { EvaluationEngine } from './engine/EvaluationEngine';
import { createApiServices } from './services';
import { DefaultDiagnosticsService } from './services/DiagnosticsService';
import { DatabaseEvaluationStore } from './storage/DatabaseEvaluationStore';

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
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { config, logger, scheduler, httpRouter, catalog } = deps;
        // Every cisAws.* setting, read once here and handed down as values.
        const {
          options,
          notifications: notificationOptions,
          schedule,
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
        });

        // Owners hear when an account turns FAIL or ERROR and when it recovers.
        if (notificationOptions.enabled) {
          engine.onResult(
            OwnerNotifier.create({
              notifications: deps.notifications,
              logger,
              history: store,
              options: notificationOptions,
            }).onResult,
          );
        } else {
          logger.info('owner notifications are off');
        }

        deps.permissionsRegistry.addPermissions(cisAwsPermissions);

        await scheduler.scheduleTask({
          id: 'cis-aws-evaluate-all',
          scope: 'global',
          ...schedule,
          fn: async () => {
            await engine.runAll({ trigger: 'schedule' });
          },
        });
        // Accounts new in the catalog get a verdict within a minute instead
        // of at the next full run.
        await scheduler.scheduleTask({
          id: 'cis-aws-evaluate-new-accounts',
          scope: 'global',
          frequency: { minutes: 1 },
          timeout: { minutes: 15 },
          initialDelay: { seconds: 20 },
          fn: async () => {
            await engine.runAll({
              trigger: 'new-accounts',
              onlyUnevaluated: true,
            });
          },
        });

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
            logger.info('pruned history', {
              before: before.toISOString(),
              verdictChanges: pruned.changes,
              dailyVerifications: pruned.verifications,
              runs: pruned.runs,
            });
          },
        });

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
              auth: deps.auth,
              logger,
              store,
              engine,
              options,
              knownSecrets,
            }),
          }),
        );
      },
    });
  },
});
