import { expect, Locator, Page, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { signInAsGuest } from './helpers';

/**
 * Issue #5's "done when", in the browser: for a demo account a user downloads today's evidence
 * packet in both formats and sees when its verdict last changed and why. Then (issue #15, four
 * eyes) the guest requests a time-boxed exception: it is PENDING on the tab and on the
 * organization page, changes no verdict, and the guest, although an approver (a member of
 * security-team, the demo's cisAws.exceptions.approvers), may not approve their own request:
 * Approve is disabled with the four-eyes explanation, and the API answers the same request's
 * approval with 403 saying so. Withdrawing it leaves the demo as it was. (The demo signs in one
 * identity, so an approval by a second person is covered by the backend's API tests.)
 */
const TAB = '/catalog/default/resource/aws-payments-staging/cis-aws';
const BACKEND = process.env.BACKEND_URL ?? 'http://localhost:7007';
const FOUR_EYES =
  'You requested this exception: another approver must decide it (four eyes).';

test('evidence in both formats, the history, and an exception requested, not self-approvable, and withdrawn', async ({
  page,
}) => {
  test.setTimeout(180_000);
  // Unique per run: earlier runs' withdrawn requests stay in the audit trail.
  const REASON = `Rebuilt on the organization trail this sprint (e2e ${Date.now()})`;
  await signInAsGuest(page);
  await page.goto(TAB);

  // When the verdict last changed, and why. The demo replays 35 days of history, and this
  // account has been failing since its first day: outside the default 30 days, the history says
  // since when; over 90 days it shows the change itself.
  const history = page.getByTestId('cis-aws-history');
  await expect(history.getByText(/failing since/i).first()).toBeVisible();
  await history.getByLabel('Period').selectOption({ label: 'Last 90 days' });
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

  // The guest requests a time-boxed exception for the whole account.
  await page.getByTestId('cis-aws-request-exception').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/Reason/).fill(REASON);
  await dialog
    .getByLabel(/Ticket link/)
    .fill('https://jira.acme.example/browse/SEC-7');
  await dialog.getByRole('button', { name: 'Request' }).click();
  await expect(dialog).toBeHidden();
  const ownRow = () =>
    page
      .getByTestId('cis-aws-exception-row')
      .filter({ hasText: REASON })
      .first();
  try {
    await expect(ownRow()).toHaveAttribute('data-status', 'PENDING');
    // Pending changes nothing, and the requester may not approve it.
    await expect(page.getByTestId('cis-verdict').first()).toHaveAttribute(
      'data-verdict',
      'FAIL',
    );
    await expectSelfApprovalBlocked(page, ownRow());

    // The API says no as well, for the same request and the same signed-in user.
    const exceptionId = await ownRow().getAttribute('data-exception');
    expect(exceptionId).toMatch(/^[0-9a-f-]{36}$/);
    const approval = await page.request.post(
      `${BACKEND}/api/cis-aws/v1/exceptions/${exceptionId}/approve`,
      {
        headers: await authorization(page),
        data: { comment: 'approving my own request (e2e)' },
      },
    );
    expect(approval.status()).toBe(403);
    expect((await approval.json()).error.message).toMatch(
      /You requested exception [0-9a-f-]{36} yourself, so you may not approve it: four eyes means another member of group:default\/security-team \(cisAws\.exceptions\.approvers\) decides it/,
    );

    await page.goto('/cis-aws');
    const pending = page
      .getByTestId('cis-aws-org-pending-row')
      .filter({ hasText: REASON });
    await expect(pending).toBeVisible();
    await expectSelfApprovalBlocked(page, pending);
  } finally {
    // Withdraw it: the demo is as it was.
    await page.goto(TAB);
    await ownRow().getByRole('button', { name: 'Withdraw' }).click();
    const withdraw = page.getByRole('dialog');
    await withdraw.getByLabel(/Why/).fill('e2e test done');
    await withdraw.getByRole('button', { name: 'Withdraw' }).click();
    await expect(withdraw).toBeHidden();
  }
  await expect(ownRow()).toHaveAttribute('data-status', 'REVOKED');
  await expect(page.getByTestId('cis-verdict').first()).toHaveAttribute(
    'data-verdict',
    'FAIL',
  );
});

/** The guest's Backstage token, as the app gets it: the guest provider's refresh. */
async function authorization(page: Page) {
  const refresh = await page.request.get(`${BACKEND}/api/auth/guest/refresh`);
  expect(refresh.ok()).toBeTruthy();
  const token = (await refresh.json()).backstageIdentity.token;
  return { Authorization: `Bearer ${token}` };
}

/**
 * Approve (and Reject) in `row` are there for an approver, disabled, and say why: MUI's Tooltip
 * wraps a disabled button in a span that carries the explanation (as its title until hovered,
 * in the tooltip once hovered).
 */
async function expectSelfApprovalBlocked(page: Page, row: Locator) {
  const approve = row.getByRole('button', { name: 'Approve' });
  await expect(approve).toBeVisible();
  await expect(approve).toBeDisabled();
  await expect(row.getByRole('button', { name: 'Reject' })).toBeDisabled();
  // (`has` takes a locator relative to the span: not `approve`, which starts from the row.)
  const wrapper = row.locator('span', {
    has: page.getByRole('button', { name: 'Approve' }),
  });
  await expect(wrapper).toHaveAttribute('title', FOUR_EYES);
  await wrapper.hover();
  await expect(page.getByRole('tooltip')).toHaveText(FOUR_EYES);
  await page.mouse.move(0, 0);
  await expect(page.getByRole('tooltip')).toHaveCount(0);
}
