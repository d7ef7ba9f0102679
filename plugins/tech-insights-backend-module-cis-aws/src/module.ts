import { techInsightsFactRetrieversExtensionPoint } from '@backstage-community/plugin-tech-insights-node';
import {
  coreServices,
  createBackendModule,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  createCisAwsFactRetriever,
  DEFAULT_CONCURRENCY,
} from './retriever/cisAwsFactRetriever';
import { CIS_AWS_FACT_RETRIEVER_ID } from './retriever/schema';

/** Where a platform team configures the retriever (see config.d.ts). */
export const CIS_AWS_RETRIEVER_CONFIG_KEY = `techInsights.factRetrievers.${CIS_AWS_FACT_RETRIEVER_ID}`;

const MAX_CONCURRENCY = 64;

/**
 * `concurrency` of the retriever's config, or the default when it is absent
 * or not a whole number from 1 to 64: a typo there is reported, and must not
 * keep the backend (every plugin of it) from starting.
 */
export function readConcurrency(
  config: RootConfigService,
  logger: LoggerService,
): number {
  const key = `${CIS_AWS_RETRIEVER_CONFIG_KEY}.concurrency`;
  const value = config.getOptional(key);
  if (value === undefined) return DEFAULT_CONCURRENCY;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > MAX_CONCURRENCY
  ) {
    logger.warn(
      `Invalid ${key} ${JSON.stringify(
        value,
      )}: expected a whole number from 1 to ${MAX_CONCURRENCY}; using ${DEFAULT_CONCURRENCY}`,
    );
    return DEFAULT_CONCURRENCY;
  }
  return value;
}

/**
 * The CIS AWS 2.4 module of the tech-insights backend: contributes the
 * `cisAwsFactRetriever` fact retriever.
 *
 * Tech Insights schedules a contributed retriever only when
 * `techInsights.factRetrievers.cisAwsFactRetriever.cadence` is configured and
 * otherwise ignores it without a word; this module says so at start-up.
 */
export const techInsightsModuleCisAws = createBackendModule({
  pluginId: 'tech-insights',
  moduleId: 'cis-aws',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        factRetrievers: techInsightsFactRetrieversExtensionPoint,
      },
      async init({ config, logger, factRetrievers }) {
        const concurrency = readConcurrency(config, logger);
        factRetrievers.addFactRetrievers({
          [CIS_AWS_FACT_RETRIEVER_ID]: createCisAwsFactRetriever({
            concurrency,
          }),
        });
        if (!config.has(`${CIS_AWS_RETRIEVER_CONFIG_KEY}.cadence`)) {
          logger.warn(
            `The CIS AWS fact retriever is not scheduled, so no CIS AWS facts (2.4 and detection) will be collected: set ${CIS_AWS_RETRIEVER_CONFIG_KEY}.cadence to a cron expression (e.g. '0 * * * *')`,
          );
        }
      },
    });
  },
});
