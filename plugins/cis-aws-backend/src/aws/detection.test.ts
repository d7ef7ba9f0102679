/*
 * Detection collection against the simulated demo world, judged by the pure rules: every
 * demo state gets the verdict and reason detection-content.md gives it.
 */
import {
  BASELINE_DETECTION_CHECKS,
  DetectionCheckResult,
  LogGroupRef,
} from '@cis-aws/plugin-cis-aws-common';
import { RunningSimulator } from '@internal/aws-simulator';
import { startDemoSimulator } from '../__testUtils__/testBackend';
import { evaluateLogGroupDetection } from '../rules';
import { AwsClientFactory } from './clients';
import {
  DetectionClients,
  DetectionCollection,
  sdkDetectionClients,
} from './detection';
import { simulatedAwsClients } from './__testUtils__/simulatedAws';

jest.setTimeout(60_000);

function group(accountId: string, region: string, name: string): LogGroupRef {
  return {
    accountId,
    region,
    name,
    arn: `arn:aws:logs:${region}:${accountId}:log-group:${name}`,
  };
}

const GROUPS = {
  'platform-management': group(
    '401122334455',
    'us-east-1',
    'aws-cloudtrail-logs-acme-org',
  ),
  'security-tooling': group(
    '402233445566',
    'us-east-1',
    'aws-cloudtrail-logs-security-audit',
  ),
  'storefront-prod': group(
    '405566778899',
    'eu-west-1',
    'aws-cloudtrail-logs-storefront',
  ),
  'storefront-staging': group(
    '406677889900',
    'eu-west-1',
    'aws-cloudtrail-logs-storefront-staging',
  ),
  'checkout-dev': group(
    '407788990011',
    'us-east-1',
    'aws-cloudtrail-logs-checkout-dev',
  ),
  'legacy-billing': group(
    '411122334455',
    'us-east-1',
    'aws-cloudtrail-logs-legacy-billing',
  ),
};

/** What the contract says each demo state is, for 3.3, 3.4 and 3.5. */
const EXPECTED: Record<keyof typeof GROUPS, string[]> = {
  'platform-management': ['FAIL NO_FILTER', 'FAIL NO_FILTER', 'FAIL NO_FILTER'],
  'security-tooling': ['PASS', 'PASS', 'PASS'],
  'storefront-prod': ['PASS', 'PASS', 'PASS'],
  'storefront-staging': [
    'FAIL NO_CONFIRMED_SUBSCRIBER',
    'FAIL NO_CONFIRMED_SUBSCRIBER',
    'FAIL NO_CONFIRMED_SUBSCRIBER',
  ],
  'checkout-dev': [
    'FAIL ALARM_ACTIONS_DISABLED',
    'FAIL NO_ALARM_TOPIC',
    'FAIL FILTER_MISSES_EVENTS',
  ],
  'legacy-billing': ['ERROR API_ERROR', 'ERROR API_ERROR', 'ERROR API_ERROR'],
};

const summary = (checks: DetectionCheckResult[]) =>
  checks.map(c => (c.reason ? `${c.verdict} ${c.reason}` : c.verdict));

describe('detection collection → rules, on the demo world', () => {
  let sim: RunningSimulator;
  let aws: AwsClientFactory;
  let detectionClients: (accountId: string) => Promise<DetectionClients>;

  beforeAll(async () => {
    sim = await startDemoSimulator();
    aws = simulatedAwsClients(sim.url);
    // The product's own: the account's real SDK clients (CloudWatch and SNS included).
    detectionClients = async accountId =>
      sdkDetectionClients(await aws.forAccount(accountId));
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.admin.resetCalls();
    sim.admin.clearFaults();
  });

  async function evaluate(
    name: keyof typeof GROUPS,
    testMetricFilter: boolean,
  ) {
    const collection = DetectionCollection.create({
      checkIds: BASELINE_DETECTION_CHECKS,
      testMetricFilter,
    });
    const ref = GROUPS[name];
    const facts = await collection.logGroup(
      await detectionClients(ref.accountId),
      ref,
    );
    return evaluateLogGroupDetection(facts, BASELINE_DETECTION_CHECKS);
  }

  describe.each([
    ['asking TestMetricFilter', true],
    ['evaluating patterns locally', false],
  ])('%s', (_how, testMetricFilter) => {
    it.each(Object.keys(GROUPS) as (keyof typeof GROUPS)[])(
      '%s',
      async name => {
        const result = await evaluate(name, testMetricFilter);
        expect(summary(result.checks)).toEqual(EXPECTED[name]);
        const sources = new Set(
          result.checks.flatMap(c =>
            c.judgements.map(j => (j.state === 'JUDGED' ? j.source : j.state)),
          ),
        );
        expect([...sources]).toEqual(
          sources.size === 0
            ? []
            : [testMetricFilter ? 'TestMetricFilter' : 'LOCAL'],
        );
      },
    );
  });

  it('names the events the typo misses, though every event name is in the text', async () => {
    const result = await evaluate('checkout-dev', true);
    const check = result.checks.find(c => c.checkId === '3.5')!;
    expect(check.missedEvents).toEqual(['StartLogging', 'StopLogging']);
    const pattern = check.judgements[2];
    for (const name of [
      'CreateTrail',
      'UpdateTrail',
      'DeleteTrail',
      'StartLogging',
      'StopLogging',
    ])
      expect(pattern.filterPattern).toContain(name);
  });

  it('keeps the chain and the subscription counts as evidence, never the endpoints', async () => {
    const staging = await evaluate('storefront-staging', true);
    expect(staging.checks[0].chain).toEqual({
      filterName: 'RootAccountUsage',
      metricName: 'RootAccountUsage',
      metricNamespace: 'CISBenchmark',
      alarmName: 'cis-3.3-root-usage',
      alarmActionsEnabled: true,
      // As the simulated CloudWatch said it: the state and when it last changed.
      alarmState: 'OK',
      alarmStateUpdatedAt: expect.stringMatching(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
      ),
      topicArn: 'arn:aws:sns:eu-west-1:406677889900:staging-alerts',
      confirmedSubscriptions: 0,
      pendingSubscriptions: 1,
    });
    expect(JSON.stringify(staging)).not.toContain('@acme.example');
    const healthy = await evaluate('security-tooling', true);
    expect(healthy.checks[0].chain?.confirmedSubscriptions).toBe(2);
    expect(JSON.stringify(healthy)).not.toContain('pager.acme.example');
  });

  it('reads each thing once per run, however many trails share the log group', async () => {
    const collection = DetectionCollection.create({
      checkIds: BASELINE_DETECTION_CHECKS,
      testMetricFilter: true,
    });
    const ref = GROUPS['security-tooling'];
    const clients = await detectionClients(ref.accountId);
    const [a, b] = await Promise.all([
      collection.logGroup(clients, ref),
      collection.logGroup(clients, ref),
    ]);
    expect(b).toBe(a);
    // the same patterns on another log group are not tested again
    await collection.logGroup(
      await detectionClients(GROUPS['storefront-staging'].accountId),
      GROUPS['storefront-staging'],
    );
    const calls = sim.admin.calls().byOperation;
    expect(calls['logs:DescribeMetricFilters']).toBe(2);
    // 3 metrics on each of the two groups
    expect(calls['cloudwatch:DescribeAlarmsForMetric']).toBe(6);
    // one topic on each
    expect(calls['sns:ListSubscriptionsByTopic']).toBe(2);
    // 3 distinct patterns (shared by both groups), 33 canonical events: one batch each
    expect(calls['logs:TestMetricFilter']).toBe(3);
  });

  it('a failed call is data: throttled alarms make ERROR, never a false FAIL', async () => {
    sim.admin.addFault({ kind: 'throttle', service: 'cloudwatch' });
    const result = await evaluate('security-tooling', true);
    expect(summary(result.checks)).toEqual([
      'ERROR API_ERROR',
      'ERROR API_ERROR',
      'ERROR API_ERROR',
    ]);
    expect(result.checks[0].errors[0]).toMatchObject({
      operation: 'cloudwatch:DescribeAlarmsForMetric',
      code: 'Throttling',
      region: 'us-east-1',
    });
  });

  it('a topic that no longer exists is a FAIL (nobody is told), not a failed call', async () => {
    const accountId = GROUPS['security-tooling'].accountId;
    const account = sim.admin.world().accounts.find(a => a.id === accountId)!;
    sim.admin.putAccount(accountId, { ...account, snsTopics: [] });
    try {
      const result = await evaluate('security-tooling', true);
      expect(summary(result.checks)).toEqual([
        'FAIL NO_CONFIRMED_SUBSCRIBER',
        'FAIL NO_CONFIRMED_SUBSCRIBER',
        'FAIL NO_CONFIRMED_SUBSCRIBER',
      ]);
      expect(result.checks.flatMap(c => c.errors)).toEqual([]);
    } finally {
      sim.admin.putAccount(accountId, account);
    }
  });

  it('TestMetricFilter denied: the local evaluator judges instead', async () => {
    sim.admin.addFault({
      kind: 'accessDenied',
      service: 'logs',
      operation: 'TestMetricFilter',
    });
    const result = await evaluate('storefront-prod', true);
    expect(summary(result.checks)).toEqual(EXPECTED['storefront-prod']);
    expect(result.checks[0].judgements[0]).toMatchObject({ source: 'LOCAL' });
    // refused once, not asked again for the account's other patterns
    expect(sim.admin.calls().byOperation['logs:TestMetricFilter']).toBe(1);
  });
});
