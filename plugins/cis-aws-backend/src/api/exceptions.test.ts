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
  TestBackendOptions,
} from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

/** The demo's people: guest and alan approve (security-team); barbara owns payments (payments-team). */
const GUEST = mockCredentials.user.header('user:default/guest');
const ALAN = mockCredentials.user.header('user:default/alan');
const BARBARA = mockCredentials.user.header('user:default/barbara');
const ADA = mockCredentials.user.header('user:default/ada');
const STAGING = '404455667788'; // payments-staging: FAIL, no log group
const STAGING_TRAIL =
  'arn:aws:cloudtrail:us-east-1:404455667788:trail/payments-staging-trail';
const DAY = 86_400_000;

type Server = Parameters<typeof request>[0];

function inDays(days: number) {
  return new Date(Date.now() + days * DAY).toISOString();
}

function start(
  sim: RunningSimulator,
  options: Partial<TestBackendOptions> = {},
) {
  return startCisAwsBackend({
    sim,
    cisAws: { exceptions: { approvers: ['group:default/security-team'] } },
    ...options,
  });
}

async function requestException(
  server: Server,
  body: object,
  as = BARBARA,
  account = STAGING,
) {
  return request(server)
    .post(`/api/cis-aws/v1/accounts/${account}/exceptions`)
    .set('Authorization', as)
    .send(body);
}

async function decide(
  server: Server,
  id: string,
  action: 'approve' | 'reject' | 'revoke',
  as: string,
  body: object = {},
) {
  return request(server)
    .post(`/api/cis-aws/v1/exceptions/${id}/${action}`)
    .set('Authorization', as)
    .send(body);
}

/** An exception requested by barbara and approved by alan. */
async function approved(server: Server, body: object) {
  const requested = await requestException(server, body);
  expect(requested.status).toBe(201);
  const res = await decide(server, requested.body.id, 'approve', ALAN);
  expect(res.status).toBe(200);
  return res.body as ExceptionListItem;
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

// Integration test (a backend and the simulator over HTTP): a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers and conditions, never on clocks.
jest.setTimeout(60_000);

async function exceptionsOf(server: Server, as = GUEST) {
  const res = await request(server)
    .get(`/api/cis-aws/v1/accounts/${STAGING}/exceptions`)
    .set('Authorization', as);
  expect(res.status).toBe(200);
  return res.body as AccountExceptionsResponse;
}

describe('exceptions API', () => {
  let sim: RunningSimulator;

  beforeEach(async () => {
    sim = await startDemoSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('an owner requests, the request changes nothing, and another person approves: then the account is EXEMPT', async () => {
    const server = await start(sim);
    await runAll(server);
    const res = await requestException(server, {
      reason: 'Staging is being rebuilt on the organization trail',
      expiresAt: inDays(14),
      ticketUrl: 'https://jira.acme.example/browse/SEC-101',
    });
    expect(res.status).toBe(201);
    const requested: ExceptionListItem = res.body;
    expect(requested).toMatchObject({
      accountId: STAGING,
      state: 'PENDING',
      status: 'PENDING',
      createdBy: 'user:default/barbara',
      entityRef: 'resource:default/aws-payments-staging',
    });
    expect(requested.approvedBy).toBeUndefined();
    expect((await accountOf(server)).verdict).toBe('FAIL');

    // The approvers see it waiting on the organization page.
    const pending = await request(server)
      .get('/api/cis-aws/v1/exceptions?status=PENDING')
      .set('Authorization', GUEST);
    expect(pending.body).toMatchObject({
      items: [
        {
          id: requested.id,
          ownerRef: 'group:default/payments-team',
          title: expect.stringContaining('payments-staging'),
        },
      ],
      viewer: { entityRef: 'user:default/guest', approver: true },
      expiringWithinDays: 14,
    });
    expect((await exceptionsOf(server, BARBARA)).viewer).toEqual({
      entityRef: 'user:default/barbara',
      approver: false,
      canRequest: true,
    });

    const approval = await decide(server, requested.id, 'approve', ALAN, {
      comment: 'Accepted until the rebuild',
    });
    expect(approval.status).toBe(200);
    expect(approval.body).toMatchObject({
      state: 'APPROVED',
      status: 'ACTIVE',
      createdBy: 'user:default/barbara',
      approvedBy: 'user:default/alan',
      decisionComment: 'Accepted until the rebuild',
    });

    const detail = await accountOf(server);
    expect(detail.verdict).toBe('EXEMPT');
    expect(detail.evaluation).toMatchObject({
      reason: 'EXCEPTION',
      underlyingVerdict: 'FAIL',
      underlyingReason: 'TRAIL_FAILED',
      exception: { id: requested.id, approvedBy: 'user:default/alan' },
    });

    const body = await exceptionsOf(server);
    expect(body.items.map(e => [e.id, e.status])).toEqual([
      [requested.id, 'ACTIVE'],
    ]);
    expect(body.events.map(e => [e.action, e.actor, e.comment])).toEqual([
      ['REQUESTED', 'user:default/barbara', undefined],
      ['APPROVED', 'user:default/alan', 'Accepted until the rebuild'],
    ]);
    const active = await request(server)
      .get('/api/cis-aws/v1/exceptions')
      .set('Authorization', GUEST);
    expect(active.body.items.map((e: ExceptionListItem) => e.id)).toEqual([
      requested.id,
    ]);
    const expiring = await request(server)
      .get('/api/cis-aws/v1/exceptions?status=EXPIRING')
      .set('Authorization', GUEST);
    expect(expiring.body.items.map((e: ExceptionListItem) => e.id)).toEqual([
      requested.id,
    ]);
  });

  it('answers a requester approving their own request with 403 and a clear message, even an approver', async () => {
    const server = await start(sim);
    await runAll(server);
    // guest is an approver, and may request too (cis-aws.exception.request is allowed here).
    const { body: own } = await requestException(
      server,
      { reason: 'Mine', expiresAt: inDays(3) },
      GUEST,
    );
    for (const action of ['approve', 'reject'] as const) {
      const res = await decide(server, own.id, action, GUEST, {
        comment: 'self',
      });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        `You requested exception ${own.id} yourself, so you may not ${action} it: four eyes means another member of group:default/security-team (cisAws.exceptions.approvers) decides it`,
      );
    }
    // Someone outside the approver groups may not decide either.
    const outsider = await decide(server, own.id, 'approve', ADA);
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.message).toMatch(
      /Only members of group:default\/security-team/,
    );
    expect((await accountOf(server)).verdict).toBe('FAIL');
    expect((await exceptionsOf(server)).items[0].status).toBe('PENDING');
  });

  it('a rejected request never applies, and cannot be approved afterwards', async () => {
    const server = await start(sim);
    const { body: requested } = await requestException(server, {
      reason: 'Please',
      expiresAt: inDays(3),
    });
    const noComment = await decide(server, requested.id, 'reject', ALAN);
    expect(noComment.status).toBe(400);
    expect(noComment.body.error.message).toMatch(/comment/);
    const rejected = await decide(server, requested.id, 'reject', ALAN, {
      comment: 'Fix the log group instead',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      status: 'REJECTED',
      rejectedBy: 'user:default/alan',
    });
    const late = await decide(server, requested.id, 'approve', GUEST);
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(
      /already rejected by user:default\/alan/,
    );
    const evaluated = await request(server)
      .post(`/api/cis-aws/v1/accounts/${STAGING}/evaluate`)
      .set('Authorization', GUEST);
    expect(evaluated.body.verdict).toBe('FAIL');
  });

  it('takes one trail out of scope with an approved trail exception', async () => {
    const server = await start(sim);
    await runAll(server);
    await approved(server, {
      trailArn: STAGING_TRAIL,
      reason: 'S3-only trail, replaced next sprint',
      expiresAt: inDays(7),
    });
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
    });
  });

  it('revokes an exception: the account fails again and the audit trail names who revoked it and why', async () => {
    const server = await start(sim);
    const created = await approved(server, {
      reason: 'Temporary',
      expiresAt: inDays(3),
    });
    const revoke = await decide(server, created.id, 'revoke', GUEST, {
      reason: 'Fixed sooner than planned',
    });
    expect(revoke.status).toBe(200);
    expect(revoke.body).toMatchObject({
      status: 'REVOKED',
      revokedBy: 'user:default/guest',
      revokeReason: 'Fixed sooner than planned',
    });
    expect((await accountOf(server)).verdict).toBe('FAIL');
    expect((await decide(server, created.id, 'revoke', GUEST)).status).toBe(
      409,
    );

    expect(
      (await exceptionsOf(server)).events.map(e => [e.action, e.comment]),
    ).toEqual([
      ['REQUESTED', undefined],
      ['APPROVED', undefined],
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
    const server = await start(sim);
    const created = await approved(server, {
      reason: 'Short',
      expiresAt: new Date(Date.now() + 5000).toISOString(),
    });
    expect(created.status).toBe('ACTIVE');
    expect((await accountOf(server)).verdict).toBe('EXEMPT');

    const expiry = Date.parse(created.expiresAt);
    while (Date.now() <= expiry) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    const evaluated = await request(server)
      .post(`/api/cis-aws/v1/accounts/${STAGING}/evaluate`)
      .set('Authorization', GUEST);
    expect(evaluated.body.verdict).toBe('FAIL');
    expect(evaluated.body.evaluation.exceptions).toEqual([
      expect.objectContaining({ id: created.id }),
    ]);
    expect((await exceptionsOf(server)).items[0].status).toBe('EXPIRED');
  });

  it('answers invalid requests with 400 and a message, and loses nothing', async () => {
    const server = await start(sim);
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
      [
        { reason: 'x', expiresAt: inDays(3), approvedBy: 'user:default/ciso' },
        /approvedBy: is no longer accepted/,
      ],
      [{ reason: 'x', expiresAt: inDays(3), extra: true }, /Unrecognized key/],
    ];
    for (const [body, message] of cases) {
      const res = await requestException(server, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.error.message).toMatch(message);
    }
    expect((await exceptionsOf(server)).items).toEqual([]);
    expect((await decide(server, 'nope', 'revoke', GUEST)).status).toBe(404);
    expect((await decide(server, 'nope', 'approve', GUEST)).status).toBe(404);
  });

  it('lets an owner request without the permissions, refuses a non-owner without them, and hides unreadable accounts', async () => {
    const denied = await start(sim, {
      evaluatePermission: AuthorizeResult.DENY,
    });
    const own = await requestException(denied, {
      reason: 'x',
      expiresAt: inDays(3),
    });
    expect(own.status).toBe(201);
    const res = await requestException(
      denied,
      { reason: 'x', expiresAt: inDays(3) },
      ADA,
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(
      /owner of AWS account 404455667788 \(group:default\/payments-team\) or a holder of cis-aws.exception.request/,
    );
    // An approver without cis-aws.exception.approve may not approve.
    const approval = await decide(denied, own.body.id, 'approve', ALAN);
    expect(approval.status).toBe(403);
    expect(approval.body.error.message).toMatch(/cis-aws.exception.approve/);

    const hidden = await start(sim, {
      hiddenFrom: {
        'user:default/barbara': ['resource:default/aws-payments-staging'],
      },
    });
    expect(
      (await requestException(hidden, { reason: 'x', expiresAt: inDays(3) }))
        .status,
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
