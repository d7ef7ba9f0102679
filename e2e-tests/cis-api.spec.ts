import { expect, test } from '@playwright/test';

/**
 * `npm start` evaluates every demo account on start-up: the API shows each
 * with the verdict its simulated AWS world calls for.
 */
const EXPECTED: Record<string, string> = {
  '401122334455': 'PASS',
  '402233445566': 'PASS',
  '403344556677': 'PASS',
  '404455667788': 'FAIL',
  '411122334455': 'ERROR',
  '405566778899': 'PASS',
  '406677889900': 'FAIL',
  '407788990011': 'FAIL',
  '408899001122': 'FAIL',
  '410011223344': 'PASS',
  '409900112233': 'FAIL',
  '412244668800': 'PASS', // growth-experiments: untagged, nobody owns it
};

test('the running demo has evaluated every demo account as its world calls for', async ({
  request,
}) => {
  const backend = process.env.BACKEND_URL ?? 'http://localhost:7007';
  const refresh = await request.get(`${backend}/api/auth/guest/refresh`);
  expect(refresh.ok()).toBeTruthy();
  const token = (await refresh.json()).backstageIdentity.token;
  const headers = { Authorization: `Bearer ${token}` };

  let items: { accountId: string; verdict: string }[] = [];
  await expect
    .poll(
      async () => {
        const res = await request.get(
          `${backend}/api/cis-aws/v1/accounts?limit=100`,
          { headers },
        );
        items = res.ok() ? (await res.json()).items : [];
        return items.length;
      },
      { timeout: 120_000, intervals: [2000] },
    )
    .toBe(Object.keys(EXPECTED).length);

  const verdicts = Object.fromEntries(
    items.map(item => [item.accountId, item.verdict]),
  );
  expect(verdicts).toEqual(EXPECTED);

  const anonymous = await request.get(`${backend}/api/cis-aws/v1/accounts`);
  expect(anonymous.status()).toBe(401);
});
