#!/usr/bin/env node
// `npm run build`: the production portal as one deployable folder,
// dist-workspace/, started with `npm run start:production` (or `npm start`
// inside the folder). docs/production.md explains the design.
//
// Backstage's own backend bundle (`backstage-cli package build` of a backend
// package) runs createDistWorkspace, which needs yarn and yarn.lock. This is
// its npm equivalent, with the same layout as Backstage's dist workspace
// (a workspace root with packages/backend and packages/app):
//
//   1. `npm run release:pack`: root tsc, every plugin package built and packed into
//      dist-release/*.tgz, every tarball's entry points checked.
//   2. The app: `backstage-cli package build` in packages/app (webpack) →
//      packages/app/dist, with its config schema in dist/.config-schema.json.
//   3. The backend's own code (src/index.ts and its one module) compiled to
//      CommonJS with `backstage-cli package build --role node-library`, which
//      transpiles without bundling dependencies or creating a dist workspace.
//   4. dist-workspace/ assembled:
//        package.json          workspace root; `npm start`
//        package-lock.json     the repository's lockfile, copied
//        .npmrc                the repository's (legacy-peer-deps)
//        app-config.yaml, app-config.production.yaml
//        tarballs/*.tgz        the packed plugins
//        packages/backend/     package.json (its registry dependencies; the
//                              plugins as file:../../tarballs/*.tgz), dist/,
//                              config.d.ts
//        packages/app/         package.json without dependencies (the app is
//                              bundled), dist/, config.d.ts
//   5. `npm install --omit=dev` in dist-workspace/, pinned by the copied lock.
//
// Options: --skip-pack (reuse dist-release/), --skip-app (reuse
// packages/app/dist), --skip-install (assemble only). Prints the time of
// each step, the folder's size and how much of the lock npm reused.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist-workspace');
const releaseDir = join(root, 'dist-release');
const cli = join(root, 'node_modules/@backstage/cli/bin/backstage-cli');
const { values } = parseArgs({
  options: {
    'skip-pack': { type: 'boolean', default: false },
    'skip-app': { type: 'boolean', default: false },
    'skip-install': { type: 'boolean', default: false },
  },
});

// Registry dependencies of the backend that production does not need:
// production runs on PostgreSQL (pg), never SQLite, so the native
// better-sqlite3 (compiled from source here, ~50 s) and node-gyp stay out.
const DEMO_ONLY_DEPENDENCIES = new Set(['better-sqlite3', 'node-gyp']);

const timings = [];
function step(name, fn) {
  const start = Date.now();
  console.log(`[build] ${name}`);
  fn();
  const seconds = (Date.now() - start) / 1000;
  timings.push([name, seconds]);
  console.log(`[build] ${name}: ${seconds.toFixed(1)} s`);
}

function run(command, args, cwd, env = {}) {
  const label = `${relative(root, cwd) || '.'}$ ${[command, ...args].join(
    ' ',
  )}`;
  console.log(`[build] ${label}`);
  const result = spawnSync(command, args, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) {
    throw new Error(`${label} exited ${result.status ?? result.signal}`);
  }
}

const readJson = file => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) =>
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

function tarballs() {
  if (!existsSync(releaseDir)) return [];
  return readdirSync(releaseDir)
    .filter(file => file.endsWith('.tgz'))
    .map(file => {
      const read = spawnSync(
        'tar',
        ['-xzOf', join(releaseDir, file), 'package/package.json'],
        { encoding: 'utf8' },
      );
      if (read.status !== 0) throw new Error(`no package.json in ${file}`);
      return { file, pkg: JSON.parse(read.stdout) };
    });
}

function duBytes(dir) {
  const result = spawnSync('du', ['-sb', dir], { encoding: 'utf8' });
  return Number(result.stdout.split(/\s/)[0]);
}

/** Which installed package versions are exactly the ones the root lock pins. */
function lockReuse() {
  const rootLock = readJson(join(root, 'package-lock.json')).packages;
  const installed = readJson(join(out, 'node_modules/.package-lock.json'));
  let same = 0;
  let total = 0;
  const different = [];
  for (const [path, entry] of Object.entries(installed.packages)) {
    if (!path.includes('node_modules/') || entry.link) continue;
    total += 1;
    const pinned = rootLock[path];
    if (pinned && pinned.version === entry.version) same += 1;
    else different.push(`${path}@${entry.version}`);
  }
  return { same, total, different };
}

function assemble() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'tarballs'), { recursive: true });
  const rootPkg = readJson(join(root, 'package.json'));

  // The packed plugins. The frontend plugin is in the app bundle already.
  const packed = tarballs().filter(
    ({ pkg }) => pkg.backstage?.role !== 'frontend-plugin',
  );
  if (packed.length === 0) {
    throw new Error('no tarballs in dist-release/: run without --skip-pack');
  }
  const packedByName = new Map();
  for (const { file, pkg } of packed) {
    copyFileSync(join(releaseDir, file), join(out, 'tarballs', file));
    packedByName.set(pkg.name, `file:../../tarballs/${file}`);
  }

  // packages/backend: the compiled backend and its dependencies.
  const backendSrc = join(root, 'packages/backend');
  const backendOut = join(out, 'packages/backend');
  const backendPkg = readJson(join(backendSrc, 'package.json'));
  const dependencies = {};
  for (const [name, range] of Object.entries(backendPkg.dependencies)) {
    if (DEMO_ONLY_DEPENDENCIES.has(name)) continue;
    if (name === 'app') dependencies.app = range;
    else if (name.startsWith('@cis-aws/')) {
      if (!packedByName.has(name)) throw new Error(`no tarball for ${name}`);
      dependencies[name] = packedByName.get(name);
    } else dependencies[name] = range;
  }
  // The plugins' shared libraries (common, node) and any other packed
  // package, from its tarball too (not the registry).
  for (const [name, spec] of packedByName) dependencies[name] ??= spec;
  mkdirSync(backendOut, { recursive: true });
  cpSync(join(backendSrc, 'dist'), join(backendOut, 'dist'), {
    recursive: true,
  });
  copyFileSync(
    join(backendSrc, 'config.d.ts'),
    join(backendOut, 'config.d.ts'),
  );
  writeJson(join(backendOut, 'package.json'), {
    name: backendPkg.name,
    version: backendPkg.version,
    private: true,
    main: 'dist/index.cjs.js',
    backstage: backendPkg.backstage,
    dependencies: Object.fromEntries(
      Object.entries(dependencies).sort(([a], [b]) => (a < b ? -1 : 1)),
    ),
    configSchema: backendPkg.configSchema,
  });

  // packages/app: the built app only, as Backstage ships a `bundled` app.
  const appSrc = join(root, 'packages/app');
  const appOut = join(out, 'packages/app');
  const appPkg = readJson(join(appSrc, 'package.json'));
  mkdirSync(appOut, { recursive: true });
  cpSync(join(appSrc, 'dist'), join(appOut, 'dist'), { recursive: true });
  copyFileSync(join(appSrc, 'config.d.ts'), join(appOut, 'config.d.ts'));
  writeJson(join(appOut, 'package.json'), {
    name: appPkg.name,
    version: appPkg.version,
    private: true,
    bundled: true,
    backstage: appPkg.backstage,
    files: ['dist', 'config.d.ts'],
    configSchema: appPkg.configSchema,
  });

  // The workspace root.
  writeJson(join(out, 'package.json'), {
    name: rootPkg.name,
    version: rootPkg.version,
    private: true,
    description: `${rootPkg.description} Production build (npm run build).`,
    engines: rootPkg.engines,
    scripts: {
      start:
        'NODE_ENV=production node packages/backend --config app-config.yaml --config app-config.production.yaml',
    },
    workspaces: ['packages/*'],
    overrides: rootPkg.overrides,
  });
  for (const file of [
    'package-lock.json',
    '.npmrc',
    'app-config.yaml',
    'app-config.production.yaml',
    'LICENSE',
  ]) {
    copyFileSync(join(root, file), join(out, file));
  }
}

const started = Date.now();
try {
  if (!values['skip-pack']) {
    step('plugins: release:pack', () =>
      run(process.execPath, [join(root, 'scripts/release-pack.mjs')], root),
    );
  }
  if (!values['skip-app']) {
    step('app: backstage-cli package build', () =>
      run(
        process.execPath,
        [cli, 'package', 'build'],
        join(root, 'packages/app'),
      ),
    );
  }
  step('backend: backstage-cli package build --role node-library', () =>
    run(
      process.execPath,
      [cli, 'package', 'build', '--role', 'node-library'],
      join(root, 'packages/backend'),
    ),
  );
  step('dist-workspace: assemble', assemble);
  if (!values['skip-install']) {
    step('dist-workspace: npm install --omit=dev', () =>
      run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund'], out),
    );
    const { same, total, different } = lockReuse();
    console.log(
      `[build] lock reuse: ${same} of ${total} installed packages at the version the repository's lock pins`,
    );
    if (different.length > 0) {
      console.log(
        `[build] not as pinned: ${different.slice(0, 20).join(', ')}${
          different.length > 20 ? ', …' : ''
        }`,
      );
    }
  }
} catch (error) {
  console.error(`[build] ${error.message}`);
  process.exit(1);
}
for (const [name, seconds] of timings) {
  console.log(`[build] ${seconds.toFixed(1).padStart(6)} s  ${name}`);
}
const size = existsSync(out) ? duBytes(out) : 0;
console.log(
  `[build] dist-workspace/ ready in ${((Date.now() - started) / 1000).toFixed(
    0,
  )} s, ${(size / 1024 / 1024).toFixed(0)} MB. Start: npm run start:production`,
);
