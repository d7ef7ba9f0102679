import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ACCOUNT_STATUS_ANNOTATION,
  AWS_ACCOUNT_ID_ANNOTATION,
  OWNER_MISSING_ANNOTATION,
} from '@cis-aws/plugin-cis-aws-common';
import { readCatalogAccounts } from './accountMapping';

function account(
  name: string,
  accountId: string,
  options: {
    kind?: string;
    owner?: string;
    annotations?: Record<string, string>;
  } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: options.kind ?? 'Resource',
    metadata: {
      name,
      namespace: 'default',
      title: `${name} (${accountId})`,
      annotations: {
        [AWS_ACCOUNT_ID_ANNOTATION]: accountId,
        ...options.annotations,
      },
    },
    spec: {
      type: 'cloud-account',
      owner: options.owner ?? 'payments-team',
      system: 'payments',
    },
  };
}

function read(entities: Entity[]) {
  return readCatalogAccounts(
    catalogServiceMock({ entities }),
    mockCredentials.service(),
  );
}

describe('readCatalogAccounts', () => {
  it('takes a Resource’s title, owner and system as its account’s', async () => {
    const { mappings, problems } = await read([
      account('aws-payments-prod', '403344556677'),
    ]);
    expect(problems).toEqual([]);
    expect(mappings).toEqual([
      {
        accountId: '403344556677',
        entityRef: 'resource:default/aws-payments-prod',
        title: 'aws-payments-prod (403344556677)',
        ownerRef: 'group:default/payments-team',
        systemRef: 'system:default/payments',
      },
    ]);
  });

  it('lists an account marked owner-missing as nobody’s, whatever its placeholder owner', async () => {
    const { mappings } = await read([
      account('aws-growth-experiments', '412244668800', {
        owner: 'group:default/unowned-aws-accounts',
        annotations: { [OWNER_MISSING_ANNOTATION]: 'true' },
      }),
      account('aws-payments-prod', '403344556677'),
    ]);
    expect(mappings.map(m => [m.accountId, m.ownerRef, m.systemRef])).toEqual([
      [
        '403344556677',
        'group:default/payments-team',
        'system:default/payments',
      ],
      ['412244668800', undefined, 'system:default/payments'],
    ]);
  });

  it('keeps the owner when the owner-missing annotation is anything but "true"', async () => {
    const { mappings } = await read([
      account('aws-payments-prod', '403344556677', {
        annotations: { [OWNER_MISSING_ANNOTATION]: 'false' },
      }),
    ]);
    expect(mappings[0].ownerRef).toBe('group:default/payments-team');
  });

  it('does not evaluate a suspended or closed account, even when another entity names it', async () => {
    const { mappings, problems, annotatedAccounts } = await read([
      account('aws-payments-prod', '403344556677', {
        annotations: { [ACCOUNT_STATUS_ANNOTATION]: 'ACTIVE' },
      }),
      account('aws-old-sandbox', '413344556677', {
        annotations: { [ACCOUNT_STATUS_ANNOTATION]: 'SUSPENDED' },
      }),
      account('aws-closing', '414455667788', {
        annotations: { [ACCOUNT_STATUS_ANNOTATION]: 'PENDING_CLOSURE' },
      }),
      account('old-sandbox-tools', '413344556677', { kind: 'Component' }),
    ]);
    expect(mappings.map(m => m.accountId)).toEqual(['403344556677']);
    expect(problems).toEqual([]);
    expect(annotatedAccounts.has('resource:default/aws-old-sandbox')).toBe(
      false,
    );
  });

  it('reports a malformed account annotation as a problem of its entity', async () => {
    const { mappings, problems } = await read([account('aws-broken', '12345')]);
    expect(mappings).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({
        entityRef: 'resource:default/aws-broken',
        value: '12345',
      }),
    ]);
  });
});
