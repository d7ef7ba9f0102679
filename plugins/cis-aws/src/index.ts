/**
 * CIS AWS Foundations 2.4 for the Backstage catalog: a "CIS 2.4" card and tab
 * for account, system and team pages, and an organization-wide page.
 *
 * @packageDocumentation
 */
export {
  cisAwsPlugin,
  EntityCisAwsCard,
  EntityCisAwsContent,
  CisAwsPage,
  HomePageCisAwsMyAccountsCard,
  CisAwsMyAccountsList,
} from './plugin';
export { isCisAwsAvailable } from './conditions';
export {
  createCisAwsCatalogColumn,
  CisAwsCatalogCell,
} from './components/CatalogColumn';
export { cisAwsApiRef } from './api/CisAwsApi';
export type { CisAwsApi, AccountsQuery } from './api/CisAwsApi';
export { CisAwsClient } from './api/CisAwsClient';
export { rootRouteRef as cisAwsRootRouteRef } from './routes';
