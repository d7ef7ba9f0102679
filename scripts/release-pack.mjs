#!/usr/bin/env node
// `npm run release:pack`: the publishable plugins as npm tarballs, built in
// the order that works from a clean checkout, in one folder.
//
//   0. `backstage-cli repo fix --publish --check`: the publishing metadata.
//   1. `tsc` at the root: `backstage-cli package build` rolls each package's
//      types up from dist-types/, which only a root tsc writes.
//   2. `backstage-cli package build` in every publishable package.
//   3. `npm pack` in each: the packages' prepack/postpack scripts
//      (`backstage-cli package prepack`) point main, types and exports at
//      dist/ for the tarball, as `backstage-cli new` templates do.
//   4. Each tarball is opened and every entry point its package.json names
//      (main, module, types, exports, typesVersions, bin, configSchema) must
//      be in it: a tarball that would fail in an adopter's app fails here.
//
// Options: --out DIR (default dist-release/), --skip-build (reuse dist/).
// Prints one line per tarball; exits non-zero on the first problem.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(root, 'dist-release') },
    'skip-build': { type: 'boolean', default: false },
  },
});
const outDir = resolve(values.out);
const cli = join(root, 'node_modules/@backstage/cli/bin/backstage-cli');

/** Every non-private package under plugins/: what the product publishes. */
export function publishablePackages() {
  return readdirSync(join(root, 'plugins'), { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .map(entry => join(root, 'plugins', entry.name))
    .map(dir => ({
      dir,
      pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
    }))
    .filter(({ pkg }) => !pkg.private);
}

function run(command, args, cwd) {
  const label = `${relative(root, cwd) || '.'}$ ${[command, ...args].join(
    ' ',
  )}`;
  console.log(`[release:pack] ${label}`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`${label} exited ${result.status ?? result.signal}`);
  }
}

/** The files a package.json (as packed) says exist in the package. */
function declaredEntryPoints(pkg) {
  const files = new Set();
  const add = value => {
    if (typeof value === 'string' && value.startsWith('.')) files.add(value);
    else if (typeof value === 'string' && !value.includes('*'))
      files.add(`./${value}`);
  };
  const walk = value => {
    if (typeof value === 'string') add(value);
    else if (value && typeof value === 'object')
      // `backstage` conditions name a feature type, not a file.
      Object.entries(value)
        .filter(([key]) => key !== 'backstage')
        .forEach(([, inner]) => walk(inner));
  };
  for (const key of ['main', 'module', 'types', 'configSchema']) {
    if (typeof pkg[key] === 'string') add(pkg[key]);
  }
  walk(pkg.exports);
  walk(pkg.typesVersions);
  walk(typeof pkg.bin === 'string' ? { bin: pkg.bin } : pkg.bin);
  return [...files].map(file => file.replace(/^\.\//, ''));
}

function tarEntries(tarball) {
  const listing = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
  if (listing.status !== 0) throw new Error(`cannot read ${tarball}`);
  return new Set(
    listing.stdout
      .split('\n')
      .filter(Boolean)
      .map(line => line.replace(/^package\//, '')),
  );
}

function packedPackageJson(tarball) {
  const read = spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], {
    encoding: 'utf8',
  });
  if (read.status !== 0) throw new Error(`no package.json in ${tarball}`);
  return JSON.parse(read.stdout);
}

/**
 * `npm pack` rewrites package.json for the tarball (prepack) and puts it back
 * from package.json-prepack afterwards (postpack). A pack killed in between
 * leaves the rewritten file; packing again would overwrite the backup with it.
 */
function refuseAfterInterruptedPack(packages) {
  const leftovers = packages
    .map(({ dir }) => join(dir, 'package.json-prepack'))
    .filter(existsSync);
  if (leftovers.length === 0) return;
  for (const file of leftovers) {
    console.error(
      `[release:pack] ${relative(
        root,
        file,
      )} is left from an interrupted pack: run \`npx backstage-cli package postpack\` in ${relative(
        root,
        dirname(file),
      )} (or restore its package.json from git), then pack again`,
    );
  }
  process.exit(1);
}

/**
 * One pack at a time in this checkout: two packs of one package rewrite its
 * package.json under each other. A lock folder with the holder's pid; a
 * holder that died no longer holds it.
 */
async function takePackLock() {
  const lock = join(root, '.cache/release-pack.lock');
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      process.on('exit', () => rmSync(lock, { recursive: true, force: true }));
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      process.kill(holder, 0);
    } catch {
      if (Number.isInteger(holder)) {
        rmSync(lock, { recursive: true, force: true }); // its holder is gone
        continue;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`another release:pack (pid ${holder}) holds ${lock}`);
    }
    console.log(`[release:pack] waiting for release:pack pid ${holder}`);
    await new Promise(resolve => setTimeout(resolve, 5000));
  }
}

async function main() {
  await takePackLock();
  const packages = publishablePackages();
  refuseAfterInterruptedPack(packages);
  // The package.json fields Backstage's publishing wants (repository with
  // directory, exports vs publishConfig …): a drift fails here, not on npm.
  run(process.execPath, [cli, 'repo', 'fix', '--publish', '--check'], root);
  if (!values['skip-build']) {
    run(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc')],
      root,
    );
    for (const { dir } of packages) {
      run(process.execPath, [cli, 'package', 'build'], dir);
    }
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const problems = [];
  for (const { dir, pkg } of packages) {
    run('npm', ['pack', '--silent', '--pack-destination', outDir], dir);
    const tarball = join(
      outDir,
      `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`,
    );
    const entries = tarEntries(tarball);
    const packed = packedPackageJson(tarball);
    const missing = declaredEntryPoints(packed).filter(
      file => !entries.has(file),
    );
    for (const file of missing) {
      problems.push(
        `${pkg.name}: package.json names ${file}, not in the tarball`,
      );
    }
    for (const file of ['README.md', 'LICENSE']) {
      if (!entries.has(file)) problems.push(`${pkg.name}: no ${file}`);
    }
    console.log(
      `[release:pack] ${relative(root, tarball)} (${entries.size} files)`,
    );
  }
  if (problems.length > 0) {
    for (const problem of problems) console.error(`[release:pack] ${problem}`);
    process.exit(1);
  }
  console.log(`[release:pack] ${packages.length} tarballs in ${outDir}`);
}

main().catch(error => {
  console.error(`[release:pack] ${error.message}`);
  process.exit(1);
});
