import { mockServices } from '@backstage/backend-test-utils';
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

function setup(options: { readable?: boolean; allow?: boolean } = {}) {
  const { readable = true, allow = true } = options;
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
    listRuns: jest.fn(async () => []),
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
    logger: mockServices.logger.mock(),
    securityHubRegion: 'eu-west-1',
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
