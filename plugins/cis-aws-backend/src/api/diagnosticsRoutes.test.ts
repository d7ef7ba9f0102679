import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { DiagnosticsReport } from '@cis-aws/plugin-cis-aws-common';
import express from 'express';
import request from 'supertest';
import { DiagnosticsService } from '../services/DiagnosticsService';
import { createDiagnosticsRoutes } from './diagnosticsRoutes';

const REPORT: DiagnosticsReport = {
  generatedAt: '2026-12-06T10:00:00.000Z',
  securityHub: {
    status: 'PROBLEM',
    source: 'LIVE',
    checkedAt: '2026-12-06T10:00:00.000Z',
    region: 'us-east-1',
    administratorAccountId: '410011223344',
    findings: 0,
    summary: 'The administrator sees no active CloudTrail.5 finding.',
    hint: 'wrong account, or member accounts not invited/aggregated',
  },
  organizations: {
    status: 'OK',
    source: 'LIVE',
    checkedAt: '2026-12-06T10:00:00.000Z',
    organizationId: 'o-acme12345',
    summary: 'Organizations answers.',
  },
  detection: {
    status: 'PROBLEM',
    source: 'LIVE',
    checkedAt: '2026-12-06T10:00:00.000Z',
    askedFromAccountId: '402233445566',
    region: 'us-east-1',
    summary: 'The reader role may not call sns:ListSubscriptionsByTopic.',
    actions: [
      {
        action: 'sns:ListSubscriptionsByTopic',
        status: 'PROBLEM',
        summary: 'Without it, every detection check ends ERROR (API_ERROR).',
      },
    ],
  },
  readerRoles: [],
  readerRoleTotals: { OK: 0, PROBLEM: 0, UNKNOWN: 0, SKIPPED: 0 },
};

function appWith(diagnostics: jest.Mocked<DiagnosticsService>) {
  const httpAuth = mockServices.httpAuth();
  const app = express();
  app.use(
    createDiagnosticsRoutes({
      credentialsOf: async req => ({
        credentials: await httpAuth.credentials(req, {
          allow: ['user', 'service'],
        }),
      }),
      diagnostics,
    }),
  );
  app.use(mockErrorHandler());
  return app;
}

describe('GET /v1/diagnostics', () => {
  const diagnostics = { getDiagnostics: jest.fn() };
  beforeEach(() => diagnostics.getDiagnostics.mockReset());

  it('answers the service’s report for the caller’s credentials, never cached', async () => {
    diagnostics.getDiagnostics.mockResolvedValue(REPORT);
    const res = await request(appWith(diagnostics)).get('/v1/diagnostics');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(REPORT);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(diagnostics.getDiagnostics).toHaveBeenCalledWith({
      credentials: mockCredentials.user(),
    });
  });

  it('answers 401 without credentials, without calling the service', async () => {
    const res = await request(appWith(diagnostics))
      .get('/v1/diagnostics')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
    expect(diagnostics.getDiagnostics).not.toHaveBeenCalled();
  });

  it('answers 403 when the caller may not run evaluations', async () => {
    diagnostics.getDiagnostics.mockRejectedValue(
      new NotAllowedError(
        'You may not see the diagnostics (cis-aws.account.evaluate)',
      ),
    );
    const res = await request(appWith(diagnostics)).get('/v1/diagnostics');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('cis-aws.account.evaluate');
  });

  it('answers 400 to a query it does not take', async () => {
    const res = await request(appWith(diagnostics)).get(
      '/v1/diagnostics?probe=all',
    );
    expect(res.status).toBe(400);
    expect(diagnostics.getDiagnostics).not.toHaveBeenCalled();
  });

  it('has no route without a diagnostics service', async () => {
    const app = express();
    app.use(
      createDiagnosticsRoutes({
        credentialsOf: async () => ({ credentials: mockCredentials.user() }),
      }),
    );
    app.use(mockErrorHandler());
    expect((await request(app).get('/v1/diagnostics')).status).toBe(404);
  });
});
