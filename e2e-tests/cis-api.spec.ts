import { expect, test } from '@playwright/test';
import { EXPECTED_2_4_VERDICTS } from './demoWorld';

/**
 * `npm start` evaluates every demo account on start-up: the API shows each
 * with the verdict its simulated AWS world calls for.
 */
const EXPECTED = EXPECTED_2_4_VERDICTS;

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
