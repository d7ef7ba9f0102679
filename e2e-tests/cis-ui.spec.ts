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

test('the account tab reads in plain words: details on demand, and an organization trail links to its owner’s chain', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/resource/aws-checkout-dev/cis-aws');
  const detail = page.getByTestId('account-detail');
  await expect(detail.getByTestId('bad-trails')).toHaveText(
    /Trail checkout-dev-trail: role cannot write to the log group/,
  );
  // reason codes and ARNs only once asked for
  await expect(detail.getByTestId('account-explanation')).not.toContainText(
    'arn:aws:',
  );
  const details = detail.getByRole('button', {
    name: "Details of the account's result",
  });
  await expect(details).toHaveAttribute('aria-expanded', 'false');
  await details.click();
  await expect(details).toHaveAttribute('aria-expanded', 'true');
  await expect(
    detail.getByRole('region', { name: "Details of the account's result" }),
  ).toContainText('ROLE_CANNOT_WRITE');

  // the member account's view of the organization trail is one line, linking to its owner
  const inherited = detail.getByTestId('inherited');
  await expect(inherited).toContainText(
    'Covered by the organization trail acme-org-trail of account',
  );
  const owner = inherited.getByRole('link');
  await expect(owner).toHaveAttribute('href', /\/cis-aws$/);
  await owner.click();
  await expect(
    page.getByRole('heading', { name: 'Trail acme-org-trail' }),
  ).toBeVisible();
});
