import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { EXPECTED_2_4_VERDICTS } from './demoWorld';
import { signInAsGuest } from './helpers';

/**
 * Detection content (control cis-3.x-detection, contract detection-content.md) on the running
 * demo: every state of the demo world (packages/aws-simulator/worlds/demo.yaml) shows the verdict
 * and reason the contract gives, through the API and in the browser, and the 2.4 verdicts stay
 * as they were. Read-only: nothing here changes the demo's state.
 */

const BACKEND = process.env.BACKEND_URL ?? 'http://localhost:7007';
const ORG_TRAIL_OWNER = '401122334455';
const CHECKS = ['3.3', '3.4', '3.5'] as const;

type Expected = {
  name: string;
  verdict: string;
  /** Per check (3.3, 3.4, 3.5): [verdict, reason]; reason undefined on PASS. */
  checks: Record<(typeof CHECKS)[number], [string, string | undefined]>;
  inheritedFrom?: string;
};

const all = (verdict: string, reason?: string) =>
  ({
    '3.3': [verdict, reason],
    '3.4': [verdict, reason],
    '3.5': [verdict, reason],
  } as Expected['checks']);

/** Covered only by the organization trail (own trail absent, single-region, stopped or unintegrated). */
const inherited = (name: string): Expected => ({
  name,
  verdict: 'FAIL',
  checks: all('FAIL', 'NO_FILTER'),
  inheritedFrom: ORG_TRAIL_OWNER,
});

const EXPECTED: Record<string, Expected> = {
  // the organization trail's log group has no metric filter at all
  [ORG_TRAIL_OWNER]: {
    name: 'platform-management',
    verdict: 'FAIL',
    checks: all('FAIL', 'NO_FILTER'),
  },
  // the benchmark's filters, alarms, a confirmed subscriber
  '402233445566': {
    name: 'security-tooling',
    verdict: 'PASS',
    checks: all('PASS'),
  },
  '403344556677': inherited('payments-prod'), // own trail is single-region
  '404455667788': inherited('payments-staging'), // own trail has no log group
  // the reader role cannot be assumed
  '411122334455': {
    name: 'legacy-billing',
    verdict: 'ERROR',
    checks: all('ERROR', 'API_ERROR'),
  },
  // correct patterns written differently from the benchmark's text
  '405566778899': {
    name: 'storefront-prod',
    verdict: 'PASS',
    checks: all('PASS'),
  },
  // the alarms' topic has only a pending subscription
  '406677889900': {
    name: 'storefront-staging',
    verdict: 'FAIL',
    checks: all('FAIL', 'NO_CONFIRMED_SUBSCRIBER'),
  },
  '407788990011': {
    name: 'checkout-dev',
    verdict: 'FAIL',
    checks: {
      '3.3': ['FAIL', 'ALARM_ACTIONS_DISABLED'],
      '3.4': ['FAIL', 'NO_ALARM_TOPIC'],
      '3.5': ['FAIL', 'FILTER_MISSES_EVENTS'], // `&&` typed for `||`
    },
  },
  '408899001122': inherited('data-lake-prod'), // own trail stopped
  '410011223344': inherited('analytics-dev'), // no own trail
  '412244668800': inherited('growth-experiments'),
  // outside the organization, no trails
  '409900112233': {
    name: 'analytics-sandbox',
    verdict: 'NOT_APPLICABLE',
    checks: all('NOT_APPLICABLE', 'NO_INTEGRATED_TRAIL'),
  },
};

type Judgement = {
  filterName: string;
  filterPattern: string;
  state: string;
  missed: string[];
  outcomes: { eventId: string; expected: string; matched: boolean }[];
};
type Check = {
  checkId: string;
  verdict: string;
  reason?: string;
  missedEvents?: string[];
  judgements: Judgement[];
  chain?: { filterName: string };
};
type Detection = {
  accountId: string;
  controlId: string;
  verdict: string;
  reason?: string;
  inheritedFrom?: string;
  checks: Check[];
};

async function guestHeaders(request: APIRequestContext) {
  const refresh = await request.get(`${BACKEND}/api/auth/guest/refresh`);
  expect(refresh.ok()).toBeTruthy();
  const token = (await refresh.json()).backstageIdentity.token;
  return { Authorization: `Bearer ${token}` };
}

async function detectionOf(
  request: APIRequestContext,
  headers: Record<string, string>,
  accountId: string,
): Promise<Detection> {
  let body: Detection | undefined;
  // start-up evaluates every account: wait for this one's result, not for a clock
  await expect
    .poll(
      async () => {
        const res = await request.get(
          `${BACKEND}/api/cis-aws/v1/accounts/${accountId}/controls/cis-3.x-detection`,
          { headers },
        );
        body = res.ok() ? await res.json() : undefined;
        return res.status();
      },
      { timeout: 120_000, intervals: [2000] },
    )
    .toBe(200);
  return body!;
}

const normalise = (pattern: string) => pattern.replace(/\s+/g, '');

test('the API gives every demo account the detection verdict and reasons its world calls for', async ({
  request,
}) => {
  const headers = await guestHeaders(request);
  const results: Record<string, Detection> = {};
  for (const [accountId, expected] of Object.entries(EXPECTED)) {
    const result = await detectionOf(request, headers, accountId);
    results[accountId] = result;
    expect(result.controlId, expected.name).toBe('cis-3.x-detection');
    expect(
      {
        verdict: result.verdict,
        inheritedFrom: result.inheritedFrom,
        checks: Object.fromEntries(
          result.checks.map(c => [c.checkId, [c.verdict, c.reason]]),
        ),
      },
      expected.name,
    ).toEqual({
      verdict: expected.verdict,
      inheritedFrom: expected.inheritedFrom,
      checks: expected.checks,
    });
  }

  // checkout-dev 3.5: every event name is in the pattern's text (string comparison passes it),
  // yet behaviour shows StartLogging and StopLogging never match
  const typo = results['407788990011'].checks.find(c => c.checkId === '3.5')!;
  expect(typo.missedEvents).toEqual(['StartLogging', 'StopLogging']);
  const typoFilter = typo.judgements.find(
    j => j.filterName === 'CloudTrailChanges',
  )!;
  for (const name of [
    'CreateTrail',
    'UpdateTrail',
    'DeleteTrail',
    'StartLogging',
    'StopLogging',
  ]) {
    expect(typoFilter.filterPattern).toContain(name);
  }
  expect(typoFilter.missed).toEqual(['StartLogging', 'StopLogging']);
  expect(
    typoFilter.outcomes
      .filter(o => o.expected === 'MATCH' && o.matched)
      .map(o => o.eventId),
  ).toEqual(['CreateTrail', 'UpdateTrail', 'DeleteTrail']);

  // storefront-prod: each passing pattern's text differs from the benchmark's (security-tooling
  // carries the benchmark's own patterns), yet it matches every event to detect
  for (const checkId of CHECKS) {
    const benchmark = results['402233445566'].checks.find(
      c => c.checkId === checkId,
    )!;
    const benchmarkPattern = benchmark.judgements.find(
      j => j.filterName === benchmark.chain!.filterName,
    )!.filterPattern;
    const check = results['405566778899'].checks.find(
      c => c.checkId === checkId,
    )!;
    const decisive = check.judgements.find(
      j => j.filterName === check.chain!.filterName,
    )!;
    expect(normalise(decisive.filterPattern)).not.toBe(
      normalise(benchmarkPattern),
    );
    expect(decisive.state).toBe('JUDGED');
    expect(decisive.missed).toEqual([]);
    expect(
      decisive.outcomes.filter(o => o.expected === 'MATCH').length,
    ).toBeGreaterThan(0);
  }
});

test('the 2.4 verdicts of the demo world are unchanged, and the listing carries detection beside them', async ({
  request,
}) => {
  const headers = await guestHeaders(request);
  // wait for every account's detection result, so the listing below has them all
  for (const accountId of Object.keys(EXPECTED)) {
    await detectionOf(request, headers, accountId);
  }
  const res = await request.get(
    `${BACKEND}/api/cis-aws/v1/accounts?limit=100`,
    { headers },
  );
  expect(res.ok()).toBeTruthy();
  const items: {
    accountId: string;
    verdict: string;
    detection?: { verdict: string };
  }[] = (await res.json()).items;
  expect(Object.fromEntries(items.map(i => [i.accountId, i.verdict]))).toEqual(
    EXPECTED_2_4_VERDICTS,
  );
  expect(
    Object.fromEntries(items.map(i => [i.accountId, i.detection?.verdict])),
  ).toEqual(
    Object.fromEntries(
      Object.entries(EXPECTED).map(([id, e]) => [id, e.verdict]),
    ),
  );
});

async function openDetection(page: Page, name: string) {
  await page.goto(`/catalog/default/resource/aws-${name}/cis-aws`);
  const section = page.getByTestId('cis-detection-section');
  // The section's card title comes first; the history panel has a "Detection (CIS 3.x)"
  // heading of its own further down.
  await expect(
    page
      .getByRole('heading', { name: 'Detection (CIS 3.x)', exact: true })
      .first(),
  ).toBeVisible();
  await expect(section).toBeVisible();
  return section;
}

for (const [accountId, expected] of Object.entries(EXPECTED)) {
  test(`the account tab shows ${expected.name}'s detection verdict and each check's reason`, async ({
    page,
  }) => {
    await signInAsGuest(page);
    const section = await openDetection(page, expected.name);
    const result = section.getByTestId('cis-detection-result');
    await expect(result).toHaveAttribute('data-verdict', expected.verdict);
    await expect(result).toHaveAttribute('data-account', accountId);
    for (const checkId of CHECKS) {
      const [verdict, reason] = expected.checks[checkId];
      const check = section.locator(
        `[data-testid="cis-detection-check"][data-check="${checkId}"]`,
      );
      await expect(check).toHaveAttribute('data-verdict', verdict);
      if (reason) await expect(check).toHaveAttribute('data-reason', reason);
      else await expect(check).not.toHaveAttribute('data-reason', /.+/);
    }
    const inheritedLine = section.getByTestId('cis-detection-inherited');
    if (expected.inheritedFrom) {
      await expect(inheritedLine).toContainText(
        'Covered only by an organization trail',
      );
      await expect(
        inheritedLine.getByRole('link', { name: /platform-management/ }),
      ).toBeVisible();
    } else {
      await expect(inheritedLine).toHaveCount(0);
    }
  });
}

test('the typo pattern fails in the browser with its missed events shown, and its fix in three formats', async ({
  page,
}) => {
  await signInAsGuest(page);
  const section = await openDetection(page, 'checkout-dev');
  const check = section.locator(
    '[data-testid="cis-detection-check"][data-check="3.5"]',
  );
  await expect(check).toHaveAttribute('data-reason', 'FILTER_MISSES_EVENTS');
  const events = check.getByTestId('cis-detection-events');
  await expect(events).toHaveAttribute('data-filter', 'CloudTrailChanges');
  const missed = events.locator(
    '[data-testid="cis-detection-event"][data-outcome="missed"]',
  );
  await expect(missed).toHaveCount(2);
  await expect(missed.nth(0)).toContainText('StartLogging');
  await expect(missed.nth(1)).toContainText('StopLogging');
  await expect(
    events.locator(
      '[data-testid="cis-detection-event"][data-outcome="matched"]',
    ),
  ).toHaveCount(3);

  const fix = check.getByTestId('cis-detection-fix');
  await expect(fix).toHaveAttribute('data-format', 'cli');
  await expect(fix).toContainText('aws logs put-metric-filter');
  for (const [tab, format] of [
    ['Terraform', 'terraform'],
    ['CloudFormation', 'cloudFormation'],
  ]) {
    await check.getByRole('tab', { name: tab }).click();
    await expect(fix).toHaveAttribute('data-format', format);
    await expect(fix).toContainText('StartLogging');
  }

  // the other two checks: the alarm without actions and the alarm without a topic
  await expect(
    section.locator('[data-testid="cis-detection-check"][data-check="3.3"]'),
  ).toContainText(/actions disabled/);
});

test('the differently written correct patterns pass in the browser, every event to detect matched', async ({
  page,
}) => {
  await signInAsGuest(page);
  const section = await openDetection(page, 'storefront-prod');
  for (const [checkId, filter] of [
    ['3.3', 'root-activity'],
    ['3.4', 'iam-policy-changes'],
    ['3.5', 'cloudtrail-tampering'],
  ]) {
    const check = section.locator(
      `[data-testid="cis-detection-check"][data-check="${checkId}"]`,
    );
    await expect(check).toHaveAttribute('data-verdict', 'PASS');
    const events = check.getByTestId('cis-detection-events');
    await expect(events).toHaveAttribute('data-filter', filter);
    // Nothing missed: the events are behind a button.
    await events
      .getByRole('button', { name: /^Show the \d+ test events$/ })
      .click();
    await expect(
      events.locator(
        '[data-testid="cis-detection-event"][data-outcome="missed"]',
      ),
    ).toHaveCount(0);
    await expect(
      events
        .locator('[data-testid="cis-detection-event"][data-outcome="matched"]')
        .first(),
    ).toBeVisible();
    await expect(check.getByTestId('cis-detection-fix')).toHaveCount(0);
  }
});

test('the organization page shows each account’s detection verdict and filters by it', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/cis-aws');
  await expect(
    page.getByRole('heading', { name: 'Organization scorecard' }),
  ).toBeVisible();
  const rows = page.getByTestId('cis-account-row');
  await expect(rows).toHaveCount(Object.keys(EXPECTED).length);
  for (const [accountId, expected] of Object.entries(EXPECTED)) {
    const row = rows.filter({ hasText: accountId });
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('cis-detection-cell')).toHaveAttribute(
      'data-verdict',
      expected.verdict,
    );
  }

  const idsWith = (verdict: string) =>
    Object.entries(EXPECTED)
      .filter(([, e]) => e.verdict === verdict)
      .map(([id]) => id);
  for (const verdict of ['NOT_APPLICABLE', 'ERROR', 'PASS']) {
    const chip = page.getByTestId(`cis-detection-filter-${verdict}`);
    await chip.click();
    await expect(chip).toHaveAttribute('aria-pressed', 'true');
    const ids = idsWith(verdict);
    await expect(rows).toHaveCount(ids.length);
    for (const id of ids) {
      await expect(rows.filter({ hasText: id })).toHaveCount(1);
    }
    await chip.click();
    await expect(chip).toHaveAttribute('aria-pressed', 'false');
    await expect(rows).toHaveCount(Object.keys(EXPECTED).length);
  }
});
