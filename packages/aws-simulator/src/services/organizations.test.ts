import {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListTagsForResourceCommand,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import { RunningSimulator } from '../index';
import {
  adminFetch,
  clients,
  clientsAs,
  errorOf,
  start,
  startDemo,
  world,
} from '../__testUtils__/harness';

// Over HTTP to a real server: a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers, never on clocks.
jest.setTimeout(60_000);

const MGMT = '401122334455';

describe('Organizations (demo world)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startDemo();
  });
  afterAll(() => sim.close());

  it('lists the organization members to the management account, with tags', async () => {
    const { organizations } = await clientsAs(sim, MGMT);
    const { Accounts } = await organizations.send(new ListAccountsCommand({}));
    expect(Accounts).toHaveLength(11);
    expect(Accounts!.map(a => a.Id)).not.toContain('409900112233');
    const payments = Accounts!.find(a => a.Id === '403344556677')!;
    expect(payments).toMatchObject({
      Name: 'payments-prod',
      Email: 'aws+payments-prod@acme.example',
      Status: 'ACTIVE',
      JoinedMethod: 'CREATED',
      Arn: 'arn:aws:organizations::401122334455:account/o-acme12345/403344556677',
    });
    expect(payments.JoinedTimestamp).toBeInstanceOf(Date);
    const { Tags } = await organizations.send(
      new ListTagsForResourceCommand({ ResourceId: '410011223344' }),
    );
    expect(Tags).toEqual([
      { Key: 'owner', Value: 'group:default/data-team' },
      { Key: 'system', Value: 'system:default/analytics' },
    ]);
  });

  it('pages ListAccounts with MaxResults and NextToken', async () => {
    const { organizations } = await clientsAs(sim, MGMT);
    const first = await organizations.send(
      new ListAccountsCommand({ MaxResults: 4 }),
    );
    expect(first.Accounts).toHaveLength(4);
    const ids: string[] = [];
    let pages = 0;
    for await (const page of paginateListAccounts(
      { client: organizations, pageSize: 4 },
      {},
    )) {
      pages++;
      ids.push(...page.Accounts!.map(a => a.Id!));
    }
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(11);
  });

  it('describes one member account to the management account, AccountNotFoundException otherwise', async () => {
    const { organizations } = await clientsAs(sim, MGMT);
    const { Account } = await organizations.send(
      new DescribeAccountCommand({ AccountId: '406677889900' }),
    );
    expect(Account).toMatchObject({
      Id: '406677889900',
      Name: 'storefront-staging',
      Status: 'ACTIVE',
    });
    const error = await errorOf(() =>
      organizations.send(
        new DescribeAccountCommand({ AccountId: '409900112233' }),
      ),
    );
    expect(error.name).toBe('AccountNotFoundException');
  });

  it('answers a member without tags with no tags', async () => {
    const { organizations } = await clientsAs(sim, MGMT);
    const { Tags } = await organizations.send(
      new ListTagsForResourceCommand({ ResourceId: '412244668800' }),
    );
    expect(Tags).toEqual([]);
  });

  it('lists an account added at run time (PUT /__admin/accounts/{id}) with its tags and state', async () => {
    const put = await adminFetch(sim, 'PUT', '/accounts/498765432109', {
      name: 'new-payments-sandbox',
      email: 'aws+new-payments-sandbox@acme.example',
      tags: { owner: 'payments-team', system: 'payments' },
    });
    try {
      expect(put.status).toBe(200);
      const { organizations } = await clientsAs(sim, MGMT);
      const accounts = [];
      for await (const page of paginateListAccounts(
        { client: organizations },
        {},
      )) {
        accounts.push(...page.Accounts!);
      }
      expect(accounts.find(a => a.Id === '498765432109')).toMatchObject({
        Name: 'new-payments-sandbox',
        Email: 'aws+new-payments-sandbox@acme.example',
        Status: 'ACTIVE',
        State: 'ACTIVE',
      });
      const { Tags } = await organizations.send(
        new ListTagsForResourceCommand({ ResourceId: '498765432109' }),
      );
      expect(Tags).toEqual([
        { Key: 'owner', Value: 'payments-team' },
        { Key: 'system', Value: 'payments' },
      ]);
    } finally {
      await adminFetch(sim, 'DELETE', '/accounts/498765432109');
    }
  });

  it('describes the organization to any member', async () => {
    const { organizations } = clients(sim);
    const { Organization } = await organizations.send(
      new DescribeOrganizationCommand({}),
    );
    expect(Organization).toMatchObject({
      Id: 'o-acme12345',
      MasterAccountId: MGMT,
      FeatureSet: 'ALL',
    });
  });

  it('refuses ListAccounts and ListTagsForResource to members other than the management account', async () => {
    const { organizations } = clients(sim);
    expect(
      (await errorOf(() => organizations.send(new ListAccountsCommand({}))))
        .name,
    ).toBe('AccessDeniedException');
    expect(
      (
        await errorOf(() =>
          organizations.send(
            new ListTagsForResourceCommand({ ResourceId: MGMT }),
          ),
        )
      ).name,
    ).toBe('AccessDeniedException');
  });

  it('answers AWSOrganizationsNotInUseException to an account outside the organization', async () => {
    const { organizations } = await clientsAs(sim, '409900112233');
    const error = await errorOf(() =>
      organizations.send(new DescribeOrganizationCommand({})),
    );
    expect(error.name).toBe('AWSOrganizationsNotInUseException');
    expect(
      (await errorOf(() => organizations.send(new ListAccountsCommand({}))))
        .name,
    ).toBe('AWSOrganizationsNotInUseException');
  });

  it('answers TargetNotFoundException for tags of an account that is not a member', async () => {
    const { organizations } = await clientsAs(sim, MGMT);
    const error = await errorOf(() =>
      organizations.send(
        new ListTagsForResourceCommand({ ResourceId: '409900112233' }),
      ),
    );
    expect(error.name).toBe('TargetNotFoundException');
  });

  it('reports State, and Status as AWS does (a CLOSED account is SUSPENDED in Status)', async () => {
    const org = await start(
      world({
        organization: { id: 'o-states1234', managementAccount: '111111111111' },
        accounts: [
          { id: '111111111111' },
          { id: '222222222222', status: 'SUSPENDED' },
          { id: '333333333333', status: 'PENDING_CLOSURE' },
          { id: '444444444444', status: 'CLOSED' },
        ],
      }),
    );
    try {
      const { organizations } = await clientsAs(org, '111111111111');
      const { Accounts } = await organizations.send(
        new ListAccountsCommand({}),
      );
      expect(Accounts!.map(a => [a.Id, a.State, a.Status])).toEqual([
        ['111111111111', 'ACTIVE', 'ACTIVE'],
        ['222222222222', 'SUSPENDED', 'SUSPENDED'],
        ['333333333333', 'PENDING_CLOSURE', 'PENDING_CLOSURE'],
        ['444444444444', 'CLOSED', 'SUSPENDED'],
      ]);
    } finally {
      await org.close();
    }
  });

  it('answers AWSOrganizationsNotInUseException in a world without an organization', async () => {
    const lone = await start(world({ accounts: [{ id: '111111111111' }] }));
    try {
      const error = await errorOf(() =>
        clients(lone).organizations.send(new DescribeOrganizationCommand({})),
      );
      expect(error.name).toBe('AWSOrganizationsNotInUseException');
    } finally {
      await lone.close();
    }
  });
});
