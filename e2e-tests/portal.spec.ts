import { expect, test } from '@playwright/test';
import { signInAsGuest } from './helpers';

test('a guest signs in and opens a demo AWS account page', async ({ page }) => {
  await signInAsGuest(page);

  await page.goto('/catalog/default/resource/aws-payments-prod');
  await expect(
    page.getByRole('heading', { name: 'payments-prod (403344556677)' }),
  ).toBeVisible();
  await expect(page.getByText('cloud-account').first()).toBeVisible();
  // The owner link shows the group's ref until the catalog has given its
  // display name ("Payments Team"): either is the owner.
  await expect(
    page.getByRole('link', { name: /^(payments-team|Payments Team)$/ }).first(),
  ).toBeVisible();
});

test('the catalog lists the demo teams, systems and AWS accounts', async ({
  page,
}) => {
  await signInAsGuest(page);

  await page.goto(
    '/catalog?filters[kind]=resource&filters[type]=cloud-account&filters[user]=all',
  );
  await expect(
    page.getByText(/^All cloud-account resources \(12\)$/i),
  ).toBeVisible();

  await page.goto('/catalog?filters[kind]=system&filters[user]=all');
  await expect(page.getByText(/^All systems \(4\)$/i)).toBeVisible();

  await page.goto('/catalog?filters[kind]=group&filters[user]=all');
  await expect(page.getByText(/^All groups \(7\)$/i)).toBeVisible();
});
