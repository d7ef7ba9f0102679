#!/usr/bin/env node
// `npm test`: every unit, component and integration test of the repository,
// once, without watching, and a closing `N passed, N failed` line.
//
// Database tests run on SQLite always, and also on PostgreSQL when
// BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set (.ci/run does).
// Extra arguments go to Jest, e.g. `npm test -- plugins/cis-aws-backend`.
// The Jest report goes to .test-results/jest.json, or to TEST_RESULTS_FILE.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, '.test-results');
const outFile = process.env.TEST_RESULTS_FILE
  ? resolve(process.env.TEST_RESULTS_FILE)
  : join(outDir, 'jest.json');
mkdirSync(outDir, { recursive: true });
rmSync(outFile, { force: true });

const result = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/@backstage/cli/bin/backstage-cli'),
    'repo',
    'test',
    '--no-watch',
    '--json',
    `--outputFile=${outFile}`,
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
try {
  const report = JSON.parse(readFileSync(outFile, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests + report.numRuntimeErrorTestSuites;
  for (const suite of report.testResults) {
    for (const test of suite.assertionResults) {
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
  console.error(`No Jest report at ${outFile}: ${error.message}`);
  failed += 1;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(result.status === 0 && failed === 0 ? 0 : 1);
