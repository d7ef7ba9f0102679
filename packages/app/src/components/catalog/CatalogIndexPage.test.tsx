import { Entity } from '@backstage/catalog-model';
import { configApiRef, storageApiRef } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  entityRouteRef,
  starredEntitiesApiRef,
  MockStarredEntitiesApi,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { CisAwsApi, cisAwsApiRef } from '@cis-aws/plugin-cis-aws';
import { screen, waitFor, within } from '@testing-library/react';
import { CatalogIndex } from './CatalogIndex';

const account = (name: string, accountId: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'amazonaws.com/account-id': accountId },
  },
  spec: { type: 'cloud-account', owner: 'group:default/security-team' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/security-team' }],
});

const ENTITIES = [
  account('aws-security-tooling', '402233445566'),
  account('aws-checkout-dev', '407788990011'),
];

function summary(name: string, accountId: string, verdict: 'PASS' | 'FAIL') {
  return {
    accountId,
    entityRef: `resource:default/${name}`,
    title: name.replace('aws-', ''),
    ownerRef: 'group:default/security-team',
    verdict,
    ...(verdict === 'FAIL'
      ? { reason: 'NO_TRAILS', failingSince: '2026-12-01T00:00:00.000Z' }
      : {}),
    evaluatedAt: '2026-12-06T00:00:00.000Z',
    verdictSince: '2026-12-01T00:00:00.000Z',
    stale: false,
  };
}

describe('the catalog page the demo app opens at /', () => {
  it('shows "My AWS accounts" above the catalog, and the CIS 2.4 column in the list of AWS accounts', async () => {
    const listAccounts = jest.fn(async (query: any) => {
      const items = [
        summary('aws-checkout-dev', '407788990011', 'FAIL'),
        summary('aws-security-tooling', '402233445566', 'PASS'),
      ];
      return {
        items,
        totalCount: items.length,
        totals: { PASS: 1, FAIL: 1, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
        offset: 0,
        limit: query.limit ?? 50,
      };
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [catalogApiRef, catalogApiMock({ entities: ENTITIES })],
          [cisAwsApiRef, { listAccounts } as unknown as CisAwsApi],
          [starredEntitiesApiRef, new MockStarredEntitiesApi()],
          [permissionApiRef, mockApis.permission()],
          [storageApiRef, mockApis.storage()],
          [
            configApiRef,
            mockApis.config({ data: { organization: { name: 'ACME' } } }),
          ],
        ]}
      >
        <CatalogIndex />
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
        routeEntries: [
          '/?filters[kind]=resource&filters[type]=cloud-account&filters[user]=all',
        ],
      },
    );

    expect(
      await screen.findByRole('heading', { name: 'ACME Catalog' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('My AWS accounts')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getAllByTestId('cis-my-account')).toHaveLength(2),
    );
    expect(listAccounts).toHaveBeenCalledWith(
      expect.objectContaining({ mine: true }),
    );

    expect(
      await screen.findByRole('columnheader', { name: 'CIS 2.4' }),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getAllByTestId('cis-catalog-cell')).toHaveLength(2),
    );
    const row = screen
      .getAllByTestId('cis-catalog-cell')
      .map(cell => cell.closest('tr')!)
      .find(tr => within(tr).queryByText(/checkout-dev/))!;
    expect(within(row).getByTestId('cis-verdict')).toHaveAttribute(
      'data-verdict',
      'FAIL',
    );
    // One request for the column's rows, besides the card's own.
    const columnRequests = listAccounts.mock.calls.filter(
      ([query]) => query.entityRef,
    );
    expect(columnRequests).toHaveLength(1);
    expect([...columnRequests[0][0].entityRef].sort()).toEqual([
      'resource:default/aws-checkout-dev',
      'resource:default/aws-security-tooling',
    ]);
  });
});
