import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ComplianceException,
  ExceptionAuditEvent,
} from '@cis-aws/plugin-cis-aws-common';
import {
  aMapping,
  accountId,
  anEvaluation,
  at,
  trailArn,
} from '../storage/__fixtures__/evaluations';
import { ExceptionStore } from '../storage/EvaluationStore';
import { DefaultExceptionService } from './ExceptionService';
import {
  CALLER,
  accessTo,
  accountEntity,
  catalogOf,
} from './__testUtils__/fixtures';

const ACCOUNT = accountId(1);
const NEW_ACCOUNT = accountId(2);
const DAY = 86_400_000;
const NOW = new Date(at(0));
const inDays = (days: number) => new Date(NOW.getTime() + days * DAY);

function storedAccount(id = ACCOUNT) {
  return {
    ...aMapping(id),
    verdict: 'FAIL' as const,
    evaluatedAt: at(0),
    verdictSince: at(0),
    stale: false,
    evaluation: anEvaluation(id, 'FAIL'),
  };
}

function anException(
  overrides: Partial<ComplianceException> = {},
): ComplianceException {
  return {
    id: 'e-1',
    accountId: ACCOUNT,
    reason: 'Migrating',
    approvedBy: 'user:default/ciso',
    expiresAt: inDays(7).toISOString(),
    createdAt: NOW.toISOString(),
    createdBy: 'user:default/alice',
    ...overrides,
  };
}

function setup(
  options: {
    stored?: boolean;
    readable?: boolean;
    allow?: boolean;
    reevaluation?: 'ok' | 'fails';
  } = {},
) {
  const {
    stored = true,
    readable = true,
    allow = true,
    reevaluation = 'ok',
  } = options;
  const store = {
    getAccount: jest.fn(async (id: string) =>
      stored && id === ACCOUNT ? storedAccount(id) : undefined,
    ),
    listAccounts: jest.fn(),
  };
  const exceptions: jest.Mocked<ExceptionStore> = {
    createException: jest.fn(async input => ({ ...input, id: 'e-1' })),
    revokeException: jest.fn(async (id, input) =>
      anException({ id, revokedAt: input.at, revokedBy: input.actor }),
    ),
    getException: jest.fn(async id =>
      id === 'e-1' ? anException() : undefined,
    ),
    listExceptions: jest.fn(async () => [anException()]),
    listExceptionEvents: jest.fn(
      async (_accountId: string): Promise<ExceptionAuditEvent[]> => [],
    ),
  };
  const catalog = catalogOf([aMapping(ACCOUNT), aMapping(NEW_ACCOUNT)]);
  const engine = {
    readCatalog: jest.fn(async () => catalog),
    evaluateOne: jest.fn(async (id: string) => {
      if (reevaluation === 'fails') throw new Error('AWS is down');
      return {
        outcome: {
          trailChanges: [],
          summary: {
            ...storedAccount(id),
            title: 'Renamed',
            verdict: 'EXEMPT' as const,
          },
        },
        calls: {},
      };
    }),
  };
  const logger = mockServices.logger.mock();
  const service = DefaultExceptionService.create({
    store,
    exceptions,
    engine,
    access: accessTo(
      readable ? [accountEntity(ACCOUNT), accountEntity(NEW_ACCOUNT)] : [],
    ),
    permissions: mockServices.permissions({
      result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
    }),
    logger,
    maxDurationMs: 30 * DAY,
    now: () => NOW,
  });
  return { service, store, exceptions, engine, logger, catalog };
}

describe('DefaultExceptionService.grant', () => {
  it('records the exception with the caller as creator and approver, re-evaluates, and reads the account once', async () => {
    const { service, store, exceptions, engine } = setup();
    const item = await service.grant(
      ACCOUNT,
      { reason: 'Migrating', expiresAt: inDays(7) },
      CALLER,
    );
    expect(exceptions.createException).toHaveBeenCalledWith({
      accountId: ACCOUNT,
      trailArn: undefined,
      reason: 'Migrating',
      approvedBy: 'user:default/alice',
      expiresAt: inDays(7).toISOString(),
      ticketUrl: undefined,
      createdBy: 'user:default/alice',
      createdAt: NOW.toISOString(),
    });
    expect(engine.evaluateOne).toHaveBeenCalledWith(ACCOUNT, {
      catalog: undefined,
    });
    expect(store.getAccount).toHaveBeenCalledTimes(1);
    // The stored account answers who it is: the catalog is left to the re-evaluation.
    expect(engine.readCatalog).not.toHaveBeenCalled();
    // The catalog details come from the re-evaluated summary.
    expect(item).toMatchObject({
      id: 'e-1',
      status: 'ACTIVE',
      entityRef: `resource:default/aws-${ACCOUNT}`,
      title: 'Renamed',
    });
  });

  it('reads the catalog once for an account not evaluated yet, and hands it to the evaluation', async () => {
    const { service, engine, catalog } = setup();
    await service.grant(
      NEW_ACCOUNT,
      { reason: 'New', expiresAt: inDays(1) },
      CALLER,
    );
    expect(engine.readCatalog).toHaveBeenCalledTimes(1);
    expect(engine.evaluateOne).toHaveBeenCalledWith(NEW_ACCOUNT, { catalog });
  });

  it('answers an account the catalog does not name with 404', async () => {
    const { service, exceptions } = setup();
    await expect(
      service.grant(
        accountId(3),
        { reason: 'x', expiresAt: inDays(1) },
        CALLER,
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(exceptions.createException).not.toHaveBeenCalled();
  });

  it('answers an account whose entity the caller may not read with 404, before asking for the permission', async () => {
    const { service } = setup({ readable: false, allow: false });
    await expect(
      service.grant(ACCOUNT, { reason: 'x', expiresAt: inDays(1) }, CALLER),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('refuses a caller without cis-aws.exception.manage with 403', async () => {
    const { service, exceptions } = setup({ allow: false });
    await expect(
      service.grant(ACCOUNT, { reason: 'x', expiresAt: inDays(1) }, CALLER),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('cis-aws.exception.manage'),
    });
    expect(exceptions.createException).not.toHaveBeenCalled();
  });

  it.each([
    ['now', 0, /in the future/],
    ['in the past', -1, /in the future/],
    ['past the longest duration', 31, /at most 30 days/],
  ])('refuses an expiry %s with 400', async (_, days, message) => {
    const { service, exceptions } = setup();
    await expect(
      service.grant(ACCOUNT, { reason: 'x', expiresAt: inDays(days) }, CALLER),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(message),
    });
    expect(exceptions.createException).not.toHaveBeenCalled();
  });

  it('takes an expiry exactly at the longest duration', async () => {
    const { service } = setup();
    await expect(
      service.grant(ACCOUNT, { reason: 'x', expiresAt: inDays(30) }, CALLER),
    ).resolves.toMatchObject({ id: 'e-1' });
  });

  it('refuses a trail the latest evaluation does not have with 400, and takes one it has', async () => {
    const { service } = setup();
    await expect(
      service.grant(
        ACCOUNT,
        {
          reason: 'x',
          expiresAt: inDays(1),
          trailArn: trailArn(ACCOUNT, 'other'),
        },
        CALLER,
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/has no trail/),
    });
    await expect(
      service.grant(
        ACCOUNT,
        { reason: 'x', expiresAt: inDays(1), trailArn: trailArn(ACCOUNT) },
        CALLER,
      ),
    ).resolves.toMatchObject({ trailArn: trailArn(ACCOUNT) });
  });

  it('keeps the exception when the re-evaluation fails, and logs it with the account', async () => {
    const { service, logger } = setup({ reevaluation: 'fails' });
    const item = await service.grant(
      ACCOUNT,
      { reason: 'x', expiresAt: inDays(1) },
      CALLER,
    );
    expect(item).toMatchObject({ id: 'e-1', title: `Account ${ACCOUNT}` });
    expect(logger.child).toHaveBeenCalledWith({ accountId: ACCOUNT });
  });
});

describe('DefaultExceptionService.revoke', () => {
  it('revokes in the caller’s name and re-evaluates', async () => {
    const { service, exceptions, engine, store } = setup();
    const item = await service.revoke('e-1', { reason: 'Fixed' }, CALLER);
    expect(exceptions.revokeException).toHaveBeenCalledWith('e-1', {
      actor: 'user:default/alice',
      at: NOW.toISOString(),
      reason: 'Fixed',
    });
    expect(item.status).toBe('REVOKED');
    expect(engine.evaluateOne).toHaveBeenCalledTimes(1);
    expect(store.getAccount).toHaveBeenCalledTimes(1);
  });

  it('answers an unknown exception with 404', async () => {
    const { service } = setup();
    await expect(service.revoke('e-2', {}, CALLER)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'No exception e-2',
    });
  });

  it('answers an exception of an unreadable account like an unknown one', async () => {
    const { service } = setup({ readable: false });
    await expect(service.revoke('e-1', {}, CALLER)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'No exception e-1',
    });
  });

  it('refuses a caller without the permission with 403', async () => {
    const { service, exceptions } = setup({ allow: false });
    await expect(service.revoke('e-1', {}, CALLER)).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    expect(exceptions.revokeException).not.toHaveBeenCalled();
  });

  it('lets the store’s 409 through when it is already revoked, without re-evaluating', async () => {
    const { service, exceptions, engine } = setup();
    exceptions.revokeException.mockRejectedValue(
      new ConflictError('Exception e-1 is already revoked'),
    );
    await expect(service.revoke('e-1', {}, CALLER)).rejects.toMatchObject({
      name: 'ConflictError',
    });
    expect(engine.evaluateOne).not.toHaveBeenCalled();
  });
});

describe('DefaultExceptionService lists', () => {
  it('lists an account’s exceptions with their status and audit trail', async () => {
    const { service, exceptions } = setup();
    const body = await service.listAccountExceptions(ACCOUNT, CALLER);
    expect(body).toEqual({
      accountId: ACCOUNT,
      items: [
        expect.objectContaining({
          id: 'e-1',
          status: 'ACTIVE',
          ownerRef: 'group:default/platform',
        }),
      ],
      events: [],
    });
    expect(exceptions.listExceptions).toHaveBeenCalledWith({
      accountIds: [ACCOUNT],
    });
  });

  it('answers the exceptions of an unreadable account with 404', async () => {
    const { service } = setup({ readable: false });
    await expect(
      service.listAccountExceptions(ACCOUNT, CALLER),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('lists only those in force now unless all are asked for, over the readable accounts', async () => {
    const { service, store, exceptions } = setup();
    store.listAccounts.mockResolvedValue({
      items: [storedAccount()],
      totalCount: 1,
      totals: { PASS: 0, FAIL: 1, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
    });
    await service.listExceptions('ACTIVE', CALLER);
    expect(exceptions.listExceptions).toHaveBeenLastCalledWith({
      accountIds: [ACCOUNT],
      activeAt: NOW,
    });
    const all = await service.listExceptions('ALL', CALLER);
    expect(exceptions.listExceptions).toHaveBeenLastCalledWith({
      accountIds: [ACCOUNT],
    });
    expect(all.items[0]).toMatchObject({ title: `Account ${ACCOUNT}` });
    expect(store.listAccounts).toHaveBeenCalledWith(
      expect.objectContaining({
        readableEntityRefs: new Set([
          `resource:default/aws-${ACCOUNT}`,
          `resource:default/aws-${NEW_ACCOUNT}`,
        ]),
      }),
    );
  });
});
