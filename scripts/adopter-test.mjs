#!/usr/bin/env node
// `npm run test:adopter`: the plugins installed from their npm tarballs
// into a fresh Backstage 1.55 app, exactly as the plugin READMEs tell an
// adopter, outside this repository (nothing resolves from its node_modules).
//
//   1. `scripts/release-pack.mjs --out <tmp>/tarballs` (`--skip-build` is
//      passed through): the tarballs npm would publish.
//   2. adopter/ is copied to <tmp>/app and installed from its committed
//      package-lock.json; then every `npm install` line of every README block
//      marked `<!-- adopter-install: npm -->` runs there, the @cis-aws package
//      names replaced by their tarballs and the rest of the command kept
//      (`--workspace backend`, `--workspace app`). A marker may say
//      `workspace=app-next`: the fixture's new-frontend-system app is the
//      workspace app-next, beside the legacy app. The @cis-aws packages that
//      other tarballs depend on (common, node) or that no README command
//      installs come from the registry for an adopter: `overrides` points
//      each at its tarball, as the registry would serve it.
//   3. Every README block marked `<!-- adopter-file: PATH -->` must be in the
//      adopter app's PATH: each non-blank line, trimmed, that is not a pure
//      comment (//, #, /*, *) appears there in the same order (other lines may
//      come between). A README instruction the fixture does not follow fails.
//   4. The AWS simulator (demo world, :4680) and the adopter backend
//      (`backstage-cli package start`, :7107, SQLite in memory) run; the API
//      must show every demo account with its verdict, the AWS Organizations
//      provider's accounts must be in the catalog, Tech Insights must know the
//      module's fact schema.
//   5. `backstage-cli package build` of the legacy app and of the
//      new-frontend-system app; their bundles must contain the card, the tab
//      and the organization page.
//   6. Tech Insights must have collected the module's facts for an account and
//      run the README's checks on them.
//
// One check per line, then `N passed, N failed` last; a JSON summary in
// .test-results/adopter.json and logs in .test-results/adopter/. Processes are
// stopped (their process groups) whatever happens.
//
// Options: --skip-build (reuse the plugins' dist/), --keep (keep the temp dir),
// --readme-only (steps 1 and 3 only: the README blocks against adopter/).
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({
  options: {
    'skip-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'readme-only': { type: 'boolean', default: false },
  },
});

const BACKEND_PORT = 7107;
const SIMULATOR_PORT = 4680;
const BACKEND = `http://127.0.0.1:${BACKEND_PORT}`;
const SIMULATOR = `http://127.0.0.1:${SIMULATOR_PORT}`;
const MINUTE = 60_000;

/** The demo world's accounts (packages/aws-simulator/worlds/demo.yaml). */
const EXPECTED = {
  401122334455: { verdict: 'PASS' }, // platform-management
  402233445566: { verdict: 'PASS' }, // security-tooling
  403344556677: { verdict: 'PASS' }, // payments-prod
  404455667788: { verdict: 'FAIL', trailReason: 'NO_LOG_GROUP' }, // payments-staging
  411122334455: { verdict: 'ERROR', reason: 'READER_ROLE_DENIED' }, // legacy-billing
  405566778899: { verdict: 'PASS' }, // storefront-prod
  406677889900: { verdict: 'FAIL', trailReason: 'DELIVERY_STALE' }, // storefront-staging
  407788990011: { verdict: 'FAIL', trailReason: 'ROLE_CANNOT_WRITE' }, // checkout-dev
  408899001122: { verdict: 'FAIL', trailReason: 'NOT_LOGGING' }, // data-lake-prod
  410011223344: { verdict: 'PASS' }, // analytics-dev
  412244668800: { verdict: 'PASS' }, // growth-experiments (no owner)
  409900112233: { verdict: 'FAIL', reason: 'NO_TRAILS' }, // analytics-sandbox, adopter/examples
};
const ORGANIZATION_ACCOUNTS = 11;

const resultsDir = join(root, '.test-results');
const logDir = join(resultsDir, 'adopter');
rmSync(logDir, { recursive: true, force: true });
mkdirSync(logDir, { recursive: true });

const results = [];
function check(name, ok, detail = '') {
  results.push({ name, ok: Boolean(ok), detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  return Boolean(ok);
}

const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)}s`;
const say = message => console.log(`[adopter ${elapsed()}] ${message}`);
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

function tail(file, lines = 40) {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

/** Runs a command to completion, output to a log file; true when it exits 0. */
function run(label, command, args, { cwd, timeoutMs = 20 * MINUTE, env } = {}) {
  const log = join(logDir, `${label}.log`);
  say(`${relative(root, cwd) || cwd}$ ${[command, ...args].join(' ')}`);
  const t0 = Date.now();
  const fd = openSync(log, 'w');
  const result = spawnSync(command, args, {
    cwd,
    stdio: ['ignore', fd, fd],
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    env: { ...process.env, ...env },
  });
  const seconds = Math.round((Date.now() - t0) / 1000);
  const ok = result.status === 0;
  if (!ok) {
    console.log(tail(log));
    say(
      `${label} failed (${
        result.error?.message ?? `exit ${result.status ?? result.signal}`
      }) after ${seconds}s; log: ${relative(root, log)}`,
    );
  } else {
    say(`${label}: done in ${seconds}s`);
  }
  return { ok, seconds };
}

/**
 * npm through `flock /tmp/cis-npm.lock` where flock exists: installs on a
 * shared machine take turns (CI has flock too; it costs nothing there).
 */
const NPM_LOCK = process.env.CIS_NPM_LOCK ?? '/tmp/cis-npm.lock';
const hasFlock = spawnSync('flock', ['--version']).status === 0;
function npm(label, args, opts) {
  return hasFlock
    ? run(label, 'flock', [NPM_LOCK, 'npm', ...args], opts)
    : run(label, 'npm', args, opts);
}

// ---- README markers ------------------------------------------------------

/** The non-private packages under plugins/, as release:pack finds them. */
function publishableCount() {
  return readdirSync(join(root, 'plugins'), { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .map(entry => join(root, 'plugins', entry.name, 'package.json'))
    .filter(file => existsSync(file))
    .filter(file => !JSON.parse(readFileSync(file, 'utf8')).private).length;
}

const readmes = readdirSync(join(root, 'plugins'), { withFileTypes: true })
  .filter(entry => entry.isDirectory())
  .map(entry => join(root, 'plugins', entry.name, 'README.md'))
  .filter(file => existsSync(file));

/** The marked code blocks of a README: { kind, arg, workspace, lines, at }. */
export function markedBlocks(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = lines[i].match(
      /^\s*<!--\s*adopter-(file|install):\s*(\S+)(?:\s+workspace=(\S+))?\s*-->\s*$/,
    );
    if (!marker) continue;
    let j = i + 1;
    while (j < lines.length && lines[j].trim() === '') j++;
    const fence = lines[j]?.match(/^(\s*)(```+|~~~+)/);
    if (!fence) {
      blocks.push({ kind: marker[1], arg: marker[2], at: i + 1, lines: null });
      continue;
    }
    const body = [];
    let k = j + 1;
    while (k < lines.length && !lines[k].trim().startsWith(fence[2])) {
      body.push(lines[k]);
      k++;
    }
    blocks.push({
      kind: marker[1],
      arg: marker[2],
      workspace: marker[3],
      at: i + 1,
      lines: body,
    });
    i = k;
  }
  return blocks;
}

const isComment = line =>
  ['//', '#', '/*', '*'].some(prefix => line.startsWith(prefix));

/** The first README line (trimmed) not found in order in the file, or null. */
export function firstMissingLine(blockLines, fileText) {
  const wanted = blockLines.map(l => l.trim()).filter(l => l && !isComment(l));
  const have = fileText.split('\n').map(l => l.trim());
  let at = 0;
  for (const line of wanted) {
    const found = have.indexOf(line, at);
    if (found === -1) return line;
    at = found + 1;
  }
  return null;
}

// ---- processes -------------------------------------------------------------

const children = [];
function startProcess(label, command, args, { cwd, env }) {
  const log = join(logDir, `${label}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
    detached: true, // its own process group, stopped as a whole
  });
  children.push({ label, child });
  return { child, log };
}
function stopAll() {
  for (const { child } of children.splice(0)) {
    for (const signal of ['SIGTERM']) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        /* already gone */
      }
    }
  }
}
async function stopAllAndWait() {
  const pids = children.map(({ child }) => child.pid);
  stopAll();
  const deadline = Date.now() + 15_000;
  for (const pid of pids) {
    while (Date.now() < deadline) {
      try {
        process.kill(-pid, 0);
        await sleep(250);
      } catch {
        break;
      }
    }
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopAll();
    process.exit(130);
  });
}
process.on('exit', stopAll);

/** Polls until fn returns a truthy value or the time is up; the last value. */
async function poll(fn, { timeoutMs, intervalMs = 2000 }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last?.done) return last;
    } catch (error) {
      last = { done: false, error: error.message };
    }
    await sleep(intervalMs);
  }
  return last ?? { done: false };
}

async function getJson(path, token, init = {}) {
  const response = await fetch(`${BACKEND}${path}`, {
    ...init,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(init.body ? { 'Content-Type': 'application/json' } : {}),
    },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

// ---- the test --------------------------------------------------------------

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'cis-aws-adopter-'));
  const app = join(work, 'app');
  const tarballDir = join(work, 'tarballs');
  say(`working in ${work}`);
  const timings = {};

  try {
    // 1. tarballs
    const pack = run(
      'release-pack',
      process.execPath,
      [
        join(root, 'scripts/release-pack.mjs'),
        '--out',
        tarballDir,
        ...(options['skip-build'] ? ['--skip-build'] : []),
      ],
      { cwd: root, timeoutMs: 30 * MINUTE },
    );
    timings.releasePack = pack.seconds;
    if (!check('release:pack builds the tarballs', pack.ok)) return;
    const tarballs = new Map(); // package name -> absolute tarball path
    const packedDependencies = new Set(); // @cis-aws names a tarball depends on
    for (const file of readdirSync(tarballDir).filter(f =>
      f.endsWith('.tgz'),
    )) {
      const pkg = JSON.parse(
        spawnSync(
          'tar',
          ['-xzOf', join(tarballDir, file), 'package/package.json'],
          {
            encoding: 'utf8',
          },
        ).stdout,
      );
      tarballs.set(pkg.name, join(tarballDir, file));
      for (const name of Object.keys(pkg.dependencies ?? {})) {
        if (name.startsWith('@cis-aws/')) packedDependencies.add(name);
      }
    }
    check(
      `release:pack packs every package under plugins/ (${tarballs.size} tarballs)`,
      tarballs.size === publishableCount(),
      [...tarballs.keys()].join(', '),
    );

    // 2. the adopter app, outside the repository
    cpSync(join(root, 'adopter'), app, {
      recursive: true,
      filter: source => !/[\\/](node_modules|dist|dist-types)$/.test(source),
    });
    const blocks = readmes.map(file => ({
      file,
      name: relative(root, file),
      packageName: JSON.parse(
        readFileSync(join(dirname(file), 'package.json'), 'utf8'),
      ).name,
      blocks: markedBlocks(readFileSync(file, 'utf8')),
    }));
    // 3. README blocks are what the adopter app has
    for (const { name, blocks: marked } of blocks) {
      for (const block of marked.filter(b => b.kind === 'file')) {
        const target = join(app, block.arg);
        const label = `${name}:${block.at} is in adopter/${block.arg}`;
        if (!block.lines) {
          check(label, false, 'the marker does not precede a code block');
        } else if (!existsSync(target)) {
          check(label, false, 'no such file in adopter/');
        } else {
          const missing = firstMissingLine(
            block.lines,
            readFileSync(target, 'utf8'),
          );
          check(
            label,
            missing === null,
            missing ? `missing or out of order: ${missing}` : '',
          );
        }
      }
    }

    if (options['readme-only']) return;

    // Not on the registry: every @cis-aws package that a tarball depends on
    // (installed with it, before or without its own README's command) or
    // that no README command installs, from its tarball.
    const installedByReadme = new Set(
      blocks.flatMap(({ blocks: marked }) =>
        marked
          .filter(b => b.kind === 'install' && b.lines)
          .flatMap(b => b.lines.map(l => l.trim()))
          .filter(line => line.startsWith('npm '))
          .flatMap(line => line.split(/\s+/)),
      ),
    );
    const overridden = [...tarballs.keys()]
      .filter(
        name => packedDependencies.has(name) || !installedByReadme.has(name),
      )
      .sort();
    const rootPkgPath = join(app, 'package.json');
    const rootPkg = JSON.parse(readFileSync(rootPkgPath, 'utf8'));
    rootPkg.overrides = {
      ...rootPkg.overrides,
      ...Object.fromEntries(
        overridden.map(name => [name, `file:${tarballs.get(name)}`]),
      ),
    };
    say(`overrides point at the tarballs of ${overridden.join(', ')}`);
    writeFileSync(rootPkgPath, `${JSON.stringify(rootPkg, null, 2)}\n`);
    const npmEnv = {
      npm_config_update_notifier: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    };
    const install = npm('npm-install', ['install'], {
      cwd: app,
      env: npmEnv,
    });
    timings.npmInstall = install.seconds;
    if (
      !check('the adopter app installs from its committed lockfile', install.ok)
    )
      return;

    // README install commands, in README order
    let readmeInstalls = 0;
    for (const { name, packageName, blocks: marked } of blocks) {
      // A package the others depend on (the node library) comes with them;
      // its README need not tell anyone to install it.
      if (!packedDependencies.has(packageName)) {
        check(
          `${name} has an adopter-install block`,
          marked.some(b => b.kind === 'install' && b.lines),
        );
      }
      for (const block of marked.filter(b => b.kind === 'install')) {
        if (!block.lines) {
          check(
            `${name}:${block.at} adopter-install marker precedes a code block`,
            false,
          );
          continue;
        }
        for (const line of block.lines.map(l => l.trim())) {
          if (!line.startsWith('npm ')) continue;
          const words = line.split(/\s+/);
          if (block.workspace) {
            const flag = words.findIndex(
              w => w === '--workspace' || w === '-w',
            );
            if (flag !== -1) words[flag + 1] = block.workspace;
          }
          const unknown = words.filter(
            w => w.startsWith('@cis-aws/') && !tarballs.has(w),
          );
          const args = words.slice(1).map(w => tarballs.get(w) ?? w);
          const label = `readme-install-${++readmeInstalls}`;
          const result =
            unknown.length === 0
              ? npm(label, args, { cwd: app, env: npmEnv })
              : { ok: false, seconds: 0 };
          timings[label] = result.seconds;
          check(
            `${name}:${block.at} \`${line}\`${
              block.workspace ? ` (as --workspace ${block.workspace})` : ''
            }`,
            result.ok,
            unknown.length ? `no tarball for ${unknown.join(', ')}` : '',
          );
        }
      }
    }

    // 4. the backend against the simulator
    const testConfig = join(work, 'app-config.adopter-test.yaml');
    writeFileSync(
      testConfig,
      [
        '# Written by scripts/adopter-test.mjs: its ports and the simulator.',
        'backend:',
        `  baseUrl: ${BACKEND}`,
        `  listen: { port: ${BACKEND_PORT}, host: 127.0.0.1 }`,
        'cisAws:',
        '  aws:',
        `    endpoint: ${SIMULATOR}`,
        '# Collect facts every minute from 30 s after start, not hourly from 5',
        '# minutes: the test waits for them.',
        'techInsights:',
        '  factRetrievers:',
        '    cisAwsFactRetriever:',
        "      cadence: '* * * * *'",
        '      initialDelay: { minutes: 0, seconds: 30 }',
        '',
      ].join('\n'),
    );
    const simulator = startProcess(
      'simulator',
      process.execPath,
      [
        join(root, 'packages/aws-simulator/bin/aws-simulator'),
        '--world',
        join(root, 'packages/aws-simulator/worlds/demo.yaml'),
        '--port',
        String(SIMULATOR_PORT),
        '--host',
        '127.0.0.1',
      ],
      { cwd: root },
    );
    const simUp = await poll(
      async () => {
        const res = await fetch(`${SIMULATOR}/__admin/health`, {
          signal: AbortSignal.timeout(5000),
        }).catch(() => null);
        return { done: Boolean(res) };
      },
      { timeoutMs: MINUTE, intervalMs: 500 },
    );
    if (
      !check(
        `the AWS simulator answers on ${SIMULATOR}`,
        simUp.done,
        simUp.done ? '' : tail(simulator.log),
      )
    )
      return;

    const backendStarted = Date.now();
    const backend = startProcess(
      'backend',
      process.execPath,
      [
        join(app, 'node_modules/@backstage/cli/bin/backstage-cli'),
        'package',
        'start',
        '--config',
        '../../app-config.yaml',
        '--config',
        testConfig,
      ],
      {
        cwd: join(app, 'packages/backend'),
        env: {
          // aws.mainAccount: {} is the SDK's default credential chain
          AWS_ACCESS_KEY_ID: 'AKIASIMULATORDEMO001',
          AWS_SECRET_ACCESS_KEY: 'simulator-placeholder-not-a-secret',
          AWS_REGION: 'us-east-1',
          AWS_ENDPOINT_URL: SIMULATOR,
          CIS_AWS_EXTERNAL_ID: 'adopter-test',
        },
      },
    );
    const ready = await poll(
      async () => {
        const res = await fetch(`${BACKEND}/.backstage/health/v1/readiness`, {
          signal: AbortSignal.timeout(5000),
        });
        return { done: res.status === 200, status: res.status };
      },
      { timeoutMs: 6 * MINUTE, intervalMs: 2000 },
    );
    timings.backendReady = Math.round((Date.now() - backendStarted) / 1000);
    if (
      !check(
        `the adopter backend is ready on ${BACKEND}`,
        ready.done,
        ready.done
          ? `${timings.backendReady}s`
          : `${ready.error ?? ready.status}\n${tail(backend.log)}`,
      )
    )
      return;

    const guest = await getJson('/api/auth/guest/refresh');
    const token = guest.body?.backstageIdentity?.token;
    if (
      !check(
        'the guest provider signs in (GET /api/auth/guest/refresh)',
        token,
        token ? '' : `HTTP ${guest.status}`,
      )
    )
      return;

    const accounts = await poll(
      async () => {
        const res = await getJson('/api/cis-aws/v1/accounts?limit=100', token);
        const items = res.status === 200 ? res.body.items : [];
        const all = Object.keys(EXPECTED).every(id =>
          items.some(item => item.accountId === id && item.verdict),
        );
        return { done: all, items, status: res.status };
      },
      { timeoutMs: 5 * MINUTE, intervalMs: 3000 },
    );
    timings.accountsEvaluated = Math.round(
      (Date.now() - backendStarted) / 1000,
    );
    check(
      'GET /api/cis-aws/v1/accounts lists every account of the demo world, evaluated',
      accounts.done,
      accounts.done
        ? `${timings.accountsEvaluated}s after start`
        : `HTTP ${accounts.status}, ${accounts.items?.length ?? 0} items`,
    );
    const byId = new Map(
      (accounts.items ?? []).map(item => [item.accountId, item]),
    );
    for (const [id, want] of Object.entries(EXPECTED)) {
      const item = byId.get(id);
      const ok =
        item &&
        item.verdict === want.verdict &&
        (!want.reason || item.reason === want.reason) &&
        (!want.trailReason || item.trailReasons?.includes(want.trailReason));
      const expected = [want.verdict, want.reason ?? want.trailReason]
        .filter(Boolean)
        .join(' ');
      check(
        `account ${id}${item?.title ? ` ${item.title}` : ''}: ${expected}`,
        ok,
        ok
          ? ''
          : `got ${
              item
                ? `${item.verdict} ${item.reason ?? ''} [${
                    item.trailReasons ?? ''
                  }]`
                : 'nothing'
            }`,
      );
    }
    const anonymous = await getJson('/api/cis-aws/v1/accounts');
    check(
      'the API refuses a caller without a token (401)',
      anonymous.status === 401,
      `HTTP ${anonymous.status}`,
    );

    const catalog = await getJson(
      '/api/catalog/entities/by-query?filter=kind=resource,spec.type=cloud-account&limit=200',
      token,
    );
    const resources = catalog.body?.items ?? [];
    const fromOrganizations = resources.filter(e =>
      e.metadata?.annotations?.['backstage.io/managed-by-location']?.startsWith(
        'aws-organizations:',
      ),
    );
    check(
      `the AWS Organizations module put the organization's ${ORGANIZATION_ACCOUNTS} accounts in the catalog`,
      fromOrganizations.length === ORGANIZATION_ACCOUNTS,
      `${fromOrganizations.length} found`,
    );
    const staging = fromOrganizations.find(
      e => e.metadata.name === 'aws-payments-staging',
    );
    check(
      'aws-payments-staging is owned by the team of its owner tag',
      staging?.spec?.owner === 'group:default/payments-team',
      `spec.owner ${staging?.spec?.owner}`,
    );
    check(
      'a cloud-account Resource from a catalog location is accepted (catalog.rules)',
      resources.some(e => e.metadata?.name === 'aws-analytics-sandbox'),
    );

    const schemas = await getJson('/api/tech-insights/fact-schemas', token);
    check(
      "Tech Insights knows the module's fact schema (GET /api/tech-insights/fact-schemas)",
      Array.isArray(schemas.body) &&
        schemas.body.some(
          s => s.id === 'cisAwsFactRetriever' && s.cisAwsVerdict,
        ),
      `HTTP ${schemas.status}`,
    );

    // 5. the two frontend apps
    for (const [workspace, kind] of [
      ['app', 'legacy frontend system'],
      ['app-next', 'new frontend system'],
    ]) {
      const dir = join(app, 'packages', workspace);
      const build = run(
        `build-${workspace}`,
        process.execPath,
        [
          join(app, 'node_modules/@backstage/cli/bin/backstage-cli'),
          'package',
          'build',
        ],
        { cwd: dir, timeoutMs: 25 * MINUTE },
      );
      timings[`build-${workspace}`] = build.seconds;
      if (
        !check(`${workspace} (${kind}) builds`, build.ok, `${build.seconds}s`)
      )
        continue;
      const staticDir = join(dir, 'dist/static');
      const bundle = existsSync(staticDir)
        ? readdirSync(staticDir)
            .filter(f => f.endsWith('.js'))
            .map(f => readFileSync(join(staticDir, f), 'utf8'))
            .join('\n')
        : '';
      for (const [what, needle] of [
        ['the card', 'cis-aws-since'],
        ['the tab', 'cis-aws-request-exception'],
        ['the organization page', 'cis-aws-org-exceptions'],
      ]) {
        check(
          `${workspace} bundle has ${what} (${needle})`,
          bundle.includes(needle),
        );
      }
      if (workspace === 'app-next') {
        check(
          'app-next bundle has the plugin\'s new-frontend-system extensions (entity-card / entity-content "cis-aws")',
          /pluginId:\s*"cis-aws"/.test(bundle),
        );
      }
    }

    // 6. Tech Insights collected facts and runs the README's checks
    const entity = 'resource:default/aws-payments-staging';
    const facts = await poll(
      async () => {
        const res = await getJson(
          `/api/tech-insights/facts/latest?entity=${encodeURIComponent(
            entity,
          )}&ids[]=cisAwsFactRetriever`,
          token,
        );
        const verdict = res.body?.cisAwsFactRetriever?.facts?.cisAwsVerdict;
        return { done: verdict === 'FAIL', verdict, status: res.status };
      },
      { timeoutMs: 4 * MINUTE, intervalMs: 5000 },
    );
    check(
      `Tech Insights facts of ${entity}: cisAwsVerdict FAIL`,
      facts.done,
      facts.done ? '' : `HTTP ${facts.status}, cisAwsVerdict ${facts.verdict}`,
    );
    const run_ = await getJson(
      '/api/tech-insights/checks/run/default/resource/aws-payments-staging',
      token,
      {
        method: 'POST',
        body: JSON.stringify({
          checks: ['cis-aws-2-4-compliant', 'cis-aws-2-4-failures-fresh'],
        }),
      },
    );
    const checkResults = Array.isArray(run_.body) ? run_.body : [];
    const result = id => checkResults.find(r => r.check?.id === id)?.result;
    check(
      "the README's checks run: cis-aws-2-4-compliant fails, cis-aws-2-4-failures-fresh passes for payments-staging",
      result('cis-aws-2-4-compliant') === false &&
        result('cis-aws-2-4-failures-fresh') === true,
      `HTTP ${run_.status}, ${JSON.stringify(
        checkResults.map(r => [r.check?.id, r.result]),
      )}`,
    );
  } catch (error) {
    check(
      'the adopter test ran to the end',
      false,
      error.stack ?? String(error),
    );
  } finally {
    await stopAllAndWait();
    if (options.keep) say(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
    const passed = results.filter(r => r.ok).length;
    const failed = results.length - passed;
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(
      join(resultsDir, 'adopter.json'),
      `${JSON.stringify(
        {
          passed,
          failed,
          seconds: Math.round((Date.now() - started) / 1000),
          timings,
          checks: results,
        },
        null,
        2,
      )}\n`,
    );
    say(`timings (s): ${JSON.stringify(timings)}`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
  }
}

await main();
