import { APIRequestContext, expect, Page } from '@playwright/test';

/**
 * Shared by the demo's failure-age.spec.ts and the production smoke's failure-age.smoke.ts:
 * how one account's failure age ("failing since", contract "Failure age") reads in the cis-aws
 * API, in the browser (the account's card and CIS tab, the organization page's "Failing since"
 * column) and in Tech Insights (the fact `cisAwsOldestFailureDays` and the check "CIS 2.4
 * failures are fixed within 7 days"), and the assertion that a step left all of them as they
 * were.
 *
 * The browser checks depend on test ids, not wording: `cis-aws-card` and `account-detail` each
 * holding a `cis-aws-failing-since` element whose text contains the exact start as the app
 * formats exact times (Intl 'en', dateStyle medium, timeStyle short, e.g. "Nov 1, 2026, 2:11
 * AM"), and the organization page's `cis-account-row` holding a `cis-failing-since` span whose
 * text (a relative time) stays as it was and whose title (its tooltip) is that exact start.
 */
export interface FailureAgeTarget {
  /** The backend's base URL (cis-aws at /api/cis-aws, Tech Insights at /api/tech-insights). */
  backend: string;
  accountId: string;
  /** The account's catalog entity, e.g. `resource:default/aws-payments-staging`. */
  entityRef: string;
  /** Its catalog page, e.g. `/catalog/default/resource/aws-payments-staging`. */
  entityPage: string;
}

/** What the cis-aws API says of the account now. */
export interface AccountNow {
  verdict: string;
  failingSince?: string;
  evaluatedAt: string;
}

/** What the browser shows of the failure age. */
export interface BrowserFailureAge {
  orgText: string;
}

export const TECH_INSIGHTS_RETRIEVER = 'cisAwsFactRetriever';
export const FAILURES_FRESH_CHECK = 'cis-aws-2-4-failures-fresh';
const DAY_MS = 24 * 60 * 60 * 1000;

export type Headers = Record<string, string>;

export async function accountNow(
  request: APIRequestContext,
  target: FailureAgeTarget,
  headers: Headers,
): Promise<AccountNow> {
  const response = await request.get(
    `${target.backend}/api/cis-aws/v1/accounts/${target.accountId}`,
    { headers },
  );
  expect(response.status(), await response.text()).toBe(200);
  const body = await response.json();
  return {
    verdict: body.verdict,
    failingSince: body.failingSince,
    evaluatedAt: body.evaluatedAt,
  };
}

/** `POST /v1/accounts/{id}/evaluate`: the fresh result. */
export async function evaluateNow(
  request: APIRequestContext,
  target: FailureAgeTarget,
  headers: Headers,
): Promise<AccountNow> {
  const response = await request.post(
    `${target.backend}/api/cis-aws/v1/accounts/${target.accountId}/evaluate`,
    { headers, timeout: 120_000 },
  );
  expect(response.status(), await response.text()).toBe(200);
  const body = await response.json();
  return {
    verdict: body.verdict,
    failingSince: body.failingSince,
    evaluatedAt: body.evaluatedAt,
  };
}

/** The exact-time text the app shows (components/common/text.ts formatDateTime), in the browser's zone. */
async function exactTime(page: Page, iso: string): Promise<string> {
  return page.evaluate(
    at =>
      new Intl.DateTimeFormat('en', {
        dateStyle: 'medium',
        timeStyle: 'short',
      }).format(new Date(at)),
    iso,
  );
}

/**
 * Checks "failing since" in the browser: on the card, on the CIS tab and on the organization
 * page, against the API's `failingSince`; returns the organization page's relative text so a
 * later step can compare it.
 */
export async function expectBrowserFailingSince(
  page: Page,
  target: FailureAgeTarget,
  failingSince: string,
  verdict: string,
): Promise<BrowserFailureAge> {
  const exact = await exactTime(page, failingSince);

  await page.goto(target.entityPage);
  const card = page.getByTestId('cis-aws-card');
  // The card shows the stale last definitive verdict under an ERROR: wait for the latest result.
  await expect(card.getByTestId('cis-aws-failing-since')).toContainText(exact);

  await page.goto(`${target.entityPage}/cis-aws`);
  const detail = page.getByTestId('account-detail');
  await expect(detail.getByTestId('cis-verdict').first()).toHaveAttribute(
    'data-verdict',
    verdict,
  );
  await expect(detail.getByTestId('cis-aws-failing-since')).toContainText(
    exact,
  );

  await page.goto('/cis-aws');
  const row = page
    .getByTestId('cis-account-row')
    .filter({ hasText: target.accountId });
  const since = row.getByTestId('cis-failing-since');
  await expect(since).toHaveAttribute('title', exact);
  return { orgText: (await since.textContent()) ?? '' };
}

/** The latest CIS 2.4 facts of the entity that Tech Insights has, and when they were taken. */
async function latestFacts(
  request: APIRequestContext,
  target: FailureAgeTarget,
  headers: Headers,
): Promise<{ timestamp: string; days: number } | undefined> {
  const response = await request.get(
    `${
      target.backend
    }/api/tech-insights/facts/latest?entity=${encodeURIComponent(
      target.entityRef,
    )}&ids[]=${TECH_INSIGHTS_RETRIEVER}`,
    { headers },
  );
  if (!response.ok()) return undefined;
  const row = (await response.json())[TECH_INSIGHTS_RETRIEVER];
  if (!row?.timestamp) return undefined;
  return {
    timestamp: row.timestamp,
    days: row.facts.cisAwsOldestFailureDays,
  };
}

/**
 * Waits for Tech Insights facts of the entity taken after `after` (the retriever runs on its
 * cadence), then checks that their failure age is the one `failingSince` gives at that moment
 * (the fact is rounded to two decimals, about a quarter of an hour), or 0 when `failingSince`
 * is undefined (nothing counts: no open episode, or an exception holds), and that the 7-day
 * check judges that age. Returns the age read.
 */
export async function expectTechInsightsAge(
  request: APIRequestContext,
  target: FailureAgeTarget,
  headers: Headers,
  failingSince: string | undefined,
  after: number,
  timeoutMs = 180_000,
): Promise<number> {
  let facts: { timestamp: string; days: number } | undefined;
  await expect
    .poll(
      async () => {
        facts = await latestFacts(request, target, headers);
        return facts ? Date.parse(facts.timestamp) : 0;
      },
      {
        message: `Tech Insights facts of ${
          target.entityRef
        } taken after ${new Date(after).toISOString()}`,
        timeout: timeoutMs,
        intervals: [2000, 5000],
      },
    )
    .toBeGreaterThan(after);
  const expected = failingSince
    ? (Date.parse(facts!.timestamp) - Date.parse(failingSince)) / DAY_MS
    : 0;
  expect(
    Math.abs(facts!.days - expected),
    `cisAwsOldestFailureDays ${facts!.days} at ${
      facts!.timestamp
    } for failing since ${failingSince}`,
  ).toBeLessThanOrEqual(0.006);

  // The check reads the latest facts itself: a retriever run may have landed since, a minute
  // later (an age differing by at most a hundredth of a day or so).
  const [, kind, namespace, name] = /^([^:]+):([^/]+)\/(.+)$/.exec(
    target.entityRef,
  )!;
  const run = await request.post(
    `${target.backend}/api/tech-insights/checks/run/${namespace}/${kind}/${name}`,
    { headers, data: { checks: [FAILURES_FRESH_CHECK] } },
  );
  expect(run.status(), await run.text()).toBe(200);
  const [result] = await run.json();
  expect(result.check.id).toBe(FAILURES_FRESH_CHECK);
  const checked: number = result.facts.cisAwsOldestFailureDays.value;
  expect(Math.abs(checked - facts!.days)).toBeLessThanOrEqual(0.02);
  expect(result.result, `the 7-day check for an age of ${checked} days`).toBe(
    checked < 7,
  );
  return facts!.days;
}
