#!/usr/bin/env node
// `npm start`: the demo portal on its embedded defaults.
//
// Starts the AWS simulator (packages/aws-simulator, demo world) and, once it
// answers, the Backstage app (:3000) and backend (:7007) with every AWS SDK
// client pointed at the simulator through the SDK's standard
// AWS_ENDPOINT_URL. Ctrl-C stops all of them; if one dies, the others stop.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForHttp } from './lib/wait.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const simulatorPort = Number(process.env.AWS_SIMULATOR_PORT ?? 4580);
const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
const world =
  process.env.AWS_SIMULATOR_WORLD ??
  join(root, 'packages/aws-simulator/worlds/demo.yaml');

const children = [];
let stopping = false;

function run(name, command, args, env = {}) {
  const child = spawn(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(
        `[start] ${name} exited (${signal ?? code}); stopping the rest.`,
      );
      stop(typeof code === 'number' && code !== 0 ? code : 1);
    }
  });
  children.push(child);
  return child;
}

function stop(exitCode = 0) {
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  setTimeout(() => process.exit(exitCode), 3000).unref();
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// The backend keeps one SQLite file per plugin here (see app-config.yaml).
mkdirSync(join(root, '.data/sqlite'), { recursive: true });

console.log(`[start] AWS simulator on ${simulatorUrl} (world: ${world})`);
run('aws-simulator', process.execPath, [
  join(root, 'packages/aws-simulator/bin/aws-simulator'),
  '--world',
  world,
  '--port',
  String(simulatorPort),
]);
await waitForHttp(`${simulatorUrl}/__admin/health`, { timeoutMs: 60_000 });

// First start: replay 35 days of demo history into the empty database, by evaluating the
// simulated world day by day (plugins/cis-aws-backend/dev/replayDemoHistory.ts), so evidence for
// a past date has something to show. CIS_AWS_DEMO_HISTORY=0 skips it.
const cisAwsDatabase = join(root, '.data/sqlite/cis-aws.sqlite');
if (!existsSync(cisAwsDatabase) && process.env.CIS_AWS_DEMO_HISTORY !== '0') {
  console.log(
    '[start] first start: replaying 35 days of demo history into the CIS AWS database (about a minute; CIS_AWS_DEMO_HISTORY=0 skips it)',
  );
  const replay = spawnSync(
    process.execPath,
    [
      '--require',
      join(root, 'node_modules/@backstage/cli/config/nodeTransform.cjs'),
      join(root, 'plugins/cis-aws-backend/dev/replayDemoHistory.ts'),
      '--simulator',
      simulatorUrl,
      '--database',
      cisAwsDatabase,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (replay.status !== 0) {
    // Half a history would never be replayed again: start from an empty database instead.
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(`${cisAwsDatabase}${suffix}`, { force: true });
    }
    console.error(
      '[start] replaying demo history failed; the demo starts without it',
    );
  }
}

console.log('[start] Backstage app on http://localhost:3000, backend on :7007');
run(
  'backstage',
  process.execPath,
  [
    join(root, 'node_modules/@backstage/cli/bin/backstage-cli'),
    'repo',
    'start',
  ],
  {
    AWS_ENDPOINT_URL: simulatorUrl,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    // The events module's SQS client takes the SDK's default credentials: the simulator's
    // placeholder keys (the simulator never checks signatures), never a developer's own.
    AWS_ACCESS_KEY_ID: 'AKIASIMULATORDEMO001',
    AWS_SECRET_ACCESS_KEY: 'simulator-demo-placeholder-not-a-secret',
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
  },
);
