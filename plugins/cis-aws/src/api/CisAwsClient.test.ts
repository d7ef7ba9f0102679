import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { DETECTION_FAIL } from '../__fixtures__/detection';
import { BACKEND, server, setupMswServer } from '../__testUtils__/render';
import {
  CisAwsClient,
  evidenceFileName,
  fileNameFromContentDisposition,
} from './CisAwsClient';

setupMswServer();

/** The client with a fetchApi that adds the user's token, as Backstage's does. */
function client() {
  return new CisAwsClient({
    discoveryApi: { getBaseUrl: async () => BACKEND },
    fetchApi: {
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set('Authorization', 'Bearer user-token');
        return fetch(input, { ...init, headers });
      },
    },
  });
}

describe('CisAwsClient', () => {
  it('fetches an evidence packet with the user token and the format and time asked for', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    server.use(
      http.get(`${BACKEND}/v1/accounts/:id/evidence`, ({ request }) => {
        seen.push({
          url: request.url,
          auth: request.headers.get('authorization'),
        });
        return new HttpResponse('# packet', {
          headers: {
            'Content-Type': 'text/markdown; charset=utf-8',
            'Content-Disposition':
              'attachment; filename="packet.md"; filename*=UTF-8\'\'cis-2.4-evidence-404455667788-2026-11-18.md',
          },
        });
      }),
    );
    const packet = await client().downloadEvidence(
      '404455667788',
      'md',
      '2026-11-18T23:59:59.999Z',
    );
    expect(seen).toEqual([
      {
        url: `${BACKEND}/v1/accounts/404455667788/evidence?format=md&at=2026-11-18T23%3A59%3A59.999Z`,
        auth: 'Bearer user-token',
      },
    ]);
    expect(packet).toEqual({
      text: '# packet',
      filename: 'cis-2.4-evidence-404455667788-2026-11-18.md',
      contentType: 'text/markdown; charset=utf-8',
    });
  });

  it('POSTs a new exception as JSON and returns what the backend recorded', async () => {
    const posts: { type: string | null; body: unknown }[] = [];
    server.use(
      http.post(
        `${BACKEND}/v1/accounts/404455667788/exceptions`,
        async ({ request }) => {
          posts.push({
            type: request.headers.get('content-type'),
            body: await request.json(),
          });
          return HttpResponse.json(
            { id: 'e1', status: 'ACTIVE' },
            { status: 201 },
          );
        },
      ),
    );
    const request = {
      reason: 'Rebuilt by PAY-2041',
      approvedBy: 'user:default/alan',
      expiresAt: '2026-12-24T23:59:59.999Z',
    };
    await expect(
      client().createException('404455667788', request),
    ).resolves.toMatchObject({ id: 'e1', status: 'ACTIVE' });
    expect(posts).toEqual([{ type: 'application/json', body: request }]);
  });

  it("throws a ResponseError carrying the backend's message", async () => {
    server.use(
      http.post(`${BACKEND}/v1/exceptions/e1/revoke`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ConflictError',
              message: 'exception already revoked',
            },
            request: { method: 'POST', url: '/v1/exceptions/e1/revoke' },
            response: { statusCode: 409 },
          },
          { status: 409 },
        ),
      ),
    );
    const error = await client()
      .revokeException('e1', { reason: 'done' })
      .catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe('exception already revoked');
  });

  it('asks for the history in a range and for active or all exceptions', async () => {
    const urls: string[] = [];
    server.use(
      http.get(`${BACKEND}/v1/accounts/:id/history`, ({ request }) => {
        urls.push(request.url);
        return HttpResponse.json({
          accountId: '1',
          changes: [],
          retentionDays: 400,
        });
      }),
      http.get(`${BACKEND}/v1/exceptions`, ({ request }) => {
        urls.push(request.url);
        return HttpResponse.json({ items: [] });
      }),
    );
    await client().getAccountHistory('404455667788', {
      from: '2026-10-25T08:55:41.000Z',
    });
    await client().listExceptions();
    await client().listExceptions('ALL');
    expect(urls).toEqual([
      `${BACKEND}/v1/accounts/404455667788/history?from=2026-10-25T08%3A55%3A41.000Z`,
      `${BACKEND}/v1/exceptions?status=ACTIVE`,
      `${BACKEND}/v1/exceptions?status=ALL`,
    ]);
  });
});

describe('CisAwsClient and detection content (CIS 3.x)', () => {
  it("GETs an account's detection result at its control's route, with the user token", async () => {
    const seen: { url: string; auth: string | null }[] = [];
    server.use(
      http.get(
        `${BACKEND}/v1/accounts/:id/controls/cis-3.x-detection`,
        ({ request }) => {
          seen.push({
            url: request.url,
            auth: request.headers.get('authorization'),
          });
          return HttpResponse.json(DETECTION_FAIL);
        },
      ),
    );
    await expect(client().getAccountDetection('403344556677')).resolves.toEqual(
      DETECTION_FAIL,
    );
    expect(seen).toEqual([
      {
        url: `${BACKEND}/v1/accounts/403344556677/controls/cis-3.x-detection`,
        auth: 'Bearer user-token',
      },
    ]);
  });

  it('rejects with a 404 ResponseError when the account has no detection result', async () => {
    server.use(
      http.get(`${BACKEND}/v1/accounts/:id/controls/cis-3.x-detection`, () =>
        HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'not evaluated' } },
          { status: 404 },
        ),
      ),
    );
    const error = await client()
      .getAccountDetection('403344556677')
      .catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(404);
  });

  it('filters the accounts list by detection verdict, one parameter per verdict', async () => {
    const urls: string[] = [];
    server.use(
      http.get(`${BACKEND}/v1/accounts`, ({ request }) => {
        urls.push(request.url);
        return HttpResponse.json({
          items: [],
          totalCount: 0,
          totals: {},
          offset: 0,
          limit: 25,
        });
      }),
    );
    await client().listAccounts({ detection: ['FAIL', 'ERROR'], limit: 25 });
    expect(urls).toEqual([
      `${BACKEND}/v1/accounts?detection=FAIL&detection=ERROR&limit=25`,
    ]);
  });
});

describe('evidence file names', () => {
  it('reads the name from Content-Disposition, never a path', () => {
    expect(
      fileNameFromContentDisposition('attachment; filename="a.json"'),
    ).toBe('a.json');
    expect(fileNameFromContentDisposition('attachment; filename=a.md')).toBe(
      'a.md',
    );
    expect(
      fileNameFromContentDisposition(
        "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.md",
      ),
    ).toBe('résumé.md');
    expect(
      fileNameFromContentDisposition('attachment; filename="../../etc/passwd"'),
    ).toBe('passwd');
    expect(fileNameFromContentDisposition('attachment')).toBeUndefined();
    expect(fileNameFromContentDisposition(null)).toBeUndefined();
  });

  it('names a packet after the account and the day it describes (UTC)', () => {
    const now = new Date('2026-11-24T08:55:41.000Z');
    expect(evidenceFileName('404455667788', 'json', undefined, now)).toBe(
      'cis-2.4-evidence-404455667788-2026-11-24.json',
    );
    expect(
      evidenceFileName('404455667788', 'md', '2026-11-18T23:59:59.999Z', now),
    ).toBe('cis-2.4-evidence-404455667788-2026-11-18.md');
  });
});
