import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { RunningSimulator } from '@internal/aws-simulator';
import { AddressInfo } from 'node:net';
import { AwsOrganizationsEntityProvider } from './AwsOrganizationsEntityProvider';
import { catalogModuleAwsOrganizationsAccounts } from './module';
import { appConfig, DEMO_WORLD, startWorld } from './__testUtils__/simulator';

// Over HTTP against the simulator: a loaded CI machine needs more than Jest's 5 s.
jest.setTimeout(60_000);

const TASK_ID = 'AwsOrganizationsEntityProvider:refresh';

// Integration test (a backend and the simulator over HTTP): a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers and conditions, never on clocks.
jest.setTimeout(60_000);

describe('catalogModuleAwsOrganizationsAccounts', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startWorld(DEMO_WORLD);
  });
  afterAll(() => sim.close());

  it('adds the provider to the catalog and schedules its refresh', async () => {
    const providers: unknown[] = [];
    const scheduler = mockServices.scheduler.mock();
    await startTestBackend({
      extensionPoints: [
        [
          catalogProcessingExtensionPoint,
          {
            addEntityProvider: (...p: unknown[]) => providers.push(...p.flat()),
          },
        ],
      ],
      features: [
        catalogModuleAwsOrganizationsAccounts,
        scheduler.factory,
        mockServices.rootConfig.factory({
          data: appConfig(sim, {
            schedule: { frequency: { minutes: 1 }, timeout: { seconds: 50 } },
          }),
        }),
      ],
    });
    expect(providers).toHaveLength(1);
    expect(providers[0]).toBeInstanceOf(AwsOrganizationsEntityProvider);
    expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith({
      frequency: { minutes: 1 },
      timeout: { seconds: 50 },
    });
  });

  it('adds nothing when catalog.providers.awsOrganizations is absent', async () => {
    const providers: unknown[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          catalogProcessingExtensionPoint,
          {
            addEntityProvider: (...p: unknown[]) => providers.push(...p.flat()),
          },
        ],
      ],
      features: [
        catalogModuleAwsOrganizationsAccounts,
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    expect(providers).toEqual([]);
  });

  it('refuses to start with a malformed config, naming the key', async () => {
    await expect(
      startTestBackend({
        extensionPoints: [
          [catalogProcessingExtensionPoint, { addEntityProvider: () => {} }],
        ],
        features: [
          catalogModuleAwsOrganizationsAccounts,
          mockServices.rootConfig.factory({
            data: appConfig(sim, {
              managementAccountId: 'mgmt',
              schedule: { frequency: { minutes: -5 }, timeout: 'PT10M' },
            }),
          }),
        ],
      }),
    ).rejects.toThrow(
      /catalog\.providers\.awsOrganizations\.managementAccountId: expected a 12-digit AWS account id, got "mgmt"\n.*catalog\.providers\.awsOrganizations\.schedule\.frequency: must not be negative/,
    );
  });
});

describe('the catalog with the module, over the simulated organization', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startWorld(DEMO_WORLD);
  });
  afterAll(() => sim.close());

  it('lists the organization’s accounts with their owners, and a new account after the next refresh', async () => {
    // The catalog's scheduler (the test backend's mock: it runs each task
    // once at start-up, then only when triggered).
    let scheduler: SchedulerService | undefined;
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleAwsOrganizationsAccounts,
        createBackendModule({
          pluginId: 'catalog',
          moduleId: 'test-scheduler',
          register(reg) {
            reg.registerInit({
              deps: { s: coreServices.scheduler },
              async init({ s }) {
                scheduler = s;
              },
            });
          },
        }),
        mockServices.rootConfig.factory({
          data: {
            ...appConfig(sim),
            catalog: {
              ...appConfig(sim).catalog,
              rules: [{ allow: ['Resource', 'Location'] }],
            },
          },
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    const entity = async (name: string): Promise<Entity | undefined> => {
      const res = await fetch(
        `http://localhost:${port}/api/catalog/entities/by-name/resource/default/${name}`,
      );
      return res.ok ? res.json() : undefined;
    };
    const ownerOf = async (name: string) =>
      (await entity(name))?.relations?.find(r => r.type === 'ownedBy')
        ?.targetRef;

    try {
      await waitFor(async () =>
        expect(await ownerOf('aws-payments-prod')).toBe(
          'group:default/payments-team',
        ),
      );
      await waitFor(async () =>
        expect(await ownerOf('aws-growth-experiments')).toBe(
          'group:default/unowned-aws-accounts',
        ),
      );

      const put = await fetch(`${sim.url}/__admin/accounts/413344556677`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'checkout-perf',
          tags: { owner: 'group:default/checkout-team', system: 'storefront' },
        }),
      });
      expect(put.status).toBe(200);
      expect(await entity('aws-checkout-perf')).toBeUndefined();

      await scheduler!.triggerTask(TASK_ID);
      await waitFor(async () =>
        expect(await ownerOf('aws-checkout-perf')).toBe(
          'group:default/checkout-team',
        ),
      );
      expect((await entity('aws-checkout-perf'))?.metadata.title).toBe(
        'checkout-perf (413344556677)',
      );
    } finally {
      await backend.stop();
    }
  });
});

/** Retries an assertion until it holds (the catalog processes entities asynchronously). */
async function waitFor(assertion: () => Promise<void>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }
}
