import {
  AlarmFacts,
  LogGroupDetectionFacts,
  MetricFilterFacts,
  detectionCheck,
  metricKey,
} from '@cis-aws/plugin-cis-aws-common';
import {
  detectionNotApplicable,
  evaluateDetectionCheck,
  evaluateLogGroupDetection,
} from './evaluateDetection';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:security-alerts';
const NOW = '2026-01-15T12:00:00.000Z';

function metricFilter(
  name: string,
  pattern: string,
  metricName = name,
): MetricFilterFacts {
  return {
    filterName: name,
    filterPattern: pattern,
    metricTransformations: [
      { metricName, metricNamespace: 'CISBenchmark', metricValue: '1' },
    ],
  };
}

function alarm(
  metricName: string,
  overrides: Partial<AlarmFacts> = {},
): AlarmFacts {
  return {
    alarmName: `${metricName}-alarm`,
    actionsEnabled: true,
    alarmActions: [TOPIC],
    stateValue: 'OK',
    stateUpdatedTimestamp: '2026-01-15T11:00:00.000Z',
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    metricName,
    namespace: 'CISBenchmark',
    ...overrides,
  };
}

const CONFIRMED = {
  subscriptionArn: `${TOPIC}:0b5c2d9e-0000-4000-8000-000000000001`,
  protocol: 'email',
};
const PENDING = { subscriptionArn: 'PendingConfirmation', protocol: 'email' };

/** A healthy baseline: the benchmark's 3.3, 3.4, 3.5 filters, alarms and a confirmed subscriber. */
function healthy(): LogGroupDetectionFacts {
  const filters = (['3.3', '3.4', '3.5'] as const).map(id =>
    metricFilter(
      detectionCheck(id).suggestedMetricName,
      detectionCheck(id).benchmarkPattern,
    ),
  );
  return {
    logGroup: {
      accountId: '111122223333',
      region: 'us-east-1',
      name: 'trail-logs',
      arn: 'arn:aws:logs:us-east-1:111122223333:log-group:trail-logs',
    },
    metricFilters: { state: 'OK', value: filters },
    alarmsByMetric: Object.fromEntries(
      filters.map(f => [
        metricKey('CISBenchmark', f.filterName),
        { state: 'OK' as const, value: [alarm(f.filterName)] },
      ]),
    ),
    topics: {
      [TOPIC]: { state: 'FOUND', topicArn: TOPIC, subscriptions: [CONFIRMED] },
    },
    patternTests: {},
    collectedAt: NOW,
  };
}

const ROOT = 'RootAccountUsage';
const ROOT_KEY = metricKey('CISBenchmark', ROOT);

function withRootFilter(pattern: string): LogGroupDetectionFacts {
  const facts = healthy();
  if (facts.metricFilters.state !== 'OK') throw new Error('unreachable');
  facts.metricFilters.value[0] = metricFilter(ROOT, pattern);
  return facts;
}

describe('evaluateDetectionCheck', () => {
  it('PASS: filter → alarm → topic → confirmed subscription, naming the chain', () => {
    const r = evaluateDetectionCheck('3.3', healthy());
    expect(r).toMatchObject({
      checkId: '3.3',
      verdict: 'PASS',
      chain: {
        filterName: ROOT,
        alarmName: `${ROOT}-alarm`,
        topicArn: TOPIC,
        confirmedSubscriptions: 1,
        pendingSubscriptions: 0,
      },
      warnings: [],
      errors: [],
    });
    expect(r.reason).toBeUndefined();
    expect(r.judgements).toHaveLength(3);
  });

  it("names the chain's alarm state and when it last changed, without judging by it", () => {
    const facts = healthy();
    facts.alarmsByMetric[ROOT_KEY] = {
      state: 'OK',
      value: [alarm(ROOT, { stateValue: 'ALARM' })],
    };
    expect(evaluateDetectionCheck('3.3', facts)).toMatchObject({
      verdict: 'PASS',
      chain: {
        alarmName: `${ROOT}-alarm`,
        alarmState: 'ALARM',
        alarmStateUpdatedAt: '2026-01-15T11:00:00.000Z',
      },
    });
    facts.alarmsByMetric[ROOT_KEY] = {
      state: 'OK',
      value: [alarm(ROOT, { stateUpdatedTimestamp: undefined })],
    };
    const { chain } = evaluateDetectionCheck('3.3', facts);
    expect(chain).toMatchObject({ alarmState: 'OK' });
    expect(chain).not.toHaveProperty('alarmStateUpdatedAt');
  });

  it('every baseline check passes on the healthy log group', () => {
    const r = evaluateLogGroupDetection(healthy(), ['3.3', '3.4', '3.5']);
    expect(r.checks.map(c => c.verdict)).toEqual(['PASS', 'PASS', 'PASS']);
    expect(r.logGroup.name).toBe('trail-logs');
  });

  it('NO_FILTER: none at all', () => {
    const facts = healthy();
    facts.metricFilters = { state: 'OK', value: [] };
    expect(evaluateDetectionCheck('3.3', facts)).toMatchObject({
      verdict: 'FAIL',
      reason: 'NO_FILTER',
      judgements: [],
    });
  });

  it('NO_FILTER: filters exist, none about these events', () => {
    expect(evaluateDetectionCheck('3.10', healthy())).toMatchObject({
      verdict: 'FAIL',
      reason: 'NO_FILTER',
      detail: expect.stringContaining('security group changes'),
    });
  });

  it('FILTER_MISSES_EVENTS: a typo in an event name, the missed event named', () => {
    const facts = healthy();
    if (facts.metricFilters.state !== 'OK') throw new Error('unreachable');
    facts.metricFilters.value[2] = metricFilter(
      'CloudTrailEventCount',
      '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLoging) }',
    );
    expect(evaluateDetectionCheck('3.5', facts)).toMatchObject({
      verdict: 'FAIL',
      reason: 'FILTER_MISSES_EVENTS',
      missedEvents: ['StopLogging'],
      detail: 'filter CloudTrailEventCount misses StopLogging',
    });
  });

  it('FILTER_MISSES_EVENTS: a typo a string comparison would pass (case)', () => {
    const r = evaluateDetectionCheck(
      '3.3',
      withRootFilter(
        '{ $.userIdentity.type = "ROOT" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
      ),
    );
    // it matches nothing at all, so nothing detects: no filter for these events
    expect(r).toMatchObject({ verdict: 'FAIL', reason: 'NO_FILTER' });
  });

  it('PASS: a correct pattern written differently (order, spacing, quotes)', () => {
    const r = evaluateDetectionCheck(
      '3.3',
      withRootFilter(
        '{($.eventType!="AwsServiceEvent")&&($.userIdentity.invokedBy NOT EXISTS)&&($.userIdentity.type=Root)}',
      ),
    );
    expect(r).toMatchObject({ verdict: 'PASS', warnings: [] });
  });

  it('PASS with a warning: a pattern without NOT EXISTS also matches root use by AWS services', () => {
    const r = evaluateDetectionCheck(
      '3.3',
      withRootFilter(
        '{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }',
      ),
    );
    expect(r).toMatchObject({
      verdict: 'PASS',
      warnings: [
        {
          code: 'FILTER_MATCHES_UNRELATED_EVENTS',
          filterName: ROOT,
          eventIds: ['root-call-by-aws-service'],
        },
      ],
    });
  });

  it('NO_ALARM: a filter detects but no alarm watches its metric', () => {
    const facts = healthy();
    facts.alarmsByMetric[ROOT_KEY] = { state: 'OK', value: [] };
    expect(evaluateDetectionCheck('3.3', facts)).toMatchObject({
      verdict: 'FAIL',
      reason: 'NO_ALARM',
      chain: { filterName: ROOT, metricName: ROOT },
    });
  });

  it('NO_ALARM: an alarm on a metric of the same name in another namespace does not count', () => {
    const facts = healthy();
    facts.alarmsByMetric[ROOT_KEY] = { state: 'OK', value: [] };
    facts.alarmsByMetric[metricKey('Other', ROOT)] = {
      state: 'OK',
      value: [alarm(ROOT, { namespace: 'Other' })],
    };
    expect(evaluateDetectionCheck('3.3', facts).reason).toBe('NO_ALARM');
  });

  it('ALARM_ACTIONS_DISABLED: the alarm exists with ActionsEnabled false', () => {
    const facts = healthy();
    facts.alarmsByMetric[ROOT_KEY] = {
      state: 'OK',
      value: [alarm(ROOT, { actionsEnabled: false })],
    };
    expect(evaluateDetectionCheck('3.3', facts)).toMatchObject({
      verdict: 'FAIL',
      reason: 'ALARM_ACTIONS_DISABLED',
      chain: { alarmName: `${ROOT}-alarm`, alarmActionsEnabled: false },
    });
  });

  it('NO_ALARM_TOPIC: an alarm without actions', () => {
    const facts = healthy();
    facts.alarmsByMetric[ROOT_KEY] = {
      state: 'OK',
      value: [alarm(ROOT, { alarmActions: [] })],
    };
    expect(evaluateDetectionCheck('3.3', facts)).toMatchObject({
      verdict: 'FAIL',
      reason: 'NO_ALARM_TOPIC',
    });
  });

  it('NO_ALARM_TOPIC: actions that are not SNS topics (an Auto Scaling policy)', () => {
    const facts = healthy();
    facts.alarmsByMetric[ROOT_KEY] = {
      state: 'OK',
      value: [
        alarm(ROOT, {
          alarmActions: [
            'arn:aws:autoscaling:us-east-1:111122223333:scalingPolicy:1:autoScalingGroupName/g:policyName/p',
          ],
        }),
      ],
    };
    expect(evaluateDetectionCheck('3.3', facts).reason).toBe('NO_ALARM_TOPIC');
  });

  it('NO_CONFIRMED_SUBSCRIBER: a topic with only a pending subscription', () => {
    const facts = healthy();
    facts.topics[TOPIC] = {
      state: 'FOUND',
      topicArn: TOPIC,
      subscriptions: [PENDING],
    };
    expect(evaluateDetectionCheck('3.3', facts)).toMatchObject({
      verdict: 'FAIL',
      reason: 'NO_CONFIRMED_SUBSCRIBER',
      chain: { confirmedSubscriptions: 0, pendingSubscriptions: 1 },
      detail: expect.stringContaining('1 pending confirmation'),
    });
  });

  it('NO_CONFIRMED_SUBSCRIBER: a topic that does not exist, or has no subscription', () => {
    const facts = healthy();
    facts.topics[TOPIC] = { state: 'NOT_FOUND', topicArn: TOPIC };
    expect(evaluateDetectionCheck('3.3', facts).reason).toBe(
      'NO_CONFIRMED_SUBSCRIBER',
    );
    facts.topics[TOPIC] = {
      state: 'FOUND',
      topicArn: TOPIC,
      subscriptions: [],
    };
    expect(evaluateDetectionCheck('3.3', facts).reason).toBe(
      'NO_CONFIRMED_SUBSCRIBER',
    );
  });

  it('follows every chain and keeps the best: one good alarm among bad ones passes', () => {
    const facts = healthy();
    const other = 'arn:aws:sns:us-east-1:111122223333:nobody-listens';
    facts.topics[other] = {
      state: 'FOUND',
      topicArn: other,
      subscriptions: [PENDING],
    };
    facts.alarmsByMetric[ROOT_KEY] = {
      state: 'OK',
      value: [
        alarm(ROOT, { alarmName: 'a-disabled', actionsEnabled: false }),
        alarm(ROOT, { alarmName: 'b-pending', alarmActions: [other] }),
        alarm(ROOT, { alarmName: 'c-good', alarmActions: [other, TOPIC] }),
      ],
    };
    expect(evaluateDetectionCheck('3.3', facts)).toMatchObject({
      verdict: 'PASS',
      chain: { alarmName: 'c-good', topicArn: TOPIC },
    });
  });

  it('a typo filter beside a correct one: the correct one decides', () => {
    const facts = healthy();
    if (facts.metricFilters.state !== 'OK') throw new Error('unreachable');
    facts.metricFilters.value.push(
      metricFilter('typo', '{ $.eventName = StopLoging }', 'Typo'),
    );
    expect(evaluateDetectionCheck('3.5', facts).verdict).toBe('PASS');
  });

  it('a pattern text that is also an object property name is just a pattern', () => {
    const facts = healthy();
    if (facts.metricFilters.state !== 'OK') throw new Error('unreachable');
    facts.metricFilters.value.push(
      metricFilter('odd', 'constructor', 'Odd'),
      metricFilter('odder', '__proto__', 'Odder'),
    );
    const r = evaluateDetectionCheck('3.3', facts);
    expect(r.verdict).toBe('PASS');
    expect(r.judgements.map(j => j.state)).toEqual([
      'JUDGED',
      'JUDGED',
      'JUDGED',
      'JUDGED',
      'JUDGED',
    ]);
  });

  describe('ERROR', () => {
    const error = {
      operation: 'cloudwatch:DescribeAlarmsForMetric',
      code: 'ThrottlingException',
      message: 'Rate exceeded',
    };

    it('the metric filters could not be read', () => {
      const facts = healthy();
      facts.metricFilters = {
        state: 'FAILED',
        error: { ...error, operation: 'logs:DescribeMetricFilters' },
      };
      expect(evaluateDetectionCheck('3.3', facts)).toMatchObject({
        verdict: 'ERROR',
        reason: 'API_ERROR',
        errors: [{ operation: 'logs:DescribeMetricFilters' }],
      });
    });

    it("the alarms of the detecting filter's metric could not be read", () => {
      const facts = healthy();
      facts.alarmsByMetric[ROOT_KEY] = { state: 'FAILED', error };
      expect(evaluateDetectionCheck('3.3', facts)).toMatchObject({
        verdict: 'ERROR',
        reason: 'API_ERROR',
        errors: [error],
      });
    });

    it('the subscriptions could not be read: never a false FAIL', () => {
      const facts = healthy();
      facts.topics[TOPIC] = {
        state: 'FAILED',
        topicArn: TOPIC,
        error: { ...error, operation: 'sns:ListSubscriptionsByTopic' },
      };
      expect(evaluateDetectionCheck('3.3', facts).verdict).toBe('ERROR');
    });

    it('a failure wins over a FAIL seen on another chain', () => {
      const facts = healthy();
      facts.alarmsByMetric[ROOT_KEY] = {
        state: 'OK',
        value: [
          alarm(ROOT, { alarmName: 'disabled', actionsEnabled: false }),
          alarm(ROOT, {
            alarmName: 'unknown-topic',
            alarmActions: ['arn:aws:sns:us-east-1:111122223333:unread'],
          }),
        ],
      };
      facts.topics['arn:aws:sns:us-east-1:111122223333:unread'] = {
        state: 'FAILED',
        topicArn: 'arn:aws:sns:us-east-1:111122223333:unread',
        error: { ...error, operation: 'sns:ListSubscriptionsByTopic' },
      };
      expect(evaluateDetectionCheck('3.3', facts)).toMatchObject({
        verdict: 'ERROR',
        reason: 'API_ERROR',
      });
    });

    it('a complete passing chain does not need a call that failed elsewhere', () => {
      const facts = healthy();
      const unread = 'arn:aws:sns:us-east-1:111122223333:unread';
      facts.alarmsByMetric[ROOT_KEY] = {
        state: 'OK',
        value: [alarm(ROOT, { alarmActions: [unread, TOPIC] })],
      };
      facts.topics[unread] = {
        state: 'FAILED',
        topicArn: unread,
        error: { ...error, operation: 'sns:ListSubscriptionsByTopic' },
      };
      const r = evaluateDetectionCheck('3.3', facts);
      expect(r.verdict).toBe('PASS');
      expect(r.errors).toHaveLength(1);
    });

    it('facts that were never collected are an error, not a FAIL', () => {
      const facts = healthy();
      delete facts.alarmsByMetric[ROOT_KEY];
      expect(evaluateDetectionCheck('3.3', facts)).toMatchObject({
        verdict: 'ERROR',
        errors: [{ code: 'NotCollected' }],
      });
    });

    it('a pattern that neither TestMetricFilter (failed) nor the local evaluator can read', () => {
      const facts = healthy();
      if (facts.metricFilters.state !== 'OK') throw new Error('unreachable');
      facts.metricFilters.value = [metricFilter(ROOT, '%Root%')];
      facts.patternTests['%Root%'] = {
        state: 'FAILED',
        error: { ...error, operation: 'logs:TestMetricFilter' },
      };
      expect(evaluateDetectionCheck('3.3', facts)).toMatchObject({
        verdict: 'ERROR',
        warnings: [{ code: 'PATTERN_NOT_EVALUATED', filterName: ROOT }],
      });
    });
  });

  describe('warnings, never verdicts', () => {
    it('an alarm in INSUFFICIENT_DATA for more than a day', () => {
      const facts = healthy();
      facts.alarmsByMetric[ROOT_KEY] = {
        state: 'OK',
        value: [
          alarm(ROOT, {
            stateValue: 'INSUFFICIENT_DATA',
            stateUpdatedTimestamp: '2026-01-13T12:00:00.000Z',
          }),
        ],
      };
      expect(evaluateDetectionCheck('3.3', facts)).toMatchObject({
        verdict: 'PASS',
        warnings: [
          {
            code: 'ALARM_INSUFFICIENT_DATA',
            alarmName: `${ROOT}-alarm`,
            since: '2026-01-13T12:00:00.000Z',
          },
        ],
      });
    });

    it('not for INSUFFICIENT_DATA of less than a day', () => {
      const facts = healthy();
      facts.alarmsByMetric[ROOT_KEY] = {
        state: 'OK',
        value: [alarm(ROOT, { stateValue: 'INSUFFICIENT_DATA' })],
      };
      expect(evaluateDetectionCheck('3.3', facts).warnings).toEqual([]);
    });

    it.each([
      ['GreaterThanOrEqualToThreshold', 2, true],
      ['GreaterThanOrEqualToThreshold', 1, false],
      ['GreaterThanThreshold', 1, true],
      ['GreaterThanThreshold', 0, false],
    ])(
      'threshold: %s %d → warning %s',
      (comparisonOperator, threshold, warns) => {
        const facts = healthy();
        facts.alarmsByMetric[ROOT_KEY] = {
          state: 'OK',
          value: [alarm(ROOT, { comparisonOperator, threshold })],
        };
        const r = evaluateDetectionCheck('3.3', facts);
        expect(r.verdict).toBe('PASS');
        expect(r.warnings.map(w => w.code)).toEqual(
          warns ? ['ALARM_THRESHOLD_ABOVE_ONE'] : [],
        );
      },
    );
  });
});

describe('detectionNotApplicable', () => {
  it('NOT_APPLICABLE / NO_INTEGRATED_TRAIL for every required check', () => {
    expect(detectionNotApplicable(['3.3', '3.4'])).toEqual([
      expect.objectContaining({
        checkId: '3.3',
        verdict: 'NOT_APPLICABLE',
        reason: 'NO_INTEGRATED_TRAIL',
      }),
      expect.objectContaining({ checkId: '3.4', verdict: 'NOT_APPLICABLE' }),
    ]);
  });
});
