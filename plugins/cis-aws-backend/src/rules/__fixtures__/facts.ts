/**
 * Builders of plain facts for the rule tests: each returns a healthy, passing shape, and a test
 * overrides only what its rule is about.
 */
import type {
  AccountFacts,
  ApiError,
  ComplianceException,
  LogGroupFacts,
  RoleFacts,
  RolePermissionFacts,
  RoleTrustFacts,
  TrailFacts,
  TrailStatusFacts,
} from '@cis-aws/plugin-cis-aws-common';
import type { TrailEvaluationContext } from '../trailContext';

export const NOW = new Date('2024-06-01T12:00:00.000Z');
export const HOUR_MS = 60 * 60 * 1000;
export const ACCOUNT = '111111111111';
export const MANAGEMENT_ACCOUNT = '999999999999';
export const REGION = 'us-east-1';
export const LOG_GROUP_NAME = 'CloudTrail/Default';
export const LOG_GROUP_ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP_NAME}:*`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role`;

export function trailArn(
  name: string,
  account = ACCOUNT,
  region = REGION,
): string {
  return `arn:aws:cloudtrail:${region}:${account}:trail/${name}`;
}

/** An ISO time `ms` milliseconds before NOW. */
export function before(ms: number): string {
  return new Date(NOW.getTime() - ms).toISOString();
}

export function anApiError(overrides: Partial<ApiError> = {}): ApiError {
  return {
    operation: 'cloudtrail:GetTrailStatus',
    region: REGION,
    code: 'AccessDeniedException',
    message: 'User is not authorized to perform this action',
    ...overrides,
  };
}

export function aReadStatus(
  overrides: Partial<Extract<TrailStatusFacts, { state: 'READ' }>> = {},
): TrailStatusFacts {
  return {
    state: 'READ',
    region: REGION,
    isLogging: true,
    latestCloudWatchLogsDeliveryTime: before(5 * 60 * 1000),
    latestCloudWatchLogsDeliveryError: null,
    latestDeliveryTime: before(10 * 60 * 1000),
    latestDeliveryError: null,
    ...overrides,
  };
}

export function aFoundLogGroup(
  overrides: Partial<Extract<LogGroupFacts, { state: 'FOUND' }>> = {},
): LogGroupFacts {
  return {
    state: 'FOUND',
    arn: LOG_GROUP_ARN,
    accountId: ACCOUNT,
    region: REGION,
    name: LOG_GROUP_NAME,
    retentionInDays: 365,
    ...overrides,
  };
}

export function aTrust(
  overrides: Partial<RoleTrustFacts> = {},
): RoleTrustFacts {
  return {
    allowsCloudTrail: 'ALLOWED',
    hasSourceConditions: false,
    details: 'statement 1 lets CloudTrail assume the role',
    document: '{"Version":"2012-10-17","Statement":[]}',
    ...overrides,
  };
}

export function aPermission(
  overrides: Partial<Extract<RolePermissionFacts, { state: 'DECIDED' }>> = {},
): RolePermissionFacts {
  return {
    state: 'DECIDED',
    decision: 'ALLOWED',
    decidedBy: 'SIMULATION',
    details: 'allowed',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP_NAME}:log-stream:${ACCOUNT}_CloudTrail_${REGION}*`,
    ],
    policies: [],
    ...overrides,
  };
}

export function aFoundRole(
  overrides: Partial<Extract<RoleFacts, { state: 'FOUND' }>> = {},
): RoleFacts {
  return {
    state: 'FOUND',
    arn: ROLE_ARN,
    accountId: ACCOUNT,
    region: '',
    name: 'CloudTrail_CloudWatchLogs_Role',
    trust: aTrust(),
    permission: aPermission(),
    ...overrides,
  };
}

/** A trail of ACCOUNT, logging, delivering five minutes ago, with a working role. */
export function aHealthyTrail(overrides: Partial<TrailFacts> = {}): TrailFacts {
  return {
    arn: trailArn('main'),
    name: 'main',
    seenFromAccountId: ACCOUNT,
    ownerAccountId: ACCOUNT,
    homeRegion: REGION,
    isMultiRegion: true,
    isOrganizationTrail: false,
    logGroupArn: LOG_GROUP_ARN,
    roleArn: ROLE_ARN,
    status: aReadStatus(),
    logGroup: aFoundLogGroup(),
    role: aFoundRole(),
    apiErrors: [],
    ...overrides,
  };
}

/** An organization trail of MANAGEMENT_ACCOUNT as a member account (ACCOUNT) sees it. */
export function anOrganizationTrailSeenFromMember(
  overrides: Partial<TrailFacts> = {},
): TrailFacts {
  return aHealthyTrail({
    arn: trailArn('org', MANAGEMENT_ACCOUNT),
    name: 'org',
    ownerAccountId: MANAGEMENT_ACCOUNT,
    isOrganizationTrail: true,
    logGroupArn: `arn:aws:logs:${REGION}:${MANAGEMENT_ACCOUNT}:log-group:org-trail:*`,
    roleArn: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/org-trail-logs`,
    status: {
      state: 'HIDDEN',
      error: anApiError({ code: 'TrailNotFoundException' }),
    },
    logGroup: { state: 'NOT_CHECKED', why: 'OTHER_ACCOUNT' },
    role: { state: 'NOT_CHECKED', why: 'OTHER_ACCOUNT' },
    ...overrides,
  });
}

export function aContext(
  overrides: Partial<TrailEvaluationContext> = {},
): TrailEvaluationContext {
  return {
    now: NOW,
    maxDeliveryAgeMs: 24 * HOUR_MS,
    inScopeAccountIds: new Set([ACCOUNT]),
    ...overrides,
  };
}

export function anAccount(overrides: Partial<AccountFacts> = {}): AccountFacts {
  return {
    accountId: ACCOUNT,
    partition: 'aws',
    regionsScanned: [REGION, 'eu-west-1'],
    regionsSkipped: ['af-south-1'],
    regionsFailed: [],
    inventoryErrors: [],
    trails: [aHealthyTrail()],
    collectedAt: before(60 * 1000),
    ...overrides,
  };
}

export function anException(
  overrides: Partial<ComplianceException> = {},
): ComplianceException {
  return {
    id: 'exc-1',
    accountId: ACCOUNT,
    reason: 'Sandbox account being decommissioned',
    state: 'APPROVED',
    approvedBy: 'user:default/security-lead',
    approvedAt: before(7 * 24 * HOUR_MS),
    createdAt: before(7 * 24 * HOUR_MS),
    expiresAt: new Date(NOW.getTime() + 30 * 24 * HOUR_MS).toISOString(),
    ticketUrl: 'https://tickets.example.com/SEC-42',
    ...overrides,
  };
}
