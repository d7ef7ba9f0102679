import { expect, test } from '@playwright/test';
import { signInAsGuest } from './helpers';

/**
 * Issue #14, "status where people look": the page the app opens at `/` shows the signed-in
 * user's AWS accounts, and the catalog's list of AWS accounts has a CIS 2.4 column filled by one
 * request. The guest is a member of security-team, which owns security-tooling.
 */

test('"My AWS accounts" on the page the app opens shows the guest\'s team\'s accounts, linking to their CIS tab', async ({
  page,
}) => {
  await signInAsGuest(page);
  await expect(page.getByText('My AWS accounts')).toBeVisible();

  const mine = page.getByTestId('cis-my-account');
  await expect(mine.first()).toBeVisible();
  const tooling = mine.filter({ hasText: 'security-tooling' });
  await expect(tooling).toHaveCount(1);
  // Only the team's accounts, not the organization's twelve.
  expect(await mine.count()).toBeLessThan(12);
  await expect(tooling.getByTestId('cis-verdict')).toHaveAttribute(
    'data-verdict',
    /^(PASS|FAIL|ERROR|UNKNOWN|EXEMPT)$/,
  );
  await expect(
    tooling.getByRole('link', { name: /security-tooling/ }),
  ).toHaveAttribute(
    'href',
    '/catalog/default/resource/aws-security-tooling/cis-aws',
  );
});

test('the README tour lands on all twelve accounts, with a CIS 2.4 column from one request', async ({
  page,
}) => {
  await signInAsGuest(page);
  const batched: string[] = [];
  page.on('request', request => {
    const url = new URL(request.url());
    if (
      url.pathname.endsWith('/api/cis-aws/v1/accounts') &&
      url.searchParams.has('entityRef')
    ) {
      batched.push(request.url());
    }
  });

  await page.goto(
    '/catalog?filters[kind]=resource&filters[type]=cloud-account&filters[user]=all',
  );
  await expect(
    page.getByText(/^All cloud-account resources \(12\)$/i),
  ).toBeVisible();
  await expect(
    page.getByRole('columnheader', { name: 'CIS 2.4' }),
  ).toBeVisible();
  await expect(page.getByTestId('cis-catalog-cell')).toHaveCount(12);
  const checkoutDev = page
    .getByRole('row')
    .filter({ hasText: 'checkout-dev' })
    .first();
  await expect(checkoutDev.getByTestId('cis-verdict')).toHaveAttribute(
    'data-verdict',
    'FAIL',
  );
  await expect(
    checkoutDev.getByTestId('cis-catalog-failing-since'),
  ).toBeVisible();
  expect(batched).toHaveLength(1);
});
