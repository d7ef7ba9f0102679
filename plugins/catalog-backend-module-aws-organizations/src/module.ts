import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { AwsOrganizationsEntityProvider } from './AwsOrganizationsEntityProvider';
import { CONFIG_KEY } from './config';

/**
 * Adds the accounts of an AWS Organization to the catalog, as configured
 * under `catalog.providers.awsOrganizations`. Without that key it adds
 * nothing (and says so once).
 *
 * @public
 */
export const catalogModuleAwsOrganizationsAccounts = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'aws-organizations-accounts',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ catalog, config, logger, scheduler }) {
        const provider = AwsOrganizationsEntityProvider.fromConfig(config, {
          logger,
          scheduler,
        });
        if (!provider) {
          logger.info(
            `No ${CONFIG_KEY} in the config: no AWS Organizations accounts are added to the catalog`,
          );
          return;
        }
        catalog.addEntityProvider(provider);
      },
    });
  },
});
