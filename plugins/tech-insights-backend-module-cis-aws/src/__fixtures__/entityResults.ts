import {
  AccountSummary,
  DetectionSummary,
  EntityResultResponse,
  EntityVerdictValue,
  Verdict,
} from '@cis-aws/plugin-cis-aws-common';

/**
 * One account as the cis-aws API lists it. A failing account's episode starts
 * at `verdictSince` unless `failingSince` says otherwise (null: none open).
 */
export function account(
  accountId: string,
  verdict: Verdict,
  verdictSince: string,
  entityName = `aws-${accountId}`,
  failingSince: string | null = verdict === 'FAIL' ? verdictSince : null,
): AccountSummary {
  return {
    ...(failingSince ? { failingSince } : {}),
    accountId,
    entityRef: `resource:default/${entityName}`,
    title: entityName,
    verdict,
    evaluatedAt: '2026-11-24T11:00:00.000Z',
    verdictSince,
    stale: false,
    trailReasons: verdict === 'FAIL' ? ['ROLE_CANNOT_WRITE'] : [],
  };
}

/** The account with a detection summary (control `cis-3.x-detection`), as the API lists it. */
export function withDetection(
  summary: AccountSummary,
  verdict: DetectionSummary['verdict'],
  failingChecks: DetectionSummary['failingChecks'] = [],
  failingSince?: string,
): AccountSummary {
  const reasons = { FAIL: 'NO_FILTER', ERROR: 'API_ERROR' } as const;
  return {
    ...summary,
    detection: {
      verdict,
      ...(verdict === 'FAIL' || verdict === 'ERROR'
        ? { reason: reasons[verdict] }
        : {}),
      failingChecks,
      ...(failingSince ? { failingSince } : {}),
      evaluatedAt: '2026-11-24T11:00:00.000Z',
    },
  };
}

/** An entity's result with counts made from its accounts, as the API makes them. */
export function entityResult(
  entityRef: string,
  verdict: EntityResultResponse['verdict'],
  accounts: AccountSummary[],
  pendingAccountIds: string[] = [],
): EntityResultResponse {
  const counts: Record<EntityVerdictValue, number> = {
    PASS: 0,
    FAIL: 0,
    ERROR: 0,
    UNKNOWN: 0,
    EXEMPT: 0,
    NOT_MAPPED: verdict === 'NOT_MAPPED' ? 1 : 0,
  };
  accounts.forEach(a => counts[a.verdict]++);
  return {
    entityRef,
    verdict,
    counts,
    accounts,
    accountCount: accounts.length,
    offset: 0,
    limit: 50,
    pendingAccountIds,
    problems: [],
  };
}

/**
 * The demo's checkout team: one healthy account, two failing since different days. Detection:
 * the healthy one alerts nobody on root use and CloudTrail changes (FAIL), staging's alarms
 * could not be read (ERROR), dev has no integrated trail
 * (NOT_APPLICABLE).
 */
export const checkoutTeamResult = entityResult(
  'group:default/checkout-team',
  'FAIL',
  [
    withDetection(
      account(
        '407788990011',
        'FAIL',
        '2026-11-14T12:00:00.000Z',
        'aws-checkout-dev',
      ),
      'NOT_APPLICABLE',
    ),
    withDetection(
      account(
        '406677889900',
        'FAIL',
        '2026-11-22T06:00:00.000Z',
        'aws-storefront-staging',
      ),
      'ERROR',
      ['3.4'],
    ),
    withDetection(
      account(
        '405566778899',
        'PASS',
        '2026-11-01T00:00:00.000Z',
        'aws-storefront-prod',
      ),
      'FAIL',
      ['3.5', '3.3'],
      '2026-11-20T00:00:00.000Z',
    ),
  ],
);

/**
 * The demo's payments system: a pass, an exempt account, and one not evaluated yet; detection
 * not evaluated for any of them (as with `cisAws.detection.enabled: false`).
 */
export const paymentsSystemResult = entityResult(
  'system:default/payments',
  'EXEMPT',
  [
    account(
      '403344556677',
      'PASS',
      '2026-11-01T00:00:00.000Z',
      'aws-payments-prod',
    ),
    account(
      '404455667788',
      'EXEMPT',
      '2026-11-10T00:00:00.000Z',
      'aws-payments-staging',
    ),
  ],
  ['411122334455'],
);

/** A team that owns no AWS account. */
export const notMappedResult = entityResult(
  'group:default/design-team',
  'NOT_MAPPED',
  [],
);
