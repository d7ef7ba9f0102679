import {
  CloudTrailClient,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';
import { RunningSimulator } from '@internal/aws-simulator';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { startDemoSimulator } from '../__testUtils__/testBackend';
import { httpStatusOf, isAccessDenied, toApiError } from './errors';

jest.setTimeout(30_000);

const TRAIL_ARN =
  'arn:aws:cloudtrail:us-east-1:402233445566:trail/security-trail';

/** The error a real SDK client throws for GetTrailStatus against `endpoint`. */
async function failedGetTrailStatus(endpoint: string): Promise<unknown> {
  const client = new CloudTrailClient({
    endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: {
      accessKeyId: 'AKIATESTERRORSTEST01',
      secretAccessKey: 'test-only',
    },
  });
  try {
    await client.send(new GetTrailStatusCommand({ Name: TRAIL_ARN }));
  } catch (error) {
    return error;
  } finally {
    client.destroy();
  }
  throw new Error('GetTrailStatus did not fail');
}

describe('an AWS error as data', () => {
  it('keeps service, operation, region, code, HTTP status and a redacted message', () => {
    const error = Object.assign(
      new Error('User AKIAABCDEFGHIJKLMNOP is not authorized'),
      { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } },
    );
    expect(toApiError('cloudtrail:GetTrailStatus', error, 'eu-west-1')).toEqual(
      {
        service: 'cloudtrail',
        operation: 'cloudtrail:GetTrailStatus',
        region: 'eu-west-1',
        code: 'AccessDeniedException',
        httpStatus: 403,
        message: 'User [redacted] is not authorized',
      },
    );
  });

  it('takes the HTTP status from the raw response when the body could not be parsed', () => {
    const error = Object.assign(new SyntaxError('Unexpected token <'), {
      $response: { statusCode: 502 },
    });
    expect(httpStatusOf(error)).toBe(502);
  });

  it('has no HTTP status when AWS never answered (timeout, connection reset)', () => {
    const timeout = Object.assign(new Error('socket hang up'), {
      name: 'TimeoutError',
    });
    const apiError = toApiError('iam:GetRole', timeout);
    expect(apiError).toEqual({
      service: 'iam',
      operation: 'iam:GetRole',
      code: 'TimeoutError',
      message: 'socket hang up',
    });
    expect(httpStatusOf('not an error object')).toBeUndefined();
  });

  describe('from the real SDK', () => {
    let sim: RunningSimulator;
    beforeAll(async () => {
      sim = await startDemoSimulator();
    });
    afterAll(async () => {
      await sim.close();
    });
    afterEach(() => sim.admin.clearFaults());

    it.each([
      ['accessDenied', {}, 403],
      ['serverError', { status: 500 }, 500],
      ['serverError', { status: 503 }, 503],
    ] as const)(
      'keeps the HTTP status of a %s %o answer',
      async (kind, extra, status) => {
        sim.admin.addFault({ kind, service: 'cloudtrail', ...extra });
        const apiError = toApiError(
          'cloudtrail:GetTrailStatus',
          await failedGetTrailStatus(sim.url),
          'us-east-1',
        );
        expect(apiError).toMatchObject({
          service: 'cloudtrail',
          httpStatus: status,
        });
        expect(apiError.code).not.toBe('UnknownError');
      },
    );

    describe('when the body is not an AWS error', () => {
      let server: Server;
      let url: string;
      let answer = { status: 500, body: '<html>Internal Server Error</html>' };
      beforeAll(async () => {
        server = createServer((_req, res) => {
          res.writeHead(answer.status, { 'content-type': 'text/html' });
          res.end(answer.body);
        });
        await new Promise<void>(resolve =>
          server.listen(0, '127.0.0.1', resolve),
        );
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      });
      afterAll(async () => {
        await new Promise(resolve => server.close(resolve));
      });

      it.each([
        [500, '<html>Internal Server Error</html>'],
        [403, 'Forbidden, not JSON'],
      ])('still keeps the HTTP status %s', async (status, body) => {
        answer = { status, body };
        const apiError = toApiError(
          'cloudtrail:GetTrailStatus',
          await failedGetTrailStatus(url),
        );
        expect(apiError).toMatchObject({
          service: 'cloudtrail',
          operation: 'cloudtrail:GetTrailStatus',
          httpStatus: status,
        });
      });

      it('counts a 403 whose body could not be parsed as access denied, a 500 not', async () => {
        answer = { status: 403, body: 'Forbidden, not JSON' };
        expect(isAccessDenied(await failedGetTrailStatus(url))).toBe(true);
        answer = { status: 500, body: '<html>Internal Server Error</html>' };
        expect(isAccessDenied(await failedGetTrailStatus(url))).toBe(false);
      });
    });
  });
});
