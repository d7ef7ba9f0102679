#!/usr/bin/env node
// Takes the README's screenshots from the running demo portal (`npm start`):
// the CIS 2.4 card, the CIS 2.4 tab (chain, history, exceptions, evidence), the
// organization page, a team's scorecard and the notifications page, into docs/.
//   node scripts/screenshots.mjs
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs/screenshots');
const portal = process.env.PORTAL_URL ?? 'http://localhost:3000';
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(portal);
await page.getByRole('button', { name: 'Enter' }).click();
await page.getByRole('heading', { name: /ACME Catalog/ }).waitFor();

async function shot(path, file, waitFor, locator) {
  await page.goto(`${portal}${path}`);
  await page.getByText(waitFor).first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1000);
  const target = locator ? page.locator(locator).first() : page;
  await target.scrollIntoViewIfNeeded?.();
  await target.screenshot({ path: join(out, file), type: 'png' });
  console.log(`docs/screenshots/${file}`);
}

await shot(
  '/catalog/default/resource/aws-checkout-dev',
  'card-account.png',
  'CIS 2.4',
);
await shot(
  '/catalog/default/resource/aws-checkout-dev/cis-aws',
  'tab-account.png',
  'put-role-policy',
);
await shot('/catalog/default/system/payments', 'card-system.png', 'CIS 2.4');
await shot('/cis-aws', 'organization-page.png', 'Checkout Team');
await shot(
  '/catalog/default/resource/aws-payments-staging/cis-aws',
  'tab-history.png',
  'A trail is failing',
  '[data-testid="cis-aws-history"]',
);
await shot(
  '/catalog/default/resource/aws-payments-staging/cis-aws',
  'tab-evidence.png',
  'Download JSON',
  '[data-testid="cis-aws-evidence"]',
);
await shot(
  '/catalog/default/group/checkout-team',
  'scorecard.png',
  'checks pass',
  '[data-testid="cis-aws-scorecard"]',
);
await shot('/notifications', 'notifications.png', 'CIS 2.4');
await browser.close();
