/**
 * The benchmark's real catalog: `@backstage/plugin-catalog-backend` in an in-process Backstage
 * backend (`startTestBackend`), fed the benchmark's entities by an entity provider (one full
 * mutation) and processed and stitched by its own engine, and beside it a plugin that serves the
 * cis-aws router over the benchmark's store, reaching the catalog the way the cis-aws plugin
 * does: `catalogServiceRef` (the catalog client over the catalog's HTTP API, with the caller's
 * credentials), `coreServices.permissions`, `coreServices.auth`.
 *
 * The permission policy is the benchmark's (`benchPolicy`), served as `coreServices.permissions`
 * to both plugins: the catalog applies its CONDITIONAL decisions itself (its permission
 * integration turns the conditions into a database filter), so a caller reads what the real
 * catalog lets them read, and the cis-aws plugin sees only that.
 */
import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  CatalogService,
  catalogProcessingExtensionPoint,
  catalogServiceRef,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { AWS_ACCOUNT_ID_ANNOTATION } from '@cis-aws/plugin-cis-aws-common';
import { JsonObject } from '@backstage/types';
import express, { Router } from 'express';
import { AddressInfo } from 'node:net';

/** The catalog's database, as `backend.database` configures it for the test backend. */
export type CatalogDatabaseConfig = JsonObject;

/** How many entities of each kind the catalog must serve before anything is measured. */
export interface ExpectedCounts {
  accounts: number;
  groups: number;
  systems: number;
}

export interface RealCatalogOptions {
  entities: Entity[];
  expected: ExpectedCounts;
  database: CatalogDatabaseConfig;
  permissions: PermissionsService;
  /**
   * Builds the cis-aws router over the catalog client the backend provides; called again by
   * `reset` (new services: every cache of the plugin empty).
   */
  buildRouter: (deps: {
    catalog: CatalogService;
    permissions: PermissionsService;
    auth: typeof coreServices.auth.T;
    httpAuth: typeof coreServices.httpAuth.T;
    userInfo: typeof coreServices.userInfo.T;
  }) => Promise<express.Router>;
  /** Wraps the catalog client (the benchmark times its calls). */
  wrapCatalog: (catalog: CatalogService) => CatalogService;
  /** The timing middleware, ahead of the router. */
  middleware: express.RequestHandler;
  /** How long to wait for the catalog to ingest and stitch everything. */
  ingestTimeoutMs: number;
}

/** Hands the catalog every entity in one full mutation, as a provider owning them does. */
class BenchEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly connected: Promise<void>;
  private resolveConnected!: () => void;

  constructor(private readonly entities: Entity[]) {
    this.connected = new Promise(resolve => {
      this.resolveConnected = resolve;
    });
  }

  getProviderName() {
    return 'cis-aws-bench';
  }

  async connect(connection: EntityProviderConnection) {
    this.connection = connection;
    this.resolveConnected();
  }

  async applyAll() {
    await this.connected;
    await this.connection!.applyMutation({
      type: 'full',
      entities: this.entities.map(entity => ({
        entity,
        locationKey: 'cis-aws-bench',
      })),
    });
  }
}

/** How many entities match, as the catalog answers (its totals count stitched entities). */
async function countOf(
  catalog: CatalogService,
  filter: Record<string, string | symbol>,
  credentials: Parameters<CatalogService['queryEntities']>[1]['credentials'],
) {
  const { totalItems } = await catalog.queryEntities(
    { filter, limit: 1, fields: ['kind'] },
    { credentials },
  );
  return totalItems;
}

export async function startRealCatalog(options: RealCatalogOptions) {
  const provider = new BenchEntityProvider(options.entities);
  let rebuild: (() => Promise<void>) | undefined;
  let catalogClient: CatalogService | undefined;
  let ownCredentials: (() => Promise<unknown>) | undefined;

  const providerModule = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'cis-aws-bench-provider',
    register(reg) {
      reg.registerInit({
        deps: { processing: catalogProcessingExtensionPoint },
        async init({ processing }) {
          processing.addEntityProvider(provider);
        },
      });
    },
  });

  const apiPlugin = createBackendPlugin({
    pluginId: 'cis-aws',
    register(env) {
      env.registerInit({
        deps: {
          catalog: catalogServiceRef,
          permissions: coreServices.permissions,
          auth: coreServices.auth,
          httpAuth: coreServices.httpAuth,
          userInfo: coreServices.userInfo,
          httpRouter: coreServices.httpRouter,
        },
        async init({ catalog, httpRouter, ...deps }) {
          const wrapped = options.wrapCatalog(catalog);
          catalogClient = catalog;
          ownCredentials = () => deps.auth.getOwnServiceCredentials();
          let current: express.Router | undefined;
          rebuild = async () => {
            current = await options.buildRouter({ catalog: wrapped, ...deps });
          };
          await rebuild();
          const router = Router();
          router.use(options.middleware);
          router.use((req, res, next) => current!(req, res, next));
          httpRouter.use(router);
        },
      });
    },
  });

  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      providerModule,
      apiPlugin,
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => options.permissions,
      }),
      mockServices.rootLogger.factory({ level: 'warn' }),
      mockServices.rootConfig.factory({
        data: {
          backend: { database: options.database },
          catalog: {
            rules: [{ allow: ['Resource', 'Group', 'System', 'Location'] }],
            // The catalog's defaults: entities are processed again between 100 and 150 s after
            // their last processing; none of the benchmark's entities changes in between.
          },
        },
      }),
    ],
  });
  const port = (backend.server.address() as AddressInfo).port;

  const ingestStarted = performance.now();
  await provider.applyAll();
  const credentials = (await ownCredentials!()) as Parameters<
    CatalogService['queryEntities']
  >[1]['credentials'];
  const deadline = Date.now() + options.ingestTimeoutMs;
  let last = { accounts: 0, groups: 0, systems: 0 };
  for (;;) {
    // The condition: every entity readable through the catalog's API, with the relations the
    // routes follow (stitched: an account's ownedBy and partOf, a group's childOf).
    last = {
      accounts: await countOf(
        catalogClient!,
        {
          [`metadata.annotations.${AWS_ACCOUNT_ID_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
          'relations.ownedBy': CATALOG_FILTER_EXISTS,
          'relations.partOf': CATALOG_FILTER_EXISTS,
        },
        credentials,
      ),
      groups: await countOf(catalogClient!, { kind: 'Group' }, credentials),
      systems: await countOf(catalogClient!, { kind: 'System' }, credentials),
    };
    if (
      last.accounts === options.expected.accounts &&
      last.groups === options.expected.groups &&
      last.systems === options.expected.systems
    ) {
      break;
    }
    if (Date.now() > deadline) {
      await backend.stop();
      throw new Error(
        `the catalog served ${JSON.stringify(last)} of ${JSON.stringify(
          options.expected,
        )} after ${options.ingestTimeoutMs} ms`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  const ingestMs = performance.now() - ingestStarted;

  return {
    port,
    basePath: '/api/cis-aws',
    ingestMs,
    /** New services over the same catalog and store: every cache of the plugin empty. */
    reset: () => rebuild!(),
    close: () => backend.stop(),
  };
}
