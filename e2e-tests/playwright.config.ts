import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium';

/**
 * Browser end-to-end tests against the running demo portal (`npm start`).
 * Run them with `npm run test:e2e`, which starts the portal when it is not
 * already running. Browsers are never downloaded: Debian's Chromium is used
 * (`apt-get install chromium`), or the one named by CHROMIUM_PATH.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  outputDir: '../.test-results/e2e-artifacts',
  // list for people; json for the `N passed, N failed` line of scripts/e2e.mjs
  reporter: [['list'], ['json', { outputFile: '../.test-results/e2e.json' }]],
  use: {
    baseURL: process.env.PORTAL_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    viewport: { width: 1440, height: 900 },
    launchOptions: chromiumLaunchOptions,
  },
});
