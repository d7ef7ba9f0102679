/**
 * The whole path: the simulated AWS changes, the plugin evaluates the account,
 * and the real notifications backend (same test backend, its own database)
 * holds what the owner's members read — one notification per account, updated
 * on every transition, never a second one.
 */
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import { Notification } from '@backstage/plugin-notifications-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { RunningSimulator } from '@internal/aws-simulator';
import request from 'supertest';
import { cisAwsPlugin } from '../plugin';
import { demoEntities } from '../__testUtils__/demoCatalog';
import { runAndWait, startDemoSimulator } from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

const PAYMENTS_PROD = '403344556677';
const TRAIL = 'payments-prod-trail';
const LOG_GROUP = 'aws-cloudtrail-logs-payments-prod';
const SCOPE = `cis-aws:account:${PAYMENTS_PROD}`;
const PAT = 'user:default/pat';
const ADMIN = mockCredentials.user.header('user:default/admin');
const TOPIC_2_4 = 'CIS AWS 2.4';
const TOPIC_DETECTION = 'CIS AWS 3.x detection';

/** Who is in which team: notifications to a group reach its members. */
const MEMBERS: Record<string, string[]> = {
  'payments-team': ['pat'],
  // As in examples/org.yaml: the demo portal's guest is in the security team.
  'security-team': ['guest'],
};

function userEntity(name: string, team: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { memberOf: [team] },
    relations: [{ type: 'memberOf', targetRef: `group:default/${team}` }],
  };
}

/** The demo catalog, with members in some teams. */
function catalogWithMembers(): Entity[] {
  const entities = demoEntities().map(entity =>
    entity.kind === 'Group' && MEMBERS[entity.metadata.name]
      ? {
          ...entity,
          relations: MEMBERS[entity.metadata.name].map(user => ({
            type: 'hasMember',
            targetRef: `user:default/${user}`,
          })),
        }
      : entity,
  );
  const users = Object.entries(MEMBERS).flatMap(([team, names]) =>
    names.map(name => userEntity(name, team)),
  );
  return [...entities, ...users];
}

async function startBackend(sim: RunningSimulator) {
  const catalog = catalogServiceMock({ entities: catalogWithMembers() });
  const { server } = await startTestBackend({
    features: [
      cisAwsPlugin,
      notificationsPlugin,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalog,
      }),
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          aws: {
            mainAccount: {
              accessKeyId: 'AKIATESTMAINACCOUNT1',
              secretAccessKey: 'test-only',
            },
            accountDefaults: { roleName: 'CisAwsReader' },
          },
          cisAws: {
            aws: {
              endpoint: sim.url,
              regions: ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1'],
              maxAttempts: 3,
            },
            securityHub: {
              administratorAccountId: '402233445566',
              region: 'us-east-1',
            },
          },
        },
      }),
    ],
  });
  return server;
}

describe('owner notifications through the notifications backend', () => {
  let sim: RunningSimulator;
  let server: Awaited<ReturnType<typeof startBackend>>;

  beforeEach(async () => {
    sim = await startDemoSimulator();
    server = await startBackend(sim);
  });
  afterEach(async () => {
    await sim.close();
  });

  async function runAll() {
    await runAndWait(server, ADMIN);
  }

  async function evaluate(accountId: string, verdict: string) {
    const res = await request(server)
      .post(`/api/cis-aws/v1/accounts/${accountId}/evaluate`)
      .set('Authorization', ADMIN);
    expect(res.status).toBe(200);
    expect(res.body.verdict).toBe(verdict);
  }

  /** What a user reads in the notifications page, of one topic (CIS 2.4 unless told). */
  async function notificationsOf(
    user: string,
    topic: string = TOPIC_2_4,
  ): Promise<Notification[]> {
    const res = await request(server)
      .get('/api/notifications/notifications?limit=100')
      .set('Authorization', mockCredentials.user.header(user));
    expect(res.status).toBe(200);
    return res.body.notifications.filter(
      (n: Notification) => n.payload.topic === topic,
    );
  }

  const patsNotifications = () => notificationsOf(PAT);

  async function forPaymentsProd() {
    return (await patsNotifications()).filter(n => n.payload.scope === SCOPE);
  }

  it('keeps one notification per account, updated on every transition', async () => {
    // First results: payments-team's failing account notifies at once; the one that cannot be
    // checked (its reader role is refused) only once that persists, at the second run.
    await runAll();
    expect((await patsNotifications()).map(n => n.payload.scope)).toEqual([
      'cis-aws:account:404455667788',
    ]);
    await runAll();
    const first = await patsNotifications();
    expect(first.map(n => n.payload.scope).sort()).toEqual([
      'cis-aws:account:404455667788',
      'cis-aws:account:411122334455',
    ]);
    expect(
      first.find(n => n.payload.scope === 'cis-aws:account:411122334455')
        ?.payload.title,
    ).toBe(
      'CIS 2.4 could not be checked: legacy-billing (411122334455) — The reader role could not be assumed',
    );
    expect(
      first.find(n => n.payload.scope === 'cis-aws:account:404455667788')
        ?.payload,
    ).toMatchObject({
      title:
        'CIS 2.4 failing: payments-staging (404455667788) — No log group configured',
      severity: 'high',
      topic: 'CIS AWS 2.4',
      link: '/catalog/default/resource/aws-payments-staging/cis-aws',
    });

    // Breaking the trail: one notification, failing.
    sim.admin.patchTrail(PAYMENTS_PROD, TRAIL, { logGroup: null });
    await evaluate(PAYMENTS_PROD, 'FAIL');
    let mine = await forPaymentsProd();
    expect(mine).toHaveLength(1);
    const id = mine[0].id;
    expect(mine[0].payload).toMatchObject({
      title:
        'CIS 2.4 failing: payments-prod (403344556677) — No log group configured',
      severity: 'high',
      link: '/catalog/default/resource/aws-payments-prod/cis-aws',
    });
    // Pat reads it.
    const read = await request(server)
      .post('/api/notifications/notifications/update')
      .set('Authorization', mockCredentials.user.header(PAT))
      .send({ ids: [id], read: true });
    expect(read.status).toBe(200);

    // Evaluating again without a change sends nothing: still read, same title.
    await evaluate(PAYMENTS_PROD, 'FAIL');
    mine = await forPaymentsProd();
    expect(mine).toHaveLength(1);
    expect(mine[0].read).toBeTruthy();

    // Repairing: the same notification now says it recovered, unread again.
    sim.admin.patchTrail(PAYMENTS_PROD, TRAIL, { logGroup: LOG_GROUP });
    await evaluate(PAYMENTS_PROD, 'PASS');
    mine = await forPaymentsProd();
    expect(mine).toHaveLength(1);
    expect(mine[0].id).toBe(id);
    expect(mine[0].read).toBeFalsy();
    expect(mine[0].payload).toMatchObject({
      title: 'CIS 2.4 recovered: payments-prod (403344556677) — passing',
      severity: 'low',
    });

    // Breaking it another way: still that one notification, with the latest content.
    sim.admin.patchTrail(PAYMENTS_PROD, TRAIL, { isLogging: false });
    await evaluate(PAYMENTS_PROD, 'FAIL');
    mine = await forPaymentsProd();
    expect(mine).toHaveLength(1);
    expect(mine[0].id).toBe(id);
    expect(mine[0].payload).toMatchObject({
      title: 'CIS 2.4 failing: payments-prod (403344556677) — Trail is stopped',
      severity: 'high',
      description: expect.stringContaining(
        'Logging is turned off for this trail',
      ),
    });

    // Nothing piled up anywhere else either.
    expect(await patsNotifications()).toHaveLength(3);
  });

  it('reaches the demo guest when the security team’s account stops logging, and tells when it recovers', async () => {
    const GUEST = 'user:default/guest';
    await runAll();
    // Every security-team account passes in the demo world: nothing yet.
    expect(await notificationsOf(GUEST)).toEqual([]);

    sim.admin.patchTrail('402233445566', 'security-audit-trail', {
      isLogging: false,
    });
    await evaluate('402233445566', 'FAIL');
    let guests = await notificationsOf(GUEST);
    expect(guests).toHaveLength(1);
    expect(guests[0].payload).toMatchObject({
      title:
        'CIS 2.4 failing: security-tooling (402233445566) — Trail is stopped',
      link: '/catalog/default/resource/aws-security-tooling/cis-aws',
      severity: 'high',
      scope: 'cis-aws:account:402233445566',
    });
    // Only the owning team hears about it.
    expect(
      (await patsNotifications()).filter(
        n => n.payload.scope === 'cis-aws:account:402233445566',
      ),
    ).toEqual([]);

    sim.admin.patchTrail('402233445566', 'security-audit-trail', {
      isLogging: true,
    });
    await evaluate('402233445566', 'PASS');
    guests = await notificationsOf(GUEST);
    expect(guests).toHaveLength(1);
    expect(guests[0].payload.title).toBe(
      'CIS 2.4 recovered: security-tooling (402233445566) — passing',
    );
  });

  it('tells the owner once when detection content stops alerting, resolves it, and stays silent for 2.4-only changes', async () => {
    const GUEST = 'user:default/guest';
    const SECURITY = '402233445566';
    const GROUP = 'aws-cloudtrail-logs-security-audit';
    const DETECTION_SCOPE = `cis-aws:account:${SECURITY}:control:cis-3.x-detection`;
    const detectionOf = async () => notificationsOf(GUEST, TOPIC_DETECTION);
    await runAll();
    // The security team's account is fully watched: nothing for either control.
    expect(await notificationsOf(GUEST)).toEqual([]);
    expect(await detectionOf()).toEqual([]);

    // A 2.4-only change: the trail loses its delivery role (2.4 fails), its log group's
    // detection content is untouched: the owner hears about 2.4, and nothing about detection.
    sim.admin.patchTrail(SECURITY, 'security-audit-trail', { role: null });
    await evaluate(SECURITY, 'FAIL');
    expect(await notificationsOf(GUEST)).toHaveLength(1);
    expect(await detectionOf()).toEqual([]);
    sim.admin.patchTrail(SECURITY, 'security-audit-trail', {
      role: 'CloudTrail_CloudWatchLogs_Role',
    });
    await evaluate(SECURITY, 'PASS');
    expect(await detectionOf()).toEqual([]);

    // PASS → FAIL: the root-use metric filter is deleted. 2.4 still passes.
    const original = JSON.parse(
      JSON.stringify(
        sim.admin
          .world()
          .accounts.find(a => a.id === SECURITY)!
          .logGroups.find(g => g.name === GROUP)!,
      ),
    );
    sim.admin.putLogGroup(SECURITY, GROUP, {
      ...original,
      metricFilters: original.metricFilters.filter(
        (f: { name: string }) => f.name !== 'RootAccountUsage',
      ),
    });
    await evaluate(SECURITY, 'PASS');
    let detection = await detectionOf();
    expect(detection).toHaveLength(1);
    expect(detection[0].payload).toMatchObject({
      title: `Detection (CIS 3.x) failing: nobody is told when root is used in security-tooling (${SECURITY})`,
      severity: 'high',
      topic: TOPIC_DETECTION,
      scope: DETECTION_SCOPE,
      link: '/catalog/default/resource/aws-security-tooling/cis-aws',
      description: expect.stringContaining(
        `3.3 Usage of the root user: no metric filter on ${GROUP} matches these events.`,
      ),
    });
    const id = detection[0].id;
    // The 2.4 notification was not replaced: it still says 2.4 recovered.
    const twoFour = await notificationsOf(GUEST);
    expect(twoFour).toHaveLength(1);
    expect(twoFour[0].payload.title).toBe(
      `CIS 2.4 recovered: security-tooling (${SECURITY}) — passing`,
    );

    // Read, then evaluated again without a change: nothing is sent (it stays read).
    const read = await request(server)
      .post('/api/notifications/notifications/update')
      .set('Authorization', mockCredentials.user.header(GUEST))
      .send({ ids: [id], read: true });
    expect(read.status).toBe(200);
    await evaluate(SECURITY, 'PASS');
    detection = await detectionOf();
    expect(detection).toHaveLength(1);
    expect(detection[0].read).toBeTruthy();

    // FAIL → PASS: the filter is back; the same notification says it is resolved, unread.
    sim.admin.putLogGroup(SECURITY, GROUP, original);
    await evaluate(SECURITY, 'PASS');
    detection = await detectionOf();
    expect(detection).toHaveLength(1);
    expect(detection[0].id).toBe(id);
    expect(detection[0].read).toBeFalsy();
    expect(detection[0].payload).toMatchObject({
      title: `Detection (CIS 3.x) recovered: security-tooling (${SECURITY}) — every required check alerts a confirmed subscriber`,
      severity: 'low',
      scope: DETECTION_SCOPE,
    });
    // Nobody else heard about it.
    expect(
      (await notificationsOf(PAT, TOPIC_DETECTION)).filter(
        n => n.payload.scope === DETECTION_SCOPE,
      ),
    ).toEqual([]);
  });
});
