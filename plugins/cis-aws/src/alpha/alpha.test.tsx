import { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import plugin, {
  cisAwsEntityCard,
  cisAwsEntityContent,
  cisAwsMyAccountsPage,
  cisAwsPage,
} from './index';

const account: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'aws-payments-prod',
    annotations: { 'amazonaws.com/account-id': '403344556677' },
  },
  spec: { type: 'cloud-account' },
};
const system: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'payments' },
};
const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'web' },
};

describe('cis-aws for the new frontend system', () => {
  it('offers the API, the entity card and tab, and the page', () => {
    expect(plugin.id).toBe('cis-aws');
    for (const id of [
      'api:cis-aws',
      'entity-card:cis-aws/cis-aws',
      'entity-content:cis-aws/cis-aws',
      'page:cis-aws',
      'page:cis-aws/my-accounts',
    ]) {
      expect(plugin.getExtension(id as never)).toBeDefined();
    }
    expect(() => plugin.getExtension('page:not-there' as never)).toThrow();
  });

  it('shows the card on accounts and systems, not on other components', () => {
    const filter = createExtensionTester(cisAwsEntityCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    expect(filter?.(account)).toBe(true);
    expect(filter?.(system)).toBe(true);
    expect(filter?.(component)).toBe(false);
  });

  it('mounts the tab at /cis-aws titled "CIS 2.4"', () => {
    const tester = createExtensionTester(cisAwsEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('/cis-aws');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('CIS 2.4');
  });

  it('mounts the organization page at /cis-aws', () => {
    expect(
      createExtensionTester(cisAwsPage).get(coreExtensionData.routePath),
    ).toBe('/cis-aws');
  });

  it('mounts "My AWS accounts" at /cis-aws/my-accounts', () => {
    expect(
      createExtensionTester(cisAwsMyAccountsPage).get(
        coreExtensionData.routePath,
      ),
    ).toBe('/cis-aws/my-accounts');
  });
});
