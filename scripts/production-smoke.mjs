#!/usr/bin/env node
// `npm run test:production`: the production build, started as production
// starts it, checked from a browser and over HTTP.
//
//   1. Builds dist-workspace/ (`npm run build`) unless it is built already
//      (--build: always; --skip-build: never).
//   2. Empties its own databases (prefix cis_prod_smoke_) on the PostgreSQL
//      given by POSTGRES_HOST/POSTGRES_PORT/POSTGRES_USER/POSTGRES_PASSWORD
//      (default 127.0.0.1:5433, user postgres: the one .ci/run starts). It
//      starts no PostgreSQL of its own.
//   3. Starts the AWS simulator (demo world) on :4780 and the production
//      process on :7207 exactly as `npm run start:production` does
//      (NODE_ENV=production, app-config.yaml + app-config.production.yaml),
//      plus e2e-tests/production/app-config.smoke.yaml, which points AWS at
//      the simulator and the catalog at examples/.
//   4. Waits for readiness and for every demo account to be evaluated.
//   5. Runs e2e-tests/production/*.smoke.ts in Chromium (Playwright); other arguments are
//      passed to it (test files, or its options after `--`, e.g. `-- --grep owner`).
//   6. Stops what it started, drops its databases, prints `N passed, N failed`
//      last and writes .test-results/production.json ({ passed, failed }).
//
// Ports: PRODUCTION_PORT (7207), AWS_SIMULATOR_PORT (4780). Timeouts are
// generous: CI runs this on 2 loaded cores.
import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { waitForHttp } from './lib/wait.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
// Other arguments go to Playwright: test files, or after `--` its options, e.g.
// `npm run test:production -- --skip-build -- --grep "owner"`.
const { values, positionals: playwrightArgs } = parseArgs({
  allowPositionals: true,
  options: {
    build: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
  },
});

const port = Number(process.env.PRODUCTION_PORT ?? 7207);
const simulatorPort = Number(process.env.AWS_SIMULATOR_PORT ?? 4780);
const baseUrl = `http://localhost:${port}`;
const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
const pg = {
  host: process.env.POSTGRES_HOST ?? '127.0.0.1',
  port: Number(process.env.POSTGRES_PORT ?? 5433),
  user: process.env.POSTGRES_USER ?? 'postgres',
  password: process.env.POSTGRES_PASSWORD ?? '',
};
const DB_PREFIX = 'cis_prod_smoke_';
const workspace = join(root, 'dist-workspace');
const outDir = join(root, '.test-results');
const resultFile = join(outDir, 'production.json');
const playwrightReport = join(outDir, 'production-playwright.json');
const PROXY_HEADERS = { 'X-Forwarded-Email': 'alan@acme.example' };
const DEMO_ACCOUNTS = 12;

const started = Date.now();
const log = message =>
  console.log(
    `[production-smoke +${((Date.now() - started) / 1000).toFixed(
      0,
    )}s] ${message}`,
  );
mkdirSync(outDir, { recursive: true });
rmSync(resultFile, { force: true });
rmSync(playwrightReport, { force: true });

const children = [];
function startProcess(name, command, args, options) {
  const logFile = join(outDir, `production-${name}.log`);
  const output = createWriteStream(logFile);
  const child = spawn(command, args, {
    ...options,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: stopped with everything it spawned
  });
  child.stdout.pipe(output);
  child.stderr.pipe(output);
  child.logFile = logFile;
  child.label = name;
  child.on('exit', (code, signal) => {
    child.exited = true;
    if (!stopping) log(`${name} exited (${signal ?? code}); log: ${logFile}`);
  });
  children.push(child);
  return child;
}

let stopping = false;

/** Whether any process of the group (the child and all it spawned) lives. */
function groupAlive(child) {
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopAll() {
  stopping = true;
  const signal = name => {
    for (const child of children) {
      try {
        process.kill(-child.pid, name);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  // The backend stops gracefully: it finishes its tasks and waits for open
  // requests, among them its own long-polling event subscriptions, which can
  // outlast any sensible wait here; what is left after 15 s is killed.
  const deadline = Date.now() + 15_000;
  while (children.some(groupAlive) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  if (children.some(groupAlive)) {
    log('some processes did not stop in 15 s; killing them');
    signal('SIGKILL');
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

async function portIsFree(p) {
  return new Promise(resolve => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(p, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Drops this test's databases (one per plugin), so every run starts clean. */
async function dropDatabases() {
  const { Client } = require('pg');
  const client = new Client({ ...pg, database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${DB_PREFIX}%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    return rows.length;
  } finally {
    await client.end();
  }
}

async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = 'not yet';
  while (Date.now() < deadline) {
    for (const child of children) {
      if (child.exited)
        throw new Error(`${child.label} exited: see ${child.logFile}`);
    }
    try {
      const result = await check();
      if (result === true) return;
      last = result;
    } catch (error) {
      last = error.message;
    }
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s (${last})`);
}

async function allAccountsEvaluated() {
  const refresh = await fetch(`${baseUrl}/api/auth/oauth2Proxy/refresh`, {
    headers: PROXY_HEADERS,
    signal: AbortSignal.timeout(30_000),
  });
  if (!refresh.ok) return `sign-in answered ${refresh.status}`;
  const token = (await refresh.json()).backstageIdentity.token;
  const response = await fetch(`${baseUrl}/api/cis-aws/v1/accounts?limit=100`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) return `accounts answered ${response.status}`;
  const { items } = await response.json();
  const evaluated = items.filter(
    item => !['PENDING', 'UNKNOWN'].includes(item.verdict),
  );
  if (evaluated.length >= DEMO_ACCOUNTS) return true;
  return `${evaluated.length} of ${DEMO_ACCOUNTS} accounts evaluated`;
}

function runPlaywright() {
  const run = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/@playwright/test/cli.js'),
      'test',
      '--config',
      join(root, 'e2e-tests/production/playwright.config.ts'),
      ...playwrightArgs,
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, PRODUCTION_URL: baseUrl },
      timeout: 30 * 60_000,
    },
  );
  return run.status ?? 1;
}

let passed = 0;
let failed = 0;
let setupFailed = false;
let createdDatabases = false;
try {
  const built = existsSync(
    join(workspace, 'packages/backend/dist/index.cjs.js'),
  );
  if (values.build || (!built && !values['skip-build'])) {
    log('building dist-workspace/ (npm run build)');
    const build = spawnSync(
      process.execPath,
      [join(root, 'scripts/build.mjs')],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    if (build.status !== 0) throw new Error('npm run build failed');
  } else if (!built) {
    throw new Error('dist-workspace/ is not built (npm run build)');
  }

  for (const p of [port, simulatorPort]) {
    if (!(await portIsFree(p))) throw new Error(`port ${p} is in use`);
  }
  log(
    `PostgreSQL ${pg.user}@${pg.host}:${
      pg.port
    }: dropped ${await dropDatabases()} old ${DB_PREFIX}* databases`,
  );
  createdDatabases = true;

  log(`AWS simulator on ${simulatorUrl}`);
  startProcess(
    'simulator',
    process.execPath,
    [
      join(root, 'packages/aws-simulator/bin/aws-simulator'),
      '--world',
      join(root, 'packages/aws-simulator/worlds/demo.yaml'),
      '--port',
      String(simulatorPort),
    ],
    { cwd: root },
  );
  await waitForHttp(`${simulatorUrl}/__admin/health`, { timeoutMs: 120_000 });

  // The production start command (package.json "start:production"), with
  // the CI overlay appended.
  log(`production backend on ${baseUrl} (NODE_ENV=production)`);
  startProcess(
    'backend',
    'npm',
    [
      'run',
      'start:production',
      '--',
      '--config',
      '../e2e-tests/production/app-config.smoke.yaml',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        APP_BASE_URL: baseUrl,
        BACKEND_LISTEN_HOST: '127.0.0.1',
        BACKEND_LISTEN_PORT: String(port),
        POSTGRES_HOST: pg.host,
        POSTGRES_PORT: String(pg.port),
        POSTGRES_USER: pg.user,
        POSTGRES_PASSWORD: pg.password,
        POSTGRES_DATABASE_PREFIX: DB_PREFIX,
        AWS_ORGANIZATIONS_MANAGEMENT_ACCOUNT_ID: '401122334455',
        CIS_AWS_SECURITY_HUB_ADMIN_ACCOUNT_ID: '402233445566',
        CATALOG_LOCATION: '../catalog-info.yaml',
        // The CI overlay's endpoint, and the SDK's own for any other client.
        AWS_SIMULATOR_URL: simulatorUrl,
        AWS_ENDPOINT_URL: simulatorUrl,
        AWS_REGION: 'us-east-1',
      },
    },
  );
  await waitFor(
    'backend readiness',
    async () => {
      const response = await fetch(
        `${baseUrl}/.backstage/health/v1/readiness`,
        { signal: AbortSignal.timeout(10_000) },
      );
      return response.ok || `readiness ${response.status}`;
    },
    600_000,
  );
  log('backend ready; waiting for every demo account to be evaluated');
  await waitFor(
    'evaluation of the demo accounts',
    allAccountsEvaluated,
    600_000,
  );
  log('all demo accounts evaluated; running the browser and API checks');

  const status = runPlaywright();
  try {
    const report = JSON.parse(readFileSync(playwrightReport, 'utf8'));
    passed = report.stats.expected + report.stats.flaky;
    failed = report.stats.unexpected;
  } catch {
    failed += 1;
  }
  if (status !== 0 && failed === 0) failed = 1;
} catch (error) {
  setupFailed = true;
  console.error(`[production-smoke] ${error.message}`);
  for (const child of children) {
    console.error(`[production-smoke] last lines of ${child.logFile}:`);
    try {
      const lines = readFileSync(child.logFile, 'utf8').trim().split('\n');
      console.error(
        lines
          .slice(-15)
          .map(l => l.slice(0, 400))
          .join('\n'),
      );
    } catch {
      // no log
    }
  }
  failed += 1;
} finally {
  await stopAll();
  if (createdDatabases) {
    try {
      await dropDatabases();
    } catch (error) {
      console.error(`[production-smoke] dropping databases: ${error.message}`);
    }
  }
}

writeFileSync(resultFile, `${JSON.stringify({ passed, failed })}\n`);
log(
  `done${
    setupFailed ? ' (setup failed)' : ''
  }; logs in .test-results/production-*.log`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
