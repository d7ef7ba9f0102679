import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../chromium';

/**
 * The production smoke test: Chromium against the production build
 * (dist-workspace/, NODE_ENV=production, PostgreSQL) that
 * scripts/production-smoke.mjs (`npm run test:production`) starts. Its tests
 * are *.smoke.ts, so the demo suite (e2e-tests/playwright.config.ts,
 * **\/*.spec.ts) never picks them up.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.smoke.ts',
  timeout: 120_000,
  expect: { timeout: 45_000 },
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  outputDir: '../../.test-results/production-artifacts',
  reporter: [
    ['list'],
    ['json', { outputFile: '../../.test-results/production-playwright.json' }],
  ],
  use: {
    baseURL: process.env.PRODUCTION_URL ?? 'http://localhost:7207',
    screenshot: 'only-on-failure',
    viewport: { width: 1440, height: 900 },
    launchOptions: chromiumLaunchOptions,
  },
});
