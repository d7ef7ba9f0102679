import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { signInAsGuest } from './helpers';

/**
 * Issue #15's "done when": a trail is changed three times in one day, evaluated after each
 * change, and the evidence packet for an instant between the changes shows the evaluation of
 * its moment. The trail is payments-prod's (403344556677): stopped (NOT_LOGGING), started
 * again but pointed at a role that does not exist (ROLE_NOT_FOUND), given its role back (PASS),
 * which is how the demo world has it, so the test leaves the demo as it found it.
 *
 * Changes go through the simulator's admin API; evaluations and packets through the backend's
 * API with the signed-in guest's token (the guest is in security-team, which may evaluate).
 * The instants asked for are taken from the backend's own evaluation times (1 ms after each
 * evaluation of ours, so before the next change), so the test does not depend on this
 * machine's clock agreeing with the backend's. Normally the packet shows exactly our
 * evaluation; should one of the demo's scheduled runs evaluate the account between a change
 * and our evaluation, the packet rightly shows that run's (the same world, a little earlier):
 * either way it is the evaluation of the world between the two changes.
 */
const SIMULATOR = process.env.SIMULATOR_URL ?? 'http://127.0.0.1:4580';
const BACKEND = process.env.BACKEND_URL ?? 'http://localhost:7007';
const ACCOUNT = '403344556677';
const TRAIL = 'payments-prod-trail';
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${TRAIL}`;
const ROLE = 'CloudTrail_CloudWatchLogs_Role';

async function patchTrail(patch: object) {
  const res = await fetch(
    `${SIMULATOR}/__admin/accounts/${ACCOUNT}/trails/${TRAIL}`,
    {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patch),
    },
  );
  expect(res.ok, await res.text()).toBe(true);
}

async function authorization(page: Page) {
  const refresh = await page.request.get(`${BACKEND}/api/auth/guest/refresh`);
  expect(refresh.ok()).toBeTruthy();
  const token = (await refresh.json()).backstageIdentity.token;
  return { Authorization: `Bearer ${token}` };
}

interface Evaluated {
  evaluatedAt: string;
  verdict: string;
  trailReason?: string;
}

/**
 * POST …/evaluate: the fresh result. A run of the demo's schedule may hold the account
 * (409 after the backend's wait): try again until it is free.
 */
async function evaluate(
  request: APIRequestContext,
  headers: Record<string, string>,
): Promise<Evaluated> {
  let body: any;
  await expect(async () => {
    const res = await request.post(
      `${BACKEND}/api/cis-aws/v1/accounts/${ACCOUNT}/evaluate`,
      { headers },
    );
    expect(res.status(), await res.text()).toBe(200);
    body = await res.json();
  }).toPass({ timeout: 120_000, intervals: [2_000] });
  const trail = body.evaluation.trails.find(
    (t: { trailArn: string }) => t.trailArn === TRAIL_ARN,
  );
  expect(trail).toBeDefined();
  return {
    evaluatedAt: body.evaluation.evaluatedAt,
    verdict: body.evaluation.verdict,
    trailReason: trail.reason,
  };
}

test('packets for instants between three changes of a trail in one day each show the evaluation of their moment', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signInAsGuest(page);
  const headers = await authorization(page);
  const evaluations: Evaluated[] = [];
  try {
    await patchTrail({ isLogging: false });
    evaluations.push(await evaluate(page.request, headers));
    await patchTrail({ isLogging: true, role: `${ROLE}_e2e_missing` });
    evaluations.push(await evaluate(page.request, headers));
    await patchTrail({ role: ROLE });
    evaluations.push(await evaluate(page.request, headers));
  } finally {
    // Whatever happened, the demo's world as it was (a no-op after the third change).
    await patchTrail({ isLogging: true, role: ROLE });
  }
  expect(evaluations.map(e => [e.verdict, e.trailReason])).toEqual([
    ['FAIL', 'NOT_LOGGING'],
    ['FAIL', 'ROLE_NOT_FOUND'],
    ['PASS', undefined],
  ]);
  const times = evaluations.map(e => Date.parse(e.evaluatedAt));
  expect(times[0]).toBeLessThan(times[1]);
  expect(times[1]).toBeLessThan(times[2]);

  // Between change 1's evaluation and change 2, between 2's and change 3, and after 3's.
  const instants = times.map(time => new Date(time + 1).toISOString());
  for (const [i, at] of instants.entries()) {
    const res = await page.request.get(
      `${BACKEND}/api/cis-aws/v1/accounts/${ACCOUNT}/evidence?format=json&at=${encodeURIComponent(
        at,
      )}`,
      { headers },
    );
    expect(res.status(), await res.text()).toBe(200);
    const packet = await res.json();
    expect(packet.asOf).toBe(at);
    expect(packet.result.verdict).toBe(evaluations[i].verdict);
    // Ours (or a scheduled run's of the same world): after the previous change's evaluation.
    const shown = Date.parse(packet.result.evaluatedAt);
    expect(shown).toBeLessThanOrEqual(times[i]);
    expect(shown).toBeGreaterThan(i === 0 ? 0 : times[i - 1]);
    const trail = packet.trails.find(
      (t: { arn: string }) => t.arn === TRAIL_ARN,
    );
    expect(trail?.reason).toBe(evaluations[i].trailReason);
    // Nothing from after its moment: no later change, and its chain head is not later.
    for (const change of packet.history.changes) {
      expect(Date.parse(change.changedAt)).toBeLessThanOrEqual(Date.parse(at));
    }
    expect(Date.parse(packet.integrity.chainHead.at)).toBeLessThanOrEqual(
      Date.parse(at),
    );
    // The packet re-checks: its digest, its chain, the links it states.
    const verify = await page.request.post(
      `${BACKEND}/api/cis-aws/v1/evidence/verify`,
      { headers, data: { packet } },
    );
    expect(verify.status()).toBe(200);
    expect(await verify.json()).toMatchObject({ ok: true });
  }

  // The tab shows the account as the last evaluation left it.
  await page.goto('/catalog/default/resource/aws-payments-prod/cis-aws');
  await expect(page.getByTestId('cis-verdict').first()).toHaveAttribute(
    'data-verdict',
    'PASS',
  );
});
