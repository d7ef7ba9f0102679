import { expect, test } from '@playwright/test';
import { signInAsGuest } from './helpers';

/*
 * The platform lead's views (issue #14): a trend with the demo's replayed history (35 days,
 * scripts/start.mjs → dev/replayDemoHistory.ts) on the organization page and on a team's tab,
 * failure age and time to fix per team, and the roll-ups that list their accounts.
 */

test.describe.configure({ timeout: 120_000 });

test('the organization page shows a trend of at least 30 days, downloadable as CSV', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/cis-aws');
  const chart = page.getByTestId('cis-trend-svg').first();
  await expect(chart).toBeVisible();
  // One group per evaluated day of the default period (the last 30 days).
  await expect
    .poll(async () => chart.getByTestId('cis-trend-day').count(), {
      timeout: 45_000,
    })
    .toBeGreaterThanOrEqual(30);
  const download = page.waitForEvent('download');
  await page
    .getByRole('button', { name: 'Download series (CSV)' })
    .first()
    .click();
  expect((await download).suggestedFilename()).toMatch(/\.csv$/);
});

test('owners show the age of their oldest open failure; "No owner" and a system list their accounts', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/cis-aws');

  const owners = page.getByTestId('cis-owner-row');
  await expect(owners.first()).toBeVisible();
  // checkout-team's accounts have failed since the replayed history's first day.
  const checkout = owners.filter({ hasText: /checkout/i }).first();
  await expect(checkout.getByTestId('cis-owner-oldest-failure')).not.toHaveText(
    '—',
  );
  await expect(checkout.getByTestId('cis-owner-time-to-fix')).toBeVisible();

  // "No owner" lists the accounts nobody owns: every row it shows says so.
  const nobody = owners.filter({ hasText: 'No owner' }).first();
  await nobody.getByRole('button', { name: 'Show accounts' }).click();
  const rows = page.getByTestId('cis-account-row');
  await expect(rows.first()).toBeVisible();
  await expect
    .poll(async () => {
      const texts = await rows.allTextContents();
      return texts.length > 0 && texts.every(text => text.includes('No owner'));
    })
    .toBe(true);

  // A system's row lists exactly its accounts.
  const payments = page
    .getByTestId('cis-system-row')
    .filter({ hasText: /payments/i })
    .first();
  const total = Number(
    await payments.getByTestId('cis-rollup-total').textContent(),
  );
  expect(total).toBeGreaterThan(0);
  await payments.getByRole('button', { name: 'Show accounts' }).click();
  await expect(rows).toHaveCount(total);
});

test('a team tab shows its own trend', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/group/checkout-team');
  await page.getByRole('tab', { name: 'CIS 2.4' }).click();
  const chart = page.getByTestId('cis-trend-svg').first();
  await expect(chart).toBeVisible();
  await expect
    .poll(async () => chart.getByTestId('cis-trend-day').count(), {
      timeout: 45_000,
    })
    .toBeGreaterThanOrEqual(30);
});
