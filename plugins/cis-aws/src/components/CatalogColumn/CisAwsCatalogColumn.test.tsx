import { Entity } from '@backstage/catalog-model';
import { Table } from '@backstage/core-components';
import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import accountsList from '../../__fixtures__/accounts-list.json';
import {
  BACKEND,
  renderWithApis,
  server,
  setupMswServer,
} from '../../__testUtils__/render';
import { createCisAwsCatalogColumn } from './CisAwsCatalogColumn';

setupMswServer();

function resource(name: string): { entity: Entity } {
  return {
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name, namespace: 'default' },
      spec: { type: 'cloud-account' },
    },
  };
}

const ROWS = [
  resource('aws-checkout-dev'),
  resource('aws-payments-prod'),
  resource('aws-legacy-billing'),
  resource('aws-not-evaluated'),
];

/** The backend's list, answering what `entityRef` asks for, as the real one does. */
function answerByEntityRef(overrides: Record<string, object> = {}) {
  const asked: URLSearchParams[] = [];
  server.use(
    http.get(`${BACKEND}/v1/accounts`, ({ request }) => {
      const params = new URL(request.url).searchParams;
      asked.push(params);
      const refs = params
        .getAll('entityRef')
        .flatMap(r => r.split(','))
        .map(r => r.toLowerCase());
      const items = accountsList.items
        .filter(a => refs.includes(a.entityRef.toLowerCase()))
        .map(a => ({ ...a, ...overrides[a.entityRef] }));
      return HttpResponse.json({
        ...accountsList,
        items,
        totalCount: items.length,
      });
    }),
  );
  return asked;
}

function cellOf(name: string): HTMLElement {
  const row = screen.getByText(name).closest('tr')!;
  return row;
}

describe('createCisAwsCatalogColumn', () => {
  it("fetches the visible rows' verdicts in one batched request, not one per row", async () => {
    const asked = answerByEntityRef();
    await renderWithApis(
      <Table
        title="Resources"
        data={ROWS}
        columns={[
          { title: 'Name', render: row => row.entity.metadata.name },
          createCisAwsCatalogColumn(),
        ]}
      />,
    );
    await waitFor(() =>
      expect(screen.getAllByTestId('cis-catalog-cell')).toHaveLength(3),
    );
    expect(asked).toHaveLength(1);
    expect(
      asked[0]
        .getAll('entityRef')
        .flatMap(r => r.split(','))
        .sort(),
    ).toEqual([
      'resource:default/aws-checkout-dev',
      'resource:default/aws-legacy-billing',
      'resource:default/aws-not-evaluated',
      'resource:default/aws-payments-prod',
    ]);
    expect(screen.getByText('CIS 2.4')).toBeInTheDocument();
  });

  it('shows each row its verdict chip and since when it fails; "Not evaluated" without a result', async () => {
    const since = new Date(Date.now() - 5 * 3_600_000).toISOString();
    answerByEntityRef({
      'resource:default/aws-checkout-dev': { failingSince: since },
    });
    await renderWithApis(
      <Table
        title="Resources"
        data={ROWS}
        columns={[
          { title: 'Name', render: row => row.entity.metadata.name },
          createCisAwsCatalogColumn(),
        ]}
      />,
    );
    await waitFor(() =>
      expect(screen.getAllByTestId('cis-catalog-cell')).toHaveLength(3),
    );
    const dev = within(cellOf('aws-checkout-dev'));
    expect(dev.getByTestId('cis-verdict')).toHaveAttribute(
      'data-verdict',
      'FAIL',
    );
    expect(dev.getByTestId('cis-catalog-failing-since')).toHaveTextContent(
      'failing since 5 hours ago',
    );
    const prod = within(cellOf('aws-payments-prod'));
    expect(prod.getByTestId('cis-verdict')).toHaveAttribute(
      'data-verdict',
      'PASS',
    );
    expect(
      prod.queryByTestId('cis-catalog-failing-since'),
    ).not.toBeInTheDocument();
    expect(
      within(cellOf('aws-legacy-billing')).getByTestId('cis-verdict'),
    ).toHaveAttribute('data-verdict', 'ERROR');
    expect(
      within(cellOf('aws-not-evaluated')).getByTestId(
        'cis-catalog-not-evaluated',
      ),
    ).toHaveTextContent('Not evaluated');
  });
});
