import techInsightsBackend from '@backstage-community/plugin-tech-insights-backend';
import techInsightsJsonRulesEngine from '@backstage-community/plugin-tech-insights-backend-module-jsonfc';
import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { EntityResultResponse } from '@cis-aws/plugin-cis-aws-common';
import {
  account,
  checkoutTeamResult,
  entityResult,
  paymentsSystemResult,
  withDetection,
} from './__fixtures__/entityResults';
import { cisAwsChecks, cisAwsChecksConfig } from './checks';
import { readConcurrency, techInsightsModuleCisAws } from './module';
import { CIS_AWS_FACT_RETRIEVER_ID } from './retriever/schema';

// Over HTTP to a real server: a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers, never on clocks.
jest.setTimeout(60_000);

/**
 * The real tech-insights backend with the jsonfc fact checker and this
 * module, on a real database, next to a fake catalog and a fake cis-aws
 * backend that answer over HTTP like the real ones. The retriever is run by
 * triggering its scheduled task, as its cadence would.
 */

type CatalogItem = {
  kind: string;
  metadata: { namespace: string; name: string };
};

const CATALOG: CatalogItem[] = [
  { kind: 'System', metadata: { namespace: 'default', name: 'payments' } },
  { kind: 'Group', metadata: { namespace: 'default', name: 'checkout-team' } },
  { kind: 'Group', metadata: { namespace: 'default', name: 'platform-team' } },
];

const healthyPlatformTeam = entityResult(
  'group:default/platform-team',
  'PASS',
  [account('401122334455', 'PASS', '2026-11-01T00:00:00.000Z')],
);

/** What the fake cis-aws backend answers now, by entity ref (lower case). */
let results: Record<string, EntityResultResponse> = {};

/** Routes `GET <path>` of a fake plugin to `answer`; anything else falls through. */
function fakePlugin(
  pluginId: string,
  answer: (path: string) => { status: number; body: unknown },
) {
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          httpRouter.use((req, res, next) => {
            if (req.method !== 'GET') return next();
            const { status, body } = answer(req.path);
            return res.status(status).json(body);
          });
        },
      });
    },
  });
}

const fakeCatalog = fakePlugin('catalog', path =>
  path === '/entities/by-query'
    ? { status: 200, body: { items: CATALOG, pageInfo: {} } }
    : { status: 404, body: { error: { message: 'not found' } } },
);

const fakeCisAws = fakePlugin('cis-aws', path => {
  const match = path.match(/^\/v1\/entities\/([^/]+)\/([^/]+)\/([^/]+)$/);
  const ref = match && `${match[1]}:${match[2]}/${match[3]}`.toLowerCase();
  const result = ref ? results[ref] : undefined;
  return result
    ? { status: 200, body: result }
    : { status: 404, body: { error: { message: `no ${ref}` } } };
});

/** Lets the test trigger the tech-insights plugin's scheduled tasks. */
const probe: { scheduler?: SchedulerService } = {};
const schedulerProbe = createBackendModule({
  pluginId: 'tech-insights',
  moduleId: 'test-scheduler-probe',
  register(reg) {
    reg.registerInit({
      deps: { scheduler: coreServices.scheduler },
      async init({ scheduler }) {
        probe.scheduler = scheduler;
      },
    });
  },
});

/** Discovery that points every plugin at the test backend, once it listens. */
const backendUrl = { value: '' };
const discovery = createServiceFactory({
  service: coreServices.discovery,
  deps: {},
  factory: () => ({
    getBaseUrl: async (pluginId: string) =>
      `${backendUrl.value}/api/${pluginId}`,
    getExternalBaseUrl: async (pluginId: string) =>
      `${backendUrl.value}/api/${pluginId}`,
  }),
});

const CHECK_IDS = cisAwsChecks.map(check => check.id);

/** SQLite always; PostgreSQL when a connection string is set (as CI does). */
const databases = TestDatabases.create({
  ids: ['POSTGRES_18', 'POSTGRES_17', 'POSTGRES_16', 'POSTGRES_15', 'SQLITE_3'],
});

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map(backend => backend.stop()));
});

async function startTechInsights(options: {
  databaseId: Parameters<typeof databases.init>[0];
  techInsights: Record<string, unknown>;
}) {
  const logger = mockServices.logger.mock();
  logger.child.mockImplementation(() => logger);
  const knex = await databases.init(options.databaseId);
  const backend = await startTestBackend({
    features: [
      // a scheduler of its own: the default one is shared by every test backend of the file
      mockServices.scheduler.factory(),
      techInsightsBackend,
      techInsightsJsonRulesEngine,
      techInsightsModuleCisAws,
      schedulerProbe,
      fakeCatalog,
      fakeCisAws,
      discovery,
      logger.factory,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        // through JSON: the config data type wants JSON values
        data: JSON.parse(
          JSON.stringify({ techInsights: options.techInsights }),
        ),
      }),
    ],
  });
  running.push(backend);
  const address = backend.server.address();
  backendUrl.value = `http://localhost:${
    typeof address === 'object' && address ? address.port : 0
  }`;
  return { logger };
}

function postChecks(entityPath: string) {
  return fetch(
    `${backendUrl.value}/api/tech-insights/checks/run/${entityPath}`,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: mockCredentials.user.header(),
      },
      body: JSON.stringify({ checks: CHECK_IDS }),
    },
  );
}

/** The results of both checks for an entity, by check id. */
async function runChecks(entityPath: string) {
  const response = await postChecks(entityPath);
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    check: { id: string };
    result: boolean;
  }[];
  return Object.fromEntries(body.map(r => [r.check.id, r.result]));
}

const configured = {
  factRetrievers: {
    [CIS_AWS_FACT_RETRIEVER_ID]: {
      cadence: '* * * * *',
      lifecycle: { maxItems: 2 },
    },
  },
  factChecker: { checks: cisAwsChecksConfig() },
};

describe.each(databases.eachSupportedId())(
  'the module in the tech-insights backend, on %p',
  databaseId => {
    beforeEach(() => {
      results = {
        'system:default/payments': {
          ...paymentsSystemResult,
          pendingAccountIds: [],
        },
        'group:default/checkout-team': checkoutTeamResult,
        'group:default/platform-team': healthyPlatformTeam,
      };
    });

    it('schedules the retriever under its cadence, and its facts fail and pass the checks', async () => {
      await startTechInsights({ databaseId, techInsights: configured });
      const tasks = await probe.scheduler!.getScheduledTasks();
      expect(tasks.map(task => task.id)).toContain(CIS_AWS_FACT_RETRIEVER_ID);

      await probe.scheduler!.triggerTask(CIS_AWS_FACT_RETRIEVER_ID);

      expect(await runChecks('default/group/checkout-team')).toEqual({
        'cis-aws-2-4-compliant': false,
        'cis-aws-2-4-failures-fresh': false,
        'cis-aws-detection-alerted': false,
      });
      expect(await runChecks('default/system/payments')).toEqual({
        'cis-aws-2-4-compliant': true,
        'cis-aws-2-4-failures-fresh': true,
        // its detection was not evaluated: not a failure
        'cis-aws-detection-alerted': true,
      });

      const latest = await fetch(
        `${backendUrl.value}/api/tech-insights/facts/latest?entity=group:default/checkout-team&ids=${CIS_AWS_FACT_RETRIEVER_ID}`,
        { headers: { authorization: mockCredentials.user.header() } },
      );
      const facts = await latest.json();
      expect(facts[CIS_AWS_FACT_RETRIEVER_ID].facts).toMatchObject({
        cisAwsVerdict: 'FAIL',
        cisAwsFailingAccounts: 2,
        cisAwsDetectionVerdict: 'FAIL',
        cisAwsDetectionFailingAccountRefs: [
          'resource:default/aws-storefront-prod',
          'resource:default/aws-storefront-staging',
        ],
      });
    });

    it("an account breaking turns its team's compliance check red at the next run", async () => {
      await startTechInsights({ databaseId, techInsights: configured });
      await probe.scheduler!.triggerTask(CIS_AWS_FACT_RETRIEVER_ID);
      expect(
        (await runChecks('default/group/platform-team'))[
          'cis-aws-2-4-compliant'
        ],
      ).toBe(true);

      // the cis-aws backend evaluated the account again and found it failing
      results['group:default/platform-team'] = entityResult(
        'group:default/platform-team',
        'FAIL',
        [account('401122334455', 'FAIL', new Date().toISOString())],
      );
      await probe.scheduler!.triggerTask(CIS_AWS_FACT_RETRIEVER_ID);

      expect(await runChecks('default/group/platform-team')).toEqual({
        'cis-aws-2-4-compliant': false,
        // failing since just now: still fresh
        'cis-aws-2-4-failures-fresh': true,
        // never evaluated for detection
        'cis-aws-detection-alerted': true,
      });
    });

    it("an alarm losing its subscriber turns its team's detection check red at the next run, 2.4 unchanged", async () => {
      const alerted = withDetection(
        account('401122334455', 'PASS', '2026-11-01T00:00:00.000Z'),
        'PASS',
      );
      results['group:default/platform-team'] = entityResult(
        'group:default/platform-team',
        'PASS',
        [alerted],
      );
      await startTechInsights({ databaseId, techInsights: configured });
      await probe.scheduler!.triggerTask(CIS_AWS_FACT_RETRIEVER_ID);
      expect(
        (await runChecks('default/group/platform-team'))[
          'cis-aws-detection-alerted'
        ],
      ).toBe(true);

      results['group:default/platform-team'] = entityResult(
        'group:default/platform-team',
        'PASS',
        [withDetection(alerted, 'FAIL', ['3.5'], new Date().toISOString())],
      );
      await probe.scheduler!.triggerTask(CIS_AWS_FACT_RETRIEVER_ID);

      expect(await runChecks('default/group/platform-team')).toEqual({
        'cis-aws-2-4-compliant': true,
        'cis-aws-2-4-failures-fresh': true,
        'cis-aws-detection-alerted': false,
      });
    });

    it('warns at start-up, and is not scheduled, without a cadence', async () => {
      const { logger } = await startTechInsights({
        databaseId,
        techInsights: { factChecker: configured.factChecker },
      });
      const tasks = await probe.scheduler!.getScheduledTasks();
      expect(tasks.map(task => task.id)).not.toContain(
        CIS_AWS_FACT_RETRIEVER_ID,
      );
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          'set techInsights.factRetrievers.cisAwsFactRetriever.cadence',
        ),
      );
      // and its fact schema is unknown, so running the checks is an error
      const response = await postChecks('default/group/checkout-team');
      expect(response.status).toBe(500);
      expect((await response.json()).error.message).toContain(
        'Not all facts are defined',
      );
    });
  },
);

describe('readConcurrency', () => {
  const key = 'techInsights.factRetrievers.cisAwsFactRetriever.concurrency';
  const read = (value?: unknown) => {
    const logger = mockServices.logger.mock();
    const config = mockServices.rootConfig({
      data:
        value === undefined
          ? {}
          : {
              techInsights: {
                factRetrievers: { cisAwsFactRetriever: { concurrency: value } },
              },
            },
    });
    return { value: readConcurrency(config, logger), logger };
  };

  it('is 8 unless configured', () => {
    expect(read().value).toBe(8);
  });

  it('takes a configured whole number', () => {
    expect(read(3).value).toBe(3);
  });

  it.each([0, 2.5, 'many', 1000])(
    'reports %p and falls back to 8 rather than failing start-up',
    value => {
      const { value: concurrency, logger } = read(value);
      expect(concurrency).toBe(8);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(`Invalid ${key}`),
      );
    },
  );
});
