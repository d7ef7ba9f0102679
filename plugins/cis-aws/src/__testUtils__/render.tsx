import { Entity } from '@backstage/catalog-model';
import {
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
} from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { http, HttpResponse, JsonBodyType } from 'msw';
import { setupServer } from 'msw/node';
import type { EvaluationAccess } from '@cis-aws/plugin-cis-aws-common';
import { ReactElement } from 'react';
import diagnosticsHealthy from '../__fixtures__/diagnostics-healthy.json';
import { cisAwsApiRef } from '../api/CisAwsApi';
import { CisAwsClient } from '../api/CisAwsClient';
import { rootRouteRef } from '../routes';

export const BACKEND = 'http://backstage.test/api/cis-aws';

/** Who the tests are signed in as. */
export const SIGNED_IN_USER = 'user:default/guest';

/**
 * What every account has unless a test says otherwise: no verdict change in the range asked
 * for, no exception. The tab asks for both next to the account itself.
 */
const defaultHandlers = [
  http.get(`${BACKEND}/v1/accounts/:accountId/history`, ({ params }) =>
    HttpResponse.json({
      accountId: params.accountId,
      changes: [],
      episodes: [],
      retentionDays: 400,
    }),
  ),
  http.get(`${BACKEND}/v1/accounts/:accountId/exceptions`, ({ params }) =>
    HttpResponse.json({
      accountId: params.accountId,
      items: [],
      events: [],
      viewer: { entityRef: SIGNED_IN_USER, approver: false, canRequest: true },
    }),
  ),
  http.get(`${BACKEND}/v1/exceptions`, () =>
    HttpResponse.json({
      items: [],
      viewer: { entityRef: SIGNED_IN_USER, approver: false },
      expiringWithinDays: 14,
    }),
  ),
  // Any other account (an organization trail's owner, which the tab links to): not evaluated.
  http.get(`${BACKEND}/v1/accounts/:accountId`, () =>
    HttpResponse.json(
      { error: { name: 'NotFoundError', message: 'not evaluated' } },
      { status: 404 },
    ),
  ),
  // How a result came about (ResultFreshness): by default a backend that cannot say (no line).
  http.get(`${BACKEND}/v1/accounts/:accountId/freshness`, () =>
    HttpResponse.json(
      { error: { name: 'NotFoundError', message: 'not here' } },
      { status: 404 },
    ),
  ),
  // Detection content (CIS 3.x): not evaluated unless a test says otherwise.
  http.get(`${BACKEND}/v1/accounts/:accountId/controls/cis-3.x-detection`, () =>
    HttpResponse.json(
      { error: { name: 'NotFoundError', message: 'not evaluated' } },
      { status: 404 },
    ),
  ),
  // The systems' roll-up: none unless a test says otherwise.
  http.get(`${BACKEND}/v1/systems`, () => HttpResponse.json({ systems: [] })),
  // The trend chart: nothing evaluated in the period asked for.
  http.get(`${BACKEND}/v1/trends`, ({ request }) => {
    const url = new URL(request.url);
    return HttpResponse.json({
      ...(url.searchParams.get('entityRef')
        ? { entityRef: url.searchParams.get('entityRef') }
        : {}),
      from: url.searchParams.get('from') ?? '2026-11-07',
      to: url.searchParams.get('to') ?? '2026-12-06',
      groupBy: 'day',
      points: [],
    });
  }),
  // The organization page's diagnostics card (admins): everything reachable.
  http.get(`${BACKEND}/v1/diagnostics`, () =>
    HttpResponse.json(diagnosticsHealthy),
  ),
];

/** The cis-aws backend, faked at the HTTP level: the real client runs against it. */
export const server = setupServer(...defaultHandlers);

export function setupMswServer() {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
}

/** Answers `GET {BACKEND}{path}` with `body` (or a status with Backstage's error body). */
export function answer(
  path: string,
  body: JsonBodyType,
  status = 200,
  method: 'get' | 'post' = 'get',
) {
  server.use(
    http[method](`${BACKEND}${path}`, () =>
      status >= 400
        ? // Backstage's error body, as the backend's error handler sends it
          HttpResponse.json(
            {
              error: { name: 'Error', message: String(body) },
              request: { method: method.toUpperCase(), url: path },
              response: { statusCode: status },
            },
            { status },
          )
        : HttpResponse.json(body, { status }),
    ),
  );
}

export function accountEntity(
  accountId: string,
  name = 'aws-payments-prod',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'amazonaws.com/account-id': accountId },
    },
    spec: { type: 'cloud-account', owner: 'payments-team', system: 'payments' },
  };
}

export function systemEntity(name = 'payments'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name, namespace: 'default' },
    spec: { owner: 'payments-team' },
  };
}

export function groupEntity(name = 'checkout-team'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
  };
}

/**
 * Renders inside a Backstage test app with the real CisAwsClient (talking
 * to msw), the entity in context, the user SIGNED_IN_USER, and the permission
 * answer for "Evaluate now". What the user may do with exceptions comes from
 * the backend's `viewer` (the fixtures), not from the permission API.
 */
export async function renderWithApis(
  element: ReactElement,
  options: {
    entity?: Entity;
    evaluate?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    /**
     * What GET /v1/accounts/{id}/evaluation-access answers; by default what `evaluate` implies:
     * a holder of the permission, or a reader who does not own the account.
     */
    access?: Partial<EvaluationAccess>;
  } = {},
) {
  const evaluate = options.evaluate ?? AuthorizeResult.ALLOW;
  server.use(
    http.get(
      `${BACKEND}/v1/accounts/:accountId/evaluation-access`,
      ({ params }) =>
        HttpResponse.json({
          accountId: params.accountId,
          ...(evaluate === AuthorizeResult.ALLOW
            ? {
                allowed: true,
                basis: 'PERMISSION',
                message: 'You may evaluate any account you can see.',
              }
            : {
                allowed: false,
                basis: 'NOT_OWNER',
                message:
                  'Only the owners of this account (group:default/checkout-team) or holders of cis-aws.account.evaluate may evaluate it now.',
              }),
          nextScheduledAt: '2026-11-24T10:00:00.000Z',
          schedule: 'every 1 hour',
          ...options.access,
        }),
    ),
  );
  const client = new CisAwsClient({
    discoveryApi: { getBaseUrl: async () => BACKEND },
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });
  const tree = (
    <TestApiProvider
      apis={[
        [cisAwsApiRef, client],
        [discoveryApiRef, { getBaseUrl: async () => BACKEND }],
        [fetchApiRef, { fetch }],
        [permissionApiRef, mockApis.permission({ authorize: () => evaluate })],
        [identityApiRef, mockApis.identity({ userEntityRef: SIGNED_IN_USER })],
      ]}
    >
      {options.entity ? (
        <EntityProvider entity={options.entity}>{element}</EntityProvider>
      ) : (
        element
      )}
    </TestApiProvider>
  );
  return renderInTestApp(tree, {
    mountedRoutes: {
      '/cis-aws': rootRouteRef,
      '/catalog/:namespace/:kind/:name': entityRouteRef,
    },
  });
}
