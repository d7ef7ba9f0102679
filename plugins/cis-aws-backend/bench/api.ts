/**
 * The HTTP API's speed at scale: `npm run bench:api` (add `-- --sizes 1000,10000 --samples 30`,
 * `--catalog indexed` for the in-memory stand-in instead of the real catalog).
 *
 * For each database (SQLite in a temporary file; PostgreSQL too when
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set) and each N, it saves N realistic
 * evaluations through the plugin's own store (70 % PASS, 20 % FAIL, 10 % ERROR; teams of 50
 * accounts, departments of 500, one root group above them, a system per team), and serves the
 * plugin's real router and services over that store.
 *
 * The catalog (default `--catalog real`) is `@backstage/plugin-catalog-backend` in an in-process
 * Backstage backend, on the same kind of database (see realCatalog.ts): an entity provider hands
 * it the N account entities, their groups and systems in one full mutation, its own processing
 * and stitching ingest them, and the benchmark waits until the catalog's API serves all of them
 * with their relations (a condition, not a clock); the time that takes is printed as `ingest`.
 * The catalog's defaults are kept (processing loop, deferred stitching, a processing interval of
 * 100–150 s) but for its database: SQLite in memory (on a file, the rollback journal's sync of
 * each processing and stitching transaction made 1,000 accounts take 189 s instead of 25 s on
 * this machine), or a PostgreSQL session with `synchronous_commit=off`; both change how fast it
 * ingests, not how it answers. Nothing is measured before ingest is complete. The router reaches the catalog
 * through `catalogServiceRef` (the catalog client over HTTP with the caller's credentials), as
 * the cis-aws plugin does, and the permission policy below is the catalog's too: the catalog's
 * permission integration applies its CONDITIONAL decision.
 *
 * It prints, per route and caller (one the policy allows everything, one it allows
 * conditionally), the first request's time with every cache of the plugin empty (`cold`: new
 * services before each route and caller), then the median and 95th percentile of the server's
 * time over the following requests (from the request entering the router to the response's
 * last byte), the median time of it spent waiting for the catalog, and the body size, against
 * the goals of issue #13. Then it checks what each caller saw against what the catalog lets
 * them read (the conditional caller may not read one team's accounts).
 *
 * `--catalog indexed`: the in-memory catalog client of `@backstage/catalog-client/testUtils`
 * with the real catalog's indexed look-ups (see IndexedCatalog), no ingest; it does not apply
 * permission conditions, so there the conditional caller sees every account.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  AccountEvaluation,
  Verdict,
} from '@cis-aws/plugin-cis-aws-common';
import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { Knex } from 'knex';
import { createRouter } from '../src/api/router';
import { readCisAwsOptions } from '../src/config';
import { createApiServices } from '../src/services';
import { DatabaseEvaluationStore } from '../src/storage/DatabaseEvaluationStore';
import { IndexedCatalog } from './indexedCatalog';
import { CatalogDatabaseConfig, startRealCatalog } from './realCatalog';
import {
  aTrail,
  aTrailFacts,
  anEvaluation,
  trailArn,
} from '../src/storage/__fixtures__/evaluations';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const SIZES = arg('sizes', '1000,10000').split(',').map(Number);
const SAMPLES = Number(arg('samples', '30'));
const CATALOG = arg('catalog', 'real');
/** Which databases: sqlite, postgres (when the connection string is set), or both. */
const DATABASES = arg('databases', 'sqlite,postgres').split(',');
if (CATALOG !== 'real' && CATALOG !== 'indexed') {
  throw new Error(`--catalog is real or indexed, not ${CATALOG}`);
}
/** How long the real catalog may take to ingest one size before the benchmark gives up. */
const INGEST_TIMEOUT_MS = Number(arg('ingest-timeout-s', '1800')) * 1000;
const PG_CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

const TEAM_SIZE = 50;
const DEPARTMENT_SIZE = 500;
const ROOT = 'org';

/** The goals of issue #13, in ms of server time. */
const ROUTES: Array<{ name: string; path: string; goalMs: number }> = [
  { name: '/v1/accounts first page', path: '/v1/accounts', goalMs: 50 },
  { name: '/v1/owners', path: '/v1/owners', goalMs: 50 },
  {
    name: '/v1/entities a team of 50',
    path: '/v1/entities/group/default/team-0',
    goalMs: 20,
  },
  {
    name: '/v1/entities the root group',
    path: `/v1/entities/group/default/${ROOT}`,
    goalMs: 100,
  },
];

const quietLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return quietLogger;
  },
};

const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'ca-central-1',
  'sa-east-1',
  'eu-north-1',
  'ap-south-1',
  'eu-west-3',
  'ap-northeast-2',
  'us-gov-west-1',
];

function accountIdOf(n: number): string {
  return String(500000000000 + n);
}

/** 70 % PASS, 20 % FAIL, 10 % ERROR, spread evenly over teams. */
function verdictOf(n: number): Verdict {
  const slot = n % 10;
  if (slot < 7) return 'PASS';
  return slot < 9 ? 'FAIL' : 'ERROR';
}

/** An evaluation the size of a real one: two trails, every region scanned. */
function realisticEvaluation(n: number): AccountEvaluation {
  const id = accountIdOf(n);
  const verdict = verdictOf(n);
  const evaluation = anEvaluation(id, verdict, {
    minute: n % 1440,
    trails: [
      aTrail(trailArn(id, 'main'), verdict),
      aTrail(trailArn(id, 'audit'), 'PASS', {
        facts: aTrailFacts(trailArn(id, 'audit'), { isMultiRegion: false }),
      }),
    ],
  });
  evaluation.inventory.regionsScanned = REGIONS;
  return evaluation;
}

function teamOf(n: number) {
  return `team-${Math.floor(n / TEAM_SIZE)}`;
}
function departmentOf(n: number) {
  return `department-${Math.floor(n / DEPARTMENT_SIZE)}`;
}

/** The team whose accounts the conditional caller may not read (the last one). */
function hiddenTeamOf(count: number) {
  return teamOf(count - 1);
}

/**
 * The catalog: N account Resources (owned by their team, part of its system), the teams'
 * systems, and the groups (teams under departments under the root). For the real catalog the
 * relations are left to its processors (the provider's entities carry only specs); the
 * in-memory stand-in gets them written out, as the catalog would serve them.
 */
function catalogEntities(
  count: number,
  options: { withRelations: boolean },
): { entities: Entity[]; groups: number; systems: number } {
  const location = 'url:https://bench.invalid/cis-aws-bench';
  // What the catalog requires of a provider's entities; the stand-in serves them as given.
  const managed: Record<string, string> = options.withRelations
    ? {}
    : {
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': location,
      };
  const relations = (list: Entity['relations']) =>
    options.withRelations ? { relations: list } : {};
  const entities: Entity[] = [];
  const groups = new Map<string, string>(); // group → parent
  const systems = new Set<string>();
  for (let n = 0; n < count; n += 1) {
    const team = teamOf(n);
    groups.set(team, departmentOf(n));
    groups.set(departmentOf(n), ROOT);
    systems.add(team);
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: `aws-${accountIdOf(n)}`,
        namespace: 'default',
        title: `Account ${n}`,
        annotations: {
          ...managed,
          'amazonaws.com/account-id': accountIdOf(n),
        },
      },
      spec: { type: 'cloud-account', owner: team, system: `system-${team}` },
      ...relations([
        { type: 'ownedBy', targetRef: `group:default/${team}` },
        { type: 'partOf', targetRef: `system:default/system-${team}` },
      ]),
    });
  }
  // Systems for the real catalog only: the in-memory client, which the stand-in is checked
  // against, answers the account filter (an annotation's existence) with systems too.
  for (const team of options.withRelations ? [] : systems) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: {
        name: `system-${team}`,
        namespace: 'default',
        annotations: managed,
      },
      spec: { owner: team },
      ...relations([{ type: 'ownedBy', targetRef: `group:default/${team}` }]),
    });
  }
  entities.push({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: ROOT, namespace: 'default', annotations: managed },
    spec: { type: 'organization', children: [] },
  });
  for (const [group, parent] of groups) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: group, namespace: 'default', annotations: managed },
      spec: { type: 'team', parent, children: [] },
      ...relations([{ type: 'childOf', targetRef: `group:default/${parent}` }]),
    });
  }
  return { entities, groups: groups.size + 1, systems: systems.size };
}

async function seed(store: DatabaseEvaluationStore, count: number) {
  const concurrency = 8;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let n = next++; n < count; n = next++) {
        const team = teamOf(n);
        await store.saveResult({
          mapping: {
            accountId: accountIdOf(n),
            entityRef: `resource:default/aws-${accountIdOf(n)}`,
            title: `Account ${n}`,
            ownerRef: `group:default/${team}`,
            systemRef: `system:default/system-${team}`,
          },
          evaluation: realisticEvaluation(n),
        });
      }
    }),
  );
}

/** The two callers: one the catalog's policy allows everything, one it allows conditionally. */
const CALLERS = {
  admin: 'user:default/bench-admin',
  user: 'user:default/bench-user',
} as const;

/**
 * The permission policy (the catalog's and the plugin's): ALLOW for the admin and for services
 * (the plugin's own reads); for the user, reading catalog entities is CONDITIONAL: groups,
 * systems and users, and every account entity but those owned by `hiddenTeam` — nearly every
 * account, the worst case for the lists, and a team whose accounts must not show. Every other
 * permission (the plugin's own) is allowed.
 */
function benchPolicy(hiddenTeamRef: string): PermissionsService {
  const conditional = {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'catalog',
    resourceType: 'catalog-entity',
    conditions: {
      anyOf: [
        {
          rule: 'IS_ENTITY_KIND',
          resourceType: 'catalog-entity',
          params: { kinds: ['Group', 'System', 'User'] },
        },
        {
          allOf: [
            {
              rule: 'HAS_ANNOTATION',
              resourceType: 'catalog-entity',
              params: { annotation: 'amazonaws.com/account-id' },
            },
            {
              not: {
                rule: 'IS_ENTITY_OWNER',
                resourceType: 'catalog-entity',
                params: { claims: [hiddenTeamRef] },
              },
            },
          ],
        },
      ],
    },
  };
  const allowedEverything = (credentials: { principal: unknown }) => {
    const principal = credentials.principal as {
      type?: string;
      userEntityRef?: string;
    };
    return (
      principal.type === 'service' || principal.userEntityRef === CALLERS.admin
    );
  };
  return {
    authorize: async (requests: unknown[]) =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    authorizeConditional: async (
      requests: Array<{ permission: { name: string } }>,
      options: { credentials: { principal: unknown } },
    ) =>
      requests.map(({ permission }) =>
        permission.name !== 'catalog.entity.read' ||
        allowedEverything(options.credentials)
          ? { result: AuthorizeResult.ALLOW }
          : conditional,
      ),
  } as unknown as PermissionsService;
}

/**
 * The catalog, timing each call: the part of a request's time that is the catalog's. With a
 * reference catalog (the indexed stand-in), while `check.on` (the warm-up request of each route,
 * not measured), every answer is compared with the in-memory client's answer to the same
 * request: the indexes change how fast the catalog answers, never what.
 */
function timedCatalog(
  catalog: CatalogService,
  reference: CatalogService | undefined,
  spent: { ms: number },
  check: { on: boolean; compared: number },
) {
  const compare = (
    property: string | symbol,
    args: unknown[],
    a: unknown,
    b: unknown,
  ) => {
    check.compared += 1;
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      throw new Error(
        `the indexed catalog answered ${String(property)}(${JSON.stringify(
          args[0],
        )}) differently from the in-memory catalog`,
      );
    }
  };
  return new Proxy(catalog, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const referenceValue =
        reference &&
        (Reflect.get(reference, property) as (...args: unknown[]) => any);
      const checking = () => check.on && referenceValue !== undefined;
      if (property === 'streamEntities') {
        return async function* stream(...args: unknown[]) {
          const pages: unknown[] = [];
          let started = performance.now();
          for await (const page of value.apply(target, args)) {
            spent.ms += performance.now() - started;
            if (checking()) pages.push(...page);
            yield page;
            started = performance.now();
          }
          spent.ms += performance.now() - started;
          if (checking()) {
            const expected: unknown[] = [];
            for await (const page of referenceValue!.apply(reference, args)) {
              expected.push(...page);
            }
            compare(property, args, pages, expected);
          }
        };
      }
      return async (...args: unknown[]) => {
        const started = performance.now();
        let answer: unknown;
        try {
          answer = await value.apply(target, args);
        } finally {
          spent.ms += performance.now() - started;
        }
        if (checking()) {
          compare(
            property,
            args,
            answer,
            await referenceValue!.apply(reference, args),
          );
        }
        return answer;
      };
    },
  });
}

/** The plugin's API services and router over the store and a catalog. */
async function buildRouter(
  store: DatabaseEvaluationStore,
  deps: {
    catalog: CatalogService;
    permissions: PermissionsService;
    auth: AuthService;
    httpAuth: HttpAuthService;
    userInfo: UserInfoService;
  },
) {
  const services = createApiServices({
    catalog: deps.catalog,
    permissions: deps.permissions,
    auth: deps.auth,
    logger: quietLogger,
    store,
    controls: store.controls(),
    engine: {
      readCatalog: () => Promise.reject(new Error('not in the bench')),
      evaluateOne: () => Promise.reject(new Error('not in the bench')),
    },
    userInfo: deps.userInfo,
    // Not part of what is measured here: runs and their records.
    runner: { requestFullRun: () => Promise.reject(new Error('not here')) },
    runs: store.coordination(),
    exceptionOptions: { approvers: [], remindBeforeMs: 14 * 86_400_000 },
    options: readCisAwsOptions(new ConfigReader({})),
  });
  return createRouter({ httpAuth: deps.httpAuth, ...services });
}

/** Times each request (server time, and the catalog's part of it). */
function timing() {
  const catalogSpent = { ms: 0 };
  const serverTimes: number[] = [];
  const catalogTimes: number[] = [];
  const middleware: express.RequestHandler = (_req, res, next) => {
    const started = process.hrtime.bigint();
    catalogSpent.ms = 0;
    res.on('finish', () => {
      serverTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
      catalogTimes.push(catalogSpent.ms);
    });
    next();
  };
  return { catalogSpent, serverTimes, catalogTimes, middleware };
}

interface RunningApi {
  port: number;
  basePath: string;
  serverTimes: number[];
  catalogTimes: number[];
  check: { on: boolean; compared: number };
  /** Seconds the catalog took to ingest and stitch the entities, when it had to. */
  ingestMs?: number;
  /** Whether the catalog applies the policy's conditions (the stand-in does not). */
  appliesConditions: boolean;
  /** Whether a request can check the catalog's answers (the stand-in against the plain client). */
  checksAnswers: boolean;
  reset: () => Promise<void>;
  close: () => Promise<void>;
}

/** The router over the indexed in-memory stand-in, checked against the plain in-memory client. */
async function startIndexedApi(
  store: DatabaseEvaluationStore,
  count: number,
): Promise<RunningApi> {
  const time = timing();
  const check = { on: false, compared: 0 };
  const { entities } = catalogEntities(count, { withRelations: true });
  const catalog = timedCatalog(
    new IndexedCatalog({ entities }),
    catalogServiceMock({ entities }),
    time.catalogSpent,
    check,
  );
  const deps = {
    catalog,
    permissions: benchPolicy(`group:default/${hiddenTeamOf(count)}`),
    auth: mockServices.auth({ pluginId: 'cis-aws' }),
    httpAuth: mockServices.httpAuth(),
    userInfo: mockServices.userInfo(),
  };
  let current = await buildRouter(store, deps);
  const app = express();
  app.use(time.middleware);
  app.use((req, res, next) => current(req, res, next));
  const server = await new Promise<ReturnType<typeof app.listen>>(resolve => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    port: (server.address() as AddressInfo).port,
    basePath: '',
    serverTimes: time.serverTimes,
    catalogTimes: time.catalogTimes,
    check,
    appliesConditions: false,
    checksAnswers: true,
    reset: async () => {
      current = await buildRouter(store, deps);
    },
    close: async () => {
      await new Promise(resolve => server.close(resolve));
    },
  };
}

/** The router in a backend beside the real catalog backend (realCatalog.ts). */
async function startRealApi(
  store: DatabaseEvaluationStore,
  count: number,
  database: CatalogDatabaseConfig,
): Promise<RunningApi> {
  const time = timing();
  const check = { on: false, compared: 0 };
  const { entities, groups, systems } = catalogEntities(count, {
    withRelations: false,
  });
  const running = await startRealCatalog({
    entities,
    expected: { accounts: count, groups, systems },
    database,
    permissions: benchPolicy(`group:default/${hiddenTeamOf(count)}`),
    buildRouter: deps => buildRouter(store, deps),
    wrapCatalog: catalog =>
      timedCatalog(catalog, undefined, time.catalogSpent, check),
    middleware: time.middleware,
    ingestTimeoutMs: INGEST_TIMEOUT_MS,
  });
  return {
    ...running,
    serverTimes: time.serverTimes,
    catalogTimes: time.catalogTimes,
    check,
    appliesConditions: true,
    checksAnswers: false,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

async function call(api: RunningApi, path: string, caller: string) {
  const url = `http://127.0.0.1:${api.port}${api.basePath}${path}`;
  const response = await fetch(url, {
    headers: { Authorization: mockCredentials.user.header(caller) },
  });
  const body = await response.arrayBuffer();
  if (response.status !== 200) {
    throw new Error(
      `${url}: ${response.status} ${Buffer.from(body).toString()}`,
    );
  }
  return body;
}

async function measure(api: RunningApi, path: string, caller: string) {
  if (api.checksAnswers) {
    // The stand-in's answers checked against the in-memory catalog's, unmeasured.
    api.check.on = true;
    try {
      await call(api, path, caller);
    } finally {
      api.check.on = false;
    }
  }
  // Cold: new services (the plugin's caches empty), the first request, as a page's first.
  await api.reset();
  api.serverTimes.length = 0;
  api.catalogTimes.length = 0;
  let body = await call(api, path, caller);
  const cold = api.serverTimes[0];
  const coldCatalog = api.catalogTimes[0];
  api.serverTimes.length = 0;
  api.catalogTimes.length = 0;
  for (let i = 0; i < SAMPLES; i += 1) body = await call(api, path, caller);
  const times = [...api.serverTimes].sort((a, b) => a - b);
  const catalog = [...api.catalogTimes].sort((a, b) => a - b);
  return {
    cold,
    coldCatalog,
    median: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    catalog: percentile(catalog, 0.5),
    bytes: body.byteLength,
  };
}

/**
 * What each caller saw, against what the catalog lets them read: the admin every account, the
 * conditional user all but the hidden team's (where the catalog applies conditions) — in the
 * list's total, the root group's aggregate, and the hidden team's own card.
 */
async function checkVisibility(api: RunningApi, count: number) {
  const hidden = api.appliesConditions ? TEAM_SIZE : 0;
  const json = async (path: string, caller: string) =>
    JSON.parse(Buffer.from(await call(api, path, caller)).toString());
  const failures: string[] = [];
  const expect = (what: string, actual: number, expected: number) => {
    if (actual !== expected) {
      failures.push(`${what}: ${actual}, expected ${expected}`);
    }
  };
  for (const [name, caller] of Object.entries(CALLERS)) {
    const sees = name === 'admin' ? count : count - hidden;
    const list = await json('/v1/accounts?limit=1', caller);
    expect(`${name} /v1/accounts totalCount`, list.totalCount, sees);
    const root = await json(`/v1/entities/group/default/${ROOT}`, caller);
    expect(`${name} root group accountCount`, root.accountCount, sees);
    const team = await json(
      `/v1/entities/group/default/${hiddenTeamOf(count)}`,
      caller,
    );
    expect(
      `${name} ${hiddenTeamOf(count)} accountCount`,
      team.accountCount,
      name === 'admin' || !api.appliesConditions ? TEAM_SIZE : 0,
    );
  }
  if (failures.length > 0) {
    throw new Error(`visibility is wrong:\n  ${failures.join('\n  ')}`);
  }
  return `admin sees ${count} accounts, user ${count - hidden}${
    api.appliesConditions
      ? ` (the catalog hides ${hiddenTeamOf(count)}'s ${TEAM_SIZE} from them)`
      : ' (the stand-in applies no conditions)'
  }: lists, root group and team agree`;
}

/** host, port, user and password of a postgresql:// URL (the database is the catalog's own). */
function pgConnectionOf(url: string) {
  const parsed = new URL(url);
  return {
    host: decodeURIComponent(parsed.hostname),
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    ...(parsed.password
      ? { password: decodeURIComponent(parsed.password) }
      : {}),
  };
}

interface BenchDatabase {
  name: string;
  open: () => Promise<Knex>;
  /** The catalog backend's `backend.database` on the same kind of database. */
  catalogConfig: () => CatalogDatabaseConfig;
  drop: () => Promise<void>;
}

async function databases(): Promise<BenchDatabase[]> {
  let dir = '';
  const list: BenchDatabase[] = [
    {
      name: 'SQLite',
      open: async () => {
        dir = mkdtempSync(join(tmpdir(), 'cis-aws-bench-api-'));
        return knexFactory({
          client: 'better-sqlite3',
          connection: { filename: join(dir, 'bench.sqlite') },
          useNullAsDefault: true,
        });
      },
      // In memory: on a file, SQLite's rollback journal syncs every one of the catalog's
      // processing and stitching transactions to disk, and ingest takes many minutes.
      catalogConfig: () => ({
        client: 'better-sqlite3',
        connection: ':memory:',
      }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    },
  ];
  if (PG_CONNECTION) {
    const database = `cis_aws_bench_api_${process.pid}`;
    const catalogPrefix = `cis_aws_bench_api_${process.pid}_`;
    const admin = () =>
      knexFactory({ client: 'pg', connection: PG_CONNECTION });
    const dropAll = async () => {
      const db = admin();
      await db.raw('DROP DATABASE IF EXISTS ??', [database]);
      // The test backend leaves the catalog's connections open after it stops.
      await db.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [
        `${catalogPrefix}catalog`,
      ]);
      await db.destroy();
    };
    list.push({
      name: 'PostgreSQL',
      open: async () => {
        await dropAll();
        const db = admin();
        await db.raw('CREATE DATABASE ??', [database]);
        await db.destroy();
        return knexFactory({
          client: 'pg',
          connection: `${PG_CONNECTION.replace(/\/+$/, '')}/${database}`,
        });
      },
      // Without waiting for each of the catalog's ingest transactions to reach the disk of the
      // shared server (synchronous_commit is a session setting: its reads are unchanged).
      catalogConfig: () => ({
        client: 'pg',
        connection: {
          ...pgConnectionOf(PG_CONNECTION),
          options: '-c synchronous_commit=off',
        },
        prefix: catalogPrefix,
      }),
      drop: dropAll,
    });
  }
  return list.filter(d =>
    DATABASES.includes(d.name === 'SQLite' ? 'sqlite' : 'postgres'),
  );
}

function pad(text: string, width: number) {
  return text.padEnd(width);
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main() {
  const [load1, load5] = loadavg();
  console.log(
    `bench:api — ${
      CATALOG === 'real'
        ? 'the real catalog backend (in-process, over HTTP)'
        : 'the indexed in-memory stand-in catalog'
    }; load average ${load1.toFixed(2)} / ${load5.toFixed(
      2,
    )} (1 / 5 min), ${SAMPLES} samples per route`,
  );
  for (const database of await databases()) {
    for (const size of SIZES) {
      const knex = await database.open();
      try {
        const store = await DatabaseEvaluationStore.create({
          database: mockServices.database({ knex }),
        });
        const seedStarted = Date.now();
        await seed(store, size);
        if (database.name === 'PostgreSQL') await knex.raw('VACUUM ANALYZE');
        else await knex.raw('ANALYZE');
        const seeded = (Date.now() - seedStarted) / 1000;
        const api =
          CATALOG === 'real'
            ? await startRealApi(store, size, database.catalogConfig())
            : await startIndexedApi(store, size);
        console.log(
          `\n${database.name}, ${size} accounts (seeded through the store in ${seeded.toFixed(
            1,
          )} s${
            api.ingestMs === undefined
              ? ''
              : `; the catalog ingested and stitched ${size} accounts and their groups and systems in ${(
                  api.ingestMs / 1000
                ).toFixed(1)} s`
          }; load ${loadavg()[0].toFixed(2)})`,
        );
        try {
          console.log(
            `  ${pad('route', 30)} ${pad('caller', 7)} ${pad(
              'cold (catalog)',
              22,
            )} ${pad('median', 10)} ${pad('p95', 10)} ${pad(
              'catalog',
              10,
            )} ${pad('body', 8)} goal`,
          );
          for (const route of ROUTES) {
            for (const [name, caller] of Object.entries(CALLERS)) {
              const result = await measure(api, route.path, caller);
              const verdict = result.median < route.goalMs ? 'ok' : 'OVER';
              console.log(
                `  ${pad(route.name, 30)} ${pad(name, 7)} ${pad(
                  `${ms(result.cold)} (${ms(result.coldCatalog)})`,
                  22,
                )} ${pad(ms(result.median), 10)} ${pad(
                  ms(result.p95),
                  10,
                )} ${pad(ms(result.catalog), 10)} ${pad(
                  `${(result.bytes / 1024).toFixed(0)} KB`,
                  8,
                )} < ${route.goalMs} ms ${verdict}`,
              );
            }
          }
          console.log(`  visibility: ${await checkVisibility(api, size)}`);
        } finally {
          await api.close();
        }
      } finally {
        await knex.destroy();
        await database.drop();
      }
    }
  }
  const [after1] = loadavg();
  console.log(`\nload average at the end: ${after1.toFixed(2)}`);
}

main()
  .catch(error => {
    console.error(error);
    process.exitCode = 1;
  })
  // The catalog backend leaves timers behind after it stops (its processing and stitching
  // loops' last waits, the test backend's connections): the results are printed, so end here.
  .finally(() => process.exit());
