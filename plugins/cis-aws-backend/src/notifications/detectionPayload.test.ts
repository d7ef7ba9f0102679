import { DetectionCheckResult } from '@cis-aws/plugin-cis-aws-common';
import { notificationScope } from './buildPayload';
import {
  buildDetectionPayload,
  DETECTION_NOTIFICATION_TOPIC,
} from './detectionPayload';

const SECURITY = {
  accountId: '402233445566',
  title: 'security-tooling',
  entityRef: 'resource:default/aws-security-tooling',
};
const GROUP = {
  accountId: '402233445566',
  region: 'us-east-1',
  name: 'aws-cloudtrail-logs-security-audit',
  arn: 'arn:aws:logs:us-east-1:402233445566:log-group:aws-cloudtrail-logs-security-audit',
};

function check(
  checkId: DetectionCheckResult['checkId'],
  rest: Partial<DetectionCheckResult> = {},
): DetectionCheckResult {
  return {
    checkId,
    logGroup: GROUP,
    verdict: 'PASS',
    detail: 'the rules’ own sentence',
    judgements: [],
    warnings: [],
    errors: [],
    ...rest,
  };
}

const noRootFilter = check('3.3', { verdict: 'FAIL', reason: 'NO_FILTER' });

describe('buildDetectionPayload', () => {
  it('says in plain words who is not told what, naming the failing check, and links to the CIS tab', () => {
    const payload = buildDetectionPayload({
      transition: 'fail',
      mapping: SECURITY,
      result: {
        checks: [noRootFilter, check('3.4'), check('3.5')],
        failingChecks: ['3.3'],
        failingSince: '2026-12-06T10:15:42.123Z',
      },
    });
    expect(payload).toEqual({
      title:
        'Detection (CIS 3.x) failing: nobody is told when root is used in security-tooling (402233445566)',
      description: expect.stringContaining(
        '3.3 Usage of the root user: no metric filter on aws-cloudtrail-logs-security-audit matches these events.',
      ),
      link: '/catalog/default/resource/aws-security-tooling/cis-aws',
      severity: 'high',
      topic: DETECTION_NOTIFICATION_TOPIC,
      scope: 'cis-aws:account:402233445566:control:cis-3.x-detection',
    });
    expect(payload.description).toContain(
      'Failing since 2026-12-06 10:15 UTC.',
    );
    // Passing checks are not listed.
    expect(payload.description).not.toContain('3.4');
  });

  it('has a scope and topic of its own: it never replaces the account’s 2.4 notification', () => {
    const payload = buildDetectionPayload({
      transition: 'fail',
      mapping: SECURITY,
      result: { checks: [noRootFilter], failingChecks: ['3.3'] },
    });
    expect(payload.scope).not.toBe(notificationScope(SECURITY.accountId));
    expect(payload.topic).not.toBe('CIS AWS 2.4');
  });

  it('names every failing check and why, with the alarm or topic concerned', () => {
    const payload = buildDetectionPayload({
      transition: 'fail',
      mapping: SECURITY,
      result: {
        checks: [
          noRootFilter,
          check('3.4', {
            verdict: 'FAIL',
            reason: 'ALARM_ACTIONS_DISABLED',
            chain: {
              filterName: 'IAMPolicyChanges',
              metricName: 'IAMPolicyEventCount',
              metricNamespace: 'CISBenchmark',
              alarmName: 'cis-3.4-iam-policy-changes',
              alarmActionsEnabled: false,
            },
          }),
          check('3.5', {
            verdict: 'FAIL',
            reason: 'FILTER_MISSES_EVENTS',
            missedEvents: ['StopLogging'],
          }),
        ],
        failingChecks: ['3.3', '3.4', '3.5'],
        inheritedFrom: '401122334455',
      },
    });
    expect(payload.title).toBe(
      "Detection (CIS 3.x) failing: nobody is told when root is used, IAM policies change or CloudTrail's configuration changes in security-tooling (402233445566)",
    );
    expect(payload.description).toContain(
      '3.4 IAM policy changes: alarm cis-3.4-iam-policy-changes has its actions disabled.',
    );
    expect(payload.description).toContain(
      '3.5 CloudTrail configuration changes: the best metric filter on aws-cloudtrail-logs-security-audit misses StopLogging.',
    );
    expect(payload.description).toContain(
      'organization trail of account 401122334455',
    );
  });

  it('keeps a long list of failing checks short in the title', () => {
    const ids = ['3.1', '3.3', '3.4', '3.5'] as const;
    const payload = buildDetectionPayload({
      transition: 'fail',
      mapping: SECURITY,
      result: {
        checks: ids.map(id =>
          check(id, { verdict: 'FAIL', reason: 'NO_FILTER' }),
        ),
        failingChecks: [...ids],
      },
    });
    expect(payload.title).toBe(
      'Detection (CIS 3.x) failing: nobody is told when unauthorized API calls are made, root is used or 2 other kinds of event happen in security-tooling (402233445566)',
    );
  });

  it('tells a persistent ERROR with the calls to check, and a resolution at low severity', () => {
    const error = buildDetectionPayload({
      transition: 'error',
      previous: undefined,
      mapping: SECURITY,
      result: {
        checks: [
          check('3.3', {
            verdict: 'ERROR',
            reason: 'API_ERROR',
            detail:
              'logs:DescribeMetricFilters failed with AccessDenied; without it the check cannot be decided',
          }),
        ],
        failingChecks: ['3.3'],
      },
    });
    expect(error).toMatchObject({
      title:
        'Detection (CIS 3.x) could not be checked: security-tooling (402233445566) — checks 3.3',
      severity: 'normal',
    });
    expect(error.description).toContain(
      'logs:DescribeMetricFilters failed with AccessDenied',
    );

    const resolved = buildDetectionPayload({
      transition: 'recovery',
      previous: 'FAIL',
      mapping: SECURITY,
      result: { checks: [check('3.3')], failingChecks: [] },
    });
    expect(resolved).toMatchObject({
      title:
        'Detection (CIS 3.x) recovered: security-tooling (402233445566) — every required check alerts a confirmed subscriber',
      severity: 'low',
      scope: 'cis-aws:account:402233445566:control:cis-3.x-detection',
    });
    expect(resolved.description).toContain('Before, it was failing.');
  });

  it('says which CloudTrail event caused the evaluation, when one did', () => {
    const payload = buildDetectionPayload({
      transition: 'fail',
      mapping: SECURITY,
      result: { checks: [noRootFilter], failingChecks: ['3.3'] },
      cause: {
        trigger: 'event',
        eventName: 'DeleteMetricFilter',
        principalArn: 'arn:aws:iam::402233445566:user/mallory',
        eventCount: 1,
        otherEventNames: [],
        receivedAt: '2026-12-06T10:00:00.000Z',
      },
    });
    expect(payload.title).toContain('(after DeleteMetricFilter');
    expect(payload.description).toContain(
      'Changed by arn:aws:iam::402233445566:user/mallory: DeleteMetricFilter',
    );
  });
});
