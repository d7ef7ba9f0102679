import { APIRequestContext, expect, Page, test } from '@playwright/test';

/*
 * The production build (one backend process serving the built app and the
 * API, NODE_ENV=production, PostgreSQL, the AWS simulator's demo world as
 * "AWS") as a person behind the authenticating proxy sees it. oauth2-proxy is
 * not run here: the tests send the headers it adds to every request it
 * forwards (X-Forwarded-Email / X-Forwarded-User), which is all the backend
 * ever sees of it.
 */

const PROXY_HEADERS = {
  // Alan Turing, security-team (an admin group of the permission policy).
  'X-Forwarded-Email': 'alan@acme.example',
  'X-Forwarded-User': 'alan',
};

/** The demo world's verdicts (packages/aws-simulator/worlds/demo.yaml). */
const EXPECTED_VERDICTS: Record<string, string> = {
  '404455667788': 'FAIL', // payments-staging
  '402233445566': 'PASS', // security-tooling
  '403344556677': 'PASS', // payments-prod
  '407788990011': 'FAIL', // checkout-dev
  '411122334455': 'ERROR', // legacy-billing
};

async function tokenFor(
  request: APIRequestContext,
  headers: Record<string, string>,
) {
  const response = await request.get('/api/auth/oauth2Proxy/refresh', {
    headers,
  });
  expect(response.status()).toBe(200);
  const body = await response.json();
  return body.backstageIdentity.token as string;
}

/** What an error body must never carry in production. */
function expectNoInternals(status: number, text: string) {
  expect(status, text).toBeGreaterThanOrEqual(400);
  expect(text).not.toMatch(/\bstack\b/i);
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toMatch(/node_modules|dist-workspace|\/work\/|\/home\//);
  expect(text).not.toMatch(/\.(ts|js|cjs|mjs):\d+/);
}

test.describe('signed in through the proxy', () => {
  test.use({ extraHTTPHeaders: PROXY_HEADERS });

  async function signIn(page: Page) {
    await page.goto('/');
    // No sign-in page of its own: the proxy's identity is exchanged at once.
    await expect(
      page.getByRole('heading', { name: /ACME Catalog/ }),
    ).toBeVisible();
    await expect(page.getByRole('button', { name: 'Enter' })).toHaveCount(0);
  }

  test('the backend serves the built app, which signs in without a guest', async ({
    page,
  }) => {
    const index = await page.request.get('/');
    expect(index.status()).toBe(200);
    const html = await index.text();
    expect(html).toContain('<title>CIS AWS 2.4 portal</title>');
    // The runtime config injected into the app says "proxy", and only
    // frontend-visible keys are in it (no AWS keys, no database).
    expect(html).toMatch(/"signInPage":\s*"oauth2Proxy"/);
    expect(html).not.toMatch(/secretAccessKey|simulator-demo-placeholder/);
    expect(html).not.toMatch(/"database"|POSTGRES|postgres/);
    await signIn(page);
  });

  test('the CIS AWS 2.4 organization page lists the evaluated accounts', async ({
    page,
  }) => {
    await signIn(page);
    await page.goto('/cis-aws');
    await expect(
      page.getByRole('heading', { name: 'Organization scorecard' }),
    ).toBeVisible();
    await expect(page.getByTestId('cis-total-ALL')).toContainText('12');
    await expect(page.getByTestId('cis-total-PASS')).toContainText('6');
    await expect(page.getByTestId('cis-total-FAIL')).toContainText('5');
    await expect(page.getByTestId('cis-total-ERROR')).toContainText('1');
    await expect(
      page.getByRole('link', { name: /payments-staging/ }).first(),
    ).toBeVisible();
  });

  test("an account's CIS 2.4 card shows its verdict", async ({ page }) => {
    await signIn(page);
    await page.goto('/catalog/default/resource/aws-payments-staging');
    const card = page.getByTestId('cis-aws-card');
    await expect(card.getByTestId('cis-verdict').first()).toHaveAttribute(
      'data-verdict',
      'FAIL',
    );
    await page.goto('/catalog/default/resource/aws-security-tooling');
    await expect(
      page.getByTestId('cis-aws-card').getByTestId('cis-verdict').first(),
    ).toHaveAttribute('data-verdict', 'PASS');
  });
});

test.describe('without the proxy', () => {
  test('the app cannot sign anyone in without the proxy headers', async ({
    page,
  }) => {
    await page.goto('/');
    // The proxied sign-in page shows its error panel; there is no catalog.
    await expect(
      page.getByText(/You do not appear to be signed in/).first(),
    ).toBeVisible();
    await expect(
      page.getByRole('heading', { name: /ACME Catalog/ }),
    ).toHaveCount(0);
  });
});

test.describe('API', () => {
  test('the proxy identity maps to the catalog User by email', async ({
    request,
  }) => {
    const response = await request.get('/api/auth/oauth2Proxy/refresh', {
      headers: PROXY_HEADERS,
    });
    expect(response.status()).toBe(200);
    const { backstageIdentity } = await response.json();
    expect(backstageIdentity.identity.userEntityRef).toBe('user:default/alan');
    expect(backstageIdentity.identity.ownershipEntityRefs).toContain(
      'group:default/security-team',
    );
  });

  // The auth backend answers 500 here (a sign-in resolver's failure), which
  // also shows that a 5xx body carries no internals.
  test('someone the catalog does not know is refused', async ({ request }) => {
    const response = await request.get('/api/auth/oauth2Proxy/refresh', {
      headers: {
        'X-Forwarded-Email': 'mallory@elsewhere.example',
        'X-Forwarded-User': 'mallory',
      },
    });
    expect(response.status()).toBeGreaterThanOrEqual(400);
    const text = await response.text();
    expect(text).not.toContain('backstageIdentity');
    expectNoInternals(response.status(), text);
  });

  test('the guest sign-in is refused', async ({ request }) => {
    for (const method of ['get', 'post'] as const) {
      const response = await request[method]('/api/auth/guest/refresh');
      expect(response.status()).toBeGreaterThanOrEqual(400);
      const text = await response.text();
      expect(text).not.toContain('backstageIdentity');
      expectNoInternals(response.status(), text);
    }
  });

  test('every account is evaluated with the demo world’s verdicts', async ({
    request,
  }) => {
    const token = await tokenFor(request, PROXY_HEADERS);
    const response = await request.get('/api/cis-aws/v1/accounts?limit=100', {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status()).toBe(200);
    const { items, totalCount, totals } = await response.json();
    expect(totalCount).toBe(12);
    expect(totals).toMatchObject({ PASS: 6, FAIL: 5, ERROR: 1 });
    const verdicts = Object.fromEntries(
      items.map((item: { accountId: string; verdict: string }) => [
        item.accountId,
        item.verdict,
      ]),
    );
    expect(verdicts).toMatchObject(EXPECTED_VERDICTS);
  });

  test('error responses carry no stack traces or file paths', async ({
    request,
  }) => {
    const alan = await tokenFor(request, PROXY_HEADERS);
    // Barbara is in payments-team, not an admin group: evaluating an account her team does not
    // own (checkout-dev, checkout-team's) is refused. (Her own team's she may re-check.)
    const barbara = await tokenFor(request, {
      'X-Forwarded-Email': 'barbara@acme.example',
    });
    const as = (token: string) => ({ Authorization: `Bearer ${token}` });
    const cases: Array<[string, () => ReturnType<APIRequestContext['get']>]> = [
      ['401', () => request.get('/api/cis-aws/v1/accounts')],
      [
        '401 bad token',
        () =>
          request.get('/api/cis-aws/v1/accounts', {
            headers: { Authorization: 'Bearer not-a-token' },
          }),
      ],
      [
        '400',
        () =>
          request.get('/api/cis-aws/v1/accounts/abc', { headers: as(alan) }),
      ],
      [
        '400 query',
        () =>
          request.get('/api/cis-aws/v1/accounts/404455667788/history?x=1', {
            headers: as(alan),
          }),
      ],
      [
        '400 body',
        () =>
          request.post('/api/cis-aws/v1/accounts/404455667788/exceptions', {
            headers: { ...as(alan), 'Content-Type': 'application/json' },
            data: '{not json',
          }),
      ],
      [
        '403',
        () =>
          request.post('/api/cis-aws/v1/accounts/407788990011/evaluate', {
            headers: as(barbara),
          }),
      ],
      [
        '404',
        () =>
          request.get('/api/cis-aws/v1/accounts/999999999999', {
            headers: as(alan),
          }),
      ],
      [
        '404 route',
        () =>
          request.get('/api/cis-aws/v1/no-such-route', { headers: as(alan) }),
      ],
      ['404 plugin', () => request.get('/api/no-such-plugin/anything')],
      ['404 asset', () => request.get('/static/no-such-file.js')],
    ];
    for (const [name, send] of cases) {
      const response = await send();
      const text = await response.text();
      expect(String(response.status()), name).toBe(name.slice(0, 3));
      expectNoInternals(response.status(), text);
    }
  });
});
