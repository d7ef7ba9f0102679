import { expect, Page, test } from '@playwright/test';
import { signInAsGuest } from './helpers';

const BACKEND = process.env.BACKEND_URL ?? 'http://localhost:7007';

/** The body of the "CIS 2.4" card on an entity's overview page. */
function cisCard(page: Page) {
  return page.getByTestId('cis-aws-card');
}

test('a failing account shows its verdict, why, its owner, and console links with the fix', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/resource/aws-checkout-dev');

  const card = cisCard(page);
  await expect(card.getByTestId('cis-verdict').first()).toHaveAttribute(
    'data-verdict',
    'FAIL',
  );
  await expect(
    card.getByText(/Role cannot write to the log group/).first(),
  ).toBeVisible();
  await expect(
    card.getByRole('link', { name: /checkout-team|Checkout Team/ }),
  ).toBeVisible();

  await page.getByRole('tab', { name: 'CIS 2.4' }).click();
  await expect(
    page.getByRole('heading', { name: 'Trail checkout-dev-trail' }),
  ).toBeVisible();
  const consoleLink = page
    .getByRole('link', { name: /Open role in IAM console/ })
    .first();
  await expect(consoleLink).toHaveAttribute(
    'href',
    /console\.aws\.amazon\.com\/iam/,
  );
  await expect(page.getByText(/aws iam put-role-policy/).first()).toBeVisible();
});

test('a system page shows the aggregate of its accounts, failing first', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/system/payments');
  const card = cisCard(page);
  await expect(card.getByTestId('cis-verdict').first()).toHaveAttribute(
    'data-verdict',
    'FAIL',
  );
  await expect(card.getByText('1 FAIL')).toBeVisible();
  await expect(card.getByText('1 ERROR')).toBeVisible();
  await expect(card.getByText('1 PASS')).toBeVisible();
  await expect(
    card.getByRole('link', { name: /payments-staging/ }),
  ).toBeVisible();
});

test('a team page shows the accounts the team owns', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/group/checkout-team');
  const card = cisCard(page);
  await expect(card.getByText('2 FAIL')).toBeVisible();
  await expect(
    card.getByRole('link', { name: /storefront-staging/ }),
  ).toBeVisible();
  await expect(card.getByText(/Delivery has stopped/)).toBeVisible();
});

test('the organization page totals equal the API’s', async ({
  page,
  request,
}) => {
  const token = (
    await (await request.get(`${BACKEND}/api/auth/guest/refresh`)).json()
  ).backstageIdentity.token;
  const api = await request.get(`${BACKEND}/api/cis-aws/v1/accounts?limit=1`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const { totals, totalCount } = await api.json();

  await signInAsGuest(page);
  await page.goto('/cis-aws');
  await expect(
    page.getByRole('heading', { name: 'Organization scorecard' }),
  ).toBeVisible();
  await expect(page.getByTestId('cis-total-ALL')).toContainText(
    String(totalCount),
  );
  for (const verdict of ['PASS', 'FAIL', 'ERROR', 'UNKNOWN', 'EXEMPT']) {
    await expect(page.getByTestId(`cis-total-${verdict}`)).toContainText(
      String(totals[verdict]),
    );
  }
  await expect(
    page.getByRole('link', { name: /^(checkout-team|Checkout Team)$/ }).first(),
  ).toBeVisible();
});
