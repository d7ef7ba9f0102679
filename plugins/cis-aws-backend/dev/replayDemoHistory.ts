/**
 * REPLAYED DEMO HISTORY — for the demo only, never part of a real installation (this folder is
 * not in the published package, and nothing in the plugin calls it).
 *
 * A fresh demo has no past, so a packet for last month would say "not evaluated". This replays
 * the 35 days before the first start into the demo's database by really evaluating the
 * simulated world, day by day: the simulator's clock is set to each moment (PUT
 * /__admin/clock), the world is changed through its admin API as scripted in DEMO_HISTORY, and
 * the plugin's own engine evaluates it with its clock at that moment. Every account gets a
 * daily verification at 06:00 UTC; the scripted changes add evaluations in between. The
 * results are what the engine concluded from what the simulator answered, not written by hand.
 *
 * Labelled: every verdict change it records names the run `demo-replay-<YYYY-MM-DD>`, and it
 * writes no run records. It runs only on an empty database (the store refuses evaluations
 * older than the stored one), and leaves the simulator reset (world and clock) when done.
 *
 * `npm start` runs it on the first start (no .data/sqlite/cis-aws.sqlite yet) unless
 * CIS_AWS_DEMO_HISTORY=0; by hand:
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/cis-aws-backend/dev/replayDemoHistory.ts --simulator http://127.0.0.1:4580 \
 *     --database .data/sqlite/cis-aws.sqlite [--days 35]
 */
import {
  AuthService,
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory from 'knex';
import { AwsClientFactory } from '../src/aws/clients';
import { readCisAwsOptions } from '../src/config';
import { EvaluationEngine } from '../src/engine/EvaluationEngine';
import { DatabaseEvaluationStore } from '../src/storage/DatabaseEvaluationStore';
import { EvaluationStore } from '../src/storage/EvaluationStore';
import { demoEntities } from '../src/__testUtils__/demoCatalog';

/** The engine as the demo's app-config.yaml wires it, against the simulator, on `now`. */
function demoReplayEngine(
  simulatorUrl: string,
  store: EvaluationStore,
  now: () => Date,
): EvaluationEngine {
  const config = new ConfigReader({
    aws: {
      mainAccount: {
        accessKeyId: 'AKIADEMOREPLAY000001',
        secretAccessKey: 'demo-only',
      },
      accountDefaults: { roleName: 'CisAwsReader' },
    },
    cisAws: {
      aws: { endpoint: simulatorUrl },
      securityHub: { administratorAccountId: '402233445566' },
    },
  });
  const options = readCisAwsOptions(config);
  const quiet: LoggerService = {
    error: message => console.error(`[demo history] ${message}`),
    warn() {},
    info() {},
    debug() {},
    child: () => quiet,
  };
  return EvaluationEngine.create({
    aws: AwsClientFactory.fromConfig(config, options),
    store,
    catalog: catalogServiceMock({ entities: demoEntities() }),
    auth: {
      getOwnServiceCredentials: async () => mockCredentials.service(),
    } as unknown as AuthService,
    logger: quiet,
    options,
    now,
  });
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** When the daily verification runs, UTC. */
const DAILY_AT = '06:00';

/** The world's normal delivery, as in worlds/demo.yaml: a few minutes ago, moving with time. */
const DELIVERING = {
  latestDeliveryTime: '-4m',
  latestCloudWatchLogsDeliveryTime: '-4m',
};

/** One scripted change of the demo world, `daysAgo` days before the first start, at `time` UTC. */
export interface DemoEvent {
  daysAgo: number;
  time: string;
  accountId: string;
  trail: string;
  /** A merge patch of the trail (PATCH /__admin/accounts/{id}/trails/{name}). */
  patch: object;
  what: string;
  /**
   * Who is evaluated right after: the account (an owner pressing "Evaluate now"), or every
   * account (an organization trail change concerns every member).
   */
  evaluate?: 'account' | 'all';
}

/**
 * The scripted history; each change is undone by a later one, so the world ends as
 * worlds/demo.yaml describes it (the replay resets the simulator anyway).
 */
export const DEMO_HISTORY: DemoEvent[] = [
  {
    daysAgo: 26,
    time: '10:20',
    accountId: '401122334455',
    trail: 'acme-org-trail',
    patch: { isLogging: false },
    what: 'the organization trail is stopped (every member that relies on it fails)',
    evaluate: 'all',
  },
  {
    daysAgo: 26,
    time: '13:05',
    accountId: '401122334455',
    trail: 'acme-org-trail',
    patch: { status: { isLogging: true, ...DELIVERING } },
    what: 'the organization trail is started again',
    evaluate: 'all',
  },
  {
    daysAgo: 20,
    time: '09:40',
    accountId: '403344556677',
    trail: 'payments-prod-trail',
    patch: { isLogging: false },
    what: "payments-prod's trail is stopped",
  },
  {
    daysAgo: 20,
    time: '11:10',
    accountId: '403344556677',
    trail: 'payments-prod-trail',
    patch: { status: { isLogging: true, ...DELIVERING } },
    what: "payments-prod's trail is started again",
  },
  {
    daysAgo: 20,
    time: '15:30',
    accountId: '403344556677',
    trail: 'payments-prod-trail',
    patch: { role: 'CloudTrail_CloudWatchLogs_Role_v2' },
    what: "payments-prod's trail is pointed at a role that does not exist",
  },
  {
    daysAgo: 19,
    time: '08:15',
    accountId: '403344556677',
    trail: 'payments-prod-trail',
    patch: { role: 'CloudTrail_CloudWatchLogs_Role' },
    what: "payments-prod's trail gets its role back",
  },
  {
    daysAgo: 12,
    time: '14:00',
    accountId: '402233445566',
    trail: 'security-audit-trail',
    patch: { logGroup: null },
    what: "security-tooling's trail stops sending to CloudWatch Logs",
  },
  {
    daysAgo: 11,
    time: '10:00',
    accountId: '402233445566',
    trail: 'security-audit-trail',
    patch: {
      logGroup: 'aws-cloudtrail-logs-security-audit',
      status: { latestCloudWatchLogsDeliveryTime: '-4m' },
    },
    what: "security-tooling's trail sends to its log group again",
  },
];

async function admin(
  simulatorUrl: string,
  method: string,
  path: string,
  body?: object,
) {
  const response = await fetch(`${simulatorUrl}/__admin${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) {
    throw new Error(
      `${method} /__admin${path}: ${response.status} ${await response.text()}`,
    );
  }
}

/** The moment `time` (HH:MM UTC) of the day `daysAgo` days before `end`'s day. */
function momentOf(end: Date, daysAgo: number, time: string): Date {
  const day = new Date(end.getTime() - daysAgo * DAY_MS)
    .toISOString()
    .slice(0, 10);
  return new Date(`${day}T${time}:00.000Z`);
}

/**
 * Replays `days` days before `end` into `store` (which must hold no result yet). Resolves to
 * how many evaluations were made.
 */
export async function replayDemoHistory(options: {
  simulatorUrl: string;
  store: DatabaseEvaluationStore;
  days?: number;
  end?: Date;
  log?: (line: string) => void;
  events?: DemoEvent[];
}): Promise<number> {
  const { simulatorUrl, store } = options;
  const days = options.days ?? 35;
  const end = options.end ?? new Date();
  const log = options.log ?? (() => {});
  const events = options.events ?? DEMO_HISTORY;
  if ((await store.listAccounts({ limit: 1 })).totalCount > 0) {
    throw new Error(
      'The database already holds results: demo history is only replayed into an empty one',
    );
  }

  // The world's clock and the engine's move together from each moment set.
  let moment = new Date(0);
  let setAt = Date.now();
  const now = () => new Date(moment.getTime() + (Date.now() - setAt));
  const setClock = async (at: Date) => {
    moment = at;
    setAt = Date.now();
    await admin(simulatorUrl, 'PUT', '/clock', { at: at.toISOString() });
  };

  let runId = '';
  let evaluations = 0;
  // Labels the replay: verdict changes name a demo-replay run; no run records are written.
  const labelled: EvaluationStore = Object.assign(Object.create(store), {
    startRun: async () => runId,
    finishRun: async () => {},
    saveResult: (input: Parameters<EvaluationStore['saveResult']>[0]) => {
      evaluations += 1;
      return store.saveResult({ ...input, runId: input.runId ?? runId });
    },
  });
  const engine = demoReplayEngine(simulatorUrl, labelled, now);

  try {
    for (let daysAgo = days; daysAgo >= 1; daysAgo -= 1) {
      const daily = momentOf(end, daysAgo, DAILY_AT);
      runId = `demo-replay-${daily.toISOString().slice(0, 10)}`;
      await setClock(daily);
      await engine.runAll({ trigger: 'schedule' });
      for (const event of events.filter(e => e.daysAgo === daysAgo)) {
        const at = momentOf(end, daysAgo, event.time);
        await setClock(at);
        await admin(
          simulatorUrl,
          'PATCH',
          `/accounts/${event.accountId}/trails/${event.trail}`,
          event.patch,
        );
        if (event.evaluate === 'all') {
          await engine.runAll({ trigger: 'manual' });
        } else {
          // As an owner pressing "Evaluate now" right after the change.
          await engine.evaluateOne(event.accountId);
        }
        log(`${at.toISOString()} ${event.what}`);
      }
    }
    // `end` (by default now): the world as it is (reset), evaluated then, so the portal opens on
    // current results instead of yesterday's 06:00 ones (its first scheduled run may find the
    // catalog still empty, and then nothing is new for the new-accounts run).
    await admin(simulatorUrl, 'POST', '/reset');
    runId = `demo-replay-${end.toISOString().slice(0, 10)}`;
    await setClock(end);
    await engine.runAll({ trigger: 'schedule' });
  } finally {
    await admin(simulatorUrl, 'POST', '/reset');
  }
  return evaluations;
}

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main() {
  const simulatorUrl = arg('simulator') ?? 'http://127.0.0.1:4580';
  const filename = arg('database');
  if (!filename) {
    throw new Error('--database FILE (the demo SQLite file) is required');
  }
  const days = Number(arg('days') ?? 35);
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
  });
  try {
    const database: DatabaseService = { getClient: async () => knex };
    const store = await DatabaseEvaluationStore.create({ database });
    const started = Date.now();
    const count = await replayDemoHistory({
      simulatorUrl,
      store,
      days,
      log: line => console.log(`[demo history] ${line}`),
    });
    console.log(
      `[demo history] replayed ${days} days (${count} evaluations) into ${filename} in ${Math.round(
        (Date.now() - started) / 1000,
      )} s; verdict changes name runs demo-replay-<day>`,
    );
  } finally {
    await knex.destroy();
  }
}

if (require.main === module) {
  main().catch(error => {
    console.error(`[demo history] ${error}`);
    process.exit(1);
  });
}
