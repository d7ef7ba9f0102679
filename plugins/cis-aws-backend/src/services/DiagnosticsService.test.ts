/*
 * The diagnosis against the simulated demo organization: live probes through the real SDK, the
 * recorded results from a stub store.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import {
  AccountMapping,
  AccountSummary,
  EvaluationRun,
} from '@cis-aws/plugin-cis-aws-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { RunningSimulator } from '@internal/aws-simulator';
import { startDemoSimulator } from '../__testUtils__/testBackend';
import { AwsClientFactory } from '../aws/clients';
import { simulatedAwsClients } from '../aws/__testUtils__/simulatedAws';
import { StoredAccountDetail } from '../storage/EvaluationStore';
import {
  DefaultDiagnosticsService,
  DiagnosticsOptions,
  DIAGNOSTICS_LIMITS,
} from './DiagnosticsService';

/** The demo world's Security Hub administrator, and an account that sees no finding. */
const ADMINISTRATOR = '402233445566';
const NO_FINDINGS = '410011223344';
const HEALTHY = '403344556677';
/** legacy-billing: its reader role cannot be assumed. */
const NOT_ASSUMABLE = '411122334455';
const NOW = new Date('2026-12-06T10:00:00Z');

const mapping = (accountId: string): AccountMapping => ({
  accountId,
  entityRef: `resource:default/aws-${accountId}`,
  title: `account ${accountId}`,
});

const summary = (
  accountId: string,
  overrides: Partial<AccountSummary> = {},
): AccountSummary => ({
  ...mapping(accountId),
  verdict: 'PASS',
  evaluatedAt: '2026-12-06T09:00:00.000Z',
  verdictSince: '2026-12-01T09:00:00.000Z',
  stale: false,
  ...overrides,
});

const RUN: EvaluationRun = {
  id: 'run-1',
  trigger: 'schedule',
  startedAt: '2026-12-06T09:00:00.000Z',
  finishedAt: '2026-12-06T09:01:00.000Z',
  status: 'succeeded',
  accountsTotal: 2,
  accountsEvaluated: 2,
  accountsErrored: 0,
  accountsSkipped: 0,
  verdicts: {},
  calls: {},
  apiErrors: {},
  errors: [],
};

// Integration test (a server over HTTP): a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers and conditions, never on clocks.
jest.setTimeout(60_000);

describe('DefaultDiagnosticsService', () => {
  let sim: RunningSimulator;
  let aws: AwsClientFactory;

  beforeAll(async () => {
    sim = await startDemoSimulator();
    aws = simulatedAwsClients(sim.url);
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(() => sim.admin.clearFaults());

  function service(
    input: {
      securityHub?: Partial<DiagnosticsOptions['securityHub']>;
      stored?: AccountSummary[];
      details?: Record<string, StoredAccountDetail>;
      catalog?: string[];
      allow?: boolean;
      detection?: Partial<DiagnosticsOptions['detection']>;
    } = {},
  ) {
    const stored = input.stored ?? [summary(HEALTHY)];
    return DefaultDiagnosticsService.create({
      aws,
      store: {
        listAccounts: async () => ({
          items: stored,
          totalCount: stored.length,
          totals: { PASS: 0, FAIL: 0, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
        }),
        getAccount: async id => input.details?.[id],
        listRuns: async () => [RUN],
      },
      catalog: {
        readCatalog: async () => ({
          mappings: (input.catalog ?? stored.map(s => s.accountId)).map(
            mapping,
          ),
        }),
      },
      permissions: mockServices.permissions.mock({
        authorize: async () => [
          {
            result:
              input.allow === false
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          },
        ],
      }),
      options: {
        partition: 'aws',
        securityHub: {
          enabled: true,
          administratorAccountId: ADMINISTRATOR,
          region: 'us-east-1',
          ...input.securityHub,
        },
        detection: {
          enabled: true,
          testMetricFilter: true,
          ...input.detection,
        },
      },
      now: () => NOW,
    });
  }

  const diagnose = (s: ReturnType<typeof service>) =>
    s.getDiagnostics({ credentials: mockCredentials.user() });

  it('says Security Hub, Organizations and the reader roles are reachable in the healthy demo', async () => {
    const report = await diagnose(service());
    expect(report.securityHub).toMatchObject({
      status: 'OK',
      source: 'LIVE',
      administratorAccountId: ADMINISTRATOR,
      findingsCapped: false,
    });
    expect(report.securityHub.findings).toBeGreaterThan(0);
    expect(report.organizations).toMatchObject({
      status: 'OK',
      organizationId: 'o-acme12345',
      askedFromAccountId: ADMINISTRATOR,
    });
    expect(report.readerRoles).toEqual([
      expect.objectContaining({
        accountId: HEALTHY,
        status: 'OK',
        source: 'LAST_RUN',
      }),
    ]);
    expect(report.lastRun).toMatchObject({ id: 'run-1', status: 'succeeded' });
    expect(report.generatedAt).toBe(NOW.toISOString());
  });

  it('reports an administrator that sees no finding while accounts exist as a problem, in plain words', async () => {
    const report = await diagnose(
      service({ securityHub: { administratorAccountId: NO_FINDINGS } }),
    );
    expect(report.securityHub).toMatchObject({
      status: 'PROBLEM',
      findings: 0,
      administratorAccountId: NO_FINDINGS,
    });
    expect(report.securityHub.hint).toMatch(
      /wrong account.*not invited.*not aggregated/s,
    );
  });

  it('counts findings in the configured region only: the right account in the wrong region sees none', async () => {
    const report = await diagnose(
      service({ securityHub: { region: 'eu-central-1' } }),
    );
    expect(report.securityHub).toMatchObject({
      status: 'PROBLEM',
      findings: 0,
    });
  });

  it('is not a problem to see no findings when there are no accounts yet', async () => {
    const report = await diagnose(
      service({
        securityHub: { administratorAccountId: NO_FINDINGS },
        stored: [],
        catalog: [],
      }),
    );
    expect(report.securityHub).toMatchObject({ status: 'OK', findings: 0 });
    expect(report.readerRoles).toEqual([]);
  });

  it('names the refused call when Security Hub cannot be read', async () => {
    sim.admin.addFault({
      kind: 'accessDenied',
      account: ADMINISTRATOR,
      service: 'securityhub',
      operation: 'GetFindings',
    });
    const report = await diagnose(service());
    expect(report.securityHub).toMatchObject({
      status: 'PROBLEM',
      error: {
        operation: 'securityhub:GetFindings',
        code: 'AccessDeniedException',
      },
    });
  });

  it('reports a missing administrator setting, and Security Hub turned off as skipped', async () => {
    expect(
      (
        await diagnose(
          service({ securityHub: { administratorAccountId: undefined } }),
        )
      ).securityHub,
    ).toMatchObject({ status: 'PROBLEM', source: 'CONFIG' });
    expect(
      (await diagnose(service({ securityHub: { enabled: false } })))
        .securityHub,
    ).toMatchObject({ status: 'SKIPPED' });
  });

  it('reports Organizations unreadable with the warning it causes', async () => {
    sim.admin.addFault({
      kind: 'accessDenied',
      account: ADMINISTRATOR,
      service: 'organizations',
      operation: 'DescribeOrganization',
    });
    const report = await diagnose(service());
    expect(report.organizations).toMatchObject({
      status: 'PROBLEM',
      error: { operation: 'organizations:DescribeOrganization' },
    });
    expect(report.organizations.hint).toContain(
      'ORGANIZATION_STREAMS_NOT_CHECKED',
    );
  });

  it('takes reader roles from the last result, and probes accounts not evaluated yet, problems first', async () => {
    const denied = summary(NOT_ASSUMABLE, {
      verdict: 'ERROR',
      reason: 'READER_ROLE_DENIED',
    });
    const report = await diagnose(
      service({
        stored: [summary(HEALTHY), denied],
        details: {
          [NOT_ASSUMABLE]: {
            ...denied,
            evaluation: {
              inventory: {
                inventoryErrors: [
                  {
                    operation: 'sts:AssumeRole',
                    code: 'AccessDenied',
                    message: 'not authorized',
                  },
                ],
              },
            },
          } as unknown as StoredAccountDetail,
        },
        // 404455667788 is in the catalog but not evaluated yet: probed live.
        catalog: [HEALTHY, NOT_ASSUMABLE, '404455667788'],
      }),
    );
    expect(
      report.readerRoles.map(({ accountId, status, source }) => ({
        accountId,
        status,
        source,
      })),
    ).toEqual([
      { accountId: NOT_ASSUMABLE, status: 'PROBLEM', source: 'LAST_RUN' },
      { accountId: HEALTHY, status: 'OK', source: 'LAST_RUN' },
      { accountId: '404455667788', status: 'OK', source: 'LIVE' },
    ]);
    expect(report.readerRoles[0]).toMatchObject({
      error: { code: 'AccessDenied' },
      hint: expect.stringContaining('reader role'),
    });
    expect(report.readerRoleTotals).toEqual({
      OK: 2,
      PROBLEM: 1,
      UNKNOWN: 0,
      SKIPPED: 0,
    });
  });

  it('probes a bounded number of unevaluated accounts live and says so for the rest', async () => {
    const catalog = Array.from(
      { length: DIAGNOSTICS_LIMITS.liveRoleProbes + 2 },
      (_, i) =>
        i === 0 ? NOT_ASSUMABLE : `4999000000${String(i).padStart(2, '0')}`,
    );
    const report = await diagnose(service({ stored: [], catalog }));
    expect(report.readerRoles).toHaveLength(catalog.length);
    expect(report.readerRoleTotals.UNKNOWN).toBe(2);
    expect(
      report.readerRoles.find(r => r.accountId === NOT_ASSUMABLE),
    ).toMatchObject({ status: 'PROBLEM', source: 'LIVE' });
  });

  describe('detection actions', () => {
    const statuses = (report: { detection: { actions: object[] } }) =>
      Object.fromEntries(
        report.detection.actions.map(a => {
          const { action, status } = a as { action: string; status: string };
          return [action, status];
        }),
      );

    it('calls the four detection actions with the reader role and says they are allowed', async () => {
      const report = await diagnose(service());
      expect(report.detection).toMatchObject({
        status: 'OK',
        source: 'LIVE',
        askedFromAccountId: ADMINISTRATOR,
        region: 'us-east-1',
      });
      expect(statuses(report)).toEqual({
        'logs:DescribeMetricFilters': 'OK',
        'logs:TestMetricFilter': 'OK',
        'cloudwatch:DescribeAlarmsForMetric': 'OK',
        'sns:ListSubscriptionsByTopic': 'OK',
      });
    });

    it('names each action the reader role lacks and what the lack does', async () => {
      for (const [awsService, operation] of [
        ['logs', 'TestMetricFilter'],
        ['sns', 'ListSubscriptionsByTopic'],
      ] as const) {
        sim.admin.addFault({
          kind: 'accessDenied',
          account: ADMINISTRATOR,
          service: awsService,
          operation,
        });
      }
      const report = await diagnose(service());
      expect(statuses(report)).toEqual({
        'logs:DescribeMetricFilters': 'OK',
        'logs:TestMetricFilter': 'PROBLEM',
        'cloudwatch:DescribeAlarmsForMetric': 'OK',
        'sns:ListSubscriptionsByTopic': 'PROBLEM',
      });
      expect(report.detection).toMatchObject({
        status: 'PROBLEM',
        summary: `The reader role in ${ADMINISTRATOR} (us-east-1) may not call logs:TestMetricFilter, sns:ListSubscriptionsByTopic.`,
      });
      expect(
        report.detection.actions.find(
          a => a.action === 'sns:ListSubscriptionsByTopic',
        ),
      ).toMatchObject({
        error: { operation: 'sns:ListSubscriptionsByTopic' },
        summary: expect.stringContaining('ERROR'),
      });
      expect(
        report.detection.actions.find(a => a.action === 'logs:TestMetricFilter')
          ?.summary,
      ).toContain('local evaluator');
      expect(report.detection.hint).toContain(
        'Add sns:ListSubscriptionsByTopic',
      );
      expect(report.detection.hint).toContain(
        'cisAws.detection.testMetricFilter: false',
      );
    });

    it('does not call TestMetricFilter when it is turned off', async () => {
      sim.admin.addFault({
        kind: 'accessDenied',
        account: ADMINISTRATOR,
        service: 'logs',
        operation: 'TestMetricFilter',
      });
      const report = await diagnose(
        service({ detection: { testMetricFilter: false } }),
      );
      expect(report.detection.status).toBe('OK');
      expect(statuses(report)['logs:TestMetricFilter']).toBe('SKIPPED');
      expect(report.detection.summary).not.toContain('TestMetricFilter');
    });

    it('says an action that failed for another reason could not be checked, not that it is refused', async () => {
      sim.admin.addFault({
        kind: 'serverError',
        status: 503,
        account: ADMINISTRATOR,
        service: 'cloudwatch',
        operation: 'DescribeAlarmsForMetric',
      });
      const report = await diagnose(service());
      expect(report.detection).toMatchObject({
        status: 'UNKNOWN',
        error: { operation: 'cloudwatch:DescribeAlarmsForMetric' },
      });
      expect(statuses(report)['cloudwatch:DescribeAlarmsForMetric']).toBe(
        'UNKNOWN',
      );
    });

    it('is skipped when detection is turned off, and unknown when the reader role cannot be assumed', async () => {
      expect(
        (await diagnose(service({ detection: { enabled: false } }))).detection,
      ).toMatchObject({ status: 'SKIPPED', source: 'CONFIG', actions: [] });
      const report = await diagnose(
        service({ securityHub: { administratorAccountId: NOT_ASSUMABLE } }),
      );
      expect(report.detection).toMatchObject({
        status: 'UNKNOWN',
        askedFromAccountId: NOT_ASSUMABLE,
        hint: expect.stringContaining('reader role'),
      });
      expect(new Set(Object.values(statuses(report)))).toEqual(
        new Set(['UNKNOWN']),
      );
    });
  });

  it('refuses callers who may not run evaluations', async () => {
    await expect(diagnose(service({ allow: false }))).rejects.toThrow(
      NotAllowedError,
    );
  });
});
