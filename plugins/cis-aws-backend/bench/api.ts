/**
 * The HTTP API's speed at scale: `npm run bench:api` (add `-- --sizes 1000,10000 --samples 30`).
 *
 * For each database (SQLite in a temporary file; PostgreSQL too when
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set) and each N, it saves N realistic
 * evaluations through the plugin's own store (70 % PASS, 20 % FAIL, 10 % ERROR; teams of 50
 * accounts, departments of 500, one root group above them), builds the plugin's real router and
 * services over that store and a catalog holding the N account entities with their groups and
 * systems, and calls each route of the organization and entity pages in-process. It prints, per
 * route and caller (one the catalog's policy allows everything, one it allows conditionally),
 * the median and 95th percentile of the server's time (from the request entering the router to
 * the response's last byte), the median time of it spent in the catalog, and the body size,
 * against the goals of issue #13.
 *
 * The catalog is the in-memory catalog client of `@backstage/catalog-client/testUtils` (the
 * same filters, relations and streaming as the catalog backend's API) with the look-ups the real
 * catalog answers from its indexes (an entity by ref, entities by a relation or annotation)
 * indexed likewise (see IndexedCatalog): unindexed, the client scans and re-traverses all N
 * entities on every call, which at 10,000 accounts made most of the entity routes' time and
 * measured the stand-in, not the plugin. Each route's first (warm-up) request checks every answer
 * of the indexed catalog against the plain in-memory client's. The real catalog backend would
 * first have to ingest and stitch N entities through its processing loop, which takes minutes per
 * size on this machine and measures the catalog, not this plugin; its cost per request is the
 * visibility lookup, which the plugin caches per caller (see CatalogAccess), and the entities an
 * entity stands for (all N for the root group), which the `catalog` column shows.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  LoggerService,
  PermissionsService,
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

function catalogEntities(count: number): Entity[] {
  const entities: Entity[] = [];
  const groups = new Map<string, string>(); // group → parent
  for (let n = 0; n < count; n += 1) {
    const team = teamOf(n);
    groups.set(team, departmentOf(n));
    groups.set(departmentOf(n), ROOT);
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: `aws-${accountIdOf(n)}`,
        namespace: 'default',
        title: `Account ${n}`,
        annotations: { 'amazonaws.com/account-id': accountIdOf(n) },
      },
      spec: { type: 'cloud-account', owner: team, system: `system-${team}` },
      relations: [
        { type: 'ownedBy', targetRef: `group:default/${team}` },
        { type: 'partOf', targetRef: `system:default/system-${team}` },
      ],
    });
  }
  entities.push({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: ROOT, namespace: 'default' },
    spec: { type: 'organization', children: [] },
  });
  for (const [group, parent] of groups) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: group, namespace: 'default' },
      spec: { type: 'team', parent, children: [] },
      relations: [{ type: 'childOf', targetRef: `group:default/${parent}` }],
    });
  }
  return entities;
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
 * The catalog's policy: ALLOW for the admin; CONDITIONAL for the user, so the plugin asks the
 * catalog for what they may read (here: every account too, the worst case for the lists).
 */
const benchPolicy = {
  authorize: async (requests: unknown[]) =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
  authorizeConditional: async (
    requests: unknown[],
    options: { credentials: { principal: unknown } },
  ) =>
    requests.map(() =>
      (options.credentials.principal as { userEntityRef?: string })
        .userEntityRef === CALLERS.admin
        ? { result: AuthorizeResult.ALLOW }
        : {
            result: AuthorizeResult.CONDITIONAL,
            pluginId: 'catalog',
            resourceType: 'catalog-entity',
            conditions: {
              rule: 'HAS_ANNOTATION',
              resourceType: 'catalog-entity',
              params: { annotation: 'amazonaws.com/account-id' },
            },
          },
    ),
} as unknown as PermissionsService;

/**
 * The catalog, timing each call: the part of a request's time that is the catalog's. While
 * `check.on` (the warm-up request of each route, not measured), every answer of the indexed
 * catalog is compared with the in-memory client's answer to the same request: the indexes
 * change how fast the catalog answers, never what.
 */
function timedCatalog(
  catalog: CatalogService,
  reference: CatalogService,
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
      const referenceValue = Reflect.get(reference, property) as (
        ...args: unknown[]
      ) => any;
      if (property === 'streamEntities') {
        return async function* stream(...args: unknown[]) {
          const pages: unknown[] = [];
          let started = performance.now();
          for await (const page of value.apply(target, args)) {
            spent.ms += performance.now() - started;
            if (check.on) pages.push(...page);
            yield page;
            started = performance.now();
          }
          spent.ms += performance.now() - started;
          if (check.on) {
            const expected: unknown[] = [];
            for await (const page of referenceValue.apply(reference, args)) {
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
        if (check.on) {
          compare(
            property,
            args,
            answer,
            await referenceValue.apply(reference, args),
          );
        }
        return answer;
      };
    },
  });
}

async function startApi(store: DatabaseEvaluationStore, count: number) {
  const catalogSpent = { ms: 0 };
  const check = { on: false, compared: 0 };
  const entities = catalogEntities(count);
  const catalog = timedCatalog(
    new IndexedCatalog({ entities }),
    catalogServiceMock({ entities }),
    catalogSpent,
    check,
  );
  const options = readCisAwsOptions(new ConfigReader({}));
  const services = createApiServices({
    catalog,
    permissions: benchPolicy,
    auth: mockServices.auth({ pluginId: 'cis-aws' }),
    logger: quietLogger,
    store,
    controls: store.controls(),
    engine: {
      readCatalog: () => Promise.reject(new Error('not in the bench')),
      evaluateOne: () => Promise.reject(new Error('not in the bench')),
    },
    userInfo: mockServices.userInfo(),
    // Not part of what is measured here: runs and their records.
    runner: { requestFullRun: () => Promise.reject(new Error('not here')) },
    runs: store.coordination(),
    exceptionOptions: { approvers: [], remindBeforeMs: 14 * 86_400_000 },
    options,
  });
  const router = await createRouter({
    httpAuth: mockServices.httpAuth(),
    ...services,
  });
  const serverTimes: number[] = [];
  const catalogTimes: number[] = [];
  const app = express();
  app.use((_req, res, next) => {
    const started = process.hrtime.bigint();
    catalogSpent.ms = 0;
    res.on('finish', () => {
      serverTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
      catalogTimes.push(catalogSpent.ms);
    });
    next();
  });
  app.use(router);
  const server = await new Promise<ReturnType<typeof app.listen>>(resolve => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    serverTimes,
    catalogTimes,
    check,
    port,
    close: () => server.close(),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

async function measure(
  api: Awaited<ReturnType<typeof startApi>>,
  path: string,
  caller: string,
) {
  const url = `http://127.0.0.1:${api.port}${path}`;
  const headers = { Authorization: mockCredentials.user.header(caller) };
  let bytes = 0;
  const call = async () => {
    const response = await fetch(url, { headers });
    const body = await response.arrayBuffer();
    if (response.status !== 200) {
      throw new Error(
        `${url}: ${response.status} ${Buffer.from(body).toString()}`,
      );
    }
    bytes = body.byteLength;
  };
  // Warm up (and fill the caller's visibility cache, as the page's first request does),
  // checking the indexed catalog's answers against the in-memory catalog's.
  api.check.on = true;
  try {
    await call();
  } finally {
    api.check.on = false;
  }
  api.serverTimes.length = 0;
  api.catalogTimes.length = 0;
  for (let i = 0; i < SAMPLES; i += 1) await call();
  const times = [...api.serverTimes].sort((a, b) => a - b);
  const catalog = [...api.catalogTimes].sort((a, b) => a - b);
  return {
    median: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    catalog: percentile(catalog, 0.5),
    bytes,
  };
}

async function databases(): Promise<
  Array<{ name: string; open: () => Promise<Knex>; drop: () => Promise<void> }>
> {
  let dir = '';
  const list = [
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
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    },
  ];
  if (PG_CONNECTION) {
    const database = `cis_aws_bench_api_${process.pid}`;
    const admin = () =>
      knexFactory({ client: 'pg', connection: PG_CONNECTION });
    list.push({
      name: 'PostgreSQL',
      open: async () => {
        const db = admin();
        await db.raw('DROP DATABASE IF EXISTS ??', [database]);
        await db.raw('CREATE DATABASE ??', [database]);
        await db.destroy();
        return knexFactory({
          client: 'pg',
          connection: `${PG_CONNECTION.replace(/\/+$/, '')}/${database}`,
        });
      },
      drop: async () => {
        const db = admin();
        await db.raw('DROP DATABASE IF EXISTS ??', [database]);
        await db.destroy();
      },
    });
  }
  return list;
}

function pad(text: string, width: number) {
  return text.padEnd(width);
}

async function main() {
  const [load1, load5] = loadavg();
  console.log(
    `bench:api — load average ${load1.toFixed(2)} / ${load5.toFixed(
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
        console.log(
          `\n${database.name}, ${size} accounts (seeded through the store in ${(
            (Date.now() - seedStarted) /
            1000
          ).toFixed(1)} s)`,
        );
        const api = await startApi(store, size);
        try {
          console.log(
            `  ${pad('route', 30)} ${pad('caller', 7)} ${pad(
              'median',
              10,
            )} ${pad('p95', 10)} ${pad('catalog', 10)} ${pad('body', 8)} goal`,
          );
          for (const route of ROUTES) {
            for (const [name, caller] of Object.entries(CALLERS)) {
              const result = await measure(api, route.path, caller);
              const verdict = result.median < route.goalMs ? 'ok' : 'OVER';
              console.log(
                `  ${pad(route.name, 30)} ${pad(name, 7)} ${pad(
                  `${result.median.toFixed(1)} ms`,
                  10,
                )} ${pad(`${result.p95.toFixed(1)} ms`, 10)} ${pad(
                  `${result.catalog.toFixed(1)} ms`,
                  10,
                )} ${pad(`${(result.bytes / 1024).toFixed(0)} KB`, 8)} < ${
                  route.goalMs
                } ms ${verdict}`,
              );
            }
          }
        } finally {
          api.close();
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

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
