import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
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
import {
  DefaultExceptionService,
  ExceptionServiceDeps,
} from './ExceptionService';
import {
  CALLER,
  accessTo,
  accountEntity,
  catalogOf,
} from './__testUtils__/fixtures';

const ACCOUNT = accountId(1);
/** alice owns the accounts (group:default/platform); ciso and carol approve; bob is neither. */
const GROUPS: Record<string, string[]> = {
  'user:default/alice': ['group:default/platform'],
  'user:default/ciso': ['group:default/security'],
  'user:default/carol': ['group:default/Security'],
  'user:default/bob': ['group:default/other'],
};
const as = (user: string) => ({
  credentials: mockCredentials.user(`user:default/${user}`),
});
const APPROVER = as('ciso');
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
    state: 'APPROVED',
    approvedBy: 'user:default/ciso',
    approvedAt: NOW.toISOString(),
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
    approvers?: string[];
    existing?: ComplianceException;
  } = {},
) {
  const {
    stored = true,
    readable = true,
    allow = true,
    reevaluation = 'ok',
    approvers = ['group:default/security'],
    existing = anException({
      state: 'PENDING',
      approvedBy: undefined,
      approvedAt: undefined,
    }),
  } = options;
  const store = {
    getAccount: jest.fn(async (id: string) =>
      stored && id === ACCOUNT ? storedAccount(id) : undefined,
    ),
    listAccounts: jest.fn(),
  };
  const exceptions: jest.Mocked<ExceptionServiceDeps['exceptions']> = {
    requestException: jest.fn(async input => ({
      id: 'e-1',
      accountId: input.accountId,
      trailArn: input.trailArn,
      reason: input.reason,
      state: 'PENDING' as const,
      createdAt: input.requestedAt,
      createdBy: input.requestedBy,
      expiresAt: input.expiresAt,
    })),
    decideException: jest.fn(async (id, input) =>
      input.decision === 'APPROVED'
        ? {
            ...existing,
            id,
            state: 'APPROVED' as const,
            approvedBy: input.actor,
            approvedAt: input.at,
            decisionComment: input.comment,
          }
        : {
            ...existing,
            id,
            state: 'REJECTED' as const,
            rejectedBy: input.actor,
            rejectedAt: input.at,
            decisionComment: input.comment,
          },
    ),
    revokeException: jest.fn(async (id, input) => ({
      ...existing,
      id,
      revokedAt: input.at,
      revokedBy: input.actor,
    })),
    getException: jest.fn(async id => (id === 'e-1' ? existing : undefined)),
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
    userInfo: {
      async getUserInfo(credentials: BackstageCredentials) {
        const user = (credentials.principal as BackstageUserPrincipal)
          .userEntityRef;
        return { userEntityRef: user, ownershipEntityRefs: GROUPS[user] ?? [] };
      },
    },
    logger,
    maxDurationMs: 30 * DAY,
    approvers,
    remindBeforeMs: 14 * DAY,
    now: () => NOW,
  });
  return { service, store, exceptions, engine, logger, catalog };
}

describe('DefaultExceptionService.request', () => {
  it('records a PENDING request in the owner’s verified name, without re-evaluating', async () => {
    const { service, store, exceptions, engine } = setup();
    const item = await service.request(
      ACCOUNT,
      { reason: 'Migrating', expiresAt: inDays(7) },
      CALLER,
    );
    expect(exceptions.requestException).toHaveBeenCalledWith({
      accountId: ACCOUNT,
      trailArn: undefined,
      reason: 'Migrating',
      expiresAt: inDays(7).toISOString(),
      ticketUrl: undefined,
      requestedBy: 'user:default/alice',
      requestedAt: NOW.toISOString(),
    });
    // A request changes no verdict.
    expect(engine.evaluateOne).not.toHaveBeenCalled();
    expect(store.getAccount).toHaveBeenCalledTimes(1);
    expect(item).toMatchObject({
      id: 'e-1',
      status: 'PENDING',
      entityRef: `resource:default/aws-${ACCOUNT}`,
    });
  });

  it('lets a non-owner request with cis-aws.exception.request, and refuses one without it with 403', async () => {
    await expect(
      setup({ allow: true }).service.request(
        ACCOUNT,
        { reason: 'x', expiresAt: inDays(1) },
        as('bob'),
      ),
    ).resolves.toMatchObject({ createdBy: 'user:default/bob' });
    const { service, exceptions } = setup({ allow: false });
    await expect(
      service.request(
        ACCOUNT,
        { reason: 'x', expiresAt: inDays(1) },
        as('bob'),
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /owner of AWS account .* \(group:default\/platform\) or a holder of cis-aws.exception.request/,
      ),
    });
    expect(exceptions.requestException).not.toHaveBeenCalled();
  });

  it('lets an owner request without the request permission', async () => {
    const { service } = setup({ allow: false });
    await expect(
      service.request(ACCOUNT, { reason: 'x', expiresAt: inDays(1) }, CALLER),
    ).resolves.toMatchObject({ status: 'PENDING' });
  });

  it('finds the owner of an account not evaluated yet in the catalog, read once', async () => {
    const { service, engine } = setup({ allow: false });
    await service.request(
      NEW_ACCOUNT,
      { reason: 'New', expiresAt: inDays(1) },
      CALLER,
    );
    expect(engine.readCatalog).toHaveBeenCalledTimes(1);
  });

  it('answers an account the catalog does not name, or an unreadable one, with 404', async () => {
    const { service, exceptions } = setup();
    await expect(
      service.request(
        accountId(3),
        { reason: 'x', expiresAt: inDays(1) },
        CALLER,
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      setup({ readable: false, allow: false }).service.request(
        ACCOUNT,
        { reason: 'x', expiresAt: inDays(1) },
        CALLER,
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(exceptions.requestException).not.toHaveBeenCalled();
  });

  it.each([
    ['now', 0, /in the future/],
    ['in the past', -1, /in the future/],
    ['past the longest duration', 31, /at most 30 days/],
  ])('refuses an expiry %s with 400', async (_, days, message) => {
    const { service, exceptions } = setup();
    await expect(
      service.request(
        ACCOUNT,
        { reason: 'x', expiresAt: inDays(days) },
        CALLER,
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(message),
    });
    expect(exceptions.requestException).not.toHaveBeenCalled();
  });

  it('refuses a trail the latest evaluation does not have with 400, and takes one it has', async () => {
    const { service } = setup();
    await expect(
      service.request(
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
      service.request(
        ACCOUNT,
        { reason: 'x', expiresAt: inDays(30), trailArn: trailArn(ACCOUNT) },
        CALLER,
      ),
    ).resolves.toMatchObject({ trailArn: trailArn(ACCOUNT) });
  });
});

describe('DefaultExceptionService.decide', () => {
  it('approves in the approver’s verified name with the comment, and re-evaluates', async () => {
    const { service, exceptions, engine } = setup();
    const item = await service.decide(
      'e-1',
      'APPROVED',
      { comment: 'Until the migration' },
      APPROVER,
    );
    expect(exceptions.decideException).toHaveBeenCalledWith('e-1', {
      decision: 'APPROVED',
      actor: 'user:default/ciso',
      at: NOW.toISOString(),
      comment: 'Until the migration',
    });
    expect(engine.evaluateOne).toHaveBeenCalledTimes(1);
    expect(item).toMatchObject({ status: 'ACTIVE', title: 'Renamed' });
  });

  it('rejects without re-evaluating', async () => {
    const { service, engine } = setup();
    const item = await service.decide(
      'e-1',
      'REJECTED',
      { comment: 'Fix it' },
      APPROVER,
    );
    expect(item).toMatchObject({
      status: 'REJECTED',
      rejectedBy: 'user:default/ciso',
    });
    expect(engine.evaluateOne).not.toHaveBeenCalled();
  });

  it('refuses the requester, even an approver, with 403 saying four eyes', async () => {
    const existing = anException({
      state: 'PENDING',
      approvedBy: undefined,
      approvedAt: undefined,
      createdBy: 'user:default/ciso',
    });
    const { service, exceptions } = setup({ existing });
    for (const decision of ['APPROVED', 'REJECTED'] as const) {
      await expect(
        service.decide('e-1', decision, { comment: 'mine' }, APPROVER),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringMatching(
          /You requested exception e-1 yourself, so you may not (approve|reject) it: four eyes means another member of group:default\/security/,
        ),
      });
    }
    expect(exceptions.decideException).not.toHaveBeenCalled();
  });

  it('refuses someone outside the approver groups, and everyone when none is configured', async () => {
    const { service } = setup();
    await expect(
      service.decide('e-1', 'APPROVED', {}, as('bob')),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'Only members of group:default/security (cisAws.exceptions.approvers) may approve exceptions',
    });
    await expect(
      setup({ approvers: [] }).service.decide('e-1', 'APPROVED', {}, APPROVER),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(/no approver group is configured/),
    });
  });

  it('takes group membership whatever the case, and still needs the approve permission', async () => {
    await expect(
      setup().service.decide('e-1', 'APPROVED', {}, as('carol')),
    ).resolves.toMatchObject({ approvedBy: 'user:default/carol' });
    await expect(
      setup({ allow: false }).service.decide('e-1', 'APPROVED', {}, APPROVER),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('cis-aws.exception.approve'),
    });
  });

  it('refuses to approve a request whose expiry passed undecided with 409', async () => {
    const existing = anException({
      state: 'PENDING',
      approvedBy: undefined,
      approvedAt: undefined,
      expiresAt: NOW.toISOString(),
    });
    await expect(
      setup({ existing }).service.decide('e-1', 'APPROVED', {}, APPROVER),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(/expired .* before it was decided/),
    });
  });

  it('answers an exception of an unreadable account like an unknown one', async () => {
    const { service } = setup({ readable: false });
    await expect(
      service.decide('e-1', 'APPROVED', {}, APPROVER),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'No exception e-1',
    });
    await expect(
      service.decide('e-2', 'APPROVED', {}, APPROVER),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'No exception e-2',
    });
  });
});

describe('DefaultExceptionService.revoke', () => {
  it('lets an approver revoke an approved exception, and re-evaluates', async () => {
    const { service, exceptions, engine, store } = setup({
      existing: anException(),
    });
    const item = await service.revoke('e-1', { reason: 'Fixed' }, APPROVER);
    expect(exceptions.revokeException).toHaveBeenCalledWith('e-1', {
      actor: 'user:default/ciso',
      at: NOW.toISOString(),
      reason: 'Fixed',
    });
    expect(item.status).toBe('REVOKED');
    expect(engine.evaluateOne).toHaveBeenCalledTimes(1);
    expect(store.getAccount).toHaveBeenCalledTimes(1);
  });

  it('lets the requester withdraw their own request without approver rights, and no one else', async () => {
    const { service, engine } = setup({ allow: false });
    await expect(service.revoke('e-1', {}, CALLER)).resolves.toMatchObject({
      revokedBy: 'user:default/alice',
    });
    expect(engine.evaluateOne).not.toHaveBeenCalled();
    await expect(service.revoke('e-1', {}, as('bob'))).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
  });

  it('answers an unknown exception with 404', async () => {
    const { service } = setup();
    await expect(service.revoke('e-2', {}, APPROVER)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'No exception e-2',
    });
  });

  it('lets the store’s 409 through when it is already revoked, without re-evaluating', async () => {
    const { service, exceptions, engine } = setup();
    exceptions.revokeException.mockRejectedValue(
      new ConflictError('Exception e-1 is already revoked'),
    );
    await expect(service.revoke('e-1', {}, APPROVER)).rejects.toMatchObject({
      name: 'ConflictError',
    });
    expect(engine.evaluateOne).not.toHaveBeenCalled();
  });
});

describe('DefaultExceptionService lists', () => {
  it('lists an account’s exceptions with their status, audit trail and what the caller may do', async () => {
    const { service, exceptions } = setup({ existing: anException() });
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
      viewer: {
        entityRef: 'user:default/alice',
        approver: false,
        canRequest: true,
      },
    });
    expect(exceptions.listExceptions).toHaveBeenCalledWith({
      accountIds: [ACCOUNT],
    });
    expect(
      (
        await setup({ allow: false }).service.listAccountExceptions(
          ACCOUNT,
          as('ciso'),
        )
      ).viewer,
    ).toEqual({
      entityRef: 'user:default/ciso',
      approver: false,
      canRequest: false,
    });
  });

  it('answers the exceptions of an unreadable account with 404', async () => {
    const { service } = setup({ readable: false });
    await expect(
      service.listAccountExceptions(ACCOUNT, CALLER),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('lists those in force, pending, expiring soon, or all, over the readable accounts', async () => {
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
    const all = await service.listExceptions('ALL', APPROVER);
    expect(exceptions.listExceptions).toHaveBeenLastCalledWith({
      accountIds: [ACCOUNT],
    });
    expect(all.items[0]).toMatchObject({ title: `Account ${ACCOUNT}` });
    expect(all.viewer).toEqual({
      entityRef: 'user:default/ciso',
      approver: true,
    });
    expect(all.expiringWithinDays).toBe(14);

    exceptions.listExceptions.mockResolvedValue([
      anException({ id: 'pending', state: 'PENDING', approvedAt: undefined }),
      // Its expiry passed undecided: no longer pending.
      anException({
        id: 'lapsed',
        state: 'PENDING',
        approvedAt: undefined,
        expiresAt: NOW.toISOString(),
      }),
    ]);
    const pending = await service.listExceptions('PENDING', CALLER);
    expect(exceptions.listExceptions).toHaveBeenLastCalledWith({
      accountIds: [ACCOUNT],
      states: ['PENDING'],
    });
    expect(pending.items.map(e => e.id)).toEqual(['pending']);

    exceptions.listExceptions.mockResolvedValue([
      anException({ id: 'late', expiresAt: inDays(20).toISOString() }),
      anException({ id: 'soon', expiresAt: inDays(13).toISOString() }),
      anException({ id: 'sooner', expiresAt: inDays(2).toISOString() }),
    ]);
    const expiring = await service.listExceptions('EXPIRING', CALLER);
    expect(expiring.items.map(e => e.id)).toEqual(['sooner', 'soon']);
  });
});
