import { ConflictError } from '@backstage/errors';
import { DatabaseEvaluationStore } from './DatabaseEvaluationStore';
import { NewException } from './EvaluationStore';
import { createStore, createTestDatabases } from './__testUtils__/stores';
import { accountId, at, trailArn } from './__fixtures__/evaluations';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('exceptions on %s', databaseId => {
  const ACCOUNT = accountId(1);
  let store: DatabaseEvaluationStore;

  beforeEach(async () => {
    ({ store } = await createStore(databases, databaseId));
  });

  function anException(overrides: Partial<NewException> = {}): NewException {
    return {
      accountId: ACCOUNT,
      reason: 'Being migrated to the organization trail',
      approvedBy: 'user:default/ciso',
      createdBy: 'user:default/alice',
      createdAt: at(0),
      expiresAt: at(60 * 24 * 30),
      ...overrides,
    };
  }

  it('creates an exception, reads it back whole, and records who created it', async () => {
    const created = await store.createException(
      anException({
        trailArn: trailArn(ACCOUNT),
        ticketUrl: 'https://jira.example.com/browse/SEC-42',
      }),
    );
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      accountId: ACCOUNT,
      trailArn: trailArn(ACCOUNT),
      reason: 'Being migrated to the organization trail',
      approvedBy: 'user:default/ciso',
      createdBy: 'user:default/alice',
      createdAt: at(0),
      expiresAt: at(60 * 24 * 30),
      ticketUrl: 'https://jira.example.com/browse/SEC-42',
    });
    expect(await store.getException(created.id)).toEqual(created);
    expect(await store.listExceptionEvents(ACCOUNT)).toEqual([
      {
        exceptionId: created.id,
        accountId: ACCOUNT,
        action: 'CREATED',
        actor: 'user:default/alice',
        at: at(0),
        details: created,
      },
    ]);
  });

  it('lists the exceptions in force at a time: created, not expired, not revoked', async () => {
    const current = await store.createException(anException());
    const expired = await store.createException(
      anException({ expiresAt: at(30), reason: 'expired' }),
    );
    const future = await store.createException(
      anException({ createdAt: at(500), reason: 'later' }),
    );
    const revoked = await store.createException(
      anException({ reason: 'revoked' }),
    );
    await store.revokeException(revoked.id, {
      actor: 'user:default/bob',
      at: at(40),
    });
    await store.createException(anException({ accountId: accountId(2) }));

    const ids = (list: { id: string }[]) => list.map(e => e.id).sort();
    expect(
      ids(
        await store.listExceptions({
          accountIds: [ACCOUNT],
          activeAt: new Date(at(45)),
        }),
      ),
    ).toEqual([current.id].sort());
    expect(
      ids(
        await store.listExceptions({
          accountIds: [ACCOUNT],
          activeAt: new Date(at(20)),
        }),
      ),
    ).toEqual([current.id, expired.id, revoked.id].sort());
    expect(ids(await store.listExceptions({ accountIds: [ACCOUNT] }))).toEqual(
      [current.id, expired.id, future.id, revoked.id].sort(),
    );
    expect(await store.listExceptions({ accountIds: [] })).toEqual([]);
    expect(await store.listExceptions()).toHaveLength(5);
    // It expires at the very instant of expiresAt.
    expect(
      ids(
        await store.listExceptions({
          accountIds: [ACCOUNT],
          activeAt: new Date(at(30)),
        }),
      ),
    ).toEqual([current.id, revoked.id].sort());
  });

  it('revokes once, records who and why, and refuses a second revocation', async () => {
    const created = await store.createException(anException());
    const revoked = await store.revokeException(created.id, {
      actor: 'user:default/bob',
      at: at(10),
      reason: 'Fixed early',
    });
    expect(revoked).toEqual({
      ...created,
      revokedAt: at(10),
      revokedBy: 'user:default/bob',
      revokeReason: 'Fixed early',
    });
    expect(await store.getException(created.id)).toEqual(revoked);
    await expect(
      store.revokeException(created.id, {
        actor: 'user:default/carol',
        at: at(20),
      }),
    ).rejects.toThrow(ConflictError);
    expect(
      (await store.listExceptionEvents(ACCOUNT)).map(e => [
        e.action,
        e.actor,
        e.at,
        e.action === 'REVOKED' ? e.details : {},
      ]),
    ).toEqual([
      ['CREATED', 'user:default/alice', at(0), {}],
      ['REVOKED', 'user:default/bob', at(10), { reason: 'Fixed early' }],
    ]);
  });

  it('answers undefined for an unknown exception and rejects a malformed account id', async () => {
    expect(
      await store.revokeException('00000000-0000-0000-0000-000000000000', {
        actor: 'user:default/bob',
        at: at(0),
      }),
    ).toBeUndefined();
    expect(await store.getException('nope')).toBeUndefined();
    await expect(
      store.createException(anException({ accountId: '12345' })),
    ).rejects.toThrow(/12-digit/);
  });
});
