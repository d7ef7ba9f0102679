#!/usr/bin/env node
// Takes the README's screenshots from the running demo portal (`npm start`) into
// docs/screenshots/, each cropped to the part of the page it shows (a card, a section, a
// table) so that every PNG stays small:
//   node scripts/screenshots.mjs            all of them
//   node scripts/screenshots.mjs tab-account.png detection-typo.png   only these
// Read-only: it signs in as the guest and looks; it presses no button that changes the demo.
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs/screenshots');
const portal = process.env.PORTAL_URL ?? 'http://localhost:3000';
const only = new Set(process.argv.slice(2));
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
// A viewport taller than any page, so that nothing scrolls (Backstage scrolls an inner
// container, not the window) and every element's box is where the clip takes it from.
const page = await browser.newPage({ viewport: { width: 1360, height: 6000 } });
await page.goto(portal);
await page.getByRole('button', { name: 'Enter' }).click();
await page.getByRole('heading', { name: /ACME Catalog/ }).waitFor();

/** The card (MUI Paper) around an element: what a reader sees as one block of the page. */
function cardAround(locator) {
  return locator
    .locator('xpath=ancestor-or-self::div[contains(@class,"MuiPaper-root")][1]')
    .first();
}

/**
 * One screenshot: open `path`, wait for `ready` (a locator factory), optionally `act` on the
 * page, then capture `target` (default: the page's content area), at most `maxHeight` px tall.
 * `optional`: the view may be empty on a fresh demo (notifications need a verdict to change).
 */
async function shot(
  file,
  { path, ready, act, target, maxHeight = 1100, optional = false },
) {
  if (only.size && !only.has(file)) return;
  await page.goto(`${portal}${path}`);
  try {
    await ready(page).first().waitFor({ timeout: 60_000 });
  } catch (error) {
    if (!optional) throw error;
    console.log(
      `docs/screenshots/${file}: not taken (nothing to show yet), kept as it was`,
    );
    return;
  }
  if (act) await act(page);
  // let charts and late requests settle
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForTimeout(500);
  const element = target ? target(page) : page.locator('main').first();
  const box = await element.boundingBox();
  if (!box) throw new Error(`${file}: nothing to capture`);
  const clip = {
    x: Math.max(0, box.x - 8),
    y: Math.max(0, box.y - 8),
    width: Math.min(box.width + 16, 1360),
    height: Math.min(box.height + 16, maxHeight),
  };
  await page.screenshot({
    path: join(out, file),
    type: 'png',
    clip,
  });
  console.log(`docs/screenshots/${file}`);
}

const account = name => `/catalog/default/resource/aws-${name}`;
const byTestId = id => p => p.getByTestId(id);

// The account's overview card: the verdict, why, the detection line.
await shot('card-account.png', {
  path: account('checkout-dev'),
  ready: byTestId('cis-aws-card'),
  target: p => cardAround(p.getByTestId('cis-aws-card')),
});
// The account tab in plain words (reason codes and ARNs behind "Details").
await shot('tab-account.png', {
  path: `${account('checkout-dev')}/cis-aws`,
  ready: byTestId('bad-trails'),
  target: byTestId('account-detail'),
  maxHeight: 900,
});
// ... and with "Details of the account's result" open.
await shot('tab-details.png', {
  path: `${account('checkout-dev')}/cis-aws`,
  ready: byTestId('bad-trails'),
  act: async p => {
    await p
      .getByRole('button', { name: "Details of the account's result" })
      .click();
  },
  target: byTestId('account-detail'),
  maxHeight: 480,
});
// A member covered only by the organization trail: one line, linking to its owner.
await shot('tab-org-trail-member.png', {
  path: `${account('analytics-dev')}/cis-aws`,
  ready: byTestId('inherited'),
  target: byTestId('account-detail'),
  maxHeight: 500,
});
// Detection (CIS 3.x): the section's verdict and its first checks.
await shot('detection-section.png', {
  path: `${account('checkout-dev')}/cis-aws`,
  ready: byTestId('cis-detection-result'),
  target: p => cardAround(p.getByTestId('cis-detection-section')),
  maxHeight: 1000,
});
// The typo pattern: the test events it missed and the fix.
await shot('detection-typo.png', {
  path: `${account('checkout-dev')}/cis-aws`,
  ready: byTestId('cis-detection-result'),
  target: p =>
    p.locator('[data-testid="cis-detection-check"][data-check="3.5"]'),
  maxHeight: 1100,
});
await shot('card-system.png', {
  path: '/catalog/default/system/payments',
  ready: byTestId('cis-aws-card'),
  target: p => cardAround(p.getByTestId('cis-aws-card')),
});
// The organization page: totals, the trend, the accounts with their Detection column.
await shot('organization-page.png', {
  path: '/cis-aws',
  ready: byTestId('cis-account-row'),
  maxHeight: 1400,
});
await shot('organization-accounts.png', {
  path: '/cis-aws',
  ready: byTestId('cis-account-row'),
  target: p => cardAround(p.getByTestId('cis-account-row')),
  maxHeight: 1100,
});
// Teams ranked by failing accounts, with the oldest open failure and the time to fix.
await shot('organization-owners.png', {
  path: '/cis-aws',
  ready: byTestId('cis-owner-row'),
  target: p => cardAround(p.getByTestId('cis-owner-row')),
  maxHeight: 700,
});
// The compliant share per day.
await shot('trends.png', {
  path: '/cis-aws',
  ready: byTestId('cis-trend-svg'),
  target: p => cardAround(p.getByTestId('cis-trend-svg')),
  maxHeight: 600,
});
// A team's tab: its accounts, its trend.
await shot('team-tab.png', {
  path: '/catalog/default/group/checkout-team/cis-aws',
  ready: byTestId('cis-verdict'),
  maxHeight: 1300,
});
// "My AWS accounts" above the catalog (the app's home).
await shot('home-my-accounts.png', {
  path: '/',
  ready: byTestId('cis-my-account'),
  target: p => cardAround(p.getByTestId('cis-my-account')),
  maxHeight: 700,
});
// The catalog's CIS 2.4 column on the AWS accounts.
await shot('catalog-column.png', {
  path: '/catalog?filters%5Bkind%5D=resource&filters%5Btype%5D=cloud-account&filters%5Buser%5D=all',
  ready: byTestId('cis-catalog-cell'),
  target: p => cardAround(p.getByTestId('cis-catalog-cell')),
  maxHeight: 1000,
});
await shot('tab-history.png', {
  path: `${account('payments-staging')}/cis-aws`,
  ready: byTestId('cis-aws-history'),
  target: byTestId('cis-aws-history'),
  maxHeight: 800,
});
await shot('tab-evidence.png', {
  path: `${account('payments-staging')}/cis-aws`,
  ready: byTestId('cis-aws-evidence'),
  target: byTestId('cis-aws-evidence'),
  maxHeight: 600,
});
await shot('scorecard.png', {
  path: '/catalog/default/group/checkout-team',
  ready: p => p.getByText('checks pass'),
  target: byTestId('cis-aws-scorecard'),
  maxHeight: 700,
});
await shot('notifications.png', {
  path: '/notifications',
  ready: p => p.getByText(/CIS 2\.4|detection/i),
  maxHeight: 900,
  optional: true,
});
await browser.close();
