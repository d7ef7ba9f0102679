/*
 * The detection control (cis-3.x-detection) through the engine, against the simulated demo
 * world: a run collects, judges and stores every account's detection result beside its 2.4
 * verdict, with the verdicts and reasons detection-content.md gives the demo's states.
 */
import {
  AccountDetectionResult,
  Verdict,
} from '@cis-aws/plugin-cis-aws-common';
import { RunningSimulator } from '@internal/aws-simulator';
import { DatabaseEvaluationStore } from '../storage/DatabaseEvaluationStore';
import { DetectionListingSummary } from './DetectionEvaluator';
import {
  createStore,
  createTestDatabases,
} from '../storage/__testUtils__/stores';
import { startDemoSimulator } from '../__testUtils__/testBackend';
import { demoEngine } from './__testUtils__/demoEngine';

jest.setTimeout(120_000);

const MANAGEMENT = '401122334455';
const ACCOUNTS = {
  'platform-management': MANAGEMENT,
  'security-tooling': '402233445566',
  'payments-prod': '403344556677',
  'payments-staging': '404455667788',
  'legacy-billing': '411122334455',
  'storefront-prod': '405566778899',
  'storefront-staging': '406677889900',
  'checkout-dev': '407788990011',
  'data-lake-prod': '408899001122',
  'analytics-dev': '410011223344',
  // growth-experiments is not in the demo catalog of these tests
  'analytics-sandbox': '409900112233',
};
type DemoAccount = keyof typeof ACCOUNTS;

/** "VERDICT REASON [inherited from]" and each check's "id VERDICT REASON", per account. */
const EXPECTED: Record<DemoAccount, { account: string; checks: string[] }> = {
  // The organization trail's log group has no detection content at all.
  'platform-management': {
    account: 'FAIL NO_FILTER',
    checks: ['3.3 FAIL NO_FILTER', '3.4 FAIL NO_FILTER', '3.5 FAIL NO_FILTER'],
  },
  // The benchmark's filters, alarms and a confirmed subscriber.
  'security-tooling': {
    account: 'PASS',
    checks: ['3.3 PASS', '3.4 PASS', '3.5 PASS'],
  },
  // Its own trail is single-region (not in scope): the organization trail decides.
  'payments-prod': {
    account: `FAIL NO_FILTER from ${MANAGEMENT}`,
    checks: ['3.3 FAIL NO_FILTER', '3.4 FAIL NO_FILTER', '3.5 FAIL NO_FILTER'],
  },
  // No log group of its own: covered only by the organization trail.
  'payments-staging': {
    account: `FAIL NO_FILTER from ${MANAGEMENT}`,
    checks: ['3.3 FAIL NO_FILTER', '3.4 FAIL NO_FILTER', '3.5 FAIL NO_FILTER'],
  },
  // Its reader role cannot be assumed: nothing is known.
  'legacy-billing': {
    account: 'ERROR API_ERROR',
    checks: [
      '3.3 ERROR API_ERROR',
      '3.4 ERROR API_ERROR',
      '3.5 ERROR API_ERROR',
    ],
  },
  // Correct patterns written differently (order, spacing, an extra exclusion, wildcards).
  'storefront-prod': {
    account: 'PASS',
    checks: ['3.3 PASS', '3.4 PASS', '3.5 PASS'],
  },
  // The alarms' topic has only a pending subscription.
  'storefront-staging': {
    account: 'FAIL NO_CONFIRMED_SUBSCRIBER',
    checks: [
      '3.3 FAIL NO_CONFIRMED_SUBSCRIBER',
      '3.4 FAIL NO_CONFIRMED_SUBSCRIBER',
      '3.5 FAIL NO_CONFIRMED_SUBSCRIBER',
    ],
  },
  // 3.3 alarm muted, 3.4 alarm without actions, 3.5 `&&` typed for `||`.
  'checkout-dev': {
    account: 'FAIL ALARM_ACTIONS_DISABLED',
    checks: [
      '3.3 FAIL ALARM_ACTIONS_DISABLED',
      '3.4 FAIL NO_ALARM_TOPIC',
      '3.5 FAIL FILTER_MISSES_EVENTS',
    ],
  },
  // Its own trail is stopped: only the organization trail counts.
  'data-lake-prod': {
    account: `FAIL NO_FILTER from ${MANAGEMENT}`,
    checks: ['3.3 FAIL NO_FILTER', '3.4 FAIL NO_FILTER', '3.5 FAIL NO_FILTER'],
  },
  'analytics-dev': {
    account: `FAIL NO_FILTER from ${MANAGEMENT}`,
    checks: ['3.3 FAIL NO_FILTER', '3.4 FAIL NO_FILTER', '3.5 FAIL NO_FILTER'],
  },
  // Outside the organization, no trails.
  'analytics-sandbox': {
    account: 'NOT_APPLICABLE NO_INTEGRATED_TRAIL',
    checks: [
      '3.3 NOT_APPLICABLE NO_INTEGRATED_TRAIL',
      '3.4 NOT_APPLICABLE NO_INTEGRATED_TRAIL',
      '3.5 NOT_APPLICABLE NO_INTEGRATED_TRAIL',
    ],
  },
};

/** The 2.4 verdicts of the demo world, which detection must not move. */
const VERDICTS_24: Record<DemoAccount, Verdict> = {
  'platform-management': 'PASS',
  'security-tooling': 'PASS',
  'payments-prod': 'PASS',
  'payments-staging': 'FAIL',
  'legacy-billing': 'ERROR',
  'storefront-prod': 'PASS',
  'storefront-staging': 'FAIL',
  'checkout-dev': 'FAIL',
  'data-lake-prod': 'FAIL',
  'analytics-dev': 'PASS',
  'analytics-sandbox': 'FAIL',
};

function describeResult(result: AccountDetectionResult) {
  return {
    account: [
      result.verdict,
      result.reason,
      ...(result.inheritedFrom ? ['from', result.inheritedFrom] : []),
    ]
      .filter(Boolean)
      .join(' '),
    checks: result.checks.map(c =>
      [c.checkId, c.verdict, c.reason].filter(Boolean).join(' '),
    ),
  };
}

async function detectionOf(store: DatabaseEvaluationStore, accountId: string) {
  return (
    await store
      .controls()
      .getControlResult<AccountDetectionResult, DetectionListingSummary>(
        accountId,
        'cis-3.x-detection',
      )
  )?.latest.result;
}

describe('detection content through the engine (demo world)', () => {
  let sim: RunningSimulator;
  const databases = createTestDatabases();

  beforeEach(async () => {
    sim = await startDemoSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('gives every demo state the verdict and reason of the contract, beside unchanged 2.4 verdicts', async () => {
    const { store } = await createStore(databases, 'SQLITE_3');
    const engine = demoEngine({ simulatorUrl: sim.url, store });
    sim.admin.resetCalls();
    const run = await engine.runAll({ trigger: 'schedule' });

    const actual: Record<string, unknown> = {};
    const verdicts24: Record<string, Verdict | undefined> = {};
    for (const [name, accountId] of Object.entries(ACCOUNTS)) {
      const result = await detectionOf(store, accountId);
      actual[name] = result && describeResult(result);
      verdicts24[name] = (await store.getAccount(accountId))?.verdict;
    }
    expect(actual).toEqual(EXPECTED);
    expect(verdicts24).toEqual(VERDICTS_24);
    // …and exactly what a run without detection gives, reasons included.
    const { store: without } = await createStore(databases, 'SQLITE_3');
    await demoEngine({
      simulatorUrl: sim.url,
      store: without,
      detection: { enabled: false },
    }).runAll({ trigger: 'schedule' });
    const reasons = async (s: DatabaseEvaluationStore) =>
      (
        await s.listAccounts({
          orderBy: { field: 'accountId', direction: 'asc' },
        })
      ).items.map(i => [i.accountId, i.verdict, i.reason, i.trailReasons]);
    expect(await reasons(store)).toEqual(await reasons(without));

    // The typo: which must-match events the filter misses, named.
    const checkout = await detectionOf(store, ACCOUNTS['checkout-dev']);
    const typo = checkout!.checks.find(c => c.checkId === '3.5')!;
    expect(typo.missedEvents).toEqual(
      expect.arrayContaining([
        expect.stringContaining('StartLogging'),
        expect.stringContaining('StopLogging'),
      ]),
    );
    expect(checkout!.failingChecks).toEqual(['3.3', '3.4', '3.5']);
    expect(checkout!.runId).toBe(run!.id);
    // Judged by CloudWatch Logs itself (TestMetricFilter), kept as evidence.
    expect(typo.judgements[0]).toMatchObject({
      state: 'JUDGED',
      source: 'TestMetricFilter',
    });

    // Each log group is read once per run, however many accounts' trails deliver to it: the
    // organization trail's group is shared by every member.
    const calls = sim.admin.calls().byOperation;
    // The groups of in-scope trails: the organization trail's (shared by every member),
    // security-tooling's, storefront-prod's, storefront-staging's and checkout-dev's.
    expect(calls['logs:DescribeMetricFilters']).toBe(5);

    // The accounts list carries each account's detection summary.
    const listed = await store.listAccounts({
      accountIds: [ACCOUNTS['checkout-dev']],
    });
    expect(listed.items[0].detection).toEqual({
      verdict: 'FAIL',
      reason: 'ALARM_ACTIONS_DISABLED',
      failingChecks: ['3.3', '3.4', '3.5'],
      failingSince: checkout!.evaluatedAt,
      evaluatedAt: checkout!.evaluatedAt,
    });
    const inherited = await store.listAccounts({
      accountIds: [ACCOUNTS['analytics-dev']],
    });
    expect(inherited.items[0].detection).toMatchObject({
      verdict: 'FAIL',
      inheritedFrom: MANAGEMENT,
    });
  });

  it('an AWS failure is an ERROR that keeps the last definitive result, shown stale', async () => {
    const { store } = await createStore(databases, 'SQLITE_3');
    const engine = demoEngine({ simulatorUrl: sim.url, store });
    const securityTooling = ACCOUNTS['security-tooling'];
    await engine.evaluateOne(securityTooling);
    expect((await detectionOf(store, securityTooling))?.verdict).toBe('PASS');

    sim.admin.addFault({
      kind: 'serverError',
      status: 503,
      account: securityTooling,
      service: 'logs',
      operation: 'DescribeMetricFilters',
    });
    await engine.evaluateOne(securityTooling);

    const stored = await store
      .controls()
      .getControlResult<AccountDetectionResult, DetectionListingSummary>(
        securityTooling,
        'cis-3.x-detection',
      );
    expect(describeResult(stored!.latest.result)).toEqual({
      account: 'ERROR API_ERROR',
      checks: [
        '3.3 ERROR API_ERROR',
        '3.4 ERROR API_ERROR',
        '3.5 ERROR API_ERROR',
      ],
    });
    expect(stored!.latest.result.checks[0].errors[0]).toMatchObject({
      operation: 'logs:DescribeMetricFilters',
    });
    expect(stored!.lastDefinitive?.verdict).toBe('PASS');
    const listed = await store.getAccount(securityTooling);
    expect(listed?.detection).toMatchObject({
      verdict: 'ERROR',
      stale: true,
      lastDefinitive: { verdict: 'PASS', failingChecks: [] },
    });
  });

  it('judges patterns locally when TestMetricFilter is turned off, with the same verdicts', async () => {
    const { store } = await createStore(databases, 'SQLITE_3');
    const engine = demoEngine({
      simulatorUrl: sim.url,
      store,
      detection: { testMetricFilter: false, checks: ['3.5'] },
    });
    sim.admin.resetCalls();
    await engine.evaluateOne(ACCOUNTS['checkout-dev']);
    const result = await detectionOf(store, ACCOUNTS['checkout-dev']);
    expect(describeResult(result!)).toEqual({
      account: 'FAIL FILTER_MISSES_EVENTS',
      checks: ['3.5 FAIL FILTER_MISSES_EVENTS'],
    });
    expect(result!.checks[0].judgements[0]).toMatchObject({ source: 'LOCAL' });
    expect(
      sim.admin.calls().byOperation['logs:TestMetricFilter'],
    ).toBeUndefined();
  });

  it('evaluates no detection when it is turned off', async () => {
    const { store } = await createStore(databases, 'SQLITE_3');
    const engine = demoEngine({
      simulatorUrl: sim.url,
      store,
      detection: { enabled: false },
    });
    sim.admin.resetCalls();
    await engine.evaluateOne(ACCOUNTS['security-tooling']);
    expect(
      await detectionOf(store, ACCOUNTS['security-tooling']),
    ).toBeUndefined();
    expect(
      sim.admin.calls().byOperation['logs:DescribeMetricFilters'],
    ).toBeUndefined();
  });
});
