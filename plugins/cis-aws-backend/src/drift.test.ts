/*
 * The drift check of the whole chain, end to end: a healthy account is broken link by link
 * through the simulator's HTTP admin API (as an operator's change in AWS would), evaluated each
 * time, and the history, the card's data and the evidence packet must each show the transition
 * with the right reason; then it is repaired and passes again. On every supported database.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AccountDetail,
  EvidencePacket,
  HistoryResponse,
} from '@cis-aws/plugin-cis-aws-common';
import { RunningSimulator } from '@internal/aws-simulator';
import request from 'supertest';
import { createTestDatabases } from './storage/__testUtils__/stores';
import {
  runAndWait,
  startCisAwsBackend,
  startDemoSimulator,
} from './__testUtils__/testBackend';

jest.setTimeout(120_000);

const GUEST = mockCredentials.user.header('user:default/guest');
const ACCOUNT = '403344556677'; // payments-prod: healthy in the demo world
const TRAIL = 'payments-prod-trail';
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${TRAIL}`;
const ROLE = 'CloudTrail_CloudWatchLogs_Role';
const POLICY = 'CloudTrailToCloudWatchLogs';
const LOG_GROUP = 'aws-cloudtrail-logs-payments-prod';

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'drift of the CloudTrail → CloudWatch Logs chain on %s',
  databaseId => {
    let sim: RunningSimulator;

    beforeEach(async () => {
      sim = await startDemoSimulator();
    });
    afterEach(async () => {
      await sim.close();
    });

    /** The simulator's admin API, over HTTP like any operator script. */
    async function admin(method: string, path: string, body?: unknown) {
      const res = await fetch(`${sim.url}/__admin${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) {
        throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      }
      return res.status === 204 ? undefined : res.json();
    }

    it('catches each break with its reason in history, card data and evidence, and sees the repair', async () => {
      const server = await startCisAwsBackend({
        sim,
        database: await databases.init(databaseId),
      });

      async function evaluate(): Promise<AccountDetail> {
        const res = await request(server)
          .post(`/api/cis-aws/v1/accounts/${ACCOUNT}/evaluate`)
          .set('Authorization', GUEST);
        expect(res.status).toBe(200);
        return res.body;
      }
      async function cardData() {
        const res = await request(server)
          .get(`/api/cis-aws/v1/entities/resource/default/aws-payments-prod`)
          .set('Authorization', GUEST);
        expect(res.status).toBe(200);
        return res.body.accounts[0];
      }
      async function history(): Promise<HistoryResponse> {
        const res = await request(server)
          .get(`/api/cis-aws/v1/accounts/${ACCOUNT}/history`)
          .set('Authorization', GUEST);
        expect(res.status).toBe(200);
        return res.body;
      }
      async function evidence(): Promise<EvidencePacket> {
        const res = await request(server)
          .get(`/api/cis-aws/v1/accounts/${ACCOUNT}/evidence?format=json`)
          .set('Authorization', GUEST);
        expect(res.status).toBe(200);
        return res.body;
      }
      async function markdown(): Promise<string> {
        const res = await request(server)
          .get(`/api/cis-aws/v1/accounts/${ACCOUNT}/evidence?format=md`)
          .set('Authorization', GUEST);
        expect(res.status).toBe(200);
        return res.text;
      }

      /** Evaluates, then checks every view of the account says the same thing. */
      async function expectState(verdict: string, trailReason?: string) {
        const detail = await evaluate();
        const trail = detail.evaluation.trails.find(
          t => t.trailArn === TRAIL_ARN,
        );
        expect({ verdict: detail.verdict, trail: trail?.reason }).toEqual({
          verdict,
          trail: trailReason,
        });

        const card = await cardData();
        expect(card.verdict).toBe(verdict);
        expect(card.verdictSince).toBe(
          verdict === detail.verdict ? detail.verdictSince : undefined,
        );
        expect(card.trailReasons ?? []).toEqual(
          trailReason ? [trailReason] : [],
        );

        const changes = (await history()).changes;
        const lastTrailChange = changes
          .filter(c => c.trailArn === TRAIL_ARN)
          .pop();
        expect(lastTrailChange).toMatchObject({
          to: verdict,
          ...(trailReason ? { reason: trailReason } : {}),
        });
        const lastAccountChange = changes.filter(c => !c.trailArn).pop();
        expect(lastAccountChange?.to).toBe(verdict);
        expect(lastAccountChange?.changedAt).toBe(detail.verdictSince);

        const packet = await evidence();
        expect(packet.result?.verdict).toBe(verdict);
        expect(packet.result?.evaluatedAt).toBe(detail.evaluatedAt);
        const evidenceTrail = packet.trails.find(t => t.arn === TRAIL_ARN);
        expect(evidenceTrail?.reason).toBe(trailReason);
        expect(packet.history.changes).toContainEqual(
          expect.objectContaining({
            trailArn: TRAIL_ARN,
            to: verdict,
            changedAt: lastTrailChange!.changedAt,
          }),
        );
        return { detail, packet };
      }

      // A first full run: the organization trail this account also sees takes its owner's verdict.
      const run = await runAndWait(server, GUEST);
      expect(run.accountsEvaluated).toBeGreaterThan(0);
      await expectState('PASS');

      // 1. The role loses its permission to write to the log group.
      const world = await admin('GET', `/accounts/${ACCOUNT}`);
      const policy = world.roles.find((r: { name: string }) => r.name === ROLE)
        .inlinePolicies[POLICY];
      expect(policy).toBeDefined();
      await admin(
        'DELETE',
        `/accounts/${ACCOUNT}/roles/${ROLE}/policies/${POLICY}`,
      );
      await expectState('FAIL', 'ROLE_CANNOT_WRITE');
      await admin(
        'PUT',
        `/accounts/${ACCOUNT}/roles/${ROLE}/policies/${POLICY}`,
        policy,
      );
      await expectState('PASS');

      // 2. The log group is deleted.
      await admin(
        'DELETE',
        `/accounts/${ACCOUNT}/log-groups/${LOG_GROUP}?region=us-east-1`,
      );
      await expectState('FAIL', 'LOG_GROUP_NOT_FOUND');
      await admin('PUT', `/accounts/${ACCOUNT}/log-groups/${LOG_GROUP}`, {
        region: 'us-east-1',
        retentionInDays: 365,
      });
      await expectState('PASS');

      // 3. Someone stops the trail.
      await admin('PATCH', `/accounts/${ACCOUNT}/trails/${TRAIL}`, {
        isLogging: false,
      });
      await expectState('FAIL', 'NOT_LOGGING');

      // 4. It logs again, but CloudWatch Logs delivery has gone stale.
      await admin('PATCH', `/accounts/${ACCOUNT}/trails/${TRAIL}`, {
        isLogging: true,
        status: { latestCloudWatchLogsDeliveryTime: '-3d' },
      });
      await expectState('FAIL', 'DELIVERY_STALE');

      // Repaired: delivery is fresh again.
      await admin('PATCH', `/accounts/${ACCOUNT}/trails/${TRAIL}`, {
        status: { latestCloudWatchLogsDeliveryTime: '-1m' },
      });
      const { packet } = await expectState('PASS');

      // The whole story, in order, in the history and in the evidence.
      const trailStory = (await history()).changes
        .filter(c => c.trailArn === TRAIL_ARN)
        .map(c => `${c.to}${c.reason ? `:${c.reason}` : ''}`);
      expect(trailStory).toEqual(
        [
          'PASS',
          'FAIL:ROLE_CANNOT_WRITE',
          'PASS',
          'FAIL:LOG_GROUP_NOT_FOUND',
          'PASS',
          'FAIL:NOT_LOGGING',
          'FAIL:DELIVERY_STALE',
          'PASS',
        ].filter((step, i, all) => i === 0 || step !== all[i - 1]),
      );
      expect(packet.history.verifications.at(-1)?.verdict).toBe('PASS');
      const md = await markdown();
      for (const reason of [
        'ROLE_CANNOT_WRITE',
        'LOG_GROUP_NOT_FOUND',
        'NOT_LOGGING',
      ]) {
        expect(md).toContain(reason);
      }
    });
  },
);
