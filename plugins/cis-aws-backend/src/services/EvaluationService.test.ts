import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  aMapping,
  accountId,
  anEvaluation,
  at,
} from '../storage/__fixtures__/evaluations';
import { DefaultEvaluationService } from './EvaluationService';
import {
  CALLER,
  accessTo,
  accountEntity,
  catalogOf,
} from './__testUtils__/fixtures';

const ACCOUNT = accountId(1);
/** aMapping's owner. */
const OWNER_GROUP = 'group:default/platform';
const MINUTE = 60_000;
const OWNER = { credentials: mockCredentials.user('user:default/olivia') };
const GROUPS: Record<string, string[]> = {
  // Ownership refs as Backstage resolves them: case as the catalog spells it.
  'user:default/olivia': ['group:default/Platform'],
  'user:default/alice': ['group:default/payments'],
};

function setup(
  options: {
    readable?: boolean;
    allow?: boolean;
    /** Minutes after at(0), the stored evaluation's time. */
    nowMinute?: number;
    scheduledRunAt?: string;
  } = {},
) {
  const { readable = true, allow = true, nowMinute = 10 } = options;
  const catalog = catalogOf([aMapping(ACCOUNT)]);
  const stored = {
    ...aMapping(ACCOUNT),
    verdict: 'PASS' as const,
    evaluatedAt: at(0),
    verdictSince: at(0),
    stale: false,
    evaluation: anEvaluation(ACCOUNT),
  };
  const engine = {
    readCatalog: jest.fn(async () => catalog),
    evaluateOne: jest.fn(async () => ({
      outcome: { trailChanges: [], summary: stored },
      calls: {},
    })),
  };
  const runner = {
    requestFullRun: jest.fn(async () => ({
      runId: 'run-1',
      status: 'queued' as const,
      alreadyActive: false,
    })),
  };
  const runs = {
    getRun: jest.fn(async (id: string) =>
      id === 'run-1'
        ? {
            id: 'run-1',
            trigger: 'manual' as const,
            startedAt: at(0),
            status: 'running' as const,
            accountsTotal: 1,
            accountsEvaluated: 0,
            accountsErrored: 0,
            accountsSkipped: 0,
            verdicts: {},
            calls: {},
            apiErrors: {},
            errors: [],
          }
        : undefined,
    ),
    listRuns: jest.fn(async () =>
      options.scheduledRunAt
        ? [
            {
              id: 'run-0',
              trigger: 'schedule' as const,
              startedAt: options.scheduledRunAt,
              status: 'succeeded' as const,
              accountsTotal: 1,
              accountsEvaluated: 1,
              accountsErrored: 0,
              accountsSkipped: 0,
              verdicts: {},
              calls: {},
              apiErrors: {},
              errors: [],
            },
          ]
        : [],
    ),
  };
  const store = {
    getAccount: jest.fn(async () => stored),
  };
  const service = DefaultEvaluationService.create({
    engine,
    runner,
    runs,
    store,
    access: accessTo(readable ? [accountEntity(ACCOUNT)] : []),
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
    logger: mockServices.logger.mock(),
    securityHubRegion: 'eu-west-1',
    minIntervalMs: MINUTE,
    schedule: { frequencyMs: 60 * MINUTE, description: 'every 1 hour' },
    now: () => new Date(Date.parse(at(0)) + nowMinute * MINUTE),
  });
  return { service, engine, store, catalog, runner, runs };
}

describe('DefaultEvaluationService', () => {
  it('evaluates an account on demand reading the catalog once, and answers the fresh result with console links', async () => {
    const { service, engine, store, catalog } = setup();
    const detail = await service.evaluateAccount(ACCOUNT, CALLER);
    expect(engine.readCatalog).toHaveBeenCalledTimes(1);
    expect(engine.evaluateOne).toHaveBeenCalledWith(ACCOUNT, { catalog });
    expect(store.getAccount).toHaveBeenCalledTimes(1);
    const [trail] = detail.evaluation.trails;
    expect(trail.consoleLinks.securityHubControl).toContain('eu-west-1');
  });

  it('answers an account the catalog does not name with 404', async () => {
    const { service, engine } = setup();
    await expect(
      service.evaluateAccount(accountId(9), CALLER),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(engine.evaluateOne).not.toHaveBeenCalled();
  });

  it('answers an account the caller may not read with 404 whatever the permission says', async () => {
    const { service } = setup({ readable: false, allow: false });
    await expect(
      service.evaluateAccount(ACCOUNT, CALLER),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('lets an owner (through a group of their ownership refs) evaluate without the permission', async () => {
    const { service, engine } = setup({ allow: false });
    await expect(service.evaluateAccount(ACCOUNT, OWNER)).resolves.toMatchObject(
      { accountId: ACCOUNT },
    );
    expect(engine.evaluateOne).toHaveBeenCalledTimes(1);
    await expect(service.getEvaluationAccess(ACCOUNT, OWNER)).resolves.toMatchObject({
      allowed: true,
      basis: 'OWNER',
    });
  });

  it('limits an owner to one evaluation per account per minInterval: 429 with the seconds to wait, and says when', async () => {
    // Stored at(0), now 20 s later.
    const { service, engine } = setup({ allow: false, nowMinute: 1 / 3 });
    const refused = service.evaluateAccount(ACCOUNT, OWNER);
    await expect(refused).rejects.toMatchObject({
      name: 'TooManyRequestsError',
      retryAfterSeconds: 40,
      message: expect.stringContaining('again in 40 s'),
    });
    expect(engine.evaluateOne).not.toHaveBeenCalled();
    await expect(service.getEvaluationAccess(ACCOUNT, OWNER)).resolves.toMatchObject({
      allowed: false,
      basis: 'RATE_LIMITED',
      retryAt: new Date(Date.parse(at(0)) + MINUTE).toISOString(),
    });
  });

  it('does not limit a holder of the permission', async () => {
    const { service, engine } = setup({ allow: true, nowMinute: 0.1 });
    await service.evaluateAccount(ACCOUNT, OWNER);
    expect(engine.evaluateOne).toHaveBeenCalledTimes(1);
  });

  it('tells a reader who is not an owner why not and when the scheduled run checks the account next', async () => {
    const { service } = setup({
      allow: false,
      nowMinute: 150,
      scheduledRunAt: at(60),
    });
    await expect(service.getEvaluationAccess(ACCOUNT, CALLER)).resolves.toEqual({
      accountId: ACCOUNT,
      allowed: false,
      basis: 'NOT_OWNER',
      message: expect.stringContaining(OWNER_GROUP),
      // Runs at 01:00, hourly: 02:00 has passed at 02:30, the next is 03:00.
      nextScheduledAt: at(180),
      schedule: 'every 1 hour',
    });
  });

  it('refuses a caller without cis-aws.account.evaluate with 403, evaluating nothing', async () => {
    const { service, engine, runner } = setup({ allow: false });
    await expect(
      service.evaluateAccount(ACCOUNT, CALLER),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('cis-aws.account.evaluate'),
    });
    await expect(service.requestRun(CALLER)).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    expect(engine.evaluateOne).not.toHaveBeenCalled();
    expect(runner.requestFullRun).not.toHaveBeenCalled();
  });

  it('asks for a full run, serves the run by id (404 for an unknown one) and lists runs', async () => {
    const { service, runner, runs } = setup();
    await expect(service.requestRun(CALLER)).resolves.toEqual({
      runId: 'run-1',
      status: 'queued',
      alreadyActive: false,
    });
    expect(runner.requestFullRun).toHaveBeenCalledTimes(1);
    await expect(service.getRun('run-1')).resolves.toMatchObject({
      id: 'run-1',
      status: 'running',
    });
    await expect(service.getRun('run-2')).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    await expect(service.listRuns(5)).resolves.toEqual({ runs: [] });
    expect(runs.listRuns).toHaveBeenCalledWith(5);
  });
});
