import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AccountMapping } from '@cis-aws/plugin-cis-aws-common';
import { CatalogAccounts } from '../../catalog/accountMapping';
import { CatalogAccess } from '../CatalogAccess';

export const CALLER = {
  credentials: mockCredentials.user('user:default/alice'),
};

/** The Resource entity of an account, as `aMapping` names it. */
export function accountEntity(
  accountId: string,
  overrides: Partial<Entity['spec']> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: `aws-${accountId}`,
      namespace: 'default',
      annotations: { 'amazonaws.com/account-id': accountId },
    },
    spec: {
      type: 'cloud-account',
      owner: 'group:default/platform',
      ...overrides,
    },
  };
}

/** Catalog access over a catalog of these entities: what is not in it is unreadable. */
export function accessTo(entities: Entity[]): CatalogAccess {
  return CatalogAccess.create({ catalog: catalogServiceMock({ entities }) });
}

export function catalogOf(mappings: AccountMapping[]): CatalogAccounts {
  return { mappings, problems: [], annotatedAccounts: new Map() };
}
