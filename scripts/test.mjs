#!/usr/bin/env node
// `npm test`: every unit, component and integration test of the repository,
// once, without watching, and a closing `N passed, N failed` line.
//
// Database tests run on SQLite always, and also on PostgreSQL when
// BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set (.ci/run does).
// Extra arguments go to Jest, e.g. `npm test -- plugins/cis-aws-backend`.
// The Jest report goes to .test-results/jest.json, or to TEST_RESULTS_FILE.
//
// Two runs may share the machine, or even this checkout (see the README's
// "Tests beside each other"): tests take ports from the system (port 0),
// folders from mkdtemp and PostgreSQL databases from TestDatabases (random
// names). Each run has Jest write its report to a file of its own and moves
// it to the report's name in one rename, so the report is always one run's
// complete report: the last run to finish.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = process.env.TEST_RESULTS_FILE
  ? resolve(process.env.TEST_RESULTS_FILE)
  : join(root, '.test-results', 'jest.json');
const outDir = dirname(outFile);
// Beside the report, so that the rename stays on one file system.
const runFile = join(
  outDir,
  `.${basename(outFile)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
);
mkdirSync(outDir, { recursive: true });
// A run that ends without a report leaves none behind, not an older run's.
rmSync(outFile, { force: true });

const result = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/@backstage/cli/bin/backstage-cli'),
    'repo',
    'test',
    '--no-watch',
    '--json',
    `--outputFile=${runFile}`,
    ...process.argv.slice(2),
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      // There is no Docker engine here: TestDatabases must use the
      // connection strings it is given instead of starting containers.
      BACKSTAGE_TEST_DISABLE_DOCKER: '1',
    },
  },
);

let passed = 0;
let failed = 0;
let retried = 0;
try {
  const report = JSON.parse(readFileSync(runFile, 'utf8'));
  renameSync(runFile, outFile);
  passed = report.numPassedTests;
  failed = report.numFailedTests + report.numRuntimeErrorTestSuites;
  for (const suite of report.testResults) {
    for (const test of suite.assertionResults) {
      // jest.retryTimes (no package uses it today; should one): a test that
      // passed only on a retry is a flake to find, not a pass to forget.
      if (test.status === 'passed' && test.invocations > 1) {
        retried += 1;
        const reason = String(test.retryReasons?.[0] ?? '').split('\n')[0];
        console.log(
          `RETRIED ${suite.name.replace(root + '/', '')} › ${
            test.fullName
          } (passed on try ${test.invocations}; first failure: ${reason})`,
        );
      }
      if (test.status === 'failed') {
        console.log(
          `FAILED ${suite.name.replace(root + '/', '')} › ${test.fullName}`,
        );
      }
    }
    if (suite.status === 'failed' && suite.assertionResults.length === 0) {
      console.log(
        `FAILED ${suite.name.replace(root + '/', '')} (suite did not run)`,
      );
    }
  }
} catch (error) {
  console.error(`No Jest report at ${runFile}: ${error.message}`);
  failed += 1;
} finally {
  rmSync(runFile, { force: true });
}

if (retried > 0) console.log(`${retried} of the passed tests needed a retry`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(result.status === 0 && failed === 0 ? 0 : 1);
