import { expect, Page, test } from '@playwright/test';
import { signInAsGuest } from './helpers';
import {
  accountNow,
  evaluateNow,
  expectBrowserFailingSince,
  expectTechInsightsAge,
  FailureAgeTarget,
} from './failureAge';

/**
 * Issue #14's "done when", first half, in the demo: an ERROR run in the middle of a failure
 * (FAIL → ERROR → FAIL, the 503 of the issue, injected through the simulator's admin API)
 * leaves the account's "failing since" as it was in the API, on its card and CIS tab and on the
 * organization page, and Tech Insights reads the same age, so the 7-day check still says what it
 * said. (The exception round-trip needs a second approver, which the demo's one guest identity
 * cannot be: e2e-tests/production/failure-age.smoke.ts does it with two people.)
 *
 * storefront-staging has failed since the first day of the demo's replayed history (35 days), so
 * the 7-day check fails for it; a reset would make it pass. The ERROR run and the recovery stay
 * in its history (history is never rewritten), which is why it is an account no other spec reads
 * the history of: drift-evidence.spec.ts expects payments-staging's last 30 days to be quiet.
 *
 * What it relies on (the demo, `npm start`): the simulator's faults (`POST /__admin/faults`,
 * removed by id afterwards); the guest (security-team, an admin group) may evaluate any account
 * (`POST /v1/accounts/{id}/evaluate`); the Tech Insights retriever runs every minute
 * (app-config.yaml techInsights.factRetrievers.cisAwsFactRetriever.cadence).
 */
const SIMULATOR = process.env.SIMULATOR_URL ?? 'http://127.0.0.1:4580';
const BACKEND = process.env.BACKEND_URL ?? 'http://localhost:7007';
const TARGET: FailureAgeTarget = {
  backend: BACKEND,
  accountId: '406677889900',
  entityRef: 'resource:default/aws-storefront-staging',
  entityPage: '/catalog/default/resource/aws-storefront-staging',
};

/** The guest's Backstage token, as the app gets it: the guest provider's refresh. */
async function authorization(page: Page) {
  const refresh = await page.request.get(`${BACKEND}/api/auth/guest/refresh`);
  expect(refresh.ok()).toBeTruthy();
  const token = (await refresh.json()).backstageIdentity.token;
  return { Authorization: `Bearer ${token}` };
}

test('an ERROR run in the middle of a failure leaves "failing since" and the 7-day check as they were', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await signInAsGuest(page);
  const headers = await authorization(page);
  const request = page.request;

  const before = await accountNow(request, TARGET, headers);
  expect(before.verdict).toBe('FAIL');
  expect(before.failingSince).toBeDefined();
  const since = before.failingSince!;
  const shown = await expectBrowserFailingSince(page, TARGET, since, 'FAIL');
  // Facts taken after the last evaluation: the account has been failing since `since` then.
  const ageBefore = await expectTechInsightsAge(
    request,
    TARGET,
    headers,
    since,
    Date.parse(before.evaluatedAt),
  );
  // A week-old failure: the 7-day check fails for it, and a reset would make it pass.
  expect(ageBefore).toBeGreaterThanOrEqual(7);

  // Every CloudTrail call for the account answers 503, the SDK's retries included.
  const added = await request.post(`${SIMULATOR}/__admin/faults`, {
    data: {
      kind: 'serverError',
      status: 503,
      account: TARGET.accountId,
      service: 'cloudtrail',
    },
  });
  expect(added.status(), await added.text()).toBeLessThan(300);
  const faultId: string = (await added.json()).id;
  let failedAgain: Awaited<ReturnType<typeof evaluateNow>> | undefined;
  let failedAgainAt = 0;
  try {
    const errored = await evaluateNow(request, TARGET, headers);
    const erroredAt = Date.now();
    expect(errored.verdict).toBe('ERROR');
    expect(errored.failingSince).toBe(since);
    expect((await accountNow(request, TARGET, headers)).failingSince).toBe(
      since,
    );
    const duringError = await expectBrowserFailingSince(
      page,
      TARGET,
      since,
      'ERROR',
    );
    expect(duringError.orgText).toBe(shown.orgText);
    const ageDuringError = await expectTechInsightsAge(
      request,
      TARGET,
      headers,
      since,
      erroredAt,
    );
    expect(ageDuringError).toBeGreaterThanOrEqual(ageBefore);
    process.stdout.write(
      `[failure-age] failing since ${since}: Tech Insights age ${ageBefore} d before, ${ageDuringError} d during the ERROR run\n`,
    );
  } finally {
    // The demo world as it was: no fault, and the account evaluated again.
    const removed = await request.delete(
      `${SIMULATOR}/__admin/faults/${faultId}`,
    );
    expect(removed.ok()).toBeTruthy();
    failedAgain = await evaluateNow(request, TARGET, headers);
    failedAgainAt = Date.now();
  }

  expect(failedAgain!.verdict).toBe('FAIL');
  expect(failedAgain!.failingSince).toBe(since);
  const afterError = await expectBrowserFailingSince(
    page,
    TARGET,
    since,
    'FAIL',
  );
  expect(afterError.orgText).toBe(shown.orgText);
  const ageAfter = await expectTechInsightsAge(
    request,
    TARGET,
    headers,
    since,
    failedAgainAt,
  );
  process.stdout.write(
    `[failure-age] FAIL again: failing since ${
      failedAgain!.failingSince
    }, Tech Insights age ${ageAfter} d\n`,
  );
});
