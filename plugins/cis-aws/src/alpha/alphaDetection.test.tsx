import {
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
} from '@backstage/core-plugin-api';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import type { AccountDetail } from '@cis-aws/plugin-cis-aws-common';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import accountPass from '../__fixtures__/account-pass.json';
import { DETECTION_FAIL } from '../__fixtures__/detection';
import {
  accountEntity,
  answer,
  BACKEND,
  server,
  setupMswServer,
} from '../__testUtils__/render';
import { cisAwsApiRef } from '../api/CisAwsApi';
import { CisAwsClient } from '../api/CisAwsClient';
import { cisAwsEntityCard, cisAwsEntityContent } from './index';

setupMswServer();

const ACCOUNT = accountPass as AccountDetail;
const { checks: _checks, ...SUMMARY } = DETECTION_FAIL;

/** The card's or tab's element as the new frontend system makes it, for the account, over the fake backend. */
async function renderExtension(element: JSX.Element) {
  answer(`/v1/accounts/${ACCOUNT.accountId}`, {
    ...ACCOUNT,
    detection: SUMMARY,
  });
  answer(
    `/v1/accounts/${ACCOUNT.accountId}/controls/cis-3.x-detection`,
    DETECTION_FAIL,
  );
  server.use(
    http.get(`${BACKEND}/v1/accounts/:id/evaluation-access`, ({ params }) =>
      HttpResponse.json({
        accountId: params.id,
        allowed: true,
        basis: 'PERMISSION',
        message: 'You may evaluate any account you can see.',
      }),
    ),
  );
  const client = new CisAwsClient({
    discoveryApi: { getBaseUrl: async () => BACKEND },
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });
  return renderInTestApp(
    <EntityProvider entity={accountEntity(ACCOUNT.accountId)}>
      {element}
    </EntityProvider>,
    {
      apis: [
        [cisAwsApiRef, client],
        [discoveryApiRef, { getBaseUrl: async () => BACKEND }],
        [fetchApiRef, { fetch }],
        [
          permissionApiRef,
          mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        ],
        [identityApiRef, mockApis.identity()],
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('detection in the new frontend system', () => {
  it('the entity card carries the detection line', async () => {
    await renderExtension(
      createExtensionTester(cisAwsEntityCard).reactElement(),
    );
    expect(await screen.findByTestId('cis-detection-line')).toHaveAttribute(
      'data-verdict',
      'FAIL',
    );
  });

  it('the entity tab carries the "Detection (CIS 3.x)" section', async () => {
    await renderExtension(
      createExtensionTester(cisAwsEntityContent).reactElement(),
    );
    const result = await screen.findByTestId('cis-detection-result');
    expect(
      screen.getByRole('heading', { name: 'Detection (CIS 3.x)' }),
    ).toBeInTheDocument();
    expect(within(result).getAllByTestId('cis-detection-check')).toHaveLength(
      3,
    );
  });
});
