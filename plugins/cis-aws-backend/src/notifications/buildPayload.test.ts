import {
  accountLabel,
  buildPayload,
  entityTabLink,
  notificationScope,
} from './buildPayload';

const PAYMENTS_STAGING = {
  accountId: '404455667788',
  title: 'payments-staging',
  entityRef: 'resource:default/aws-payments-staging',
};

describe('buildPayload', () => {
  it('names the account and its trails’ reason when it starts failing', () => {
    const payload = buildPayload({
      transition: 'fail',
      change: { previous: 'PASS', to: 'FAIL' },
      mapping: PAYMENTS_STAGING,
      result: { reason: 'TRAIL_FAILED', trailReasons: ['NO_LOG_GROUP'] },
    });
    expect(payload).toEqual({
      title:
        'CIS 2.4 failing: payments-staging (404455667788) — No log group configured',
      description: expect.stringContaining(
        'The trail is not set up to send its events to any CloudWatch Logs log group.',
      ),
      link: '/catalog/default/resource/aws-payments-staging/cis-aws',
      severity: 'high',
      topic: 'CIS AWS 2.4',
      scope: 'cis-aws:account:404455667788',
    });
    expect(payload.description).toContain('AWS CLI command that fixes it');
  });

  it('says what changed and who changed it when a CloudTrail event caused the evaluation', () => {
    const payload = buildPayload({
      transition: 'fail',
      change: { previous: 'PASS', to: 'FAIL' },
      mapping: PAYMENTS_STAGING,
      result: { reason: 'TRAIL_FAILED', trailReasons: ['NOT_LOGGING'] },
      cause: {
        trigger: 'event',
        eventName: 'StopLogging',
        principal: 'alice',
        principalArn: 'arn:aws:iam::404455667788:user/alice',
        eventTime: '2026-12-06T10:01:00.000Z',
        resource: 'arn:aws:cloudtrail:us-east-1:404455667788:trail/main',
        eventCount: 3,
        otherEventNames: ['UpdateTrail'],
        receivedAt: '2026-12-06T10:01:04.000Z',
      },
    });
    expect(payload.title).toMatch(
      /^CIS 2\.4 failing: payments-staging \(404455667788\) — .* \(after StopLogging by alice \(and 2 more events\)\)$/,
    );
    expect(payload.description).toMatch(
      /^Changed by arn:aws:iam::404455667788:user\/alice: StopLogging on arn:aws:cloudtrail:us-east-1:404455667788:trail\/main at 2026-12-06T10:01:00.000Z \(CloudTrail\); re-checked at once\. Other changes in the same burst: UpdateTrail\./,
    );
    expect(payload.description).toContain('AWS CLI command that fixes it');
  });

  it('says since when the account fails, from the open failure episode, to the minute in UTC', () => {
    const payload = buildPayload({
      transition: 'fail',
      change: { previous: 'ERROR', to: 'FAIL' },
      mapping: PAYMENTS_STAGING,
      result: {
        reason: 'TRAIL_FAILED',
        trailReasons: ['ROLE_CANNOT_WRITE'],
        failingSince: '2026-11-30T02:11:07.123Z',
      },
    });
    expect(payload.description).toContain(
      'Failing since 2026-11-30 02:11 UTC.',
    );
    expect(payload.description).not.toContain('.123');
  });

  it('reminds that an account which errors in the middle of a failure was not shown to be fixed', () => {
    const payload = buildPayload({
      transition: 'error',
      change: { previous: 'FAIL', to: 'ERROR' },
      mapping: PAYMENTS_STAGING,
      result: {
        reason: 'INCOMPLETE_INVENTORY',
        failingSince: '2026-11-30T02:11:00.000Z',
      },
    });
    expect(payload.description).toContain(
      'Failing since 2026-11-30 02:11 UTC. It has not been shown to be fixed since.',
    );
  });

  it('uses the account’s own reason when no trail is to blame', () => {
    const payload = buildPayload({
      transition: 'fail',
      change: { to: 'FAIL' },
      mapping: { ...PAYMENTS_STAGING, title: 'analytics-sandbox' },
      result: { reason: 'NO_TRAILS', trailReasons: [] },
    });
    expect(payload.title).toBe(
      'CIS 2.4 failing: analytics-sandbox (404455667788) — No trails',
    );
  });

  it('tells an owner whose account could not be checked what to look at, with normal severity', () => {
    const payload = buildPayload({
      transition: 'error',
      change: { previous: 'PASS', to: 'ERROR' },
      mapping: {
        accountId: '411122334455',
        title: 'legacy-billing',
        entityRef: 'resource:default/aws-legacy-billing',
      },
      result: { reason: 'INCOMPLETE_INVENTORY', trailReasons: [] },
    });
    expect(payload.title).toBe(
      'CIS 2.4 could not be checked: legacy-billing (411122334455) — Some regions could not be read',
    );
    expect(payload.severity).toBe('normal');
    expect(payload.description).toContain("portal's reader role");
    expect(payload.scope).toBe('cis-aws:account:411122334455');
  });

  it('announces a recovery with low severity and what it recovered from', () => {
    const passing = buildPayload({
      transition: 'recovery',
      change: { previous: 'FAIL', to: 'PASS' },
      mapping: PAYMENTS_STAGING,
      result: {},
    });
    expect(passing).toMatchObject({
      title: 'CIS 2.4 recovered: payments-staging (404455667788) — passing',
      severity: 'low',
      scope: 'cis-aws:account:404455667788',
      link: '/catalog/default/resource/aws-payments-staging/cis-aws',
    });
    expect(passing.description).toBe(
      'CloudTrail events reach CloudWatch Logs and everything checked is in order. Before, it was failing.',
    );

    const exempt = buildPayload({
      transition: 'recovery',
      change: { previous: 'ERROR', to: 'EXEMPT' },
      mapping: PAYMENTS_STAGING,
      result: { reason: 'EXCEPTION' },
    });
    expect(exempt.title).toBe(
      'CIS 2.4 recovered: payments-staging (404455667788) — exempt by an approved exception',
    );
    expect(exempt.description).toContain('Before, it could not be checked.');
  });

  it('keeps one scope per account, whatever the transition', () => {
    const scopes = (['fail', 'error', 'recovery'] as const).map(
      transition =>
        buildPayload({
          transition,
          change: { to: transition === 'recovery' ? 'PASS' : 'FAIL' },
          mapping: PAYMENTS_STAGING,
          result: {},
        }).scope,
    );
    expect(new Set(scopes)).toEqual(
      new Set([notificationScope('404455667788')]),
    );
  });
});

describe('entityTabLink', () => {
  it('lower-cases kind and namespace like the catalog’s routes and encodes the parts', () => {
    expect(entityTabLink('Resource:Team-A/aws-prod')).toBe(
      '/catalog/team-a/resource/aws-prod/cis-aws',
    );
    expect(entityTabLink('resource:default/weird name')).toBe(
      '/catalog/default/resource/weird%20name/cis-aws',
    );
  });

  it('names the account id once when the title already carries it', () => {
    expect(
      accountLabel({
        accountId: '404455667788',
        title: 'payments-staging (404455667788)',
      }),
    ).toBe('payments-staging (404455667788)');
    expect(
      accountLabel({ accountId: '404455667788', title: 'payments-staging' }),
    ).toBe('payments-staging (404455667788)');
  });
});
