import { expect, Page, test } from '@playwright/test';
import { signInAsGuest } from './helpers';

/**
 * Issue #6's "done when", in the browser: breaking an account in the simulator leads, after
 * evaluation, to a notification for its owning team and a failing scorecard check on that
 * team's page. The guest is a member of security-team, which owns security-tooling.
 */
const SIMULATOR = process.env.SIMULATOR_URL ?? 'http://127.0.0.1:4580';
const ACCOUNT = '402233445566';
const TRAIL = 'security-audit-trail';

async function setLogging(isLogging: boolean) {
  const res = await fetch(
    `${SIMULATOR}/__admin/accounts/${ACCOUNT}/trails/${TRAIL}`,
    {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ isLogging }),
    },
  );
  expect(res.ok).toBe(true);
}

/** "Evaluate now" on the account's CIS 2.4 tab, as the team would. */
async function evaluateFromTab(page: Page, expected: 'PASS' | 'FAIL') {
  await page.goto('/catalog/default/resource/aws-security-tooling/cis-aws');
  await page.getByRole('button', { name: 'Evaluate now' }).click();
  await expect(page.getByTestId('cis-verdict').first()).toHaveAttribute(
    'data-verdict',
    expected,
  );
}

test('a broken account notifies its team and turns the team’s scorecard red', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signInAsGuest(page);
  await setLogging(false);
  try {
    await evaluateFromTab(page, 'FAIL');

    await page.goto('/notifications');
    await expect(
      page
        .getByText(/CIS 2\.4 failing: security-tooling \(402233445566\)/)
        .first(),
    ).toBeVisible();

    // The fact retriever runs every minute in the demo: the check turns red at its next run.
    const check = page
      .getByTestId('cis-aws-scorecard-check')
      .and(page.locator('[data-check-id="cis-aws-2-4-compliant"]'));
    await expect(async () => {
      await page.goto('/catalog/default/group/security-team');
      await expect(check).toHaveAttribute('data-result', 'fail', {
        timeout: 10_000,
      });
    }).toPass({ timeout: 150_000, intervals: [5_000] });
  } finally {
    await setLogging(true);
    await evaluateFromTab(page, 'PASS');
  }

  await page.goto('/notifications');
  await expect(
    page
      .getByText(/CIS 2\.4 recovered: security-tooling \(402233445566\)/)
      .first(),
  ).toBeVisible();
});

test('accounts the organization provides appear with the owner from their tags, and unowned ones are listed', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/resource/aws-payments-prod');
  await expect(
    page.getByRole('link', { name: /payments-team|Payments Team/ }).first(),
  ).toBeVisible();

  await page.goto('/cis-aws');
  await expect(
    page.getByText(/No owner — failures cannot be routed/).first(),
  ).toBeVisible();
});
