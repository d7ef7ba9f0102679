/*
 * Issue #15's acceptance, against the simulator: a trail changed three times in one day, the
 * account evaluated after each change, and a packet fetched for an instant between the changes
 * shows the evaluation of its moment; a member's packet carries the organization trail as its
 * owner evaluated it; editing one stored row by hand makes verification fail and name that row.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { EvidencePacket } from '@cis-aws/plugin-cis-aws-common';
import { RunningSimulator } from '@internal/aws-simulator';
import { Knex } from 'knex';
import { readCisAwsOptions } from '../config';
import { demoEngine } from '../engine/__testUtils__/demoEngine';
import { DatabaseEvaluationStore } from '../storage/DatabaseEvaluationStore';
import {
  createStore,
  createTestDatabases,
} from '../storage/__testUtils__/stores';
import { demoEntities } from '../__testUtils__/demoCatalog';
import { startDemoSimulator } from '../__testUtils__/testBackend';
import { DefaultEvidenceService } from './EvidenceService';
import { CALLER, accessTo } from './__testUtils__/fixtures';

jest.setTimeout(120_000);

const PAYMENTS_PROD = '403344556677';
const ANALYTICS_DEV = '410011223344';
const MANAGEMENT = '401122334455';
const TRAIL = 'payments-prod-trail';

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'evidence at instants between changes on %s',
  databaseId => {
    let sim: RunningSimulator;
    let store: DatabaseEvaluationStore;
    let knex: Knex;

    beforeEach(async () => {
      sim = await startDemoSimulator();
      ({ store, knex } = await createStore(databases, databaseId));
    });
    afterEach(async () => {
      await sim.close();
    });

    function evidenceService(entities = demoEntities()) {
      return DefaultEvidenceService.create({
        store,
        exceptions: store,
        access: accessTo(entities),
        options: readCisAwsOptions(new ConfigReader({})),
        logger: mockServices.logger.mock(),
      });
    }

    async function packetAt(
      accountId: string,
      at?: string,
      entities = demoEntities(),
    ): Promise<EvidencePacket> {
      const download = await evidenceService(entities).producePacket(
        accountId,
        { format: 'json', ...(at ? { at: new Date(at) } : {}) },
        CALLER,
      );
      return JSON.parse(download.body);
    }

    async function patchTrail(body: object) {
      const response = await fetch(
        `${sim.url}/__admin/accounts/${PAYMENTS_PROD}/trails/${TRAIL}`,
        {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
      );
      expect(response.status).toBe(200);
    }

    it('a packet for an instant between three changes shows the evaluation of that instant', async () => {
      const engine = demoEngine({ simulatorUrl: sim.url, store });
      await engine.runAll({ trigger: 'schedule' });
      const before = (await store.getAccount(PAYMENTS_PROD))!;
      expect(before.verdict).toBe('PASS');

      const moments: {
        evaluatedAt: string;
        verdict: string;
        reason?: string;
      }[] = [
        {
          evaluatedAt: before.evaluatedAt,
          verdict: before.verdict,
          reason: before.reason,
        },
      ];
      for (const change of [
        { status: { isLogging: false } },
        { status: { isLogging: true } },
        { role: 'CloudTrail_Role_That_Was_Deleted' },
      ]) {
        await patchTrail(change);
        const { outcome } = await engine.evaluateOne(PAYMENTS_PROD);
        moments.push({
          evaluatedAt: outcome.summary.evaluatedAt,
          verdict: outcome.summary.verdict,
          reason: outcome.summary.reason,
        });
      }
      // Each change is a different state: the evaluations really differ.
      expect(moments[1].verdict).toBe('FAIL');
      for (let i = 1; i < moments.length; i += 1) {
        expect([moments[i].verdict, moments[i].reason]).not.toEqual([
          moments[i - 1].verdict,
          moments[i - 1].reason,
        ]);
      }

      for (const [i, moment] of moments.entries()) {
        const next = moments[i + 1];
        // Halfway to the next evaluation (or the moment itself, for the last).
        const between = next
          ? new Date(
              (Date.parse(moment.evaluatedAt) + Date.parse(next.evaluatedAt)) /
                2,
            ).toISOString()
          : moment.evaluatedAt;
        const packet = await packetAt(PAYMENTS_PROD, between);
        expect(packet.result).toMatchObject({
          evaluatedAt: moment.evaluatedAt,
          verdict: moment.verdict,
        });
        expect(packet.result?.reason).toBe(moment.reason);
        // No contradiction: its own history ends with the verdict it shows.
        const accountChanges = packet.history.changes.filter(
          change => change.trailArn === undefined,
        );
        expect(accountChanges.at(-1)?.to).toBe(moment.verdict);
        expect(
          packet.history.changes.every(
            change => Date.parse(change.changedAt) <= Date.parse(between),
          ),
        ).toBe(true);
        expect(packet.integrity?.evaluationRecord?.seq).toBeGreaterThan(0);
        const verified = await evidenceService().verify({ packet }, CALLER);
        expect(verified).toMatchObject({ scope: 'packet', ok: true });
      }

      // Someone "fixes" the FAIL in the database by hand: verification names the row.
      const failRow = await knex('cis_aws_evaluation_history')
        .where({ account_id: PAYMENTS_PROD, verdict: 'FAIL' })
        .orderBy('seq')
        .first();
      await knex('cis_aws_evaluation_history')
        .where({ id: failRow.id })
        .update({ verdict: 'PASS' });
      // So does an exception event's: an approval "given" by someone else afterwards.
      const requested = await store.requestException({
        accountId: MANAGEMENT,
        reason: 'e2e',
        requestedBy: 'user:default/alice',
        requestedAt: new Date().toISOString(),
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
      const event = await knex('cis_aws_exception_events')
        .where({ exception_id: requested.id })
        .first();
      await knex('cis_aws_exception_events')
        .where({ id: event.id })
        .update({ actor: 'user:default/ciso' });
      const report = await evidenceService().verify({}, CALLER);
      // One broken link per account, by account id.
      expect(report).toMatchObject({
        scope: 'store',
        ok: false,
        broken: [
          {
            accountId: MANAGEMENT,
            table: 'cis_aws_exception_events',
            rowId: event.id,
            seq: event.seq,
            problem: expect.stringContaining('does not match its hash'),
          },
          {
            accountId: PAYMENTS_PROD,
            table: 'cis_aws_evaluation_history',
            rowId: failRow.id,
            seq: failRow.seq,
            at: moments[1].evaluatedAt,
          },
        ],
      });
    });

    it("a member's packet embeds the organization trail as its owner evaluated it at that time", async () => {
      const engine = demoEngine({ simulatorUrl: sim.url, store });
      await engine.runAll({ trigger: 'schedule' });

      const packet = await packetAt(ANALYTICS_DEV);
      const orgTrail = packet.trails.find(trail => trail.inheritedFrom);
      expect(orgTrail?.inheritedFrom).toEqual({ accountId: MANAGEMENT });
      const embedded = orgTrail!.organizationTrail!;
      const owners = await store.getEvaluationRecordAt(
        MANAGEMENT,
        new Date(packet.asOf),
      );
      expect(embedded).toMatchObject({
        ownerAccountId: MANAGEMENT,
        evaluation: {
          evaluatedAt: owners!.evaluation.evaluatedAt,
          seq: owners!.seq,
          hash: owners!.hash,
        },
        trail: {
          arn: orgTrail!.arn,
          verdict: 'PASS',
          role: { state: 'FOUND' },
          logGroup: { state: 'FOUND' },
        },
      });
      expect(embedded.trail?.role).toHaveProperty('trustPolicy');
      const verified = await evidenceService().verify({ packet }, CALLER);
      expect(verified).toMatchObject({
        scope: 'packet',
        ok: true,
        checks: expect.arrayContaining([
          expect.objectContaining({
            check: `chain of ${MANAGEMENT}`,
            status: 'ok',
          }),
        ]),
      });
    });

    it("embeds the owner's trail chain for a reader who may not read the owner, and nothing more of the owner", async () => {
      const engine = demoEngine({ simulatorUrl: sim.url, store });
      await engine.runAll({ trigger: 'schedule' });
      // An approved exception for the organization trail in the owner account: the owner's.
      const requested = await store.requestException({
        accountId: MANAGEMENT,
        trailArn: `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/acme-org-trail`,
        reason: 'Owner-only reason: being rebuilt (SEC-991)',
        ticketUrl: 'https://jira.acme.example/browse/SEC-991',
        requestedBy: 'user:default/alice',
        requestedAt: new Date(Date.now() - 60_000).toISOString(),
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
      await store.decideException(requested.id, {
        decision: 'APPROVED',
        actor: 'user:default/ciso',
        at: new Date(Date.now() - 30_000).toISOString(),
      });
      await engine.evaluateOne(MANAGEMENT);

      // The reader sees the member's entity, not the management account's.
      const memberOnly = demoEntities().filter(
        entity =>
          entity.kind !== 'Resource' ||
          JSON.stringify(entity.metadata).includes(ANALYTICS_DEV),
      );
      expect(memberOnly.length).toBeLessThan(demoEntities().length);
      await expect(
        evidenceService(memberOnly).producePacket(
          MANAGEMENT,
          { format: 'json' },
          CALLER,
        ),
      ).rejects.toMatchObject({ name: 'NotFoundError' });

      const packet = await packetAt(ANALYTICS_DEV, undefined, memberOnly);
      const embedded = packet.trails.find(trail => trail.inheritedFrom)!
        .organizationTrail!;
      expect(Object.keys(embedded).sort()).toEqual([
        'evaluation',
        'ownerAccountId',
        'trail',
      ]);
      // The chain: trail, delivery, log group, role with its documents, the owner's verdict.
      expect(Object.keys(embedded.trail!).sort()).toEqual(
        [
          'arn',
          'cloudWatchLogsLogGroupArn',
          'cloudWatchLogsRoleArn',
          'consoleLinks',
          'deliveryStatus',
          'homeRegion',
          'isMultiRegion',
          'isOrganizationTrail',
          'logGroup',
          'name',
          'ownerAccountId',
          'reason',
          'role',
          'underlyingVerdict',
          'verdict',
        ].filter(key => key !== 'reason' || 'reason' in embedded.trail!),
      );
      expect(embedded.trail).toMatchObject({
        verdict: 'EXEMPT',
        role: { state: 'FOUND', trustPolicy: expect.any(String) },
      });
      const embeddedText = JSON.stringify(embedded);
      expect(embeddedText).not.toContain('Owner-only reason');
      expect(embeddedText).not.toContain('SEC-991');
      expect(embeddedText).not.toContain(requested.id);
      // No secret: not the backend's credentials, nothing credential-like left to redact.
      const packetText = JSON.stringify(packet);
      expect(packetText).not.toContain('AKIATESTMAINACCOUNT1');
      expect(packetText).not.toContain('test-only');
      expect(packet.produced.redactions).toBe(0);
    });
  },
);
