/**
 * The engine's speed and memory benchmark: `npm run bench` (add
 * `-- --sizes 100,1000 --latency 20 --concurrency 16` to change the run).
 *
 * For each N it starts the AWS simulator in its own process with N healthy
 * single-trail accounts, a latency injected on every call and AWS's real
 * per-API rate limits, evaluates every account once through the plugin's
 * engine (real SDK clients over HTTP, SQLite store), and prints:
 * wall time, AWS calls per account by operation, the lower bound that
 * latency, call dependencies and rate limits allow at the configured
 * concurrency, the ratio of wall time to that bound, and peak memory (RSS
 * of this process: the product, not the simulator).
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { AwsClientFactory } from '../src/aws/clients';
import { EvaluationEngine } from '../src/engine/EvaluationEngine';
import { readCisAwsOptions } from '../src/config';
import { DatabaseEvaluationStore } from '../src/storage/DatabaseEvaluationStore';
import { benchmarkEntities, benchmarkWorld } from './world';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const SIZES = arg('sizes', '100,1000,5000').split(',').map(Number);
const LATENCY_MS = Number(arg('latency', '20'));
const CONCURRENCY = Number(arg('concurrency', '16'));
/**
 * V8's old-space limit for each run, as in a container with 512 MB of memory
 * (Node sizes its heap from the container's limit). Without a limit V8 lets
 * garbage pile up far beyond what is live (~70 MB at 2000 accounts).
 */
const HEAP_LIMIT_MB = Number(arg('heap-limit', '384'));

/**
 * The calls on one healthy account's longest chain (each waits for the one before). After
 * GetRole, iam:SimulatePrincipalPolicy and iam:ListAttachedRolePolicies (none attached in this
 * world) run beside the inline policy documents, the longest branch: list, then read the one.
 */
const CRITICAL_PATH = [
  'sts:AssumeRole',
  'cloudtrail:ListTrails',
  'cloudtrail:DescribeTrails',
  'iam:GetRole',
  'iam:ListRolePolicies',
  'iam:GetRolePolicy',
];
/** Security Hub GetFindings: ~3 requests/s for the one administrator account. */
const GET_FINDINGS_PER_SECOND = 3;

const quietLogger: LoggerService = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return quietLogger;
  },
};

async function startSimulatorProcess(worldFile: string) {
  const bin = join(
    require.resolve('@internal/aws-simulator/package.json'),
    '../bin/aws-simulator',
  );
  const child = spawn(
    process.execPath,
    [bin, '--world', worldFile, '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', code =>
      reject(new Error(`simulator exited with ${code}`)),
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(chunk.toString());
      if (match) resolve(match[1]);
    });
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function admin(
  url: string,
  path: string,
  method = 'GET',
  body?: unknown,
) {
  const res = await fetch(`${url}/__admin/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok)
    throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function benchmark(n: number, workDir: string) {
  const worldFile = join(workDir, `world-${n}.json`);
  writeFileSync(worldFile, JSON.stringify(benchmarkWorld(n)));
  const sim = await startSimulatorProcess(worldFile);
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(workDir, `bench-${n}.sqlite`) },
    useNullAsDefault: true,
  });
  try {
    await admin(sim.url, 'faults', 'POST', { kind: 'latency', ms: LATENCY_MS });
    const config = new ConfigReader({
      aws: {
        mainAccount: {
          accessKeyId: 'AKIABENCHMARKMAIN001',
          secretAccessKey: 'bench-only',
        },
        accountDefaults: { roleName: 'CisAwsReader' },
      },
      cisAws: {
        aws: {
          endpoint: sim.url,
          concurrency: CONCURRENCY,
          regions: ['us-east-1', 'us-west-2'],
        },
        securityHub: {
          administratorAccountId: '499999999999',
          region: 'us-east-1',
        },
      },
    });
    const options = readCisAwsOptions(config);
    const store = await DatabaseEvaluationStore.create({
      database: { getClient: async () => db, migrations: { skip: false } },
    });
    const engine = EvaluationEngine.create({
      aws: AwsClientFactory.fromConfig(config, options),
      store,
      catalog: catalogServiceMock({ entities: benchmarkEntities(n) }),
      auth: {
        getOwnServiceCredentials: async () => mockCredentials.service(),
      } as unknown as AuthService,
      logger: quietLogger,
      options,
    });

    global.gc?.();
    let peakRss = process.memoryUsage().rss;
    let peakHeap = process.memoryUsage().heapUsed;
    const sample = () => {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      peakHeap = Math.max(peakHeap, usage.heapUsed);
    };
    const sampler = setInterval(sample, 25);
    const cpuStart = process.cpuUsage();
    const started = process.hrtime.bigint();
    const run = await engine.runAll({ trigger: 'manual' });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const cpu = process.cpuUsage(cpuStart);
    clearInterval(sampler);
    sample();

    const calls = await admin(sim.url, 'calls');
    const byOperation: Record<string, number> = calls.byOperation;
    const findingPages = byOperation['securityhub:GetFindings'] ?? 0;
    const accountBoundMs =
      (n / CONCURRENCY) * CRITICAL_PATH.length * LATENCY_MS;
    const securityHubBoundMs =
      findingPages * Math.max(LATENCY_MS, 1000 / GET_FINDINGS_PER_SECOND);
    const boundMs = Math.max(accountBoundMs, securityHubBoundMs);
    const perAccount = Object.fromEntries(
      Object.entries(byOperation)
        .filter(([op]) => op !== 'securityhub:GetFindings')
        .map(([op, count]) => [op, +(count / n).toFixed(2)]),
    );
    const verdicts = await store.listAccounts({ limit: 1 });
    return {
      n,
      wallMs,
      boundMs,
      ratio: wallMs / boundMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMb: peakRss / 1024 / 1024,
      peakHeapMb: peakHeap / 1024 / 1024,
      callsPerAccount: perAccount,
      totalPerAccount: Object.values(perAccount).reduce((a, b) => a + b, 0),
      findingPages,
      throttled: Object.entries(calls.errors ?? {})
        .filter(([code]) => /Throttl|TooManyRequests/.test(code))
        .reduce((sum, [, count]) => sum + Number(count), 0),
      evaluated: run?.accountsEvaluated ?? 0,
      totals: verdicts.totals,
    };
  } finally {
    await db.destroy();
    sim.stop();
  }
}

/** Each N runs in a fresh process, so one size's heap does not weigh on the next's figures. */
function runSize(n: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        `--max-old-space-size=${HEAP_LIMIT_MB}`,
        __filename,
        '--single',
        String(n),
        '--latency',
        String(LATENCY_MS),
        '--concurrency',
        String(CONCURRENCY),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout!.on('data', chunk => (out += chunk));
    child.on('exit', code =>
      code === 0 ? resolve(out) : reject(new Error(`N=${n} failed (${code})`)),
    );
  });
}

async function main() {
  const single = process.argv.indexOf('--single');
  if (single >= 0) {
    const workDir = mkdtempSync(join(tmpdir(), 'cis-aws-bench-'));
    try {
      const r = await benchmark(Number(process.argv[single + 1]), workDir);
      process.stdout.write(JSON.stringify(r));
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
    return;
  }
  console.log(
    `CIS 2.4 engine benchmark: latency ${LATENCY_MS} ms per AWS call, concurrency ${CONCURRENCY}, ` +
      `real rate limits (CloudTrail 10/s per account+region, GetFindings 3/s), ` +
      `--max-old-space-size=${HEAP_LIMIT_MB}`,
  );
  console.log(
    `lower bound = max(N / concurrency × ${CRITICAL_PATH.length} calls on the critical path × latency, ` +
      `GetFindings pages / ${GET_FINDINGS_PER_SECOND} per s)`,
  );
  for (const n of SIZES) {
    const r = JSON.parse(await runSize(n));
    console.log(`\nN = ${n}`);
    console.log(
      `  evaluated          ${r.evaluated} accounts, verdicts ${JSON.stringify(
        r.totals,
      )}`,
    );
    console.log(
      `  wall time          ${(r.wallMs / 1000).toFixed(2)} s (CPU ${(
        r.cpuMs / 1000
      ).toFixed(2)} s)`,
    );
    console.log(`  lower bound        ${(r.boundMs / 1000).toFixed(2)} s`);
    console.log(`  ratio              ${r.ratio.toFixed(2)}`);
    console.log(
      `  peak memory (RSS)  ${r.peakRssMb.toFixed(
        0,
      )} MB (heap ${r.peakHeapMb.toFixed(0)} MB)`,
    );
    console.log(
      `  calls per account  ${r.totalPerAccount.toFixed(2)}: ${JSON.stringify(
        r.callsPerAccount,
      )}`,
    );
    console.log(
      `  GetFindings pages  ${r.findingPages}; throttled answers ${r.throttled}`,
    );
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
