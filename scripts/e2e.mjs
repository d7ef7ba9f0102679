#!/usr/bin/env node
// `npm run test:e2e`: browser end-to-end tests (Playwright driving Debian's
// Chromium) against the demo portal. Uses a portal that is already running
// on :3000/:7007, or starts one with scripts/start.mjs and stops it after.
// Ends with a `N passed, N failed` line.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForHttp } from './lib/wait.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const appUrl = 'http://localhost:3000';
const backendReady = 'http://localhost:7007/.backstage/health/v1/readiness';
const outDir = join(root, '.test-results');
const outFile = join(outDir, 'e2e.json');
mkdirSync(outDir, { recursive: true });
rmSync(outFile, { force: true });

async function isUp(url) {
  try {
    await waitForHttp(url, { timeoutMs: 1000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The guest's sign-in takes its group memberships from the catalog at that moment: on a fresh
 * portal the catalog may not have read examples/org.yaml yet, and a guest signed in then is in no
 * group (no admin, no approver) for the whole test. Wait until signing in names the guest's group.
 */
async function waitForGuestMemberships(timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch('http://localhost:7007/api/auth/guest/refresh', {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
        signal: AbortSignal.timeout(10_000),
      });
      const body = await response.json();
      const refs = body?.backstageIdentity?.identity?.ownershipEntityRefs ?? [];
      if (refs.some(ref => ref.startsWith('group:'))) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) {
      throw new Error('the guest sign-in never named a group: is examples/org.yaml in the catalog?');
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

let portal;
if (!(await isUp(backendReady)) || !(await isUp(appUrl))) {
  console.log('[e2e] starting the demo portal (scripts/start.mjs)');
  portal = spawn(process.execPath, [join(root, 'scripts/start.mjs')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
}

function stopPortal() {
  if (portal && portal.exitCode === null) {
    try {
      process.kill(-portal.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}
process.on('exit', stopPortal);
process.on('SIGINT', () => process.exit(130));

let status = 1;
try {
  await waitForHttp(backendReady, { timeoutMs: 300_000 });
  await waitForHttp(appUrl, { timeoutMs: 300_000 });
  await waitForGuestMemberships();
  const run = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/@playwright/test/cli.js'),
      'test',
      '--config',
      join(root, 'e2e-tests/playwright.config.ts'),
      ...process.argv.slice(2),
    ],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  status = run.status ?? 1;
} catch (error) {
  console.error(`[e2e] ${error.message}`);
}

let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(outFile, 'utf8'));
  passed = report.stats.expected + report.stats.flaky;
  failed = report.stats.unexpected;
} catch {
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
stopPortal();
process.exit(status === 0 && failed === 0 ? 0 : 1);
