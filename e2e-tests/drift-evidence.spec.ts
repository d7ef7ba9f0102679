import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { signInAsGuest } from './helpers';

/**
 * Issue #5's "done when", in the browser: for a demo account a user downloads today's evidence
 * packet in both formats and sees when its verdict last changed and why; an approver grants a
 * time-boxed exception that shows on the tab, the card and the organization page, then revokes
 * it (which also leaves the demo as it was).
 */
const TAB = '/catalog/default/resource/aws-payments-staging/cis-aws';

test('evidence in both formats, the history, and an exception granted and revoked', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signInAsGuest(page);
  await page.goto(TAB);

  // When the verdict last changed, and why.
  const history = page.getByTestId('cis-aws-history');
  await expect(history.getByText('A trail is failing').first()).toBeVisible();

  // Today's evidence packet, JSON and Markdown.
  const evidence = page.getByTestId('cis-aws-evidence');
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    evidence.getByRole('button', { name: /Download JSON/i }).click(),
  ]);
  expect(json.suggestedFilename()).toMatch(
    /^cis-2\.4-evidence-404455667788-\d{4}-\d{2}-\d{2}\.json$/,
  );
  const packet = JSON.parse(readFileSync((await json.path())!, 'utf8'));
  expect(packet).toMatchObject({
    schema: 'cis-aws-evidence/v1',
    account: { accountId: '404455667788' },
    result: { verdict: 'FAIL' },
    produced: { by: 'user:default/guest' },
  });
  const [md] = await Promise.all([
    page.waitForEvent('download'),
    evidence.getByRole('button', { name: /Download Markdown/i }).click(),
  ]);
  const markdown = readFileSync((await md.path())!, 'utf8');
  expect(markdown).toContain('404455667788');
  expect(markdown).toMatch(/CIS AWS Foundations/);

  // An approver grants a time-boxed exception for the whole account.
  await page.getByTestId('cis-aws-grant-exception').click();
  const dialog = page.getByRole('dialog');
  await dialog
    .getByLabel(/Reason/)
    .fill('Rebuilt on the organization trail this sprint (e2e)');
  await dialog
    .getByLabel(/Ticket link/)
    .fill('https://jira.acme.example/browse/SEC-7');
  await dialog.getByRole('button', { name: 'Grant' }).click();
  await expect(dialog).toBeHidden();
  try {
    const exceptions = page.getByTestId('cis-aws-exceptions');
    await expect(
      exceptions.getByTestId('cis-aws-exception-row').first(),
    ).toContainText('ACTIVE');
    await expect(page.getByTestId('cis-verdict').first()).toHaveAttribute(
      'data-verdict',
      'EXEMPT',
    );

    await page.goto('/catalog/default/resource/aws-payments-staging');
    await expect(page.getByTestId('cis-aws-exemption')).toContainText(
      /Rebuilt on the organization trail/,
    );

    await page.goto('/cis-aws');
    await expect(
      page
        .getByTestId('cis-aws-org-exception-row')
        .filter({ hasText: 'payments-staging' }),
    ).toBeVisible();
  } finally {
    // Revoke it: the account fails again.
    await page.goto(TAB);
    const row = page
      .getByTestId('cis-aws-exception-row')
      .filter({ hasText: 'ACTIVE' })
      .first();
    await row.getByRole('button', { name: 'Revoke' }).click();
    const revoke = page.getByRole('dialog');
    await revoke.getByLabel(/Why/).fill('e2e test done');
    await revoke.getByRole('button', { name: 'Revoke' }).click();
    await expect(revoke).toBeHidden();
  }
  await expect(page.getByTestId('cis-verdict').first()).toHaveAttribute(
    'data-verdict',
    'FAIL',
  );
  await expect(page.getByTestId('cis-aws-exception-row').first()).toContainText(
    'REVOKED',
  );
});
