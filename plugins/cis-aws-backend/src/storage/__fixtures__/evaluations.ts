/**
 * Builders of minimal, valid results for the storage tests: each returns a passing shape and a
 * test overrides only what it is about.
 */
import type {
  AccountEvaluation,
  AccountMapping,
  TrailEvaluation,
  TrailFacts,
  TrailStatusFacts,
  Verdict,
} from '@cis-aws/plugin-cis-aws-common';

export const REGION = 'us-east-1';

/** A 12-digit account id from a small number: 1 → 000000000001. */
export function accountId(n: number): string {
  return String(n).padStart(12, '0');
}

export function trailArn(account: string, name = 'main'): string {
  return `arn:aws:cloudtrail:${REGION}:${account}:trail/${name}`;
}

/** An ISO time `minutes` after 2026-01-01T00:00:00Z. */
export function at(minutes: number): string {
  return new Date(Date.UTC(2026, 0, 1) + minutes * 60_000).toISOString();
}

export function aReadStatus(
  deliveredAt: string | null = at(0),
): TrailStatusFacts {
  return {
    state: 'READ',
    region: REGION,
    isLogging: true,
    latestCloudWatchLogsDeliveryTime: deliveredAt,
    latestCloudWatchLogsDeliveryError: null,
    latestDeliveryTime: deliveredAt,
    latestDeliveryError: null,
  };
}

export function aTrailFacts(
  arn: string,
  overrides: Partial<TrailFacts> = {},
): TrailFacts {
  const owner = arn.split(':')[4];
  return {
    arn,
    name: arn.split('/').pop() ?? 'main',
    seenFromAccountId: owner,
    ownerAccountId: owner,
    homeRegion: REGION,
    isMultiRegion: true,
    isOrganizationTrail: false,
    logGroupArn: `arn:aws:logs:${REGION}:${owner}:log-group:CloudTrail/Default:*`,
    roleArn: `arn:aws:iam::${owner}:role/CloudTrail_CloudWatchLogs_Role`,
    status: aReadStatus(),
    logGroup: {
      state: 'FOUND',
      arn: `arn:aws:logs:${REGION}:${owner}:log-group:CloudTrail/Default`,
      accountId: owner,
      region: REGION,
      name: 'CloudTrail/Default',
      retentionInDays: 365,
    },
    role: { state: 'NOT_CHECKED', why: 'OTHER_ACCOUNT' },
    apiErrors: [],
    ...overrides,
  };
}

const TRAIL_REASONS = {
  PASS: undefined,
  FAIL: 'DELIVERY_STALE',
  ERROR: 'API_ERROR',
  UNKNOWN: 'FOREIGN_ORG_TRAIL',
  EXEMPT: 'EXCEPTION',
} as const;

export function aTrail(
  arn: string,
  verdict: Verdict = 'PASS',
  overrides: Partial<TrailEvaluation> = {},
): TrailEvaluation {
  const reason = TRAIL_REASONS[verdict];
  return {
    trailArn: arn,
    verdict,
    reason,
    underlyingVerdict: verdict,
    underlyingReason: reason,
    warnings: [],
    facts: aTrailFacts(arn),
    ...overrides,
  };
}

const ACCOUNT_REASONS = {
  PASS: undefined,
  FAIL: 'TRAIL_FAILED',
  ERROR: 'INCOMPLETE_INVENTORY',
  UNKNOWN: 'TRAIL_UNDETERMINED',
  EXEMPT: 'EXCEPTION',
} as const;

/**
 * An account evaluation with the given verdict, evaluated at `at(minute)`, with one trail of the
 * same verdict unless `trails` says otherwise.
 */
export function anEvaluation(
  account: string,
  verdict: Verdict = 'PASS',
  options: {
    minute?: number;
    trails?: TrailEvaluation[];
  } & Partial<AccountEvaluation> = {},
): AccountEvaluation {
  const { minute = 0, trails, ...overrides } = options;
  const evaluatedAt = at(minute);
  return {
    accountId: account,
    verdict,
    reason: ACCOUNT_REASONS[verdict],
    underlyingVerdict: verdict,
    underlyingReason: ACCOUNT_REASONS[verdict],
    trails: trails ?? [
      aTrail(trailArn(account), verdict === 'EXEMPT' ? 'FAIL' : verdict),
    ],
    warnings: [],
    evaluatedAt,
    exceptions: [],
    inventory: {
      accountId: account,
      partition: 'aws',
      regionsScanned: [REGION],
      regionsSkipped: [],
      regionsFailed: [],
      inventoryErrors: [],
      collectedAt: evaluatedAt,
    },
    ...overrides,
  };
}

export function aMapping(
  account: string,
  overrides: Partial<AccountMapping> = {},
): AccountMapping {
  return {
    accountId: account,
    entityRef: `resource:default/aws-${account}`,
    title: `Account ${account}`,
    ownerRef: 'group:default/platform',
    systemRef: 'system:default/payments',
    ...overrides,
  };
}
