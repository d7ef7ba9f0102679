/**
 * The engine's speed and memory benchmark: `npm run bench` (add
 * `-- --sizes 100,1000 --latency 20 --concurrency 16` to change the run).
 *
 * For each N it starts the AWS simulator in its own process with N healthy
 * single-trail accounts, a latency injected on every call and AWS's real
 * per-API rate limits, and evaluates every account twice through the plugin's
 * engine (real SDK clients over HTTP, SQLite store):
 *
 * - the first run: nothing known yet, every role's policy documents are read;
 * - a scheduled run (an hour later, as it were): fresh credentials (every role
 *   assumed again, as after the hour STS credentials last), the documents shown
 *   again from the first run (`cisAws.aws.rolePolicyMaxAge`).
 *
 * For each run it prints wall time, CPU per account (this process: the
 * product, not the simulator), AWS calls per account by operation, peak memory
 * (RSS), the physical bound and the ratio of wall time to it. The physical
 * bound is what the simulated AWS allows at unlimited concurrency and zero CPU:
 * the longest of one account's chain of dependent calls, every AssumeRole
 * through the main account's STS rate limit followed by that chain, and Security
 * Hub's ⌈findings / 100⌉ GetFindings pages one after the other through its
 * rate limit. The engine runs on one thread, so its CPU time is a floor too:
 * both are printed.
 *
 * Then, per N, the **SDK floor** (sdkFloor.ts), in a fresh process against a fresh simulator of
 * the same world: the CPU per account of the scheduled run's 7 calls made through bare AWS SDK v3
 * clients (one client set per account, the product's client settings) with no product code and
 * no database, and the scheduled run's CPU as a multiple of it. It says how much of the engine's
 * CPU is the SDK's, which no change of ours can remove while the calls go through SDK v3 clients:
 * measured at 1000 accounts, ~6 ms per account on this 2-core machine (see the backend README).
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { createAccountCredentials } from '@cis-aws/plugin-cis-aws-node';
import { AwsClientFactory } from '../src/aws/clients';
import { EvaluationEngine } from '../src/engine/EvaluationEngine';
import { readCisAwsOptions } from '../src/config';
import { DatabaseEvaluationStore } from '../src/storage/DatabaseEvaluationStore';
import { splitProfile } from './profileSplit';
import { sdkFloorPass } from './sdkFloor';
import {
  benchmarkAccountIds,
  benchmarkEntities,
  benchmarkWorld,
} from './world';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const SIZES = arg('sizes', '100,1000,5000').split(',').map(Number);
const LATENCY_MS = Number(arg('latency', '20'));
const CONCURRENCY = Number(arg('concurrency', '16'));
/**
 * `--profile <dir>`: a CPU profile of each scheduled run (open it in Chrome DevTools), and the
 * share of its samples by owner: this plugin, the AWS SDK, the database, Node (see profileSplit).
 */
const PROFILE_DIR = arg('profile', '');

async function startProfiler() {
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}

/**
 * V8's old-space limit for each run, as in a container with 512 MB of memory
 * (Node sizes its heap from the container's limit). Without a limit V8 lets
 * garbage pile up far beyond what is live (~70 MB at 2000 accounts).
 */
const HEAP_LIMIT_MB = Number(arg('heap-limit', '384'));

const MAIN_CREDENTIALS = {
  accessKeyId: 'AKIABENCHMARKMAIN001',
  secretAccessKey: 'bench-only',
};

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
  return res.status === 204 ? undefined : res.json();
}

interface RateRule {
  ratePerSecond: number;
  burst: number;
}

/**
 * When the last of `count` calls, one after the other (each may start when the one before
 * answered), answers through a token bucket that starts full: `latencyMs` each, and no sooner
 * than the bucket has a token.
 */
function sequentialThroughBucket(
  count: number,
  rule: RateRule,
  latencyMs: number,
): number {
  let t = 0;
  for (let i = 0; i < count; i++) {
    const token =
      i < rule.burst ? 0 : ((i - rule.burst + 1) / rule.ratePerSecond) * 1000;
    t = Math.max(t, token) + latencyMs;
  }
  return t;
}

/** When the last of `count` independent calls can answer through a token bucket that starts full. */
function parallelThroughBucket(
  count: number,
  rule: RateRule,
  latencyMs: number,
): number {
  const waitMs =
    count <= rule.burst
      ? 0
      : ((count - rule.burst) / rule.ratePerSecond) * 1000;
  return waitMs + latencyMs;
}

interface PhysicalBound {
  ms: number;
  /** The longest chain of one account's dependent calls. */
  chainCalls: number;
  chainMs: number;
  /** Every AssumeRole through the main account's STS limit, then the rest of the chain. */
  stsMs: number;
  findingPages: number;
  /** AssumeRole in the administrator account, then the GetFindings pages one by one. */
  securityHubMs: number;
}

/**
 * The physical bound of a run of N healthy single-trail accounts at unlimited concurrency:
 * AssumeRole → ListTrails → DescribeTrails → at once GetTrailStatus, DescribeLogGroups, GetRole,
 * SimulatePrincipalPolicy and, when the documents are read, ListRolePolicies → GetRolePolicy.
 * CloudTrail's, IAM's and Logs' limits are per account (and region) and far above the 2–5 calls
 * each account makes of them; STS (every AssumeRole is the main account's) and Security Hub (one
 * administrator account) are shared by the whole run.
 */
function physicalBound(
  n: number,
  latencyMs: number,
  documentsRead: boolean,
  limits: Record<'sts' | 'securityhub', RateRule>,
): PhysicalBound {
  const chainCalls = 3 + (documentsRead ? 2 : 1);
  const chainMs = chainCalls * latencyMs;
  const stsMs =
    parallelThroughBucket(n + 1, limits.sts, latencyMs) +
    (chainCalls - 1) * latencyMs;
  const findingPages = Math.max(1, Math.ceil(n / 100));
  const securityHubMs =
    latencyMs +
    sequentialThroughBucket(findingPages, limits.securityhub, latencyMs);
  return {
    ms: Math.max(chainMs, stsMs, securityHubMs),
    chainCalls,
    chainMs,
    stsMs,
    findingPages,
    securityHubMs,
  };
}

/**
 * Account credentials that can be dropped, as an hour of STS credentials runs out: a scheduled
 * run assumes every role again.
 */
function renewableCredentials(config: ConfigReader, endpoint: string) {
  const create = () =>
    createAccountCredentials({
      config,
      endpoint,
      roleSessionName: 'backstage-cis-aws',
    });
  let current = create();
  return {
    credentials: {
      forAccount: (accountId: string) => current.forAccount(accountId),
    },
    expire: () => {
      current = create();
    },
  };
}

async function measureRun(
  engine: EvaluationEngine,
  simUrl: string,
  n: number,
  store: DatabaseEvaluationStore,
) {
  await admin(simUrl, 'calls', 'DELETE');
  global.gc?.();
  let peakRss = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  let samples = 0;
  // process.memoryUsage() walks the heap: the full sample every 10th time, RSS (cheap) always.
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (samples++ % 10 === 0) {
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
  };
  const sampler = setInterval(sample, 25);
  const cpuStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  const run = await engine.runAll({ trigger: 'schedule' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  clearInterval(sampler);
  sample();

  const calls = await admin(simUrl, 'calls');
  const byOperation: Record<string, number> = calls.byOperation;
  const perAccount = Object.fromEntries(
    Object.entries(byOperation)
      .filter(([op]) => op !== 'securityhub:GetFindings')
      .map(([op, count]) => [op, +(count / n).toFixed(3)]),
  );
  const verdicts = await store.listAccounts({ limit: 1 });
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: peakRss / 1024 / 1024,
    peakHeapMb: peakHeap / 1024 / 1024,
    callsPerAccount: perAccount,
    totalPerAccount: Object.values(perAccount).reduce((a, b) => a + b, 0),
    documentsRead: (byOperation['iam:ListRolePolicies'] ?? 0) > 0,
    getFindingsCalls: byOperation['securityhub:GetFindings'] ?? 0,
    throttled: Object.entries(calls.errors ?? {})
      .filter(([code]) => /Throttl|TooManyRequests/.test(code))
      .reduce((sum, [, count]) => sum + Number(count), 0),
    evaluated: run?.accountsEvaluated ?? 0,
    totals: verdicts.totals,
  };
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
    const limits = await admin(sim.url, 'rate-limits');
    const config = new ConfigReader({
      aws: {
        mainAccount: MAIN_CREDENTIALS,
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
    const credentials = renewableCredentials(config, sim.url);
    const engine = EvaluationEngine.create({
      aws: AwsClientFactory.create({
        credentials: credentials.credentials,
        clientOptions: options,
      }),
      store,
      catalog: catalogServiceMock({ entities: benchmarkEntities(n) }),
      auth: {
        getOwnServiceCredentials: async () => mockCredentials.service(),
      } as unknown as AuthService,
      logger: quietLogger,
      options,
    });

    const loadBefore = loadavg()[0];
    const first = await measureRun(engine, sim.url, n, store);
    credentials.expire();
    const profiler = PROFILE_DIR ? await startProfiler() : undefined;
    const scheduled = await measureRun(engine, sim.url, n, store);
    let split: Array<[string, number]> | undefined;
    if (profiler) {
      const file = join(PROFILE_DIR, `scheduled-run-${n}.cpuprofile`);
      const profile = await profiler.stop();
      mkdirSync(PROFILE_DIR, { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      process.stderr.write(`CPU profile of the scheduled run: ${file}\n`);
      split = splitProfile(profile);
    }
    const withBound = (r: typeof first) => {
      const bound = physicalBound(
        n,
        LATENCY_MS,
        r.documentsRead,
        limits.services,
      );
      return { ...r, bound, ratio: r.wallMs / bound.ms };
    };
    return {
      n,
      load: [loadBefore, loadavg()[0]],
      first: withBound(first),
      scheduled: { ...withBound(scheduled), split },
    };
  } finally {
    await db.destroy();
    sim.stop();
  }
}

/**
 * The SDK floor of N accounts (see sdkFloor.ts), against its own simulator with the same world,
 * latency and rate limits: a first pass warms the process (JIT, connections) as the product's
 * first run does, the second is measured.
 */
async function sdkFloor(n: number, workDir: string) {
  const worldFile = join(workDir, `world-${n}.json`);
  const world = benchmarkWorld(n);
  writeFileSync(worldFile, JSON.stringify(world));
  const sim = await startSimulatorProcess(worldFile);
  try {
    await admin(sim.url, 'faults', 'POST', { kind: 'latency', ms: LATENCY_MS });
    const options = readCisAwsOptions(new ConfigReader({}));
    const pass = () =>
      sdkFloorPass({
        endpoint: sim.url,
        accountIds: benchmarkAccountIds(n),
        concurrency: CONCURRENCY,
        mainCredentials: MAIN_CREDENTIALS,
        roleName: world.readerRoleName,
        region: options.defaultRegion,
        maxAttempts: options.maxAttempts,
        requestTimeoutMs: options.requestTimeoutMs,
      });
    await pass();
    await admin(sim.url, 'calls', 'DELETE');
    global.gc?.();
    const cpuStart = process.cpuUsage();
    const started = process.hrtime.bigint();
    await pass();
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const cpu = process.cpuUsage(cpuStart);
    const calls = await admin(sim.url, 'calls');
    const total = Object.values(calls.byOperation as Record<string, number>)
      .map(Number)
      .reduce((a, b) => a + b, 0);
    return {
      n,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      callsPerAccount: total / n,
    };
  } finally {
    sim.stop();
  }
}

/** Each N runs in a fresh process, so one size's heap does not weigh on the next's figures. */
function runSize(
  n: number,
  mode: 'single' | 'floor' = 'single',
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        `--max-old-space-size=${HEAP_LIMIT_MB}`,
        __filename,
        `--${mode}`,
        String(n),
        '--latency',
        String(LATENCY_MS),
        '--concurrency',
        String(CONCURRENCY),
        ...(PROFILE_DIR ? ['--profile', PROFILE_DIR] : []),
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
  const floor = process.argv.indexOf('--floor');
  if (single >= 0 || floor >= 0) {
    const workDir = mkdtempSync(join(tmpdir(), 'cis-aws-bench-'));
    try {
      const r =
        single >= 0
          ? await benchmark(Number(process.argv[single + 1]), workDir)
          : await sdkFloor(Number(process.argv[floor + 1]), workDir);
      process.stdout.write(JSON.stringify(r));
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
    return;
  }
  console.log(
    `CIS 2.4 engine benchmark: latency ${LATENCY_MS} ms per AWS call, concurrency ${CONCURRENCY}, ` +
      `the simulator's real rate limits, --max-old-space-size=${HEAP_LIMIT_MB}, ${
        cpus().length
      } CPUs, load average ${loadavg()
        .map(l => l.toFixed(2))
        .join(' ')}`,
  );
  console.log(
    "physical bound = max(one account's chain of dependent calls, every AssumeRole through STS's " +
      'rate limit then the chain, GetFindings pages one by one through its rate limit), ' +
      'at unlimited concurrency and zero CPU',
  );
  for (const n of SIZES) {
    const r = JSON.parse(await runSize(n));
    console.log(
      `\nN = ${n}   (load average ${r.load
        .map((l: number) => l.toFixed(2))
        .join(' → ')})`,
    );
    for (const [label, run] of [
      ['first run', r.first],
      ['scheduled run', r.scheduled],
    ] as const) {
      const b = run.bound;
      console.log(`  ${label}`);
      console.log(
        `    evaluated          ${
          run.evaluated
        } accounts, verdicts ${JSON.stringify(run.totals)}`,
      );
      console.log(`    wall time          ${(run.wallMs / 1000).toFixed(2)} s`);
      console.log(
        `    CPU                ${(run.cpuMs / 1000).toFixed(2)} s, ${(
          run.cpuMs / n
        ).toFixed(2)} ms per account`,
      );
      console.log(
        `    physical bound     ${(b.ms / 1000).toFixed(2)} s (chain ${
          b.chainCalls
        } calls ${(b.chainMs / 1000).toFixed(2)} s; STS ${(
          b.stsMs / 1000
        ).toFixed(2)} s; ${b.findingPages} GetFindings pages ${(
          b.securityHubMs / 1000
        ).toFixed(2)} s)`,
      );
      console.log(
        `    ratio to bound     ${run.ratio.toFixed(2)}   (CPU alone: ${(
          run.cpuMs / b.ms
        ).toFixed(2)} × the bound)`,
      );
      console.log(
        `    peak memory (RSS)  ${run.peakRssMb.toFixed(
          0,
        )} MB (heap ${run.peakHeapMb.toFixed(0)} MB)`,
      );
      console.log(
        `    calls per account  ${run.totalPerAccount.toFixed(
          2,
        )}: ${Object.entries(run.callsPerAccount)
          .map(([op, count]) => `${op} ${count}`)
          .join(', ')}`,
      );
      console.log(
        `    GetFindings calls  ${run.getFindingsCalls} (${b.findingPages} pages); throttled answers ${run.throttled}`,
      );
      if ('split' in run && run.split) {
        console.log(
          '    CPU by owner       (share of profile samples; the profiler itself adds CPU)',
        );
        for (const [owner, share] of run.split as Array<[string, number]>) {
          console.log(
            `      ${(share * 100).toFixed(1).padStart(5)} %  ${owner}`,
          );
        }
      }
    }
    const sdk = JSON.parse(await runSize(n, 'floor'));
    const floorMs = sdk.cpuMs / n;
    const oursMs = r.scheduled.cpuMs / n;
    console.log(
      `  SDK floor: ${floorMs.toFixed(
        2,
      )} ms CPU per account   (${sdk.callsPerAccount.toFixed(
        2,
      )} calls per account through bare SDK v3 clients, one client set per account, no product ` +
        `code, no database; wall ${(sdk.wallMs / 1000).toFixed(2)} s)`,
    );
    console.log(
      `    the scheduled run's CPU is ${(oursMs / floorMs).toFixed(
        2,
      )} × the floor: ${(oursMs - floorMs).toFixed(
        2,
      )} ms per account above what the SDK alone costs${
        PROFILE_DIR
          ? ' (the scheduled run was profiled: the profiler adds CPU)'
          : ''
      }`,
    );
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
