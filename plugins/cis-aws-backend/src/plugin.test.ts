import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AccountDetail,
  AccountsListResponse,
  EntityResultResponse,
} from '@cis-aws/plugin-cis-aws-common';
import { RunningSimulator } from '@internal/aws-simulator';
import request from 'supertest';
import { accountEntity, demoEntities } from './__testUtils__/demoCatalog';
import {
  runAndWait,
  startCisAwsBackend,
  startDemoSimulator,
} from './__testUtils__/testBackend';

// Each test starts a backend and runs the simulated AWS over HTTP: a loaded machine needs more
// than Jest's 5 s.
jest.setTimeout(60_000);

const GUEST = mockCredentials.user.header('user:default/guest');

/** The verdict each demo account's world state calls for, and the trail reason behind it. */
const DEMO_VERDICTS: Record<
  string,
  { verdict: string; reason?: string; trailReason?: string }
> = {
  '401122334455': { verdict: 'PASS' },
  '402233445566': { verdict: 'PASS' },
  '403344556677': { verdict: 'PASS' },
  '404455667788': {
    verdict: 'FAIL',
    reason: 'TRAIL_FAILED',
    trailReason: 'NO_LOG_GROUP',
  },
  '411122334455': { verdict: 'ERROR', reason: 'READER_ROLE_DENIED' },
  '405566778899': { verdict: 'PASS' },
  '406677889900': {
    verdict: 'FAIL',
    reason: 'TRAIL_FAILED',
    trailReason: 'DELIVERY_STALE',
  },
  '407788990011': {
    verdict: 'FAIL',
    reason: 'TRAIL_FAILED',
    trailReason: 'ROLE_CANNOT_WRITE',
  },
  '408899001122': {
    verdict: 'FAIL',
    reason: 'TRAIL_FAILED',
    trailReason: 'NOT_LOGGING',
  },
  '410011223344': { verdict: 'PASS' },
  '409900112233': { verdict: 'FAIL', reason: 'NO_TRAILS' },
};

async function runAll(server: Parameters<typeof request>[0]) {
  return runAndWait(server, GUEST);
}

async function account(
  server: Parameters<typeof request>[0],
  id: string,
): Promise<AccountDetail> {
  const res = await request(server)
    .get(`/api/cis-aws/v1/accounts/${id}`)
    .set('Authorization', GUEST);
  expect(res.status).toBe(200);
  return res.body;
}

// Integration test (a backend and the simulator over HTTP): a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers and conditions, never on clocks.
jest.setTimeout(60_000);

describe('cis-aws backend plugin against the simulated AWS', () => {
  let sim: RunningSimulator;

  beforeEach(async () => {
    sim = await startDemoSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('gives every demo account the verdict and reason its world state calls for', async () => {
    const server = await startCisAwsBackend({ sim });
    const run = await runAll(server);
    // One account is ERROR: the run says so, with its counts, rather than a plain "succeeded".
    expect(run).toMatchObject({
      status: 'completed_with_errors',
      trigger: 'manual',
      accountsTotal: 11,
      accountsEvaluated: 11,
      accountsErrored: 1,
      accountsSkipped: 0,
      verdicts: { PASS: 5, FAIL: 5, ERROR: 1 },
      replica: expect.stringMatching(/\/\d+\//),
    });
    // Every AWS call is counted, the role assumptions included.
    expect(run.calls['sts:AssumeRole']).toBeGreaterThanOrEqual(11);
    expect(run.apiErrors).toEqual({ 'sts:AccessDenied': 1 });

    const res = await request(server)
      .get('/api/cis-aws/v1/accounts?limit=100')
      .set('Authorization', GUEST);
    const list: AccountsListResponse = res.body;
    expect(list.totalCount).toBe(11);
    expect(list.totals).toEqual({
      PASS: 5,
      FAIL: 5,
      ERROR: 1,
      UNKNOWN: 0,
      EXEMPT: 0,
    });
    // The list says which trail problem makes an account fail, not only that one does.
    expect(
      list.items.find(a => a.accountId === '407788990011')?.trailReasons,
    ).toEqual(['ROLE_CANNOT_WRITE']);
    expect(
      list.items.find(a => a.accountId === '409900112233')?.trailReasons,
    ).toEqual([]);
    for (const [id, expected] of Object.entries(DEMO_VERDICTS)) {
      const detail = await account(server, id);
      expect({ id, verdict: detail.verdict, reason: detail.reason }).toEqual({
        id,
        verdict: expected.verdict,
        reason: expected.reason,
      });
    }
    for (const [id, { trailReason }] of Object.entries(DEMO_VERDICTS).filter(
      ([, e]) => e.trailReason,
    )) {
      const detail = await account(server, id);
      expect(detail.evaluation.trails.map(t => t.reason)).toContain(
        trailReason,
      );
    }
  });

  it('reports the Security Hub finding that says PASSED while delivery is stale as disagreeing', async () => {
    const server = await startCisAwsBackend({ sim });
    await runAll(server);
    const stale = await account(server, '406677889900');
    expect(stale.securityHub).toEqual({ status: 'PASS', agrees: false });
    const healthy = await account(server, '403344556677');
    expect(healthy.securityHub).toEqual({ status: 'PASS', agrees: true });
  });

  it('lets a member account take the organization trail owner’s verdict', async () => {
    const server = await startCisAwsBackend({ sim });
    await runAll(server);
    const member = await account(server, '410011223344');
    expect(member.verdict).toBe('PASS');
    expect(member.evaluation.trails).toHaveLength(1);
    expect(member.evaluation.trails[0]).toMatchObject({
      trailArn:
        'arn:aws:cloudtrail:us-east-1:401122334455:trail/acme-org-trail',
      verdict: 'PASS',
      inheritedFrom: { accountId: '401122334455' },
    });
    // The member asked nothing about a trail its in-scope owner reads.
    expect(
      sim.admin.calls().byAccountOperation['410011223344']?.[
        'cloudtrail:GetTrailStatus'
      ],
    ).toBeUndefined();
  });

  it('lets an organization trail whose owner breaks fail every member it covers', async () => {
    const server = await startCisAwsBackend({ sim });
    sim.admin.patchTrail('401122334455', 'acme-org-trail', {
      status: { isLogging: false },
    });
    await runAll(server);
    const member = await account(server, '410011223344');
    expect(member.verdict).toBe('FAIL');
    expect(member.evaluation.trails[0]).toMatchObject({
      reason: 'NOT_LOGGING',
      inheritedFrom: { accountId: '401122334455' },
    });
  });

  it('counts a multi-region trail once although every region shows it', async () => {
    const server = await startCisAwsBackend({
      sim,
      cisAws: {
        aws: {
          endpoint: sim.url,
          inventory: 'region',
          regions: [
            'us-east-1',
            'us-east-2',
            'us-west-2',
            'eu-west-1',
            'eu-central-1',
          ],
        },
      },
    });
    await runAll(server);
    const prod = await account(server, '405566778899');
    const arns = prod.evaluation.trails.map(t => t.trailArn);
    expect(
      arns.filter(arn => arn.endsWith('trail/storefront-trail')),
    ).toHaveLength(1);
    expect(new Set(arns).size).toBe(arns.length);
    expect(prod.evaluation.inventory.regionsScanned).toEqual(
      expect.arrayContaining([
        'us-east-1',
        'us-east-2',
        'us-west-2',
        'eu-west-1',
        'eu-central-1',
      ]),
    );
    expect(prod.verdict).toBe('PASS');
  });

  it('skips a region that is not enabled for the account instead of failing on it', async () => {
    const server = await startCisAwsBackend({
      sim,
      cisAws: {
        aws: {
          endpoint: sim.url,
          inventory: 'region',
          regions: ['us-east-1', 'ap-east-1'],
        },
      },
    });
    await runAll(server);
    const payments = await account(server, '403344556677');
    expect(payments.evaluation.inventory.regionsSkipped).toEqual(['ap-east-1']);
    expect(payments.evaluation.inventory.regionsFailed).toEqual([]);
    expect(payments.verdict).toBe('PASS');
    // storefront-prod has the opt-in region enabled: it is scanned there.
    const storefront = await account(server, '405566778899');
    expect(storefront.evaluation.inventory.regionsScanned).toContain(
      'ap-east-1',
    );
  });

  it('rides out a throttling storm with retries and keeps every verdict', async () => {
    const server = await startCisAwsBackend({ sim });
    // Every CloudTrail call of every account is throttled once, then goes through.
    for (const id of Object.keys(DEMO_VERDICTS)) {
      sim.admin.addFault({
        kind: 'throttle',
        account: id,
        service: 'cloudtrail',
        count: 2,
      });
    }
    const run = await runAll(server);
    expect(run.calls['cloudtrail:ListTrails']).toBeGreaterThan(10);
    for (const [id, expected] of Object.entries(DEMO_VERDICTS)) {
      expect({ id, verdict: (await account(server, id)).verdict }).toEqual({
        id,
        verdict: expected.verdict,
      });
    }
  });

  it('turns a throttling that outlasts the retries into ERROR for that account only, never FAIL', async () => {
    const server = await startCisAwsBackend({ sim });
    sim.admin.addFault({
      kind: 'throttle',
      account: '403344556677',
      operation: 'GetTrailStatus',
    });
    await runAll(server);
    const throttled = await account(server, '403344556677');
    expect(throttled.verdict).not.toBe('FAIL');
    expect(['ERROR', 'UNKNOWN']).toContain(throttled.verdict);
    const trail = throttled.evaluation.trails.find(t =>
      t.trailArn.endsWith('payments-prod-trail'),
    )!;
    expect(trail).toMatchObject({ verdict: 'ERROR', reason: 'API_ERROR' });
    expect((await account(server, '402233445566')).verdict).toBe('PASS');
  });

  it('records AccessDenied on one account as that account’s ERROR and evaluates the others', async () => {
    const server = await startCisAwsBackend({ sim });
    sim.admin.addFault({
      kind: 'accessDenied',
      account: '402233445566',
      service: 'cloudtrail',
    });
    const run = await runAll(server);
    expect(run.accountsEvaluated).toBe(11);
    const denied = await account(server, '402233445566');
    expect(denied.verdict).toBe('ERROR');
    expect(JSON.stringify(denied.evaluation.inventory.regionsFailed)).toContain(
      'AccessDenied',
    );
    expect((await account(server, '403344556677')).verdict).toBe('PASS');
  });

  it('keeps a PASS visible as the last definitive verdict when a later run errors', async () => {
    const server = await startCisAwsBackend({ sim });
    await runAll(server);
    expect((await account(server, '403344556677')).verdict).toBe('PASS');

    sim.admin.addFault({ kind: 'serverError', account: '403344556677' });
    await runAll(server);
    const after = await account(server, '403344556677');
    expect(after.verdict).toBe('ERROR');
    expect(after.stale).toBe(true);
    expect(after.lastDefinitive).toMatchObject({ verdict: 'PASS' });
    expect(after.lastDefinitiveEvaluation?.verdict).toBe('PASS');
  });

  it('evaluates one account on demand and returns the fresh result', async () => {
    const server = await startCisAwsBackend({ sim });
    sim.admin.patchTrail('403344556677', 'payments-prod-trail', {
      status: { isLogging: false },
    });
    const res = await request(server)
      .post('/api/cis-aws/v1/accounts/403344556677/evaluate')
      .set('Authorization', GUEST);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      accountId: '403344556677',
      verdict: 'FAIL',
      reason: 'TRAIL_FAILED',
    });
    const trail = res.body.evaluation.trails.find(
      (t: { trailArn: string }) =>
        t.trailArn ===
        'arn:aws:cloudtrail:us-east-1:403344556677:trail/payments-prod-trail',
    );
    expect(trail.securityHub).toMatchObject({
      comparedWith: 'FAIL',
      status: expect.stringMatching(/^(PASS|FAIL|UNKNOWN)$/),
    });
    expect(trail.consoleLinks).toMatchObject({
      trail: expect.stringContaining(
        'us-east-1.console.aws.amazon.com/cloudtrailv2',
      ),
      logGroup: expect.stringContaining('#logsV2:log-groups/log-group/'),
      role: expect.stringContaining('/iam/home#/roles/details/'),
      securityHubControl: expect.stringContaining('#/controls/CloudTrail.5'),
    });
  });

  it('refuses an on-demand evaluation to a user without the evaluate permission', async () => {
    const server = await startCisAwsBackend({
      sim,
      evaluatePermission: AuthorizeResult.DENY,
    });
    const res = await request(server)
      .post('/api/cis-aws/v1/accounts/403344556677/evaluate')
      .set('Authorization', GUEST);
    expect(res.status).toBe(403);
    expect(sim.admin.calls().total).toBe(0);
  });

  it('answers 404 for the account of an entity the user may not read, and leaves it out of lists', async () => {
    const server = await startCisAwsBackend({
      sim,
      hiddenFrom: {
        'user:default/outsider': ['resource:default/aws-payments-prod'],
      },
    });
    await runAll(server);
    const outsider = mockCredentials.user.header('user:default/outsider');
    const detail = await request(server)
      .get('/api/cis-aws/v1/accounts/403344556677')
      .set('Authorization', outsider);
    expect(detail.status).toBe(404);
    const list = await request(server)
      .get('/api/cis-aws/v1/accounts?limit=100')
      .set('Authorization', outsider);
    expect(list.body.totalCount).toBe(10);
    expect(
      list.body.items.map((a: { accountId: string }) => a.accountId),
    ).not.toContain('403344556677');
    const evaluate = await request(server)
      .post('/api/cis-aws/v1/accounts/403344556677/evaluate')
      .set('Authorization', outsider);
    expect(evaluate.status).toBe(404);
  });

  it('aggregates a system and a team as the worst of their accounts', async () => {
    const server = await startCisAwsBackend({ sim });
    await runAll(server);
    const system: EntityResultResponse = (
      await request(server)
        .get('/api/cis-aws/v1/entities/system/default/payments')
        .set('Authorization', GUEST)
    ).body;
    expect(system.verdict).toBe('FAIL');
    expect(system.accounts.map(a => a.accountId).sort()).toEqual([
      '403344556677',
      '404455667788',
      '411122334455',
    ]);
    expect(system.counts).toMatchObject({ FAIL: 1, ERROR: 1, PASS: 1 });

    const team: EntityResultResponse = (
      await request(server)
        .get('/api/cis-aws/v1/entities/group/default/security-team')
        .set('Authorization', GUEST)
    ).body;
    expect(team).toMatchObject({
      verdict: 'PASS',
      counts: expect.objectContaining({ PASS: 1 }),
    });

    const sandbox: EntityResultResponse = (
      await request(server)
        .get('/api/cis-aws/v1/entities/resource/default/aws-analytics-sandbox')
        .set('Authorization', GUEST)
    ).body;
    expect(sandbox).toMatchObject({ verdict: 'FAIL', pendingAccountIds: [] });
  });

  it('aggregates a department as every account its teams, and their teams, own', async () => {
    const entities = demoEntities().map(entity =>
      entity.kind === 'Group'
        ? {
            ...entity,
            relations: [{ type: 'childOf', targetRef: 'group:default/acme' }],
          }
        : entity,
    );
    const group = (name: string, parent?: string) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default' },
      spec: { type: 'organization', children: [] },
      relations: parent
        ? [{ type: 'childOf', targetRef: `group:default/${parent}` }]
        : [],
    });
    // A sub-team two levels down owns analytics-sandbox instead of data-team.
    const retargeted = entities.map(entity =>
      entity.metadata.name === 'aws-analytics-sandbox'
        ? {
            ...entity,
            spec: { ...entity.spec, owner: 'data-sandbox' },
            relations: [
              { type: 'ownedBy', targetRef: 'group:default/data-sandbox' },
            ],
          }
        : entity,
    );
    const server = await startCisAwsBackend({
      sim,
      entities: [
        ...retargeted,
        group('acme'),
        group('data-platform', 'data-team'),
        group('data-sandbox', 'data-platform'),
      ],
    });
    await runAll(server);
    const get = async (ref: string): Promise<EntityResultResponse> =>
      (
        await request(server)
          .get(`/api/cis-aws/v1/entities/group/default/${ref}`)
          .set('Authorization', GUEST)
      ).body;

    const acme = await get('acme');
    expect(acme.verdict).toBe('FAIL');
    expect(acme.accounts).toHaveLength(Object.keys(DEMO_VERDICTS).length);
    const data = await get('data-team');
    expect(data.accounts.map(a => a.accountId).sort()).toEqual([
      '408899001122',
      '409900112233',
      '410011223344',
    ]);
    expect((await get('data-sandbox')).accounts.map(a => a.accountId)).toEqual([
      '409900112233',
    ]);
    expect((await get('data-platform')).verdict).toBe('FAIL');
  });

  it('reports a malformed account annotation on its entity and still evaluates the rest', async () => {
    const entities = [
      ...demoEntities(),
      accountEntity({
        id: 'x',
        name: 'typo-account',
        owner: 'data-team',
        system: 'analytics',
        annotation: '12345',
      }),
    ];
    const server = await startCisAwsBackend({ sim, entities });
    const run = await runAll(server);
    expect(run.accountsEvaluated).toBe(11);
    expect(run.errors.join('\n')).toContain(
      'resource:default/aws-typo-account',
    );
    const entity: EntityResultResponse = (
      await request(server)
        .get('/api/cis-aws/v1/entities/resource/default/aws-typo-account')
        .set('Authorization', GUEST)
    ).body;
    expect(entity.verdict).toBe('NOT_MAPPED');
    expect(entity.problems[0]).toMatchObject({
      value: '12345',
      message: expect.stringContaining('12-digit'),
    });
  });

  it('honours the SDK’s standard AWS_ENDPOINT_URL when no endpoint is configured', async () => {
    const previous = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = sim.url;
    try {
      const server = await startCisAwsBackend({
        sim,
        cisAws: { aws: { regions: ['us-east-1'], maxAttempts: 2 } },
      });
      await runAll(server);
      expect((await account(server, '403344556677')).verdict).toBe('PASS');
      expect(sim.admin.calls().byOperation['sts:AssumeRole']).toBeGreaterThan(
        0,
      );
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = previous;
    }
  });

  it('answers bad requests with 400, unknown accounts with 404 and anonymous callers with 401', async () => {
    const server = await startCisAwsBackend({ sim });
    const bad = await request(server)
      .get('/api/cis-aws/v1/accounts/12345')
      .set('Authorization', GUEST);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('12 digits');
    const badQuery = await request(server)
      .get('/api/cis-aws/v1/accounts?verdict=MAYBE')
      .set('Authorization', GUEST);
    expect(badQuery.status).toBe(400);
    const unknown = await request(server)
      .get('/api/cis-aws/v1/accounts/999999999999')
      .set('Authorization', GUEST);
    expect(unknown.status).toBe(404);
    const anonymous = await request(server).get('/api/cis-aws/v1/accounts');
    expect(anonymous.status).toBe(401);
  });

  it('ranks owners by failing accounts for the organization page', async () => {
    const server = await startCisAwsBackend({ sim });
    await runAll(server);
    const res = await request(server)
      .get('/api/cis-aws/v1/owners')
      .set('Authorization', GUEST);
    expect(res.status).toBe(200);
    expect(
      res.body.owners.map((o: { ownerRef: string }) => o.ownerRef),
    ).toEqual([
      'group:default/checkout-team',
      'group:default/data-team',
      'group:default/payments-team',
      'group:default/platform-team',
      'group:default/security-team',
    ]);
    expect(res.body.owners[2]).toMatchObject({
      totalCount: 3,
      totals: { PASS: 1, FAIL: 1, ERROR: 1 },
    });
    // Failure age from the episodes the run opened; nothing fixed yet.
    expect(res.body.owners[0].failureAge).toEqual({
      openCount: 2,
      oldestFailingSince: expect.any(String),
      fixedCount: 0,
    });
    expect(res.body.owners[3].failureAge).toEqual({
      openCount: 0,
      fixedCount: 0,
    });
    expect(res.body.period.to).toBe(new Date().toISOString().slice(0, 10));
  });

  it("lists the signed-in user's own accounts with mine=true, through their groups", async () => {
    const server = await startCisAwsBackend({ sim });
    await runAll(server);
    const res = await request(server)
      .get('/api/cis-aws/v1/accounts?mine=true')
      .set('Authorization', GUEST);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(
      res.body.items.every(
        (a: { ownerRef?: string }) =>
          a.ownerRef === 'group:default/security-team',
      ),
    ).toBe(true);
    const all = await request(server)
      .get('/api/cis-aws/v1/accounts')
      .set('Authorization', GUEST);
    expect(res.body.totalCount).toBeLessThan(all.body.totalCount);
    const service = await request(server)
      .get('/api/cis-aws/v1/accounts?mine=true')
      .set('Authorization', mockCredentials.service.header());
    expect(service.status).toBe(400);
  });

  it('filters the list by verdict and owner, with totals over the filtered set', async () => {
    const server = await startCisAwsBackend({ sim });
    await runAll(server);
    const res = await request(server)
      .get(
        '/api/cis-aws/v1/accounts?owner=group:default/checkout-team&verdict=FAIL&limit=1',
      )
      .set('Authorization', GUEST);
    expect(res.status).toBe(200);
    expect(res.body.totalCount).toBe(2);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.totals.FAIL).toBe(2);
  });
});

describe('cis-aws backend plugin with a wrong configuration', () => {
  it('stops the backend’s start-up with every problem, each naming its key', async () => {
    // No AWS is called: the configuration is refused before anything else happens.
    const sim = { url: 'http://127.0.0.1:9' } as RunningSimulator;
    const started = startCisAwsBackend({
      sim,
      cisAws: {
        schedule: { frequency: { minutes: -5 }, timeout: { minutes: 30 } },
        aws: { endpoint: 'not a url', concurrency: 0 },
        securityHub: { administratorAccountId: '12345' },
      },
    });
    await expect(started).rejects.toMatchObject({
      name: 'BackendStartupError',
    });
    const message = await started.then(
      () => '',
      (error: Error) => error.message,
    );
    expect(message).toContain("Plugin 'cis-aws' startup failed");
    for (const line of [
      'Invalid cis-aws configuration, the plugin cannot start (4 problems):',
      '  - cisAws.aws.endpoint: "not a url" is not an http or https URL',
      '  - cisAws.aws.concurrency: expected a whole number from 1 to 64, got 0',
      '  - cisAws.securityHub.administratorAccountId: expected a 12-digit AWS account id, got "12345"',
      '  - cisAws.schedule.frequency: must not be negative, got minutes: -5',
    ]) {
      expect(message).toContain(line);
    }
  });
});
