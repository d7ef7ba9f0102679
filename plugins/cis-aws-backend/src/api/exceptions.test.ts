import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AccountExceptionsResponse,
  ExceptionListItem,
} from '@cis-aws/plugin-cis-aws-common';
import { RunningSimulator } from '@internal/aws-simulator';
import request from 'supertest';
import {
  runAndWait,
  startCisAwsBackend,
  startDemoSimulator,
} from '../__testUtils__/testBackend';

const GUEST = mockCredentials.user.header('user:default/guest');
const STAGING = '404455667788'; // payments-staging: FAIL, no log group
const STAGING_TRAIL =
  'arn:aws:cloudtrail:us-east-1:404455667788:trail/payments-staging-trail';
const DAY = 86_400_000;

type Server = Parameters<typeof request>[0];

function inDays(days: number) {
  return new Date(Date.now() + days * DAY).toISOString();
}

async function grant(server: Server, body: object, account = STAGING) {
  return request(server)
    .post(`/api/cis-aws/v1/accounts/${account}/exceptions`)
    .set('Authorization', GUEST)
    .send(body);
}

async function runAll(server: Server) {
  await runAndWait(server, GUEST);
}

async function accountOf(server: Server, account = STAGING) {
  const res = await request(server)
    .get(`/api/cis-aws/v1/accounts/${account}`)
    .set('Authorization', GUEST);
  expect(res.status).toBe(200);
  return res.body;
}

describe('exceptions API', () => {
  let sim: RunningSimulator;

  beforeEach(async () => {
    sim = await startDemoSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('grants an account exception that makes the account EXEMPT at once, with the failure still visible', async () => {
    const server = await startCisAwsBackend({ sim });
    const res = await grant(server, {
      reason: 'Staging is being rebuilt on the organization trail',
      approvedBy: 'user:default/ciso',
      expiresAt: inDays(14),
      ticketUrl: 'https://jira.acme.example/browse/SEC-101',
    });
    expect(res.status).toBe(201);
    const created: ExceptionListItem = res.body;
    expect(created).toMatchObject({
      accountId: STAGING,
      status: 'ACTIVE',
      approvedBy: 'user:default/ciso',
      createdBy: 'user:default/guest',
      entityRef: 'resource:default/aws-payments-staging',
    });

    const detail = await accountOf(server);
    expect(detail.verdict).toBe('EXEMPT');
    expect(detail.evaluation).toMatchObject({
      reason: 'EXCEPTION',
      underlyingVerdict: 'FAIL',
      underlyingReason: 'TRAIL_FAILED',
      exception: { id: created.id },
    });

    const list = await request(server)
      .get(`/api/cis-aws/v1/accounts/${STAGING}/exceptions`)
      .set('Authorization', GUEST);
    const body: AccountExceptionsResponse = list.body;
    expect(body.items.map(e => [e.id, e.status])).toEqual([
      [created.id, 'ACTIVE'],
    ]);
    expect(body.events.map(e => [e.action, e.actor])).toEqual([
      ['CREATED', 'user:default/guest'],
    ]);

    const active = await request(server)
      .get('/api/cis-aws/v1/exceptions')
      .set('Authorization', GUEST);
    expect(active.body.items).toEqual([
      expect.objectContaining({
        id: created.id,
        title: expect.stringContaining('payments-staging'),
        ownerRef: 'group:default/payments-team',
      }),
    ]);
  });

  it('takes one trail out of scope with a trail exception', async () => {
    const server = await startCisAwsBackend({ sim });
    await runAll(server);
    const res = await grant(server, {
      trailArn: STAGING_TRAIL,
      reason: 'S3-only trail, replaced next sprint',
      expiresAt: inDays(7),
    });
    expect(res.status).toBe(201);
    expect(res.body.approvedBy).toBe('user:default/guest');
    // Its own trail is out of scope; the organization trail it also sees passes.
    const detail = await accountOf(server);
    expect(detail.verdict).toBe('PASS');
    expect(
      detail.evaluation.trails.find(
        (t: { trailArn: string }) => t.trailArn === STAGING_TRAIL,
      ),
    ).toMatchObject({
      verdict: 'EXEMPT',
      underlyingVerdict: 'FAIL',
      underlyingReason: 'NO_LOG_GROUP',
      exemptedBy: { id: res.body.id },
    });
  });

  it('revokes an exception: the account fails again and the audit trail names who revoked it and why', async () => {
    const server = await startCisAwsBackend({ sim });
    const { body: created } = await grant(server, {
      reason: 'Temporary',
      expiresAt: inDays(3),
    });
    const revoke = await request(server)
      .post(`/api/cis-aws/v1/exceptions/${created.id}/revoke`)
      .set('Authorization', GUEST)
      .send({ reason: 'Fixed sooner than planned' });
    expect(revoke.status).toBe(200);
    expect(revoke.body).toMatchObject({
      status: 'REVOKED',
      revokedBy: 'user:default/guest',
      revokeReason: 'Fixed sooner than planned',
    });
    expect((await accountOf(server)).verdict).toBe('FAIL');

    const again = await request(server)
      .post(`/api/cis-aws/v1/exceptions/${created.id}/revoke`)
      .set('Authorization', GUEST)
      .send({});
    expect(again.status).toBe(409);

    const { body } = await request(server)
      .get(`/api/cis-aws/v1/accounts/${STAGING}/exceptions`)
      .set('Authorization', GUEST);
    expect(
      (body as AccountExceptionsResponse).events.map(e => [
        e.action,
        e.details.reason,
      ]),
    ).toEqual([
      ['CREATED', 'Temporary'],
      ['REVOKED', 'Fixed sooner than planned'],
    ]);
    const active = await request(server)
      .get('/api/cis-aws/v1/exceptions')
      .set('Authorization', GUEST);
    expect(active.body.items).toEqual([]);
    const all = await request(server)
      .get('/api/cis-aws/v1/exceptions?status=ALL')
      .set('Authorization', GUEST);
    expect(all.body.items).toHaveLength(1);
  });

  it('stops applying on its own once expired, at the next evaluation', async () => {
    const server = await startCisAwsBackend({ sim });
    const { body: created } = await grant(server, {
      reason: 'Short',
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    expect(created.status).toBe('ACTIVE');
    expect((await accountOf(server)).verdict).toBe('EXEMPT');

    await new Promise(resolve => setTimeout(resolve, 1600));
    const evaluated = await request(server)
      .post(`/api/cis-aws/v1/accounts/${STAGING}/evaluate`)
      .set('Authorization', GUEST);
    expect(evaluated.body.verdict).toBe('FAIL');
    expect(evaluated.body.evaluation.exceptions).toEqual([
      expect.objectContaining({ id: created.id }),
    ]);
    const list = await request(server)
      .get(`/api/cis-aws/v1/accounts/${STAGING}/exceptions`)
      .set('Authorization', GUEST);
    expect(list.body.items[0].status).toBe('EXPIRED');
  });

  it('answers invalid requests with 400 and a message, and loses nothing', async () => {
    const server = await startCisAwsBackend({ sim });
    await runAll(server);
    const cases: [object, RegExp][] = [
      [{ expiresAt: inDays(3) }, /reason/],
      [{ reason: 'x', expiresAt: 'next week' }, /ISO 8601/],
      [{ reason: 'x', expiresAt: inDays(-1) }, /future/],
      [{ reason: 'x', expiresAt: inDays(400) }, /at most 365 days/],
      [
        {
          reason: 'x',
          expiresAt: inDays(3),
          ticketUrl: 'ftp://tickets.example/SEC-1',
        },
        /http/,
      ],
      [
        { reason: 'x', expiresAt: inDays(3), trailArn: 'not-an-arn' },
        /trail ARN/,
      ],
      [
        {
          reason: 'x',
          expiresAt: inDays(3),
          trailArn: 'arn:aws:cloudtrail:us-east-1:404455667788:trail/other',
        },
        /has no trail/,
      ],
      [{ reason: 'x', expiresAt: inDays(3), extra: true }, /Unrecognized key/],
    ];
    for (const [body, message] of cases) {
      const res = await grant(server, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.error.message).toMatch(message);
    }
    const { body } = await request(server)
      .get(`/api/cis-aws/v1/accounts/${STAGING}/exceptions`)
      .set('Authorization', GUEST);
    expect(body.items).toEqual([]);
    expect(
      (
        await request(server)
          .post('/api/cis-aws/v1/exceptions/nope/revoke')
          .set('Authorization', GUEST)
          .send({})
      ).status,
    ).toBe(404);
  });

  it('refuses to grant or revoke without the permission, and hides unreadable accounts', async () => {
    const denied = await startCisAwsBackend({
      sim,
      evaluatePermission: AuthorizeResult.DENY,
    });
    const res = await grant(denied, { reason: 'x', expiresAt: inDays(3) });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/cis-aws.exception.manage/);

    const hidden = await startCisAwsBackend({
      sim,
      hiddenFrom: {
        'user:default/guest': ['resource:default/aws-payments-staging'],
      },
    });
    expect(
      (await grant(hidden, { reason: 'x', expiresAt: inDays(3) })).status,
    ).toBe(404);
    expect(
      (
        await request(hidden).get(
          `/api/cis-aws/v1/accounts/${STAGING}/exceptions`,
        )
      ).status,
    ).toBe(401);
  });
});
