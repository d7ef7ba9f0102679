import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { RunningSimulator } from '@internal/aws-simulator';
import {
  appConfig,
  connectedProvider,
  DEMO_WORLD,
  MGMT,
  organizationWorld,
  startWorld,
} from './__testUtils__/simulator';

/** The organization's members in the demo catalog: entity name, title, owner and system. */
const DEMO_MEMBERS = [
  ['platform-management', '401122334455', 'platform-team', 'landing-zone'],
  ['security-tooling', '402233445566', 'security-team', 'landing-zone'],
  ['payments-prod', '403344556677', 'payments-team', 'payments'],
  ['payments-staging', '404455667788', 'payments-team', 'payments'],
  ['legacy-billing', '411122334455', 'payments-team', 'payments'],
  ['storefront-prod', '405566778899', 'checkout-team', 'storefront'],
  ['storefront-staging', '406677889900', 'checkout-team', 'storefront'],
  ['checkout-dev', '407788990011', 'checkout-team', 'storefront'],
  ['data-lake-prod', '408899001122', 'data-team', 'analytics'],
  ['analytics-dev', '410011223344', 'data-team', 'analytics'],
];

describe('AwsOrganizationsEntityProvider against the simulated demo organization', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startWorld(DEMO_WORLD);
  });
  afterAll(() => sim.close());
  afterEach(() => {
    sim.admin.reset();
    sim.admin.setRateLimits({ enabled: false });
  });

  it('emits every member with the name, title, owner and system of the demo catalog', async () => {
    const { provider, connection, logger } = await connectedProvider(
      appConfig(sim),
    );
    const summary = await provider.refresh();

    expect(connection.mutations).toHaveLength(1);
    expect(connection.mutations[0].type).toBe('full');
    const entities = connection.entities();
    for (const [name, id, owner, system] of DEMO_MEMBERS) {
      const entity = entities.get(`aws-${name}`);
      expect({
        kind: entity?.kind,
        title: entity?.metadata.title,
        accountId: entity?.metadata.annotations?.['amazonaws.com/account-id'],
        ownerMissing:
          entity?.metadata.annotations?.['cis-aws.io/owner-missing'],
        spec: entity?.spec,
      }).toEqual({
        kind: 'Resource',
        title: `${name} (${id})`,
        accountId: id,
        ownerMissing: undefined,
        spec: {
          type: 'cloud-account',
          owner: `group:default/${owner}`,
          system: `system:default/${system}`,
        },
      });
    }
    // outside the organization: not listed by AWS Organizations
    expect(entities.has('aws-analytics-sandbox')).toBe(false);
    expect(summary).toEqual({
      organizationId: 'o-acme12345',
      emitted: expect.arrayContaining(DEMO_MEMBERS.map(m => m[1])),
      unowned: ['412244668800'],
      skipped: [],
    });
    expect(summary.emitted).toHaveLength(11);
    expect(logger.warn).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledWith(
      'AWS Organizations o-acme12345: 11 accounts in the catalog, 1 without an owner, 0 suspended or closed left out',
    );
  });

  it('emits the untagged member as owned by nobody', async () => {
    const { provider, connection } = await connectedProvider(appConfig(sim));
    await provider.refresh();
    const entity = connection.entities().get('aws-growth-experiments')!;
    expect(entity.metadata.title).toBe('growth-experiments (412244668800)');
    expect(entity.metadata.annotations).toMatchObject({
      'cis-aws.io/owner-missing': 'true',
      'backstage.io/managed-by-location': 'aws-organizations:o-acme12345',
      'backstage.io/managed-by-origin-location':
        'aws-organizations:o-acme12345',
    });
    expect(entity.spec).toEqual({
      type: 'cloud-account',
      owner: 'group:default/unowned-aws-accounts',
    });
  });

  it('reads the organization through the reader role of the management account', async () => {
    sim.admin.resetCalls();
    const { provider } = await connectedProvider(appConfig(sim));
    await provider.refresh();
    const calls = sim.admin.calls();
    expect(calls.byAccountOperation['402233445566']).toEqual({
      'sts:AssumeRole': 1,
    });
    expect(calls.byAccountOperation[MGMT]).toEqual({
      'organizations:DescribeOrganization': 1,
      'organizations:ListAccounts': 1,
      'organizations:ListTagsForResource': 11,
    });
  });

  it('takes the endpoint of cisAws.aws.endpoint when it has none of its own', async () => {
    const config = appConfig(
      sim,
      {},
      { cisAws: { aws: { endpoint: sim.url } } },
    );
    delete (config.catalog.providers.awsOrganizations as { endpoint?: string })
      .endpoint;
    const { provider } = await connectedProvider(config);
    expect((await provider.refresh()).emitted).toHaveLength(11);
  });

  it('shows an account added to the organization at run time, with its owner, at the next refresh', async () => {
    const { provider, connection } = await connectedProvider(appConfig(sim));
    await provider.refresh();
    expect(connection.entities().has('aws-checkout-perf')).toBe(false);

    // the simulator's admin API, over HTTP, as in the README
    const res = await fetch(`${sim.url}/__admin/accounts/413344556677`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'checkout-perf',
        email: 'aws+checkout-perf@acme.example',
        tags: { owner: 'checkout-team', system: 'storefront' },
      }),
    });
    expect(res.status).toBe(200);

    await provider.refresh();
    const added = connection.entities().get('aws-checkout-perf');
    expect(added?.metadata.title).toBe('checkout-perf (413344556677)');
    expect(added?.spec).toEqual({
      type: 'cloud-account',
      owner: 'group:default/checkout-team',
      system: 'system:default/storefront',
    });
    expect(connection.entities().size).toBe(12);
  });

  it('applies nothing when a tag read fails, and keeps the last complete list', async () => {
    const { provider, connection } = await connectedProvider(appConfig(sim));
    await provider.refresh();
    sim.admin.addFault({
      kind: 'accessDenied',
      service: 'organizations',
      operation: 'ListTagsForResource',
      count: 1,
    });
    await expect(provider.refresh()).rejects.toThrow(
      /^Could not read the accounts of AWS Organizations as management account 401122334455 \(Error: ListTagsForResource for account \d{12} failed: AccessDeniedException: .*\); the catalog keeps the accounts of the last complete read$/,
    );
    expect(connection.mutations).toHaveLength(1);
  });

  it('applies nothing when ListAccounts fails', async () => {
    const { provider, connection } = await connectedProvider(appConfig(sim));
    sim.admin.addFault({
      kind: 'accessDenied',
      service: 'organizations',
      operation: 'ListAccounts',
      count: 1,
    });
    await expect(provider.refresh()).rejects.toThrow(/AccessDeniedException/);
    expect(connection.mutations).toHaveLength(0);
  });

  it('refreshes on its schedule once connected; a failed run is logged as an error and applies nothing', async () => {
    const tasks: SchedulerServiceTaskInvocationDefinition[] = [];
    // the task runner the scheduler would give, run by hand
    const schedule = {
      run: async (task: SchedulerServiceTaskInvocationDefinition) =>
        void tasks.push(task),
    };
    const { connection, logger } = await connectedProvider(
      // an account that may not list the organization
      appConfig(sim, { managementAccountId: '402233445566' }),
      { schedule },
    );
    expect(tasks.map(t => t.id)).toEqual([
      'AwsOrganizationsEntityProvider:refresh',
    ]);
    await tasks[0].fn(new AbortController().signal);
    expect(connection.mutations).toHaveLength(0);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Could not read the accounts of AWS Organizations as management account 402233445566 \(AccessDeniedException: /,
      ),
    );
  });

  it('follows AWS_ENDPOINT_URL when no endpoint is configured (the credentials manager assumes the role)', async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = sim.url;
    try {
      const config = appConfig(sim);
      delete (
        config.catalog.providers.awsOrganizations as { endpoint?: string }
      ).endpoint;
      sim.admin.resetCalls();
      const { provider } = await connectedProvider(config);
      expect((await provider.refresh()).emitted).toHaveLength(11);
      expect(sim.admin.calls().byOperation['sts:AssumeRole']).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  });
});

describe('AwsOrganizationsEntityProvider in other organizations', () => {
  let sim: RunningSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('treats an invalid owner or system tag as missing and says which account and tag', async () => {
    sim = await startWorld(
      organizationWorld([
        {
          id: '403344556677',
          name: 'payments-prod',
          tags: {
            owner: 'Payments Team',
            system: 'group:default/payments-team',
          },
        },
      ]),
    );
    const { provider, connection, logger } = await connectedProvider(
      appConfig(sim),
    );
    const summary = await provider.refresh();
    const entity = connection.entities().get('aws-payments-prod')!;
    expect(entity.spec).toEqual({
      type: 'cloud-account',
      owner: 'group:default/unowned-aws-accounts',
    });
    expect(entity.metadata.annotations?.['cis-aws.io/owner-missing']).toBe(
      'true',
    );
    expect(summary.unowned).toEqual(['403344556677']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^AWS account 403344556677 \(payments-prod\): tag "owner" = "Payments Team" is not a valid group reference/,
      ),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^AWS account 403344556677 \(payments-prod\): tag "system" = "group:default\/payments-team" is not a valid system reference/,
      ),
    );
  });

  describe('suspended, pending-closure and closed accounts', () => {
    const world = organizationWorld([
      {
        id: '403344556677',
        name: 'payments-prod',
        tags: { owner: 'payments-team' },
      },
      {
        id: '404455667788',
        name: 'old-sandbox',
        status: 'SUSPENDED',
        tags: { owner: 'data-team' },
      },
      { id: '405566778899', name: 'closing', status: 'PENDING_CLOSURE' },
      { id: '406677889900', name: 'closed', status: 'CLOSED' },
    ]);

    it('leaves them out by default', async () => {
      sim = await startWorld(world);
      const { provider, connection } = await connectedProvider(appConfig(sim));
      const summary = await provider.refresh();
      expect([...connection.entities().keys()].sort()).toEqual([
        'aws-management',
        'aws-payments-prod',
        'aws-security-tooling',
      ]);
      expect(summary.skipped).toEqual([
        '404455667788',
        '405566778899',
        '406677889900',
      ]);
    });

    it('emits them with their state when includeSuspended is set', async () => {
      sim = await startWorld(world);
      const { provider, connection } = await connectedProvider(
        appConfig(sim, { includeSuspended: true }),
      );
      const summary = await provider.refresh();
      const status = (name: string) =>
        connection.entities().get(name)?.metadata.annotations?.[
          'cis-aws.io/account-status'
        ];
      expect(status('aws-payments-prod')).toBe('ACTIVE');
      expect(status('aws-old-sandbox')).toBe('SUSPENDED');
      expect(status('aws-closing')).toBe('PENDING_CLOSURE');
      expect(status('aws-closed')).toBe('CLOSED');
      expect(connection.entities().get('aws-old-sandbox')?.spec?.owner).toBe(
        'group:default/data-team',
      );
      expect(summary.skipped).toEqual([]);
    });
  });

  it('appends the account id to accounts whose names collide', async () => {
    sim = await startWorld(
      organizationWorld([
        { id: '403344556677', name: 'Sandbox' },
        { id: '404455667788', name: 'sandbox' },
        { id: '405566778899', name: 'payments-prod' },
      ]),
    );
    const { provider, connection } = await connectedProvider(appConfig(sim));
    await provider.refresh();
    const byId = new Map(
      [...connection.entities().values()].map(e => [
        e.metadata.annotations!['amazonaws.com/account-id'],
        e.metadata.name,
      ]),
    );
    expect(byId.get('403344556677')).toBe('aws-sandbox-403344556677');
    expect(byId.get('404455667788')).toBe('aws-sandbox-404455667788');
    expect(byId.get('405566778899')).toBe('aws-payments-prod');
  });

  it('reads every page of ListAccounts and of ListTagsForResource', async () => {
    const members: Array<{
      id: string;
      name: string;
      tags: Record<string, string>;
    }> = Array.from({ length: 45 }, (_, i) => ({
      id: String(430000000000 + i),
      name: `team-${i}`,
      tags: { owner: `team-${i}` },
    }));
    // 130 tags: the owner and system tags come last, on the second page
    const manyTags: Record<string, string> = {};
    for (let i = 0; i < 128; i++) manyTags[`cost-${i}`] = String(i);
    manyTags.owner = 'payments-team';
    manyTags.system = 'payments';
    members.push({ id: '499999999999', name: 'many-tags', tags: manyTags });
    sim = await startWorld(organizationWorld(members));
    const { provider, connection } = await connectedProvider(appConfig(sim));
    sim.admin.resetCalls();

    const summary = await provider.refresh();

    expect(summary.emitted).toHaveLength(48);
    expect(connection.entities().get('aws-team-44')?.spec?.owner).toBe(
      'group:default/team-44',
    );
    expect(connection.entities().get('aws-many-tags')?.spec).toEqual({
      type: 'cloud-account',
      owner: 'group:default/payments-team',
      system: 'system:default/payments',
    });
    const calls = sim.admin.calls().byOperation;
    expect(calls['organizations:ListAccounts']).toBe(3);
    expect(calls['organizations:ListTagsForResource']).toBe(49);
  });

  it('calls as the management account itself with the main credentials when no role is configured', async () => {
    sim = await startWorld(
      organizationWorld(
        [
          {
            id: '403344556677',
            name: 'payments-prod',
            tags: { owner: 'payments-team' },
          },
        ],
        { callerAccount: MGMT },
      ),
    );
    const config = appConfig(sim);
    delete (config.aws as { accountDefaults?: unknown }).accountDefaults;
    const { provider } = await connectedProvider(config);
    sim.admin.resetCalls();
    expect((await provider.refresh()).emitted).toEqual([
      MGMT,
      '402233445566',
      '403344556677',
    ]);
    expect(sim.admin.calls().byOperation['sts:AssumeRole']).toBeUndefined();
  });
});
