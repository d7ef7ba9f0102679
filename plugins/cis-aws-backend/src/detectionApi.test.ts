/*
 * Detection content through the plugin's HTTP API, against the simulated demo world: a run, then
 * what a user reads (detection-content.md's demo states, visibility, filters, bad requests).
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AccountDetectionResult,
  AccountsListResponse,
  EntityResultResponse,
  EvidencePacket,
} from '@cis-aws/plugin-cis-aws-common';
import { RunningSimulator } from '@internal/aws-simulator';
import request from 'supertest';
import {
  runAndWait,
  startCisAwsBackend,
  startDemoSimulator,
} from './__testUtils__/testBackend';

// An integration test (a backend and the simulator over HTTP): a ceiling for loaded machines.
jest.setTimeout(90_000);

const GUEST = mockCredentials.user.header('user:default/guest');
const CHECKOUT_DEV = '407788990011';
const STOREFRONT_PROD = '405566778899';
const STOREFRONT_STAGING = '406677889900';
const ANALYTICS_DEV = '410011223344';
const PAYMENTS_PROD = '403344556677';

const detectionPath = (id: string) =>
  `/api/cis-aws/v1/accounts/${id}/controls/cis-3.x-detection`;

describe('detection content through the HTTP API (demo world)', () => {
  let sim: RunningSimulator;

  beforeEach(async () => {
    sim = await startDemoSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('serves each account’s detection result, its summary in lists, and the detection filter', async () => {
    const server = await startCisAwsBackend({
      sim,
      hiddenFrom: {
        'user:default/outsider': ['resource:default/aws-payments-prod'],
      },
    });

    // Before any run: 404 with a message, not an empty result.
    const before = await request(server)
      .get(detectionPath(CHECKOUT_DEV))
      .set('Authorization', GUEST);
    expect(before.status).toBe(404);
    expect(before.body.error.message).toMatch(CHECKOUT_DEV);

    await runAndWait(server, GUEST);

    const checkout = await request(server)
      .get(detectionPath(CHECKOUT_DEV))
      .set('Authorization', GUEST);
    expect(checkout.status).toBe(200);
    const result: AccountDetectionResult = checkout.body;
    expect(result).toMatchObject({
      accountId: CHECKOUT_DEV,
      controlId: 'cis-3.x-detection',
      verdict: 'FAIL',
      reason: 'ALARM_ACTIONS_DISABLED',
      failingChecks: ['3.3', '3.4', '3.5'],
      failingSince: result.evaluatedAt,
      runId: expect.any(String),
    });
    expect(result.checks.map(c => [c.checkId, c.verdict, c.reason])).toEqual([
      ['3.3', 'FAIL', 'ALARM_ACTIONS_DISABLED'],
      ['3.4', 'FAIL', 'NO_ALARM_TOPIC'],
      ['3.5', 'FAIL', 'FILTER_MISSES_EVENTS'],
    ]);

    const passing = await request(server)
      .get(detectionPath(STOREFRONT_PROD))
      .set('Authorization', GUEST);
    expect(passing.body).toMatchObject({ verdict: 'PASS', failingChecks: [] });
    expect(passing.body.reason).toBeUndefined();

    const pending = await request(server)
      .get(detectionPath(STOREFRONT_STAGING))
      .set('Authorization', GUEST);
    expect(pending.body).toMatchObject({
      verdict: 'FAIL',
      reason: 'NO_CONFIRMED_SUBSCRIBER',
    });

    const inherited = await request(server)
      .get(detectionPath(ANALYTICS_DEV))
      .set('Authorization', GUEST);
    expect(inherited.body).toMatchObject({
      verdict: 'FAIL',
      reason: 'NO_FILTER',
      inheritedFrom: '401122334455',
    });

    // Every account of the list carries its summary; the filter keeps the failing ones.
    const all: AccountsListResponse = (
      await request(server)
        .get('/api/cis-aws/v1/accounts?limit=100')
        .set('Authorization', GUEST)
    ).body;
    expect(all.items.every(a => a.detection !== undefined)).toBe(true);
    expect(
      all.items.find(a => a.accountId === CHECKOUT_DEV)?.detection,
    ).toEqual({
      verdict: 'FAIL',
      reason: 'ALARM_ACTIONS_DISABLED',
      failingChecks: ['3.3', '3.4', '3.5'],
      failingSince: result.evaluatedAt,
      evaluatedAt: result.evaluatedAt,
    });
    const passingOnly: AccountsListResponse = (
      await request(server)
        .get('/api/cis-aws/v1/accounts?detection=PASS')
        .set('Authorization', GUEST)
    ).body;
    expect(passingOnly.items.map(a => a.accountId).sort()).toEqual([
      '402233445566',
      STOREFRONT_PROD,
    ]);
    expect(passingOnly.totalCount).toBe(2);

    // The entity route serves the same summaries.
    const system: EntityResultResponse = (
      await request(server)
        .get('/api/cis-aws/v1/entities/system/default/storefront')
        .set('Authorization', GUEST)
    ).body;
    expect(
      system.accounts.find(a => a.accountId === CHECKOUT_DEV)?.detection
        ?.verdict,
    ).toBe('FAIL');

    // The evidence packet has a detection section, sealed with the rest of the packet.
    const packet: EvidencePacket = (
      await request(server)
        .get(`/api/cis-aws/v1/accounts/${CHECKOUT_DEV}/evidence?format=json`)
        .set('Authorization', GUEST)
    ).body;
    expect(packet.detection?.result).toMatchObject({
      verdict: 'FAIL',
      reason: 'ALARM_ACTIONS_DISABLED',
    });
    expect(packet.detection?.changes).toEqual([
      expect.objectContaining({ to: 'FAIL', reason: 'ALARM_ACTIONS_DISABLED' }),
    ]);
    expect(packet.detection?.episodes).toEqual([
      { startedAt: result.evaluatedAt, reason: 'ALARM_ACTIONS_DISABLED' },
    ]);
    const verified = await request(server)
      .post('/api/cis-aws/v1/evidence/verify')
      .set('Authorization', GUEST)
      .send({ packet });
    expect(verified.body.ok).toBe(true);
    const tampered = await request(server)
      .post('/api/cis-aws/v1/evidence/verify')
      .set('Authorization', GUEST)
      .send({
        packet: {
          ...packet,
          detection: {
            ...packet.detection,
            result: { ...packet.detection!.result, verdict: 'PASS' },
          },
        },
      });
    expect(tampered.body.ok).toBe(false);
    const markdown = await request(server)
      .get(`/api/cis-aws/v1/accounts/${CHECKOUT_DEV}/evidence?format=md`)
      .set('Authorization', GUEST);
    const md = String(markdown.text ?? markdown.body);
    expect(md).toContain('## Detection content (CIS 3.x, beside 2.4)');
    expect(md).toMatch(/3\.5 \|[^\n]*FILTER_MISSES_EVENTS/);

    // Bad input, anonymous callers, accounts the caller may not read.
    const bad = await request(server)
      .get('/api/cis-aws/v1/accounts?detection=BROKEN')
      .set('Authorization', GUEST);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/detection/);
    const badId = await request(server)
      .get('/api/cis-aws/v1/accounts/123/controls/cis-3.x-detection')
      .set('Authorization', GUEST);
    expect(badId.status).toBe(400);
    const anonymous = await request(server).get(detectionPath(CHECKOUT_DEV));
    expect(anonymous.status).toBe(401);
    const outsider = mockCredentials.user.header('user:default/outsider');
    const hidden = await request(server)
      .get(detectionPath(PAYMENTS_PROD))
      .set('Authorization', outsider);
    expect(hidden.status).toBe(404);
    const hiddenInList = await request(server)
      .get('/api/cis-aws/v1/accounts?detection=FAIL&limit=100')
      .set('Authorization', outsider);
    expect(
      hiddenInList.body.items.map((a: { accountId: string }) => a.accountId),
    ).not.toContain(PAYMENTS_PROD);
  });

  it('serves no detection when it is turned off', async () => {
    const server = await startCisAwsBackend({
      sim,
      cisAws: { detection: { enabled: false } },
    });
    await runAndWait(server, GUEST);
    const res = await request(server)
      .get(detectionPath(CHECKOUT_DEV))
      .set('Authorization', GUEST);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/cisAws\.detection\.enabled/);
    const list = await request(server)
      .get('/api/cis-aws/v1/accounts?limit=100')
      .set('Authorization', GUEST);
    expect(list.body.items.some((a: object) => 'detection' in a)).toBe(false);
    const filtered = await request(server)
      .get('/api/cis-aws/v1/accounts?detection=FAIL')
      .set('Authorization', GUEST);
    expect(filtered.status).toBe(400);
    expect(sim.admin.calls().byOperation['logs:DescribeMetricFilters']).toBe(
      undefined,
    );
  });
});
