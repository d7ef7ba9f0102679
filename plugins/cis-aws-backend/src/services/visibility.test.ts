import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { readCisAwsOptions } from '../config';
import {
  createStore,
  createTestDatabases,
} from '../storage/__testUtils__/stores';
import { accountId } from '../storage/__fixtures__/evaluations';
import { buildAccountRow } from '../storage/accountRows';
import { aMapping, anEvaluation } from '../storage/__fixtures__/evaluations';
import { CATALOG_ENTITY_READ_PERMISSION, CatalogAccess } from './CatalogAccess';
import { ApiServices, createApiServices } from './index';

jest.setTimeout(120_000);

const ACCOUNTS = 3000;
const TEAMS = 30;
const ALICE = mockCredentials.user('user:default/alice');
const ADMIN = mockCredentials.user('user:default/admin');
const AUDITOR = mockCredentials.user('user:default/auditor');
const NOBODY = mockCredentials.user('user:default/nobody');

const teamOf = (n: number) => `team-${n % TEAMS}`;
/** Alice's catalog policy lets her read one account in three (and every group). */
const aliceReads = (n: number) => n % 3 === 0;

function entities(): Entity[] {
  const list: Entity[] = [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'org', namespace: 'default' },
      spec: {},
    },
  ];
  for (let t = 0; t < TEAMS; t += 1) {
    list.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${t}`, namespace: 'default' },
      spec: {},
      relations: [{ type: 'childOf', targetRef: 'group:default/org' }],
    });
  }
  for (let n = 1; n <= ACCOUNTS; n += 1) {
    list.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: `aws-${accountId(n)}`,
        namespace: 'default',
        annotations: { 'amazonaws.com/account-id': accountId(n) },
      },
      spec: { type: 'cloud-account', owner: teamOf(n) },
      relations: [{ type: 'ownedBy', targetRef: `group:default/${teamOf(n)}` }],
    });
  }
  return list;
}

function userOf(credentials: BackstageCredentials) {
  return (credentials.principal as { userEntityRef?: string }).userEntityRef;
}

/**
 * The catalog as its permission policy makes it for each caller: Alice reads a third of the
 * accounts, the auditor none, everyone else (and the plugin itself) everything. Counts the
 * streams of account entities and who asked for them.
 */
function policedCatalog() {
  const base = catalogServiceMock({ entities: entities() });
  const hidden = (credentials: BackstageCredentials, entity: Entity) => {
    const user = userOf(credentials);
    // By name: a request may ask for a few fields only.
    const n = Number(/^aws-(\d{12})$/.exec(entity.metadata.name)?.[1]);
    if (user === NOBODY.principal.userEntityRef) return true;
    return (
      user === ALICE.principal.userEntityRef &&
      !Number.isNaN(n) &&
      !aliceReads(n)
    );
  };
  const streams: string[] = [];
  const catalog: CatalogService = {
    ...base,
    getEntityByRef: async (ref, options) => {
      const entity = await base.getEntityByRef(ref, options);
      return entity && !hidden(options.credentials, entity)
        ? entity
        : undefined;
    },
    getEntities: async (request, options) => {
      const result = await base.getEntities(request, options);
      return {
        items: result.items.filter(e => !hidden(options.credentials, e)),
      };
    },
    async *streamEntities(request, options) {
      streams.push(
        userOf(options.credentials) ??
          (options.credentials.principal as { subject?: string }).subject ??
          'unknown',
      );
      for await (const page of base.streamEntities(request, options)) {
        yield page.filter(e => !hidden(options.credentials, e));
      }
    },
  } as CatalogService;
  return { catalog, streams };
}

/**
 * The permission policy's decision on the catalog's read permission: conditional for Alice
 * (the catalog filters), denied to the nobody, allowed outright to everyone else.
 */
function policy(): PermissionsService {
  const decide = (credentials: BackstageCredentials) => {
    const user = userOf(credentials);
    if (user === ALICE.principal.userEntityRef) {
      return {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims: [] },
        },
      } as const;
    }
    if (user === NOBODY.principal.userEntityRef) {
      return { result: AuthorizeResult.DENY } as const;
    }
    return { result: AuthorizeResult.ALLOW } as const;
  };
  return {
    authorize: async requests =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    authorizeConditional: async (requests, { credentials }) =>
      requests.map(request => {
        expect(request.permission.name).toBe(
          CATALOG_ENTITY_READ_PERMISSION.name,
        );
        return decide(credentials);
      }),
  } as PermissionsService;
}

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'what each caller sees of 3,000 accounts, on %s',
  databaseId => {
    let services: ApiServices;
    let streams: string[];

    beforeAll(async () => {
      const { knex, store } = await createStore(databases, databaseId);
      const rows = [];
      // One more than the catalog holds: an account whose entity has left the catalog.
      for (let n = 1; n <= ACCOUNTS + 1; n += 1) {
        rows.push(
          buildAccountRow({
            mapping: aMapping(accountId(n), {
              ownerRef: `group:default/${teamOf(n)}`,
            }),
            evaluation: anEvaluation(
              accountId(n),
              n % 10 < 7 ? 'PASS' : 'FAIL',
            ),
          }),
        );
      }
      await knex.batchInsert('cis_aws_accounts', rows, 200);
      const policed = policedCatalog();
      streams = policed.streams;
      services = createApiServices({
        catalog: policed.catalog,
        permissions: policy(),
        auth: mockServices.auth({ pluginId: 'cis-aws' }),
        logger: mockServices.logger.mock(),
        store,
        controls: store.controls(),
        engine: {
          readCatalog: jest.fn(),
          evaluateOne: jest.fn(),
        },
        userInfo: mockServices.userInfo(),
        // Not part of what is measured here: runs and their records.
        runner: { requestFullRun: () => Promise.reject(new Error('not here')) },
        runs: store.coordination(),
        exceptionOptions: { approvers: [], remindBeforeMs: 14 * 86_400_000 },
        options: readCisAwsOptions(new ConfigReader({})),
      });
    });

    const readableByAlice = Array.from(
      { length: ACCOUNTS },
      (_, i) => i + 1,
    ).filter(aliceReads).length;

    it('Alice sees exactly the accounts the catalog lets her read, in every view, with one catalog stream', async () => {
      const alice = { credentials: ALICE };
      const list = await services.accounts.listAccounts({ limit: 1000 }, alice);
      const owners = await services.owners.rankOwners({}, alice);
      const org = await services.entities.getEntityResult(
        'group:default/org',
        alice,
      );

      expect(list.totalCount).toBe(readableByAlice);
      expect(list.items.every(item => aliceReads(Number(item.accountId)))).toBe(
        true,
      );
      expect(
        owners.owners.reduce((sum, owner) => sum + owner.totalCount, 0),
      ).toBe(readableByAlice);
      expect(org.accountCount).toBe(readableByAlice);
      expect(org.accounts.every(a => aliceReads(Number(a.accountId)))).toBe(
        true,
      );
      await expect(
        services.accounts.getAccount(accountId(2), alice),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
      // The page's three requests shared one look-up, made with her own credentials.
      expect(streams.filter(s => s === ALICE.principal.userEntityRef)).toEqual([
        ALICE.principal.userEntityRef,
      ]);
    });

    it('callers the policy lets read everything share one list, read with the plugin’s credentials', async () => {
      const before = streams.length;
      for (const credentials of [ADMIN, AUDITOR, ADMIN]) {
        const list = await services.accounts.listAccounts(
          { accountIds: [accountId(ACCOUNTS), accountId(ACCOUNTS + 1)] },
          { credentials },
        );
        // Not the account whose entity left the catalog.
        expect(list.items.map(item => item.accountId)).toEqual([
          accountId(ACCOUNTS),
        ]);
        expect(
          (await services.accounts.listAccounts({}, { credentials }))
            .totalCount,
        ).toBe(ACCOUNTS);
        const owners = await services.owners.rankOwners({}, { credentials });
        expect(
          owners.owners.reduce((sum, owner) => sum + owner.totalCount, 0),
        ).toBe(ACCOUNTS);
      }
      expect(streams.slice(before)).toEqual(['plugin:cis-aws']);
    });

    it('an entity’s accounts are resolved per caller: Alice’s resolution of the organization is never what another caller gets', async () => {
      const alice = await services.entities.getEntityResult(
        'group:default/org',
        { credentials: ALICE },
      );
      const admin = await services.entities.getEntityResult(
        'group:default/org',
        { credentials: ADMIN },
      );
      const aliceAgain = await services.entities.getEntityResult(
        'group:default/org',
        { credentials: ALICE },
      );
      expect(alice.accountCount).toBe(readableByAlice);
      expect(admin.accountCount).toBe(ACCOUNTS);
      expect(aliceAgain.accountCount).toBe(readableByAlice);
      expect(
        aliceAgain.accounts.every(a => aliceReads(Number(a.accountId))),
      ).toBe(true);
      await expect(
        services.entities.getEntityResult('group:default/org', {
          credentials: NOBODY,
        }),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
    });

    it('a caller denied the catalog sees nothing, and nothing is streamed for them', async () => {
      const before = streams.length;
      const list = await services.accounts.listAccounts(
        {},
        { credentials: NOBODY },
      );
      const owners = await services.owners.rankOwners(
        {},
        { credentials: NOBODY },
      );
      expect(list.totalCount).toBe(0);
      expect(list.items).toEqual([]);
      expect(owners.owners).toEqual([]);
      expect(streams.slice(before)).toEqual([]);
    });
  },
);

describe('CatalogAccess caching', () => {
  function counted() {
    const base = catalogServiceMock({ entities: entities().slice(0, 40) });
    let streams = 0;
    const catalog = {
      ...base,
      streamEntities(...args: Parameters<CatalogService['streamEntities']>) {
        streams += 1;
        return base.streamEntities(...args);
      },
    } as CatalogService;
    return { catalog, streams: () => streams };
  }

  it('reuses a caller’s refs for the TTL, then asks again; other callers ask for themselves', async () => {
    const { catalog, streams } = counted();
    let now = 0;
    const access = CatalogAccess.create({
      catalog,
      ttlMs: 30_000,
      now: () => now,
    });

    const [first, second] = await Promise.all([
      access.readableAccountEntityRefs(ALICE),
      access.readableAccountEntityRefs(ALICE),
    ]);
    expect(first.size).toBe(9); // the 40 entities hold 9 accounts
    expect(second).toBe(first);
    expect(streams()).toBe(1);

    now = 29_999;
    await access.readableAccountEntityRefs(ALICE);
    expect(streams()).toBe(1);
    await access.readableAccountEntityRefs(ADMIN);
    expect(streams()).toBe(2);

    now = 30_000;
    await access.readableAccountEntityRefs(ALICE);
    expect(streams()).toBe(3);
  });

  it('does not keep a failed look-up', async () => {
    const { catalog } = counted();
    let fail = true;
    const failing = {
      ...catalog,
      streamEntities(...args: Parameters<CatalogService['streamEntities']>) {
        if (fail) throw new Error('catalog unavailable');
        return catalog.streamEntities(...args);
      },
    } as CatalogService;
    const access = CatalogAccess.create({ catalog: failing });
    await expect(access.readableAccountEntityRefs(ALICE)).rejects.toThrow(
      'catalog unavailable',
    );
    fail = false;
    await expect(
      access.readableAccountEntityRefs(ALICE),
    ).resolves.toHaveProperty('size', 9);
  });

  it('resolves an entity’s accounts once per caller and entity for the TTL; a 404 is not kept', async () => {
    const base = catalogServiceMock({ entities: entities().slice(0, 40) });
    const asked: string[] = [];
    let teamVisible = false;
    const catalog = {
      getEntities: base.getEntities.bind(base),
      getEntityByRef: async (ref: string, options: any) => {
        asked.push(`${userOf(options.credentials)} ${ref}`);
        if (ref === 'group:default/team-1' && !teamVisible) return undefined;
        return base.getEntityByRef(ref, options);
      },
    } as unknown as CatalogService;
    let now = 0;
    const access = CatalogAccess.create({
      catalog,
      ttlMs: 30_000,
      now: () => now,
    });

    const [first, second] = await Promise.all([
      access.entityAccounts('group:default/org', ALICE),
      access.entityAccounts('Group:default/org', ALICE),
    ]);
    expect(first.accountIds).toHaveLength(9);
    expect(second).toBe(first);
    await access.entityAccounts('group:default/org', ADMIN);
    expect(asked).toEqual([
      'user:default/alice group:default/org',
      'user:default/admin group:default/org',
    ]);

    now = 30_000;
    await access.entityAccounts('group:default/org', ALICE);
    expect(asked).toHaveLength(3);

    await expect(
      access.entityAccounts('group:default/team-1', ALICE),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    teamVisible = true;
    await expect(
      access.entityAccounts('group:default/team-1', ALICE),
    ).resolves.toHaveProperty('accountIds', expect.any(Array));
  });

  it('without a principal to key by, asks every time', async () => {
    const { catalog, streams } = counted();
    const access = CatalogAccess.create({ catalog });
    await access.readableAccountEntityRefs(mockCredentials.none());
    await access.readableAccountEntityRefs(mockCredentials.none());
    expect(streams()).toBe(2);
  });
});
