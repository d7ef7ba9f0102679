import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AccountSummary, Verdict } from '@cis-aws/plugin-cis-aws-common';
import { accountId, at } from '../storage/__fixtures__/evaluations';
import { DefaultEntityResultsService } from './EntityResultsService';
import { CALLER } from './__testUtils__/fixtures';

function summary(id: string, verdict: Verdict): AccountSummary {
  return {
    accountId: id,
    entityRef: `resource:default/aws-${id}`,
    title: id,
    verdict,
    evaluatedAt: at(0),
    verdictSince: at(0),
    stale: false,
  };
}

function entity(
  kind: string,
  name: string,
  options: { account?: string; relations?: Entity['relations'] } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: {
      name,
      namespace: 'default',
      ...(options.account
        ? { annotations: { 'amazonaws.com/account-id': options.account } }
        : {}),
    },
    relations: options.relations ?? [],
  };
}

const A = accountId(1);
const B = accountId(2);
const C = accountId(3);

/** A department with a team below it; each owns an account; a third account is not evaluated. */
const ENTITIES = [
  entity('Group', 'department'),
  entity('Group', 'team', {
    relations: [{ type: 'childOf', targetRef: 'group:default/department' }],
  }),
  entity('Resource', 'aws-a', {
    account: A,
    relations: [{ type: 'ownedBy', targetRef: 'group:default/department' }],
  }),
  entity('Resource', 'aws-b', {
    account: B,
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team' }],
  }),
  entity('System', 'payments'),
  entity('Resource', 'aws-c', {
    account: C,
    relations: [{ type: 'partOf', targetRef: 'system:default/payments' }],
  }),
  entity('Component', 'typo', { account: '1234' }),
  entity('Component', 'plain'),
];

function setup() {
  const stored = [summary(A, 'PASS'), summary(B, 'FAIL')];
  const store = {
    listAccounts: jest.fn(async (query: { accountIds?: string[] }) => {
      const items = stored.filter(s => query.accountIds?.includes(s.accountId));
      return {
        items,
        totalCount: items.length,
        totals: { PASS: 0, FAIL: 0, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
      };
    }),
  };
  const service = DefaultEntityResultsService.create({
    catalog: catalogServiceMock({ entities: ENTITIES }),
    store,
  });
  return { service, store };
}

describe('DefaultEntityResultsService', () => {
  it('aggregates a department as the worst of what it and every group below it own', async () => {
    const { service } = setup();
    const result = await service.getEntityResult(
      'group:default/department',
      CALLER,
    );
    expect(result).toMatchObject({
      entityRef: 'group:default/department',
      verdict: 'FAIL',
      pendingAccountIds: [],
      problems: [],
    });
    expect(result.accounts.map(a => a.accountId).sort()).toEqual([A, B]);
  });

  it('says PENDING for a system whose accounts have no result yet', async () => {
    const { service } = setup();
    await expect(
      service.getEntityResult('system:default/payments', CALLER),
    ).resolves.toMatchObject({
      verdict: 'PENDING',
      accounts: [],
      pendingAccountIds: [C],
    });
  });

  it('says NOT_MAPPED for an entity without accounts, without asking the store', async () => {
    const { service, store } = setup();
    await expect(
      service.getEntityResult('component:default/plain', CALLER),
    ).resolves.toMatchObject({ verdict: 'NOT_MAPPED', accounts: [] });
    expect(store.listAccounts).not.toHaveBeenCalled();
  });

  it('reports a malformed annotation as a problem of its entity', async () => {
    const { service } = setup();
    const result = await service.getEntityResult(
      'component:default/typo',
      CALLER,
    );
    expect(result.verdict).toBe('NOT_MAPPED');
    expect(result.problems).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/typo',
        value: '1234',
      }),
    ]);
  });

  it('answers an entity that does not exist (or is unreadable) with 404', async () => {
    const { service } = setup();
    await expect(
      service.getEntityResult('group:default/nobody', CALLER),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
