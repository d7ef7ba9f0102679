import { DateTime } from 'luxon';
import {
  account,
  checkoutTeamResult,
  entityResult,
  notMappedResult,
  paymentsSystemResult,
  withDetection,
} from '../__fixtures__/entityResults';
import {
  ageInDays,
  detectionFacts,
  entityFacts,
  oldestFailureSince,
  parseEntityResult,
} from './entityFacts';

const NOW = DateTime.fromISO('2026-11-24T12:00:00.000Z', { zone: 'utc' });

describe('ageInDays', () => {
  it('counts whole and fractional days, to two decimals', () => {
    expect(ageInDays(NOW.minus({ days: 10 }), NOW)).toBe(10);
    expect(ageInDays(NOW.minus({ hours: 36 }), NOW)).toBe(1.5);
    expect(ageInDays(NOW.minus({ minutes: 100 }), NOW)).toBe(0.07);
  });

  it('is never negative when the backend clock is ahead of ours', () => {
    expect(ageInDays(NOW.plus({ minutes: 5 }), NOW)).toBe(0);
  });
});

describe('oldestFailureSince', () => {
  it('reads the open failure episode, not the last verdict change: an ERROR run mid-failure changes nothing', () => {
    // FAIL since 11-10 02:11, an ERROR run at 02:20, FAIL again at 02:27: the
    // verdict changed at 02:27, the episode still started at 02:11.
    const since = oldestFailureSince([
      account(
        '222222222222',
        'FAIL',
        '2026-11-10T02:27:00Z',
        'aws-flaky',
        '2026-11-10T02:11:00Z',
      ),
    ]);
    expect(since?.toISO()).toBe('2026-11-10T02:11:00.000Z');
  });

  it('counts an account whose latest run errored inside an episode, and leaves an exempt one out while the exception holds', () => {
    const since = oldestFailureSince([
      account(
        '333333333333',
        'ERROR',
        '2026-11-20T00:00:00Z',
        'aws-erroring',
        '2026-11-12T00:00:00Z',
      ),
      account(
        '444444444444',
        'EXEMPT',
        '2026-11-21T00:00:00Z',
        'aws-exempt',
        '2026-11-01T00:00:00Z',
      ),
      account('555555555555', 'ERROR', '2026-11-01T00:00:00Z'),
    ]);
    expect(since?.toISO()).toBe('2026-11-12T00:00:00.000Z');
  });

  it('is the earliest failure among the failing accounts only', () => {
    const since = oldestFailureSince([
      account('111111111111', 'PASS', '2026-01-01T00:00:00Z'),
      account('222222222222', 'FAIL', '2026-11-20T00:00:00Z'),
      account('333333333333', 'ERROR', '2026-02-01T00:00:00Z'),
      account('444444444444', 'FAIL', '2026-11-18T08:30:00Z'),
    ]);
    expect(since?.toISO()).toBe('2026-11-18T08:30:00.000Z');
  });

  it('is undefined when no account fails', () => {
    expect(
      oldestFailureSince([
        account('111111111111', 'PASS', '2026-01-01T00:00:00Z'),
        account('333333333333', 'ERROR', '2026-02-01T00:00:00Z'),
      ]),
    ).toBeUndefined();
  });

  it('compares instants, not strings, across time zone offsets', () => {
    const since = oldestFailureSince([
      account('111111111111', 'FAIL', '2026-11-20T01:00:00+02:00'),
      account('222222222222', 'FAIL', '2026-11-19T23:30:00Z'),
    ]);
    expect(since?.toISO()).toBe('2026-11-19T23:00:00.000Z');
  });
});

describe('entityFacts', () => {
  it('a team with two failing accounts: FAIL, counts, age of the older failure', () => {
    expect(entityFacts(checkoutTeamResult, NOW)).toEqual({
      cisAwsVerdict: 'FAIL',
      cisAwsAccounts: 3,
      cisAwsFailingAccounts: 2,
      cisAwsErroringAccounts: 0,
      cisAwsUnknownAccounts: 0,
      cisAwsExemptAccounts: 0,
      cisAwsPendingAccounts: 0,
      // checkout-dev has failed since 2026-11-14T12:00Z: ten days
      cisAwsOldestFailureDays: 10,
      // The accounts a scorecard links, longest-failing first.
      cisAwsNotPassingAccountRefs: [
        'resource:default/aws-checkout-dev',
        'resource:default/aws-storefront-staging',
      ],
      cisAwsFailingAccountRefs: [
        'resource:default/aws-checkout-dev',
        'resource:default/aws-storefront-staging',
      ],
      // Detection, beside 2.4: storefront-prod passes 2.4 but alerts nobody (FAIL).
      cisAwsDetectionVerdict: 'FAIL',
      cisAwsDetectionFailingAccounts: 1,
      cisAwsDetectionErroringAccounts: 1,
      cisAwsDetectionNotEvaluatedAccounts: 0,
      cisAwsDetectionFailingChecks: ['3.3', '3.4', '3.5'],
      cisAwsDetectionFailingAccountRefs: [
        'resource:default/aws-storefront-prod',
        'resource:default/aws-storefront-staging',
      ],
    });
  });

  it('a system with an exempt and a pending account: no failure, age 0', () => {
    expect(entityFacts(paymentsSystemResult, NOW)).toEqual({
      cisAwsVerdict: 'EXEMPT',
      cisAwsAccounts: 3,
      cisAwsFailingAccounts: 0,
      cisAwsErroringAccounts: 0,
      cisAwsUnknownAccounts: 0,
      cisAwsExemptAccounts: 1,
      cisAwsPendingAccounts: 1,
      cisAwsOldestFailureDays: 0,
      cisAwsNotPassingAccountRefs: [],
      cisAwsFailingAccountRefs: [],
      cisAwsDetectionVerdict: 'NOT_EVALUATED',
      cisAwsDetectionFailingAccounts: 0,
      cisAwsDetectionErroringAccounts: 0,
      cisAwsDetectionNotEvaluatedAccounts: 3,
      cisAwsDetectionFailingChecks: [],
      cisAwsDetectionFailingAccountRefs: [],
    });
  });

  it('an entity mapped to no account: NOT_MAPPED and zeros', () => {
    expect(entityFacts(notMappedResult, NOW)).toEqual({
      cisAwsVerdict: 'NOT_MAPPED',
      cisAwsAccounts: 0,
      cisAwsFailingAccounts: 0,
      cisAwsErroringAccounts: 0,
      cisAwsUnknownAccounts: 0,
      cisAwsExemptAccounts: 0,
      cisAwsPendingAccounts: 0,
      cisAwsOldestFailureDays: 0,
      cisAwsNotPassingAccountRefs: [],
      cisAwsFailingAccountRefs: [],
      cisAwsDetectionVerdict: 'NOT_MAPPED',
      cisAwsDetectionFailingAccounts: 0,
      cisAwsDetectionErroringAccounts: 0,
      cisAwsDetectionNotEvaluatedAccounts: 0,
      cisAwsDetectionFailingChecks: [],
      cisAwsDetectionFailingAccountRefs: [],
    });
  });

  it('lists the accounts that do not pass worst first, then longest in their verdict, at most 50', () => {
    const result = entityResult('system:default/mixed', 'FAIL', [
      account('111111111111', 'UNKNOWN', '2026-11-01T00:00:00Z', 'unknown'),
      account('222222222222', 'FAIL', '2026-11-20T00:00:00Z', 'fail-new'),
      account('333333333333', 'ERROR', '2026-11-02T00:00:00Z', 'error'),
      account('444444444444', 'FAIL', '2026-11-10T00:00:00Z', 'fail-old'),
      account('555555555555', 'PASS', '2026-11-01T00:00:00Z', 'pass'),
    ]);
    const facts = entityFacts(result, NOW);
    expect(facts.cisAwsNotPassingAccountRefs).toEqual([
      'resource:default/fail-old',
      'resource:default/fail-new',
      'resource:default/error',
      'resource:default/unknown',
    ]);
    expect(facts.cisAwsFailingAccountRefs).toEqual([
      'resource:default/fail-old',
      'resource:default/fail-new',
    ]);
    const many = entityResult(
      'group:default/big',
      'FAIL',
      Array.from({ length: 60 }, (_, i) =>
        account(
          String(100000000000 + i),
          'FAIL',
          '2026-11-20T00:00:00Z',
          `a${i}`,
        ),
      ),
    );
    expect(entityFacts(many, NOW).cisAwsFailingAccountRefs).toHaveLength(50);
  });

  it('counts erroring and unknown accounts apart', () => {
    const result = entityResult('system:default/analytics', 'ERROR', [
      account('111111111111', 'ERROR', '2026-11-24T00:00:00Z'),
      account('222222222222', 'ERROR', '2026-11-23T00:00:00Z'),
      account('333333333333', 'UNKNOWN', '2026-11-23T00:00:00Z'),
    ]);
    expect(entityFacts(result, NOW)).toMatchObject({
      cisAwsVerdict: 'ERROR',
      cisAwsErroringAccounts: 2,
      cisAwsUnknownAccounts: 1,
      cisAwsFailingAccounts: 0,
    });
  });

  it('an entity whose accounts are all waiting for their first evaluation is PENDING', () => {
    const result = entityResult(
      'group:default/new-team',
      'PENDING',
      [],
      ['555555555555', '666666666666'],
    );
    expect(entityFacts(result, NOW)).toMatchObject({
      cisAwsVerdict: 'PENDING',
      cisAwsAccounts: 2,
      cisAwsPendingAccounts: 2,
    });
  });
});

describe('detectionFacts', () => {
  const since = '2026-11-01T00:00:00.000Z';
  const passing = (id: string) => account(id, 'PASS', since, `aws-${id}`);

  it('is the worst of the accounts: FAIL over ERROR over PASS over NOT_APPLICABLE', () => {
    const verdictOf = (
      ...verdicts: ('PASS' | 'FAIL' | 'ERROR' | 'NOT_APPLICABLE')[]
    ) =>
      detectionFacts(
        entityResult(
          'group:default/t',
          'PASS',
          verdicts.map((v, i) => withDetection(passing(`40000000000${i}`), v)),
        ),
      ).cisAwsDetectionVerdict;
    expect(verdictOf('PASS', 'ERROR', 'FAIL', 'NOT_APPLICABLE')).toBe('FAIL');
    expect(verdictOf('PASS', 'ERROR', 'NOT_APPLICABLE')).toBe('ERROR');
    expect(verdictOf('NOT_APPLICABLE', 'PASS')).toBe('PASS');
    expect(verdictOf('NOT_APPLICABLE')).toBe('NOT_APPLICABLE');
  });

  it('judges only the accounts that have a detection result, and counts the others', () => {
    const facts = detectionFacts(
      entityResult(
        'group:default/t',
        'PASS',
        [
          withDetection(passing('400000000001'), 'PASS'),
          passing('400000000002'),
        ],
        ['400000000003'],
      ),
    );
    expect(facts).toEqual({
      cisAwsDetectionVerdict: 'PASS',
      cisAwsDetectionFailingAccounts: 0,
      cisAwsDetectionErroringAccounts: 0,
      // one evaluated for 2.4 only, one not evaluated at all
      cisAwsDetectionNotEvaluatedAccounts: 2,
      cisAwsDetectionFailingChecks: [],
      cisAwsDetectionFailingAccountRefs: [],
    });
  });

  it('counts a stale ERROR as the ERROR it is now, its last definitive result aside', () => {
    const stale = withDetection(passing('400000000001'), 'ERROR', ['3.4']);
    stale.detection = {
      ...stale.detection!,
      stale: true,
      lastDefinitive: {
        verdict: 'PASS',
        failingChecks: [],
        evaluatedAt: '2026-11-23T11:00:00.000Z',
      },
    };
    expect(
      detectionFacts(entityResult('group:default/t', 'PASS', [stale])),
    ).toMatchObject({
      cisAwsDetectionVerdict: 'ERROR',
      cisAwsDetectionErroringAccounts: 1,
      cisAwsDetectionFailingChecks: ['3.4'],
      cisAwsDetectionFailingAccountRefs: ['resource:default/aws-400000000001'],
    });
  });

  it('lists FAIL before ERROR, then the longest failing, at most 50', () => {
    const accounts = [
      withDetection(passing('400000000001'), 'ERROR', ['3.3']),
      withDetection(
        passing('400000000002'),
        'FAIL',
        ['3.3'],
        '2026-11-20T00:00:00.000Z',
      ),
      withDetection(
        passing('400000000003'),
        'FAIL',
        ['3.3'],
        '2026-11-10T00:00:00.000Z',
      ),
      ...Array.from({ length: 60 }, (_, i) =>
        withDetection(passing(String(410000000000 + i)), 'ERROR', ['3.5']),
      ),
    ];
    const facts = detectionFacts(
      entityResult('group:default/t', 'PASS', accounts),
    );
    expect(facts.cisAwsDetectionFailingAccounts).toBe(2);
    expect(facts.cisAwsDetectionErroringAccounts).toBe(61);
    expect(facts.cisAwsDetectionFailingAccountRefs).toHaveLength(50);
    expect(facts.cisAwsDetectionFailingAccountRefs.slice(0, 3)).toEqual([
      'resource:default/aws-400000000003',
      'resource:default/aws-400000000002',
      'resource:default/aws-400000000001',
    ]);
    expect(facts.cisAwsDetectionFailingChecks).toEqual(['3.3', '3.5']);
  });
});

describe('parseEntityResult', () => {
  it('accepts a result of the cis-aws API', () => {
    const body = JSON.parse(JSON.stringify(checkoutTeamResult));
    expect(parseEntityResult(body)).toEqual(checkoutTeamResult);
  });

  it.each([
    ['not an object', '<html>Bad gateway</html>', /not a JSON object/],
    [
      'an unknown verdict',
      { ...checkoutTeamResult, verdict: 'RED' },
      /unknown verdict "RED"/,
    ],
    [
      'no accounts list',
      { ...checkoutTeamResult, accounts: undefined },
      /no accounts list/,
    ],
    [
      'an account without a valid verdictSince',
      {
        ...checkoutTeamResult,
        accounts: [{ ...checkoutTeamResult.accounts[0], verdictSince: 'soon' }],
      },
      /account #1 lacks/,
    ],
    [
      'an account with an unknown verdict',
      {
        ...checkoutTeamResult,
        accounts: [
          { ...checkoutTeamResult.accounts[0], verdict: 'NOT_MAPPED' },
        ],
      },
      /account #1 lacks/,
    ],
    [
      'an account with a detection summary of an unknown verdict',
      {
        ...checkoutTeamResult,
        accounts: [
          {
            ...checkoutTeamResult.accounts[0],
            detection: {
              verdict: 'RED',
              failingChecks: [],
              evaluatedAt: '2026-11-24T11:00:00.000Z',
            },
          },
        ],
      },
      /account #1 has a detection summary without/,
    ],
    [
      'an account with a detection summary without failing checks',
      {
        ...checkoutTeamResult,
        accounts: [
          {
            ...checkoutTeamResult.accounts[0],
            detection: {
              verdict: 'FAIL',
              evaluatedAt: '2026-11-24T11:00:00.000Z',
            },
          },
        ],
      },
      /account #1 has a detection summary without/,
    ],
    [
      'no pending account ids',
      { ...checkoutTeamResult, pendingAccountIds: [42] },
      /pending account ids/,
    ],
  ])('rejects a body with %s, naming the problem', (_what, body, message) => {
    expect(() => parseEntityResult(body)).toThrow(message);
  });
});
