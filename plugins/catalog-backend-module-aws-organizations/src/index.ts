/**
 * A catalog backend module: every account of an AWS Organization as a
 * `cloud-account` Resource, with its owner and system from the account's tags.
 *
 * @packageDocumentation
 */
export { catalogModuleAwsOrganizationsAccounts as default } from './module';
export { catalogModuleAwsOrganizationsAccounts } from './module';
export { AwsOrganizationsEntityProvider } from './AwsOrganizationsEntityProvider';
export type { AwsOrganizationsRefreshSummary } from './AwsOrganizationsEntityProvider';
export {
  readProviderConfig,
  AwsOrganizationsConfigError,
  DEFAULT_UNOWNED_OWNER,
} from './config';
export type { AwsOrganizationsProviderConfig } from './config';
export { accountEntities, isActiveAccount } from './accountEntities';
export type {
  OrganizationAccount,
  AccountEntityContext,
  AccountEntities,
} from './accountEntities';
export { parseTagRef } from './tagRefs';
export type { ParsedTagRef, TagRefRules } from './tagRefs';
