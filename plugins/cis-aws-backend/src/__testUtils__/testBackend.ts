import {
  BackstageUserPrincipal,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { RunningSimulator, startSimulator } from '@internal/aws-simulator';
import { Knex } from 'knex';
import supertest from 'supertest';
import { EvaluationRun } from '@cis-aws/plugin-cis-aws-common';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cisAwsPlugin } from '../plugin';
import { demoEntities } from './demoCatalog';

export const DEMO_WORLD = readFileSync(
  join(
    dirname(require.resolve('@internal/aws-simulator/package.json')),
    'worlds/demo.yaml',
  ),
  'utf8',
);

/** The simulator on a free port, with the demo world and rate limits as configured. */
export async function startDemoSimulator(
  options: { rateLimits?: boolean } = {},
) {
  const sim = await startSimulator({ world: DEMO_WORLD, port: 0 });
  if (!options.rateLimits) sim.admin.setRateLimits({ enabled: false });
  return sim;
}

/**
 * A catalog that hides some entities from some users, the way a catalog
 * permission policy would: the plugin must ask with the caller's credentials.
 */
function catalogHiding(
  entities: Entity[],
  hidden: Record<string, string[]>,
): CatalogService {
  const base = catalogServiceMock({ entities });
  const hides = (credentials: { principal: unknown }, ref: string) => {
    const principal = credentials.principal as { userEntityRef?: string };
    return (hidden[principal.userEntityRef ?? ''] ?? []).includes(ref);
  };
  return new Proxy(base, {
    get(target, property, receiver) {
      if (property === 'getEntityByRef') {
        return async (
          ref: string,
          opts: { credentials: { principal: unknown } },
        ) =>
          hides(opts.credentials, ref)
            ? undefined
            : target.getEntityByRef(ref, opts as never);
      }
      if (property === 'streamEntities') {
        return async function* stream(
          request: never,
          opts: { credentials: { principal: unknown } },
        ) {
          for await (const page of target.streamEntities(
            request,
            opts as never,
          )) {
            yield page.filter(
              e => !hides(opts.credentials, stringifyEntityRef(e)),
            );
          }
        };
      }
      if (property === 'getEntities') {
        return async (
          request: never,
          opts: { credentials: { principal: unknown } },
        ) => {
          const response = await target.getEntities(request, opts as never);
          return {
            items: response.items.filter(
              e => !hides(opts.credentials, stringifyEntityRef(e)),
            ),
          };
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/**
 * The permission policy behind `catalogHiding`: the catalog's read permission is conditional for
 * a user it hides entities from (the catalog applies the conditions) and allowed outright for
 * everyone else; this plugin's own permissions get `result`.
 */
function permissionPolicy(
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  hidden: Record<string, string[]>,
): PermissionsService {
  const userOf = (credentials: { principal: unknown }) =>
    (credentials.principal as { userEntityRef?: string }).userEntityRef ?? '';
  return {
    authorize: async requests => requests.map(() => ({ result })),
    authorizeConditional: async (requests, { credentials }) =>
      requests.map(request => {
        if (request.permission.name !== 'catalog.entity.read') {
          return { result };
        }
        return (hidden[userOf(credentials)] ?? []).length > 0
          ? {
              result: AuthorizeResult.CONDITIONAL,
              pluginId: 'catalog',
              resourceType: 'catalog-entity',
              conditions: {
                rule: 'IS_NOT_HIDDEN',
                resourceType: 'catalog-entity',
                params: {},
              },
            }
          : { result: AuthorizeResult.ALLOW };
      }),
  } as PermissionsService;
}

export interface TestBackendOptions {
  sim: RunningSimulator;
  entities?: Entity[];
  /** userEntityRef → entity refs that user may not read. */
  hiddenFrom?: Record<string, string[]>;
  /** The answer to every permission of this plugin (evaluate, manage exceptions). */
  evaluatePermission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  cisAws?: Record<string, unknown>;
  /**
   * userEntityRef → the groups Backstage says the user belongs to (userInfo). Default: the demo
   * organization's (examples/org.yaml) for the users the tests sign in as.
   */
  groups?: Record<string, string[]>;
  /** A database from TestDatabases; default: the test backend's in-memory SQLite. */
  database?: Knex;
  /** More features to start along (e.g. another plugin). */
  features?: Parameters<typeof startTestBackend>[0]['features'];
  /**
   * Backstage's own scheduler on the plugin's database (tasks run on their schedules and are
   * shared through the database, as in production) instead of the test scheduler, which runs a
   * task only when triggered, in the caller.
   */
  realScheduler?: boolean;
}

/** Who belongs to which demo group (examples/org.yaml), for the users tests sign in as. */
export const DEMO_GROUPS: Record<string, string[]> = {
  'user:default/guest': ['group:default/security-team'],
  'user:default/alan': ['group:default/security-team'],
  'user:default/barbara': ['group:default/payments-team'],
  'user:default/ada': ['group:default/platform-team'],
};

/** The cis-aws plugin in a test backend, talking to the simulator through the real SDK. */
export async function startCisAwsBackend(options: TestBackendOptions) {
  return (await startCisAwsTestBackend(options)).server;
}

/** {@link startCisAwsBackend}, answering the test backend itself (to stop it). */
export async function startCisAwsTestBackend(options: TestBackendOptions) {
  const entities = options.entities ?? demoEntities();
  const catalog = catalogHiding(entities, options.hiddenFrom ?? {});
  return startTestBackend({
    features: [
      cisAwsPlugin,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalog,
      }),
      options.realScheduler
        ? schedulerServiceFactory
        : mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      ...(options.database
        ? [mockServices.database.factory({ knex: options.database })]
        : []),
      ...(options.features ?? []),
      // A request without credentials is anonymous, as in production.
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () =>
          permissionPolicy(
            options.evaluatePermission ?? AuthorizeResult.ALLOW,
            options.hiddenFrom ?? {},
          ),
      }),
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => ({
          async getUserInfo(credentials) {
            const user = (credentials.principal as BackstageUserPrincipal)
              .userEntityRef;
            return {
              userEntityRef: user,
              ownershipEntityRefs: [
                user,
                ...((options.groups ?? DEMO_GROUPS)[user] ?? []),
              ],
            };
          },
        }),
      }),
      mockServices.rootConfig.factory({
        data: {
          aws: {
            mainAccount: {
              accessKeyId: 'AKIATESTMAINACCOUNT1',
              secretAccessKey: 'test-only',
            },
            accountDefaults: { roleName: 'CisAwsReader' },
          },
          cisAws: {
            aws: {
              endpoint: options.sim.url,
              regions: [
                'us-east-1',
                'us-east-2',
                'us-west-2',
                'eu-west-1',
                'ap-east-1',
              ],
              maxAttempts: 3,
            },
            securityHub: {
              administratorAccountId: '402233445566',
              region: 'us-east-1',
            },
            ...options.cisAws,
          },
        },
      }),
    ],
  });
}

/**
 * `POST /v1/runs` (answered 202 with the run's id) and waits until that run is over; the run
 * record. `authorization`: the caller's Authorization header.
 */
export async function runAndWait(
  server: Parameters<typeof supertest>[0],
  authorization: string,
  options: { timeoutMs?: number } = {},
): Promise<EvaluationRun> {
  const asked = await supertest(server)
    .post('/api/cis-aws/v1/runs')
    .set('Authorization', authorization);
  if (asked.status !== 202) {
    throw new Error(
      `POST /v1/runs answered ${asked.status}: ${JSON.stringify(asked.body)}`,
    );
  }
  return waitForRun(server, authorization, asked.body.runId, options);
}

/** Polls `GET /v1/runs/{runId}` until the run is neither queued nor running. */
export async function waitForRun(
  server: Parameters<typeof supertest>[0],
  authorization: string,
  runId: string,
  options: { timeoutMs?: number } = {},
): Promise<EvaluationRun> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const res = await supertest(server)
      .get(`/api/cis-aws/v1/runs/${runId}`)
      .set('Authorization', authorization);
    if (res.status !== 200) {
      throw new Error(`GET /v1/runs/${runId} answered ${res.status}`);
    }
    const run: EvaluationRun = res.body;
    if (run.status !== 'queued' && run.status !== 'running') return run;
    if (Date.now() > deadline) {
      throw new Error(
        `run ${runId} still ${run.status}: ${JSON.stringify(run)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
