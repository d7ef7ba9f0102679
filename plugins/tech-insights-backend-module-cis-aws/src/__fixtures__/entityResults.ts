import {
  AccountSummary,
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

/** The demo's checkout team: one healthy account, two failing since different days. */
export const checkoutTeamResult = entityResult(
  'group:default/checkout-team',
  'FAIL',
  [
    account(
      '407788990011',
      'FAIL',
      '2026-11-14T12:00:00.000Z',
      'aws-checkout-dev',
    ),
    account(
      '406677889900',
      'FAIL',
      '2026-11-22T06:00:00.000Z',
      'aws-storefront-staging',
    ),
    account(
      '405566778899',
      'PASS',
      '2026-11-01T00:00:00.000Z',
      'aws-storefront-prod',
    ),
  ],
);

/** The demo's payments system: a pass, an exempt account, and one not evaluated yet. */
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
