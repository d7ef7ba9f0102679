import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import express from 'express';
import request from 'supertest';
import { ApiServices } from '../services';
import { createRouter } from './router';
import { TooManyRequestsError } from '../services/EvaluationService';

const ACCOUNT = '123456789012';
const TRAIL = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`;
const IN_A_WEEK = '2026-12-13T00:00:00Z';

type Mocked = { [K in keyof ApiServices]: jest.Mocked<ApiServices[K]> };

function mockedServices(): Mocked {
  return {
    accounts: {
      listAccounts: jest.fn(),
      getAccount: jest.fn(),
      getHistory: jest.fn(),
    },
    entities: { getEntityResult: jest.fn() },
    owners: { rankOwners: jest.fn(), rankSystems: jest.fn() },
    trends: { getTrend: jest.fn() },
    evaluations: {
      evaluateAccount: jest.fn(),
      getEvaluationAccess: jest.fn(),
      requestRun: jest.fn(),
      getRun: jest.fn(),
      listRuns: jest.fn(),
    },
    exceptions: {
      listAccountExceptions: jest.fn(),
      listExceptions: jest.fn(),
      request: jest.fn(),
      decide: jest.fn(),
      revoke: jest.fn(),
    },
    evidence: { producePacket: jest.fn(), verify: jest.fn() },
    freshness: { getFreshness: jest.fn() },
    detection: { getAccountDetection: jest.fn() },
  };
}

/** The router over mocked services, as the template tests its router. */
async function appWith(services: Mocked, knownSecrets?: string[]) {
  const app = express();
  app.use(
    await createRouter({
      httpAuth: mockServices.httpAuth(),
      knownSecrets,
      ...services,
    }),
  );
  app.use(mockErrorHandler());
  return app;
}

interface RouteCase {
  route: string;
  method: 'get' | 'post';
  path: string;
  body?: object;
  /** The one service method the route calls. */
  calls: (s: Mocked) => jest.MockInstance<any, any>;
  ok: number;
  /** A request the route itself refuses (400) before calling the service. */
  badInput: { path: string; body?: unknown; message: RegExp }[];
  /** The errors of the service the route answers with their status. */
  serviceErrors: Error[];
}

const notFound = new NotFoundError('No such account');
const notAllowed = new NotAllowedError('You may not (cis-aws.x)');

const ROUTES: RouteCase[] = [
  {
    route: 'GET /v1/accounts',
    method: 'get',
    path: '/v1/accounts',
    calls: s => s.accounts.listAccounts,
    ok: 200,
    badInput: [
      { path: '/v1/accounts?verdict=MAYBE', message: /verdict/ },
      { path: '/v1/accounts?limit=0', message: /limit/ },
      { path: '/v1/accounts?offset=-1', message: /offset/ },
      { path: '/v1/accounts?sort=title', message: /Unrecognized key/ },
      { path: '/v1/accounts?noOwner=yes', message: /noOwner/ },
      { path: '/v1/accounts?mine=1', message: /mine/ },
      { path: '/v1/accounts?orderBy=failingFor', message: /orderBy/ },
      { path: '/v1/accounts?detection=MAYBE', message: /detection/ },
      { path: '/v1/accounts?detection=PASS,EXEMPT', message: /detection/ },
    ],
    serviceErrors: [new InputError('detection content is not evaluated here')],
  },
  {
    route: 'GET /v1/accounts/:accountId/controls/cis-3.x-detection',
    method: 'get',
    path: `/v1/accounts/${ACCOUNT}/controls/cis-3.x-detection`,
    calls: s => s.detection.getAccountDetection,
    ok: 200,
    badInput: [
      {
        path: '/v1/accounts/12345/controls/cis-3.x-detection',
        message: /12 digits/,
      },
      {
        path: `/v1/accounts/${ACCOUNT}/controls/cis-3.x-detection?check=3.3`,
        message: /Unrecognized key/,
      },
    ],
    serviceErrors: [notFound, new NotFoundError('not been evaluated yet')],
  },
  {
    route: 'GET /v1/owners',
    method: 'get',
    path: '/v1/owners?from=2026-11-01&to=2026-11-30',
    calls: s => s.owners.rankOwners,
    ok: 200,
    badInput: [
      { path: '/v1/owners?top=3', message: /Unrecognized key/ },
      {
        path: '/v1/owners?from=2026-02-30',
        message: /from: is not a calendar day/,
      },
      {
        path: '/v1/owners?from=2026-12-02&to=2026-12-01',
        message: /"from" must not be after "to"/,
      },
    ],
    serviceErrors: [new InputError('A period covers at most 800 days')],
  },
  {
    route: 'GET /v1/systems',
    method: 'get',
    path: '/v1/systems',
    calls: s => s.owners.rankSystems,
    ok: 200,
    badInput: [{ path: '/v1/systems?top=3', message: /Unrecognized key/ }],
    serviceErrors: [],
  },
  {
    route: 'GET /v1/trends',
    method: 'get',
    path: '/v1/trends?entityRef=group:default/team-a&from=2026-11-01&to=2026-11-30&groupBy=day',
    calls: s => s.trends.getTrend,
    ok: 200,
    badInput: [
      {
        path: '/v1/trends?from=2026-02-30',
        message: /from: is not a calendar day/,
      },
      {
        path: '/v1/trends?to=yesterday',
        message: /to: expected a day as YYYY-MM-DD/,
      },
      {
        path: '/v1/trends?from=2026-12-02&to=2026-12-01',
        message: /"from" must not be after "to"/,
      },
      { path: '/v1/trends?groupBy=week', message: /groupBy/ },
      {
        path: '/v1/trends?entityRef=group:',
        message: /entityRef: expected an entity ref/,
      },
      { path: '/v1/trends?team=a', message: /Unrecognized key/ },
    ],
    serviceErrors: [
      notFound,
      new InputError('A trend covers at most 800 days'),
    ],
  },
  {
    route: 'GET /v1/accounts/:accountId',
    method: 'get',
    path: `/v1/accounts/${ACCOUNT}`,
    calls: s => s.accounts.getAccount,
    ok: 200,
    badInput: [{ path: '/v1/accounts/12345', message: /12 digits/ }],
    serviceErrors: [notFound],
  },
  {
    route: 'GET /v1/accounts/:accountId/history',
    method: 'get',
    path: `/v1/accounts/${ACCOUNT}/history`,
    calls: s => s.accounts.getHistory,
    ok: 200,
    badInput: [
      {
        path: `/v1/accounts/${ACCOUNT}/history?from=2026-11-24T00:00:00%2B99:00`,
        message: /from: not a valid instant/,
      },
      {
        path: `/v1/accounts/${ACCOUNT}/history?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z`,
        message: /"from" must not be after "to"/,
      },
      { path: '/v1/accounts/x/history', message: /12 digits/ },
    ],
    serviceErrors: [notFound],
  },
  {
    route: 'GET /v1/accounts/:accountId/freshness',
    method: 'get',
    path: `/v1/accounts/${ACCOUNT}/freshness`,
    calls: s => s.freshness.getFreshness,
    ok: 200,
    badInput: [
      { path: '/v1/accounts/x/freshness', message: /12 digits/ },
      {
        path: `/v1/accounts/${ACCOUNT}/freshness?limit=3`,
        message: /Unrecognized key/,
      },
    ],
    serviceErrors: [notFound],
  },
  {
    route: 'GET /v1/accounts/:accountId/evidence',
    method: 'get',
    path: `/v1/accounts/${ACCOUNT}/evidence`,
    calls: s => s.evidence.producePacket,
    ok: 200,
    badInput: [
      {
        path: `/v1/accounts/${ACCOUNT}/evidence?format=pdf`,
        message: /format/,
      },
      {
        path: `/v1/accounts/${ACCOUNT}/evidence?at=2026-11-24T00:00:00%2B24:00`,
        message: /at: not a valid instant/,
      },
    ],
    serviceErrors: [
      notFound,
      new InputError(
        'at is in the future; evidence can only describe the past',
      ),
    ],
  },
  {
    route: 'GET /v1/accounts/:accountId/exceptions',
    method: 'get',
    path: `/v1/accounts/${ACCOUNT}/exceptions`,
    calls: s => s.exceptions.listAccountExceptions,
    ok: 200,
    badInput: [{ path: '/v1/accounts/1/exceptions', message: /12 digits/ }],
    serviceErrors: [notFound],
  },
  {
    route: 'POST /v1/accounts/:accountId/exceptions',
    method: 'post',
    path: `/v1/accounts/${ACCOUNT}/exceptions`,
    body: { reason: 'Migrating', expiresAt: IN_A_WEEK },
    calls: s => s.exceptions.request,
    ok: 201,
    badInput: [
      {
        path: `/v1/accounts/${ACCOUNT}/exceptions`,
        body: { expiresAt: IN_A_WEEK },
        message: /reason/,
      },
      {
        path: `/v1/accounts/${ACCOUNT}/exceptions`,
        body: { reason: 'x', expiresAt: '2026-11-24T00:00:00+99:00' },
        message: /expiresAt: not a valid instant/,
      },
      {
        path: `/v1/accounts/${ACCOUNT}/exceptions`,
        body: { reason: 'x', expiresAt: IN_A_WEEK, trailArn: 'not-an-arn' },
        message: /trail ARN/,
      },
      {
        path: `/v1/accounts/${ACCOUNT}/exceptions`,
        body: { reason: 'x', expiresAt: IN_A_WEEK, approvedBy: 'me' },
        message: /approvedBy: is no longer accepted/,
      },
    ],
    serviceErrors: [
      notFound,
      notAllowed,
      new InputError('expiresAt must be in the future'),
    ],
  },
  {
    route: 'POST /v1/exceptions/:exceptionId/revoke',
    method: 'post',
    path: '/v1/exceptions/0b8c6a1e-6a5b-4c8e-9d39-2f1c3b7a9e10/revoke',
    body: { reason: 'Fixed' },
    calls: s => s.exceptions.revoke,
    ok: 200,
    badInput: [
      { path: '/v1/exceptions/a%20b/revoke', message: /exception id/ },
      {
        path: '/v1/exceptions/abc/revoke',
        body: { reason: 7 },
        message: /reason/,
      },
    ],
    serviceErrors: [
      new NotFoundError('No exception'),
      notAllowed,
      new ConflictError('Exception is already revoked'),
    ],
  },
  {
    route: 'POST /v1/exceptions/:exceptionId/approve',
    method: 'post',
    path: '/v1/exceptions/0b8c6a1e-6a5b-4c8e-9d39-2f1c3b7a9e10/approve',
    body: { comment: 'Accepted until the migration' },
    calls: s => s.exceptions.decide,
    ok: 200,
    badInput: [
      { path: '/v1/exceptions/a%20b/approve', message: /exception id/ },
      {
        path: '/v1/exceptions/abc/approve',
        body: { comment: 7 },
        message: /comment/,
      },
    ],
    serviceErrors: [
      new NotFoundError('No exception'),
      notAllowed,
      new ConflictError('Exception was already approved'),
    ],
  },
  {
    route: 'POST /v1/exceptions/:exceptionId/reject',
    method: 'post',
    path: '/v1/exceptions/0b8c6a1e-6a5b-4c8e-9d39-2f1c3b7a9e10/reject',
    body: { comment: 'Fix the trail instead' },
    calls: s => s.exceptions.decide,
    ok: 200,
    badInput: [
      {
        path: '/v1/exceptions/abc/reject',
        body: {},
        message: /comment/,
      },
    ],
    serviceErrors: [
      new NotFoundError('No exception'),
      notAllowed,
      new ConflictError('Exception was already approved'),
    ],
  },
  {
    route: 'GET /v1/exceptions',
    method: 'get',
    path: '/v1/exceptions',
    calls: s => s.exceptions.listExceptions,
    ok: 200,
    badInput: [{ path: '/v1/exceptions?status=all', message: /status/ }],
    serviceErrors: [],
  },
  {
    route: 'POST /v1/accounts/:accountId/evaluate',
    method: 'post',
    path: `/v1/accounts/${ACCOUNT}/evaluate`,
    calls: s => s.evaluations.evaluateAccount,
    ok: 200,
    badInput: [{ path: '/v1/accounts/abc/evaluate', message: /12 digits/ }],
    serviceErrors: [
      notFound,
      notAllowed,
      new ConflictError('AWS account is being evaluated right now'),
    ],
  },
  {
    route: 'GET /v1/accounts/:accountId/evaluation-access',
    method: 'get',
    path: `/v1/accounts/${ACCOUNT}/evaluation-access`,
    calls: s => s.evaluations.getEvaluationAccess,
    ok: 200,
    badInput: [
      { path: '/v1/accounts/abc/evaluation-access', message: /12 digits/ },
    ],
    serviceErrors: [notFound],
  },
  {
    route: 'GET /v1/entities/:kind/:namespace/:name',
    method: 'get',
    path: '/v1/entities/system/default/payments',
    calls: s => s.entities.getEntityResult,
    ok: 200,
    badInput: [
      { path: '/v1/entities/system/default/a%00b', message: /entity ref/ },
      { path: '/v1/entities/system/default/a:b', message: /entity ref/ },
    ],
    serviceErrors: [new NotFoundError('No entity system:default/payments')],
  },
  {
    route: 'POST /v1/runs',
    method: 'post',
    path: '/v1/runs',
    calls: s => s.evaluations.requestRun,
    ok: 202,
    badInput: [{ path: '/v1/runs?wait=true', message: /Unrecognized key/ }],
    serviceErrors: [notAllowed],
  },
  {
    route: 'GET /v1/runs/:runId',
    method: 'get',
    path: '/v1/runs/0b8c6a1e-6a5b-4c8e-9d39-2f1c3b7a9e10',
    calls: s => s.evaluations.getRun,
    ok: 200,
    badInput: [
      { path: '/v1/runs/a%20b', message: /run id/ },
      {
        path: '/v1/runs/0b8c6a1e-6a5b-4c8e-9d39-2f1c3b7a9e10?x=1',
        message: /Unrecognized key/,
      },
    ],
    serviceErrors: [new NotFoundError('No evaluation run')],
  },
  {
    route: 'GET /v1/runs',
    method: 'get',
    path: '/v1/runs',
    calls: s => s.evaluations.listRuns,
    ok: 200,
    badInput: [
      { path: '/v1/runs?limit=201', message: /limit/ },
      { path: '/v1/runs?limit=1.5', message: /limit/ },
    ],
    serviceErrors: [],
  },
];

const STATUS_OF: Record<string, number> = {
  InputError: 400,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
};

describe('createRouter', () => {
  let services: Mocked;
  let app: express.Express;

  beforeEach(async () => {
    services = mockedServices();
    app = await appWith(services);
  });

  function send(c: RouteCase, path = c.path, body = c.body) {
    const req = request(app)[c.method](path);
    return body === undefined ? req : req.send(body as object);
  }

  describe.each(ROUTES.map(c => [c.route, c] as const))('%s', (_, c) => {
    it(`answers ${c.ok} with what the service returns`, async () => {
      c.calls(services).mockResolvedValue(
        c.route.endsWith('/evidence')
          ? {
              body: '{}\n',
              contentType: 'application/json',
              fileName: 'f.json',
            }
          : { answer: 'from the service' },
      );
      const res = await send(c);
      expect(res.status).toBe(c.ok);
      expect(c.calls(services)).toHaveBeenCalledTimes(1);
    });

    it('answers 401 without credentials, without calling the service', async () => {
      const res = await send(c).set(
        'Authorization',
        mockCredentials.none.header(),
      );
      expect(res.status).toBe(401);
      expect(res.body.error.name).toBe('AuthenticationError');
      expect(c.calls(services)).not.toHaveBeenCalled();
    });

    it.each(c.badInput.map(b => [b.path, b] as const))(
      'answers 400 to %s, without calling the service',
      async (_path, bad) => {
        const res = await send(c, bad.path, (bad.body ?? c.body) as object);
        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
        expect(res.body.error.message).toMatch(bad.message);
        expect(c.calls(services)).not.toHaveBeenCalled();
      },
    );

    if (c.serviceErrors.length > 0) {
      it.each(
        c.serviceErrors.map(e => [STATUS_OF[e.name], e.name, e] as const),
      )(
        'answers %d when the service throws a %s',
        async (status, name, error) => {
          c.calls(services).mockRejectedValue(error);
          const res = await send(c);
          expect(res.status).toBe(status);
          expect(res.body.error).toMatchObject({
            name,
            message: error.message,
          });
        },
      );
    }
  });

  it('hands the service the parsed list query with the caller', async () => {
    services.accounts.listAccounts.mockResolvedValue({} as never);
    await request(app).get(
      '/v1/accounts?verdict=FAIL,ERROR&detection=FAIL&detection=NOT_APPLICABLE&owner=group:default/a&orderBy=title&order=desc&offset=50&limit=25',
    );
    expect(services.accounts.listAccounts).toHaveBeenCalledWith(
      {
        verdicts: ['FAIL', 'ERROR'],
        detectionVerdicts: ['FAIL', 'NOT_APPLICABLE'],
        ownerRefs: ['group:default/a'],
        entityRefs: undefined,
        systemRefs: undefined,
        search: undefined,
        orderBy: { field: 'title', direction: 'desc' },
        offset: 50,
        limit: 25,
      },
      { credentials: mockCredentials.user() },
    );
  });

  it("hands the owners' ranking its period as UTC days, or none for the default", async () => {
    services.owners.rankOwners.mockResolvedValue({} as never);
    await request(app).get('/v1/owners?from=2026-11-01&to=2026-11-30');
    await request(app).get('/v1/owners');
    expect(services.owners.rankOwners.mock.calls).toEqual([
      [
        { from: '2026-11-01', to: '2026-11-30' },
        { credentials: mockCredentials.user() },
      ],
      [
        { from: undefined, to: undefined },
        { credentials: mockCredentials.user() },
      ],
    ]);
  });

  it('hands the service "mine": the caller\'s own accounts', async () => {
    services.accounts.listAccounts.mockResolvedValue({} as never);
    await request(app).get('/v1/accounts?mine=true&orderBy=verdict');
    expect(services.accounts.listAccounts).toHaveBeenCalledWith(
      expect.objectContaining({
        mine: true,
        orderBy: { field: 'verdict', direction: 'asc' },
      }),
      { credentials: mockCredentials.user() },
    );
  });

  it('hands the service a history range as instants', async () => {
    services.accounts.getHistory.mockResolvedValue({} as never);
    await request(app).get(
      `/v1/accounts/${ACCOUNT}/history?from=2026-11-24T00:00:00%2B14:00`,
    );
    expect(services.accounts.getHistory).toHaveBeenCalledWith(
      ACCOUNT,
      { from: new Date('2026-11-23T10:00:00Z'), to: undefined },
      expect.anything(),
    );
  });

  it('hands the service a request with its expiry as an instant', async () => {
    services.exceptions.request.mockResolvedValue({} as never);
    await request(app)
      .post(`/v1/accounts/${ACCOUNT}/exceptions`)
      .send({ reason: ' Migrating ', expiresAt: IN_A_WEEK, trailArn: TRAIL });
    expect(services.exceptions.request).toHaveBeenCalledWith(
      ACCOUNT,
      { reason: 'Migrating', expiresAt: new Date(IN_A_WEEK), trailArn: TRAIL },
      { credentials: mockCredentials.user() },
    );
  });

  it('hands the service the decision the path names, with the comment', async () => {
    services.exceptions.decide.mockResolvedValue({} as never);
    const id = '0b8c6a1e-6a5b-4c8e-9d39-2f1c3b7a9e10';
    await request(app)
      .post(`/v1/exceptions/${id}/reject`)
      .send({ comment: ' Fix it instead ' });
    expect(services.exceptions.decide).toHaveBeenCalledWith(
      id,
      'REJECTED',
      { comment: 'Fix it instead' },
      { credentials: mockCredentials.user() },
    );
  });

  it('asks for the entity ref the path names, and ACTIVE exceptions by default', async () => {
    services.entities.getEntityResult.mockResolvedValue({} as never);
    services.exceptions.listExceptions.mockResolvedValue({} as never);
    await request(app).get('/v1/entities/Group/default/checkout');
    await request(app).get('/v1/exceptions');
    expect(services.entities.getEntityResult).toHaveBeenCalledWith(
      'group:default/checkout',
      expect.anything(),
    );
    expect(services.exceptions.listExceptions).toHaveBeenCalledWith(
      'ACTIVE',
      expect.anything(),
    );
  });

  it('serves an evidence packet as a download that is not cached', async () => {
    services.evidence.producePacket.mockResolvedValue({
      body: '# Evidence\n',
      contentType: 'text/markdown; charset=utf-8',
      fileName: `cis-2.4-evidence-${ACCOUNT}-2026-12-01.md`,
    });
    const res = await request(app).get(
      `/v1/accounts/${ACCOUNT}/evidence?format=md&at=2026-12-01T12:00:00Z`,
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="cis-2.4-evidence-${ACCOUNT}-2026-12-01.md"`,
    );
    expect(res.headers['cache-control']).toBe('no-store');
    expect(services.evidence.producePacket).toHaveBeenCalledWith(
      ACCOUNT,
      { format: 'md', at: new Date('2026-12-01T12:00:00Z') },
      expect.anything(),
    );
  });

  it('answers POST /v1/runs with 202, the run id and where to follow it', async () => {
    services.evaluations.requestRun.mockResolvedValue({
      runId: '0b8c6a1e-6a5b-4c8e-9d39-2f1c3b7a9e10',
      status: 'queued',
      alreadyActive: false,
    });
    const res = await request(app).post('/v1/runs');
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(
      'v1/runs/0b8c6a1e-6a5b-4c8e-9d39-2f1c3b7a9e10',
    );
    expect(res.body).toEqual({
      runId: '0b8c6a1e-6a5b-4c8e-9d39-2f1c3b7a9e10',
      status: 'queued',
      alreadyActive: false,
    });
  });

  it('lets a service call as well as a user', async () => {
    services.evaluations.listRuns.mockResolvedValue({ runs: [] });
    const res = await request(app)
      .get('/v1/runs')
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    expect(services.evaluations.listRuns).toHaveBeenCalledWith(20);
  });
});

describe('redaction of AWS data in responses', () => {
  const KEY = 'AKIAIOSFODNN7EXAMPLE';

  it('redacts credential-like strings in every JSON body, as evidence does', async () => {
    const services = mockedServices();
    const app = await appWith(services, ['configured-static-token-1']);
    const evaluation = {
      trails: [
        {
          facts: {
            role: {
              permissionPolicies: [
                { Statement: [{ Sid: KEY, Effect: 'Allow' }] },
              ],
            },
            deliveryError: 'SecretAccessKey=wJalrXUtnFEMI/K7MDENG done',
          },
        },
      ],
    };
    services.accounts.getAccount.mockResolvedValue({
      accountId: ACCOUNT,
      evaluation,
    } as never);
    services.accounts.listAccounts.mockResolvedValue({
      items: [{ accountId: ACCOUNT, title: `token configured-static-token-1` }],
    } as never);
    services.accounts.getHistory.mockResolvedValue({
      accountId: ACCOUNT,
      changes: [{ reason: `AccessDenied for ${KEY}` }],
    } as never);
    services.entities.getEntityResult.mockResolvedValue({
      accounts: [{ accountId: ACCOUNT, title: KEY }],
    } as never);
    services.evaluations.evaluateAccount.mockResolvedValue({
      accountId: ACCOUNT,
      evaluation,
    } as never);
    services.evaluations.listRuns.mockResolvedValue({
      runs: [{ errors: [`password=hunter2 in ${ACCOUNT}`] }],
    } as never);

    const bodies = await Promise.all(
      [
        request(app).get(`/v1/accounts/${ACCOUNT}`),
        request(app).get('/v1/accounts'),
        request(app).get(`/v1/accounts/${ACCOUNT}/history`),
        request(app).get('/v1/entities/system/default/payments'),
        request(app).post(`/v1/accounts/${ACCOUNT}/evaluate`),
        request(app).get('/v1/runs'),
      ].map(async r => JSON.stringify((await r).body)),
    );
    for (const body of bodies) {
      expect(body).toContain('[redacted]');
      expect(body).not.toContain(KEY);
      expect(body).not.toContain('wJalrXUtnFEMI');
      expect(body).not.toContain('configured-static-token-1');
      expect(body).not.toContain('hunter2');
      // Account ids are not credentials.
      expect(body).toContain(ACCOUNT);
    }
  });
});

describe('POST /v1/accounts/:accountId/evaluate, rate-limited', () => {
  it('answers 429 with Retry-After and the reason in the error body, never 500', async () => {
    const services = mockedServices();
    services.evaluations.evaluateAccount.mockRejectedValue(
      new TooManyRequestsError(
        'This account was evaluated moments ago; owners may evaluate it again in 42 s (once every 60 s per account).',
        42,
      ),
    );
    const app = await appWith(services);
    const res = await request(app).post(`/v1/accounts/${ACCOUNT}/evaluate`);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('42');
    expect(res.body).toEqual({
      error: {
        name: 'TooManyRequestsError',
        message: expect.stringContaining('again in 42 s'),
      },
      request: { method: 'POST', url: `/v1/accounts/${ACCOUNT}/evaluate` },
      response: { statusCode: 429 },
    });
  });
});
