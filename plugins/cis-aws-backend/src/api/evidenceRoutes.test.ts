import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EvidencePacket } from '@cis-aws/plugin-cis-aws-common';
import request from 'supertest';
import { readCisAwsOptions } from '../config';
import { DatabaseEvaluationStore } from '../storage/DatabaseEvaluationStore';
import {
  aMapping,
  accountId,
  anEvaluation,
  at,
} from '../storage/__fixtures__/evaluations';
import { createTestDatabases } from '../storage/__testUtils__/stores';
import { CatalogAccess } from '../services/CatalogAccess';
import { DefaultEvidenceService } from '../services/EvidenceService';
import { createEvidenceRoutes } from './evidenceRoutes';
import { anApprovedException } from '../storage/__testUtils__/exceptions';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const DAY = 24 * 60;
const ACCOUNT = accountId(1);
const HIDDEN_ACCOUNT = accountId(2);
/** The router's clock: day 5 of the fixtures' January 2026. */
const NOW = new Date(at(4 * DAY));
const AUDITOR = mockCredentials.user.header('user:default/auditor');
const OUTSIDER = 'user:default/outsider';

function accountEntity(id: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: `aws-${id}`,
      namespace: 'default',
      annotations: { 'amazonaws.com/account-id': id },
    },
    spec: { type: 'cloud-account', owner: 'group:default/platform' },
  };
}

/** The catalog, except that OUTSIDER may not read HIDDEN_ACCOUNT's entity. */
function catalog(): CatalogService {
  const base = catalogServiceMock({
    entities: [accountEntity(ACCOUNT), accountEntity(HIDDEN_ACCOUNT)],
  });
  return new Proxy(base, {
    get(target, property, receiver) {
      if (property === 'getEntityByRef') {
        return async (
          ref: string,
          options: { credentials: { principal: unknown } },
        ) => {
          const principal = options.credentials.principal as {
            userEntityRef?: string;
          };
          if (
            principal.userEntityRef === OUTSIDER &&
            ref === `resource:default/aws-${HIDDEN_ACCOUNT}`
          ) {
            return undefined;
          }
          return target.getEntityByRef(ref, options as never);
        };
      }
      // The mock keeps its entities in a #private field: call it on itself, not on the proxy.
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Only the evidence router, on the plugin's id, with the real store on the test database. */
const evidenceTestPlugin = createBackendPlugin({
  pluginId: 'cis-aws',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        logger: coreServices.logger,
        database: coreServices.database,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const store = await DatabaseEvaluationStore.create({
          database: deps.database,
        });
        const evidence = DefaultEvidenceService.create({
          access: CatalogAccess.create({ catalog: deps.catalog }),
          store,
          exceptions: store,
          options: readCisAwsOptions(
            new ConfigReader({
              cisAws: {
                evidence: {
                  controlStatement: 'Statement for the route test.',
                  historyPeriod: { days: 30 },
                },
              },
            }),
          ),
          logger: deps.logger,
          knownSecrets: ['configured-static-token-1'],
          now: () => NOW,
        });
        deps.httpRouter.use(
          createEvidenceRoutes({
            credentialsOf: async req => ({
              credentials: await deps.httpAuth.credentials(req, {
                allow: ['user', 'service'],
              }),
            }),
            evidence,
          }),
        );
      },
    });
  },
});

describe.each(databases.eachSupportedId())(
  'GET /v1/accounts/:accountId/evidence on %s',
  databaseId => {
    let server: Parameters<typeof request>[0];

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseEvaluationStore.create({
        database: mockServices.database({ knex }),
      });
      // day 1: PASS; day 2: FAIL (the current result). HIDDEN_ACCOUNT: PASS on day 1.
      for (const [id, verdict, minute] of [
        [ACCOUNT, 'PASS', 60],
        [ACCOUNT, 'FAIL', DAY + 60],
        [HIDDEN_ACCOUNT, 'PASS', 60],
      ] as const) {
        await store.saveResult({
          mapping: aMapping(id, { title: `payments-${id}` }),
          evaluation: anEvaluation(id, verdict, { minute }),
        });
      }
      await anApprovedException(store, {
        accountId: ACCOUNT,
        reason: 'Migration; token configured-static-token-1 leaked here',
        approvedBy: 'user:default/ciso',
        expiresAt: at(10 * DAY),
        createdBy: 'user:default/alice',
        createdAt: at(DAY + 120),
      });

      ({ server } = await startTestBackend({
        features: [
          evidenceTestPlugin,
          mockServices.database.factory({ knex }),
          createServiceFactory({
            service: catalogServiceRef,
            deps: {},
            factory: () => catalog(),
          }),
          mockServices.httpAuth.factory({
            defaultCredentials: mockCredentials.none(),
          }),
        ],
      }));
    });

    const get = (path: string, auth: string | undefined = AUDITOR) => {
      const req = request(server).get(`/api/cis-aws${path}`);
      return auth ? req.set('Authorization', auth) : req;
    };

    it('serves the JSON packet of now, as a download, for the caller', async () => {
      const res = await get(`/v1/accounts/${ACCOUNT}/evidence`);

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(
        'application/json; charset=utf-8',
      );
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="cis-2.4-evidence-${ACCOUNT}-2026-01-05.json"`,
      );
      const packet: EvidencePacket = res.body;
      expect(packet.schema).toBe('cis-aws-evidence/v1');
      expect(packet.asOf).toBe(NOW.toISOString());
      expect(packet.control.statement).toBe('Statement for the route test.');
      expect(packet.account).toEqual({
        accountId: ACCOUNT,
        entityRef: `resource:default/aws-${ACCOUNT}`,
        title: `payments-${ACCOUNT}`,
        ownerRef: 'group:default/platform',
        systemRef: 'system:default/payments',
      });
      expect(packet.result).toMatchObject({
        verdict: 'FAIL',
        reason: 'TRAIL_FAILED',
        evaluatedAt: at(DAY + 60),
      });
      expect(packet.verdictSince).toBe(at(DAY + 60));
      expect(packet.trails.map(trail => trail.logGroup)).toEqual([
        expect.objectContaining({
          name: 'CloudTrail/Default',
          retentionInDays: 365,
        }),
      ]);
      expect(
        packet.history.verifications.map(v => [v.date, v.verdict]),
      ).toEqual([
        ['2026-01-01', 'PASS'],
        ['2026-01-02', 'FAIL'],
      ]);
      expect(
        packet.history.changes
          .filter(change => !change.trailArn)
          .map(change => change.to),
      ).toEqual(['PASS', 'FAIL']);
      expect(packet.activeExceptions).toHaveLength(1);
      expect(packet.exceptionEvents).toEqual([
        expect.objectContaining({
          action: 'REQUESTED',
          actor: 'user:default/alice',
        }),
        expect.objectContaining({
          action: 'APPROVED',
          actor: 'user:default/ciso',
        }),
      ]);
      expect(packet.produced).toMatchObject({
        at: NOW.toISOString(),
        by: 'user:default/auditor',
        generator: expect.stringMatching(
          /^@cis-aws\/plugin-cis-aws-backend@\d+\.\d+\.\d+/,
        ),
      });
    });

    it('never serves a configured secret', async () => {
      const res = await get(`/v1/accounts/${ACCOUNT}/evidence`);
      expect(res.text).not.toContain('configured-static-token-1');
      expect(res.body.activeExceptions[0].reason).toBe(
        'Migration; token [redacted] leaked here',
      );
      expect(res.body.produced.redactions).toBeGreaterThan(0);
    });

    it('serves the Markdown packet', async () => {
      const res = await get(`/v1/accounts/${ACCOUNT}/evidence?format=md`);

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="cis-2.4-evidence-${ACCOUNT}-2026-01-05.md"`,
      );
      expect(res.text).toContain(`# CIS AWS 2.4 evidence: payments-${ACCOUNT}`);
      expect(res.text).toContain(
        '**Control statement.** Statement for the route test.',
      );
      expect(res.text).toContain('Verdict: **FAIL** (failing).');
      expect(res.text).toContain('| Retention | 365 days |');
      expect(res.text).toContain(
        '| 2026-01-02 | 2026-01-02 01:00:00 UTC | FAIL | `TRAIL_FAILED` |',
      );
      expect(res.text).toContain('for `user:default/auditor`');
      expect(res.text).toContain('no AWS call was made');
    });

    it('describes an earlier time with the evaluation in force then', async () => {
      const res = await get(
        `/v1/accounts/${ACCOUNT}/evidence?at=${encodeURIComponent(
          at(DAY - 1),
        )}`,
      );

      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toContain(
        `cis-2.4-evidence-${ACCOUNT}-2026-01-01.json`,
      );
      expect(res.body.asOf).toBe(at(DAY - 1));
      expect(res.body.result).toMatchObject({
        verdict: 'PASS',
        evaluatedAt: at(60),
      });
      expect(res.body.verdictSince).toBe(at(60));
      expect(res.body.history.verifications).toHaveLength(1);
      // the exception was created on day 2: not yet part of the evidence of day 1
      expect(res.body.exceptions).toEqual([]);
      expect(res.body.exceptionEvents).toEqual([]);
    });

    it('says there was no result before the first evaluation', async () => {
      const res = await get(
        `/v1/accounts/${ACCOUNT}/evidence?at=2025-12-31T00:00:00Z`,
      );
      expect(res.status).toBe(200);
      expect(res.body.result).toBeUndefined();
      expect(res.body.trails).toEqual([]);
    });

    it('names the calling service as the producer', async () => {
      const res = await get(
        `/v1/accounts/${ACCOUNT}/evidence`,
        mockCredentials.service.header(),
      );
      expect(res.status).toBe(200);
      // the mock service token's subject
      expect(res.body.produced.by).toBe('external:test-service');
    });

    it.each([
      [
        'a time in the future',
        `at=${encodeURIComponent(at(5 * DAY))}`,
        /in the future/,
      ],
      [
        'a time that is not ISO 8601',
        'at=yesterday',
        /at: expected an ISO 8601 date-time/,
      ],
      ['an unknown format', 'format=pdf', /format: Invalid enum value/],
      [
        'an unknown parameter',
        'from=2026-01-01',
        /Unrecognized key\(s\) in object: 'from'/,
      ],
    ])('answers 400 for %s', async (_, query, message) => {
      const res = await get(`/v1/accounts/${ACCOUNT}/evidence?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(message);
    });

    it('answers 400 for an account id that is not 12 digits', async () => {
      const res = await get('/v1/accounts/12345/evidence');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/expected 12 digits/);
    });

    it('answers 404 for an unknown account', async () => {
      const res = await get(`/v1/accounts/${accountId(9)}/evidence`);
      expect(res.status).toBe(404);
    });

    it("answers 404, as for an unknown account, when the caller may not read the account's entity", async () => {
      const hidden = await get(
        `/v1/accounts/${HIDDEN_ACCOUNT}/evidence`,
        mockCredentials.user.header(OUTSIDER),
      );
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.message).toBe(
        `No CIS 2.4 result for AWS account ${HIDDEN_ACCOUNT}`,
      );
      const readable = await get(
        `/v1/accounts/${ACCOUNT}/evidence`,
        mockCredentials.user.header(OUTSIDER),
      );
      expect(readable.status).toBe(200);
    });

    it('answers 401 without credentials', async () => {
      const res = await get(`/v1/accounts/${ACCOUNT}/evidence`, '');
      expect(res.status).toBe(401);
    });

    const verify = (body?: object, auth: string | undefined = AUDITOR) => {
      const req = request(server).post('/api/cis-aws/v1/evidence/verify');
      if (auth) req.set('Authorization', auth);
      return body ? req.send(body) : req;
    };

    it('POST /v1/evidence/verify re-checks a packet it served, and finds an edited one', async () => {
      expect((await verify({}, '')).status).toBe(401);
      const packet: EvidencePacket = (
        await get(`/v1/accounts/${ACCOUNT}/evidence?at=${at(DAY + 90)}`)
      ).body;
      expect(packet.integrity).toMatchObject({
        chain: 'cis-aws-evidence-chain/v1',
        packetDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
        evaluationRecord: { seq: expect.any(Number) },
        chainHead: { at: expect.any(String) },
      });
      expect(packet.integrity).not.toHaveProperty('signature');

      const intact = await verify({ packet });
      expect(intact.status).toBe(200);
      expect(intact.body).toMatchObject({
        scope: 'packet',
        ok: true,
        accountId: ACCOUNT,
      });
      expect(intact.body.checks.map((c: { check: string }) => c.check)).toEqual(
        [
          'packet digest',
          `chain of ${ACCOUNT}`,
          'chain head',
          'evaluation record',
        ],
      );

      const edited = await verify({
        packet: { ...packet, result: { ...packet.result, verdict: 'PASS' } },
      });
      expect(edited.status).toBe(200);
      expect(edited.body.ok).toBe(false);
      expect(edited.body.checks[0]).toMatchObject({
        check: 'packet digest',
        status: 'failed',
      });
    });

    it('POST /v1/evidence/verify without a packet re-checks every readable chain', async () => {
      const res = await verify();
      expect(res.body).toMatchObject({
        scope: 'store',
        ok: true,
        accounts: 2,
        broken: [],
      });
      expect(res.status).toBe(200);
      expect(res.body.links).toBeGreaterThan(4);
    });

    it('POST /v1/evidence/verify answers 404 for a packet of an account the caller may not read, 400 for what is not a packet', async () => {
      const packet: EvidencePacket = (
        await get(`/v1/accounts/${HIDDEN_ACCOUNT}/evidence`)
      ).body;
      const hidden = await verify(
        { packet },
        mockCredentials.user.header(OUTSIDER),
      );
      expect(hidden.status).toBe(404);
      const bad = await verify({ packet: { account: 'nope' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('not an evidence packet');
      const unknownKey = await verify({ packets: [] });
      expect(unknownKey.status).toBe(400);
    });
  },
);
