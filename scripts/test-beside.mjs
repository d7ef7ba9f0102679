#!/usr/bin/env node
// Two `npm test` runs at once, in this checkout: the proof that the tests
// share nothing fixed (ports, files, databases, the report file) and hold on
// a loaded machine. Arguments go to both runs, as to `npm test`, e.g.
//   node scripts/test-beside.mjs plugins/cis-aws-backend packages/aws-simulator
// Each run's output goes to a log file (printed at the start); at the end
// each run's RETRIED and FAILED lines and its tally are printed, then one
// line for both. Exit code 0 only when both runs pass.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const logDir = mkdtempSync(join(tmpdir(), 'cis-aws-test-beside-'));

function run(name) {
  const log = join(logDir, `${name}.log`);
  const out = createWriteStream(log);
  console.log(`[test-beside] run ${name}: output in ${log}`);
  const child = spawn(
    process.execPath,
    [join(root, 'scripts/test.mjs'), ...process.argv.slice(2)],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  return new Promise(resolve => {
    child.on('close', code => out.end(() => resolve({ name, log, code })));
  });
}

const started = Date.now();
const runs = await Promise.all([run('a'), run('b')]);
const minutes = ((Date.now() - started) / 60000).toFixed(1);

let passed = 0;
let failed = 0;
for (const { name, log, code } of runs) {
  const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
  const tally = /^(\d+) passed, (\d+) failed$/.exec(lines.at(-1) ?? '');
  for (const line of lines) {
    // (Jest's own output may end without a newline before these lines.)
    const m = /^\s*((?:RETRIED|FAILED) .*)$/.exec(line);
    if (m) console.log(`[${name}] ${m[1]}`);
  }
  console.log(`[${name}] ${tally ? tally[0] : 'no tally'} (exit code ${code})`);
  passed += tally ? Number(tally[1]) : 0;
  failed += tally ? Number(tally[2]) : 1;
  if (code !== 0 && tally && tally[2] === '0') failed += 1;
}
console.log(`[test-beside] both runs in ${minutes} min`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
