import { ConflictError } from '@backstage/errors';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { DatabaseEvaluationStore } from './DatabaseEvaluationStore';
import { NewExceptionRequest } from './EvaluationStore';
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

  function aRequest(
    overrides: Partial<NewExceptionRequest> = {},
  ): NewExceptionRequest {
    return {
      accountId: ACCOUNT,
      reason: 'Being migrated to the organization trail',
      requestedBy: 'user:default/alice',
      requestedAt: at(0),
      expiresAt: at(60 * 24 * 30),
      ...overrides,
    };
  }

  async function approved(
    overrides: Partial<NewExceptionRequest> = {},
    approvedAt = overrides.requestedAt ?? at(0),
  ) {
    const requested = await store.requestException(aRequest(overrides));
    return (await store.decideException(requested.id, {
      decision: 'APPROVED',
      actor: 'user:default/ciso',
      at: approvedAt,
    }))!;
  }

  it('records a request as PENDING, reads it back whole, and records who requested it', async () => {
    const requested = await store.requestException(
      aRequest({
        trailArn: trailArn(ACCOUNT),
        ticketUrl: 'https://jira.example.com/browse/SEC-42',
      }),
    );
    expect(requested).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      accountId: ACCOUNT,
      trailArn: trailArn(ACCOUNT),
      reason: 'Being migrated to the organization trail',
      state: 'PENDING',
      createdBy: 'user:default/alice',
      createdAt: at(0),
      expiresAt: at(60 * 24 * 30),
      ticketUrl: 'https://jira.example.com/browse/SEC-42',
    });
    expect(await store.getException(requested.id)).toEqual(requested);
    expect(await store.listExceptionEvents(ACCOUNT)).toEqual([
      {
        exceptionId: requested.id,
        accountId: ACCOUNT,
        action: 'REQUESTED',
        actor: 'user:default/alice',
        at: at(0),
        details: requested,
      },
    ]);
  });

  it('approves a pending request once, with who, when and the comment; a second decision is a conflict', async () => {
    const requested = await store.requestException(aRequest());
    const decided = await store.decideException(requested.id, {
      decision: 'APPROVED',
      actor: 'user:default/ciso',
      at: at(5),
      comment: 'Until the migration',
    });
    expect(decided).toEqual({
      ...requested,
      state: 'APPROVED',
      approvedBy: 'user:default/ciso',
      approvedAt: at(5),
      decisionComment: 'Until the migration',
    });
    expect(await store.getException(requested.id)).toEqual(decided);
    await expect(
      store.decideException(requested.id, {
        decision: 'REJECTED',
        actor: 'user:default/bob',
        at: at(6),
        comment: 'no',
      }),
    ).rejects.toThrow(/already approved by user:default\/ciso/);
    expect(
      (await store.listExceptionEvents(ACCOUNT)).map(e => [
        e.action,
        e.actor,
        e.at,
        e.comment,
      ]),
    ).toEqual([
      ['REQUESTED', 'user:default/alice', at(0), undefined],
      ['APPROVED', 'user:default/ciso', at(5), 'Until the migration'],
    ]);
  });

  it('rejects a request; a rejected one cannot be revoked', async () => {
    const requested = await store.requestException(aRequest());
    const rejected = await store.decideException(requested.id, {
      decision: 'REJECTED',
      actor: 'user:default/ciso',
      at: at(5),
      comment: 'Fix the trail instead',
    });
    expect(rejected).toMatchObject({
      state: 'REJECTED',
      rejectedBy: 'user:default/ciso',
      rejectedAt: at(5),
      decisionComment: 'Fix the trail instead',
    });
    expect(rejected!.approvedBy).toBeUndefined();
    await expect(
      store.revokeException(requested.id, {
        actor: 'user:default/x',
        at: at(6),
      }),
    ).rejects.toThrow(ConflictError);
  });

  it('lists the exceptions in force at a time: approved, not expired, not revoked; never pending or rejected', async () => {
    const current = await approved();
    const expired = await approved({ expiresAt: at(30), reason: 'expired' });
    const approvedLater = await approved({ reason: 'approved later' }, at(500));
    const revoked = await approved({ reason: 'revoked' });
    await store.revokeException(revoked.id, {
      actor: 'user:default/bob',
      at: at(40),
    });
    const pending = await store.requestException(
      aRequest({ reason: 'pending' }),
    );
    await approved({ accountId: accountId(2) });

    const ids = (list: { id: string }[]) => list.map(e => e.id).sort();
    const activeAt = async (minute: number) =>
      ids(
        await store.listExceptions({
          accountIds: [ACCOUNT],
          activeAt: new Date(at(minute)),
        }),
      );
    expect(await activeAt(45)).toEqual([current.id].sort());
    expect(await activeAt(20)).toEqual(
      [current.id, expired.id, revoked.id].sort(),
    );
    expect(await activeAt(600)).toEqual([current.id, approvedLater.id].sort());
    // It expires at the very instant of expiresAt.
    expect(await activeAt(30)).toEqual([current.id, revoked.id].sort());
    expect(ids(await store.listExceptions({ accountIds: [ACCOUNT] }))).toEqual(
      [current.id, expired.id, approvedLater.id, revoked.id, pending.id].sort(),
    );
    expect(
      ids(
        await store.listExceptions({
          accountIds: [ACCOUNT],
          states: ['PENDING'],
        }),
      ),
    ).toEqual([pending.id]);
    expect(await store.listExceptions({ accountIds: [] })).toEqual([]);
    expect(await store.listExceptions()).toHaveLength(6);
  });

  it('revokes once, records who and why, and refuses a second revocation', async () => {
    const created = await approved();
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
    // A withdrawn request cannot be approved afterwards.
    const pending = await store.requestException(aRequest());
    await store.revokeException(pending.id, {
      actor: 'user:default/alice',
      at: at(11),
    });
    await expect(
      store.decideException(pending.id, {
        decision: 'APPROVED',
        actor: 'user:default/ciso',
        at: at(12),
      }),
    ).rejects.toThrow(/withdrawn/);
    expect(
      (await store.listExceptionEvents(ACCOUNT))
        .filter(e => e.exceptionId === created.id)
        .map(e => [e.action, e.actor, e.at, e.comment]),
    ).toEqual([
      ['REQUESTED', 'user:default/alice', at(0), undefined],
      ['APPROVED', 'user:default/ciso', at(0), undefined],
      ['REVOKED', 'user:default/bob', at(10), 'Fixed early'],
    ]);
  });

  it('lists exceptions to remind, records a reminder once, and records expiries once', async () => {
    const soon = await approved({ expiresAt: at(60 * 24 * 10) });
    await approved({ expiresAt: at(60 * 24 * 40), reason: 'later' });
    await store.requestException(aRequest({ expiresAt: at(60 * 24 * 5) }));
    const until = new Date(at(60 * 24 * 14));
    expect(
      (await store.listExceptionsToRemind(new Date(at(1)), until)).map(
        e => e.id,
      ),
    ).toEqual([soon.id]);
    const reminder = {
      actor: 'plugin:cis-aws/exception-reminders',
      at: at(2),
      recipients: ['group:default/platform'],
    };
    expect(await store.recordReminder(soon.id, reminder)).toBe(true);
    expect(await store.recordReminder(soon.id, reminder)).toBe(false);
    expect(await store.listExceptionsToRemind(new Date(at(3)), until)).toEqual(
      [],
    );

    const expiries = await store.recordExpiries({
      actor: 'plugin:cis-aws/exception-reminders',
      at: at(60 * 24 * 11),
    });
    // The approved one and the lapsed request; the one expiring later is not yet.
    expect(expiries).toHaveLength(2);
    expect(
      await store.recordExpiries({
        actor: 'plugin:cis-aws/exception-reminders',
        at: at(60 * 24 * 12),
      }),
    ).toEqual([]);
    const events = await store.listExceptionEvents(ACCOUNT);
    expect(
      events.filter(e => e.exceptionId === soon.id).map(e => e.action),
    ).toEqual(['REQUESTED', 'APPROVED', 'REMINDED', 'EXPIRED']);
    expect(events.find(e => e.action === 'REMINDED')?.details).toEqual({
      recipients: ['group:default/platform'],
      expiresAt: at(60 * 24 * 10),
    });
  });

  it('answers undefined for an unknown exception and rejects a malformed account id', async () => {
    expect(
      await store.revokeException('00000000-0000-0000-0000-000000000000', {
        actor: 'user:default/bob',
        at: at(0),
      }),
    ).toBeUndefined();
    expect(
      await store.decideException('00000000-0000-0000-0000-000000000000', {
        decision: 'APPROVED',
        actor: 'user:default/bob',
        at: at(0),
      }),
    ).toBeUndefined();
    expect(await store.getException('nope')).toBeUndefined();
    await expect(
      store.requestException(aRequest({ accountId: '12345' })),
    ).rejects.toThrow(/12-digit/);
  });
});

describe.each(databases.eachSupportedId())(
  'migrating exceptions to four eyes on %s',
  databaseId => {
    const migrationsDir = resolvePackagePath(
      '@cis-aws/plugin-cis-aws-backend',
      'migrations',
    );

    it('keeps a single-step grant in force, marked legacy, with its CREATED event', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.up({
        directory: migrationsDir,
        name: '20261124000000_init.js',
      });
      await knex.migrate.up({
        directory: migrationsDir,
        name: '20261124010000_trail_reasons.js',
      });
      await knex.migrate.up({
        directory: migrationsDir,
        name: '20261124020000_exceptions_and_daily_results.js',
      });
      const id = '0b8c6a1e-6a5b-4c8e-9d39-2f1c3b7a9e10';
      await knex('cis_aws_exceptions').insert({
        id,
        account_id: accountId(1),
        trail_arn: null,
        reason: 'Granted before four eyes',
        approved_by: 'someone typed this',
        ticket_url: null,
        created_at: at(0),
        created_by: 'user:default/alice',
        expires_at: at(60 * 24 * 30),
      });
      await knex('cis_aws_exception_events').insert({
        exception_id: id,
        account_id: accountId(1),
        action: 'CREATED',
        actor: 'user:default/alice',
        at: at(0),
        details: '{}',
      });
      const store = await DatabaseEvaluationStore.create({
        database: { getClient: async () => knex } as never,
      });
      const legacy = await store.getException(id);
      expect(legacy).toMatchObject({
        state: 'APPROVED',
        legacySingleStep: true,
        approvedBy: 'someone typed this',
        approvedAt: at(0),
      });
      expect(
        (
          await store.listExceptions({
            accountIds: [accountId(1)],
            activeAt: new Date(at(10)),
          })
        ).map(e => e.id),
      ).toEqual([id]);
      expect(
        (await store.listExceptionEvents(accountId(1))).map(e => e.action),
      ).toEqual(['CREATED']);
      // And back down: the legacy grant survives a rollback.
      await knex.migrate.down({ directory: migrationsDir });
      expect(
        await knex('cis_aws_exceptions').select('id', 'approved_by'),
      ).toEqual([{ id, approved_by: 'someone typed this' }]);
    });
  },
);
