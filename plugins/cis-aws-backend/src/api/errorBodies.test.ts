import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import express from 'express';
import request from 'supertest';
import { ApiServices } from '../services';
import { createRouter } from './router';

/**
 * Backstage's error middleware (MiddlewareFactory.error, which mockErrorHandler is) decides at
 * creation whether bodies carry stack traces: only when NODE_ENV is development.
 */
async function appIn(nodeEnv: string) {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = nodeEnv;
  try {
    const failing = jest.fn(async () => {
      throw new Error('database on fire at /srv/backstage/secret/path.ts:12');
    });
    const services = {
      accounts: {
        getAccount: jest.fn(async () => {
          throw new NotFoundError('No CIS 2.4 result for AWS account');
        }),
        listAccounts: failing,
      },
    } as unknown as ApiServices;
    const app = express();
    app.use(
      await createRouter({ httpAuth: mockServices.httpAuth(), ...services }),
    );
    app.use(mockErrorHandler());
    return app;
  } finally {
    process.env.NODE_ENV = previous;
  }
}

const PATH_LIKE = /\/[\w.-]+\/[\w.-]+\.(ts|js)|node_modules|at [\w.<>]+ \(/;

describe('error bodies in production', () => {
  it.each([
    ['a 400', '/v1/accounts/12345', 400],
    ['a 401', '/v1/accounts', 401],
    ['a 404', '/v1/accounts/123456789012', 404],
  ])(
    '%s carries a name and message, and no stack trace or file path',
    async (_, path, status) => {
      const app = await appIn('production');
      const req = request(app).get(path);
      const res = await (status === 401
        ? req.set('Authorization', 'Bearer mock-none-token')
        : req);
      expect(res.status).toBe(status);
      expect(res.body.error.name).toEqual(expect.any(String));
      expect(res.body.error.message).toEqual(expect.any(String));
      expect(res.body.error.stack).toBeUndefined();
      expect(JSON.stringify(res.body)).not.toMatch(PATH_LIKE);
    },
  );

  it('a 500 carries no stack trace either', async () => {
    const app = await appIn('production');
    const res = await request(app).get('/v1/accounts');
    expect(res.status).toBe(500);
    expect(res.body.error.stack).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toMatch(/at [\w.<>]+ \(/);
  });

  it('while in development the same error shows its stack (what the test above rules out)', async () => {
    const app = await appIn('development');
    const res = await request(app).get('/v1/accounts/123456789012');
    expect(res.status).toBe(404);
    expect(res.body.error.stack).toMatch(PATH_LIKE);
  });
});
