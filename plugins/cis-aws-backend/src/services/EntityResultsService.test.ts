import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Verdict } from '@cis-aws/plugin-cis-aws-common';
import { DatabaseEvaluationStore } from '../storage/DatabaseEvaluationStore';
import { createStore } from '../storage/__testUtils__/stores';
import {
  aMapping,
  accountId,
  anEvaluation,
} from '../storage/__fixtures__/evaluations';
import { DETECTION_CONTROL } from '../rules/controls';
import { ControlResultRecord } from '../storage/ControlResultStore';
import { DefaultEntityResultsService } from './EntityResultsService';
import { CALLER } from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

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

async function setup(
  extra: {
    entities?: Entity[];
    results?: Array<[string, Verdict]>;
    detectionEnabled?: boolean;
  } = {},
) {
  const { store: realStore } = await createStore(databases, 'SQLITE_3');
  const results: Array<[string, Verdict]> = [
    [A, 'PASS'],
    [B, 'FAIL'],
    ...(extra.results ?? []),
  ];
  for (const [id, verdict] of results) {
    await realStore.saveResult({
      mapping: aMapping(id),
      evaluation: anEvaluation(id, verdict),
    });
  }
  const store: Pick<
    DatabaseEvaluationStore,
    'listAccounts' | 'listEvaluatedAccountIds'
  > = {
    listAccounts: jest.fn(query => realStore.listAccounts(query)),
    listEvaluatedAccountIds: jest.fn(ids =>
      realStore.listEvaluatedAccountIds(ids),
    ),
  };
  const service = DefaultEntityResultsService.create({
    catalog: catalogServiceMock({
      entities: [...ENTITIES, ...(extra.entities ?? [])],
    }),
    store,
    controls: realStore.controls(),
    detectionEnabled: extra.detectionEnabled ?? true,
  });
  return { service, store, controls: realStore.controls() };
}

function aDetection(
  account: string,
  verdict: 'PASS' | 'FAIL' | 'ERROR' | 'NOT_APPLICABLE',
): ControlResultRecord {
  return {
    accountId: account,
    controlId: 'cis-3.x-detection',
    verdict,
    ...(verdict === 'FAIL' ? { reason: 'NO_FILTER' } : {}),
    summary: { failingChecks: verdict === 'FAIL' ? ['3.3'] : [] },
    result: {},
    evaluatedAt: '2026-01-02T00:00:00.000Z',
  };
}

describe('DefaultEntityResultsService', () => {
  it('aggregates a department as the worst of what it and every group below it own', async () => {
    const { service } = await setup();
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
    // Worst first.
    expect(result.accounts.map(a => a.accountId)).toEqual([B, A]);
    expect(result.accountCount).toBe(2);
    expect(result.counts).toMatchObject({ FAIL: 1, PASS: 1, NOT_MAPPED: 0 });
  });

  it("rolls up its accounts' detection verdicts, counted over all of them, apart from 2.4", async () => {
    const { service, controls } = await setup();
    await controls.saveControlResult(DETECTION_CONTROL, aDetection(A, 'FAIL'));
    // An account the department does not stand for is not counted.
    await controls.saveControlResult(DETECTION_CONTROL, aDetection(C, 'FAIL'));
    const department = await service.getEntityResult(
      'group:default/department',
      CALLER,
    );
    expect(department.verdict).toBe('FAIL');
    expect(department.detection).toEqual({
      counts: { PASS: 0, FAIL: 1, ERROR: 0, NOT_APPLICABLE: 0 },
      accountCount: 1,
    });
    await controls.saveControlResult(DETECTION_CONTROL, aDetection(B, 'PASS'));
    expect(
      (await service.getEntityResult('group:default/department', CALLER))
        .detection,
    ).toEqual({
      counts: { PASS: 1, FAIL: 1, ERROR: 0, NOT_APPLICABLE: 0 },
      accountCount: 2,
    });
    const none = await service.getEntityResult(
      'component:default/plain',
      CALLER,
    );
    expect(none.detection).toEqual({
      counts: { PASS: 0, FAIL: 0, ERROR: 0, NOT_APPLICABLE: 0 },
      accountCount: 0,
    });
  });

  it('leaves the detection roll-up out when detection is turned off', async () => {
    const { service, controls } = await setup({ detectionEnabled: false });
    await controls.saveControlResult(DETECTION_CONTROL, aDetection(A, 'FAIL'));
    const result = await service.getEntityResult(
      'group:default/department',
      CALLER,
    );
    expect(result).not.toHaveProperty('detection');
  });

  it('counts every account in the database and lists one page of them, failing first', async () => {
    const many = Array.from({ length: 120 }, (_, i) => accountId(100 + i));
    const { service, store } = await setup({
      entities: many.map(id =>
        entity('Resource', `aws-${id}`, {
          account: id,
          relations: [{ type: 'ownedBy', targetRef: 'group:default/team' }],
        }),
      ),
      // Every tenth account fails; the last 20 have no result yet.
      results: many
        .slice(0, 100)
        .map((id, i): [string, Verdict] => [
          id,
          i % 10 === 0 ? 'FAIL' : 'PASS',
        ]),
    });

    const first = await service.getEntityResult('group:default/department', {
      ...CALLER,
      page: { limit: 12 },
    });
    expect(first.verdict).toBe('FAIL');
    expect(first.accountCount).toBe(102);
    expect(first.counts).toMatchObject({ FAIL: 11, PASS: 91 });
    expect(first.accounts).toHaveLength(12);
    expect(first.accounts.slice(0, 11).every(a => a.verdict === 'FAIL')).toBe(
      true,
    );
    expect(first.pendingAccountIds).toEqual(many.slice(100));
    // One counted page, and the evaluated ids only because some are missing.
    expect(store.listAccounts).toHaveBeenCalledTimes(1);
    expect(store.listEvaluatedAccountIds).toHaveBeenCalledTimes(1);

    const last = await service.getEntityResult('group:default/department', {
      ...CALLER,
      page: { offset: 96, limit: 12 },
    });
    expect(last.accounts).toHaveLength(6);
    expect(last).toMatchObject({ offset: 96, limit: 12, accountCount: 102 });
  });

  it('says PENDING for a system whose accounts have no result yet', async () => {
    const { service } = await setup();
    await expect(
      service.getEntityResult('system:default/payments', CALLER),
    ).resolves.toMatchObject({
      verdict: 'PENDING',
      accounts: [],
      pendingAccountIds: [C],
    });
  });

  it('says NOT_MAPPED for an entity without accounts, without asking the store', async () => {
    const { service, store } = await setup();
    await expect(
      service.getEntityResult('component:default/plain', CALLER),
    ).resolves.toMatchObject({ verdict: 'NOT_MAPPED', accounts: [] });
    expect(store.listAccounts).not.toHaveBeenCalled();
  });

  it('reports a malformed annotation as a problem of its entity', async () => {
    const { service } = await setup();
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
    const { service } = await setup();
    await expect(
      service.getEntityResult('group:default/nobody', CALLER),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
