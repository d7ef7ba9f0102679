import { TimeSpec } from './time';

/**
 * The normalized world. Every shorthand of the world file is expanded here
 * (a trail's `logGroup: name` becomes `logGroupArn`, `trustedServices`
 * becomes an `assumeRolePolicyDocument`, ...). A normalized world is itself a
 * valid world file, which is what `GET /__admin/world` returns.
 */

export const SERVICE_NAMES = [
  'sts',
  'iam',
  'cloudtrail',
  'logs',
  'securityhub',
  'organizations',
  'cloudwatch',
  'sns',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, unknown>;
}

export interface PolicyDocument {
  Version: string;
  Id?: string;
  Statement: PolicyStatement[];
}

export interface RoleSpec {
  name: string;
  path: string;
  description?: string;
  createDate: TimeSpec;
  maxSessionDuration: number;
  assumeRolePolicyDocument: PolicyDocument;
  /** Inline policies by name. */
  inlinePolicies: Record<string, PolicyDocument>;
  /** ARNs of attached managed policies (customer or AWS managed). */
  attachedPolicies: string[];
}

export interface ManagedPolicySpec {
  name: string;
  path: string;
  description?: string;
  createDate: TimeSpec;
  updateDate: TimeSpec;
  document: PolicyDocument;
}

export interface MetricFilterSpec {
  name: string;
  pattern: string;
  metricName: string;
  metricNamespace: string;
  metricValue: string;
  creationTime: TimeSpec;
}

export interface LogGroupSpec {
  name: string;
  region: string;
  retentionInDays: number | null;
  storedBytes: number;
  creationTime: TimeSpec;
  kmsKeyId: string | null;
  metricFilters: MetricFilterSpec[];
}

export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export const COMPARISON_OPERATORS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
] as const;

/** A CloudWatch metric alarm on one metric (name and namespace). */
export interface AlarmSpec {
  name: string;
  region: string;
  metricName: string;
  namespace: string;
  statistic: string;
  period: number;
  evaluationPeriods: number;
  threshold: number;
  comparisonOperator: (typeof COMPARISON_OPERATORS)[number];
  actionsEnabled: boolean;
  /** Action ARNs; in the world file a bare name is an SNS topic of the alarm's account and region. */
  alarmActions: string[];
  stateValue: (typeof ALARM_STATES)[number];
  stateUpdatedTimestamp: TimeSpec;
}

export interface SnsSubscriptionSpec {
  protocol: string;
  endpoint: string;
  /** Unconfirmed subscriptions are listed with SubscriptionArn `PendingConfirmation`. */
  confirmed: boolean;
}

export interface SnsTopicSpec {
  name: string;
  region: string;
  subscriptions: SnsSubscriptionSpec[];
}

export interface TrailStatusSpec {
  isLogging: boolean;
  startLoggingTime: TimeSpec | null;
  stopLoggingTime: TimeSpec | null;
  latestDeliveryTime: TimeSpec | null;
  latestDeliveryError: string | null;
  latestCloudWatchLogsDeliveryTime: TimeSpec | null;
  latestCloudWatchLogsDeliveryError: string | null;
  latestDigestDeliveryTime: TimeSpec | null;
}

export interface EventSelectorSpec {
  readWriteType: 'All' | 'ReadOnly' | 'WriteOnly';
  includeManagementEvents: boolean;
  excludeManagementEventSources: string[];
  dataResources: Array<{ type: string; values: string[] }>;
}

export interface TrailSpec {
  name: string;
  homeRegion: string;
  multiRegion: boolean;
  organization: boolean;
  s3BucketName: string;
  s3KeyPrefix: string | null;
  snsTopicName: string | null;
  kmsKeyId: string | null;
  includeGlobalServiceEvents: boolean;
  logFileValidation: boolean;
  logGroupArn: string | null;
  roleArn: string | null;
  status: TrailStatusSpec;
  /** null: the AWS default (all management events, read and write). */
  eventSelectors: EventSelectorSpec[] | null;
}

export const ACCOUNT_STATES = [
  'ACTIVE',
  'SUSPENDED',
  'PENDING_CLOSURE',
  'CLOSED',
] as const;

export interface AccountSpec {
  id: string;
  name: string;
  email: string;
  /**
   * The account's state in Organizations (its `State`). `Status`, the older
   * field, says SUSPENDED for a CLOSED account, as AWS does.
   */
  status: (typeof ACCOUNT_STATES)[number];
  joinedMethod: 'CREATED' | 'INVITED';
  joinedTimestamp: TimeSpec;
  tags: Record<string, string>;
  organizationMember: boolean;
  /** Can the caller assume this account's reader role? */
  assumable: boolean;
  optInRegions: string[];
  roles: RoleSpec[];
  managedPolicies: ManagedPolicySpec[];
  logGroups: LogGroupSpec[];
  trails: TrailSpec[];
  alarms: AlarmSpec[];
  snsTopics: SnsTopicSpec[];
}

export const FINDING_STATUSES = [
  'PASSED',
  'FAILED',
  'WARNING',
  'NOT_AVAILABLE',
] as const;
export const RECORD_STATES = ['ACTIVE', 'ARCHIVED'] as const;
export const WORKFLOW_STATUSES = [
  'NEW',
  'NOTIFIED',
  'RESOLVED',
  'SUPPRESSED',
] as const;
export const SEVERITY_LABELS = [
  'INFORMATIONAL',
  'LOW',
  'MEDIUM',
  'HIGH',
  'CRITICAL',
] as const;

export interface FindingSpec {
  id: string;
  account: string;
  trailArn: string;
  region: string;
  status: (typeof FINDING_STATUSES)[number];
  recordState: (typeof RECORD_STATES)[number];
  workflowStatus: (typeof WORKFLOW_STATUSES)[number];
  severity: (typeof SEVERITY_LABELS)[number];
  createdAt: TimeSpec;
  updatedAt: TimeSpec;
  /** null: a legacy (GovCloud / China style) CIS 1.2 finding without SecurityControlId. */
  controlId: string | null;
}

export type RateLimitScope = 'account' | 'account-region';

export interface RateLimitRule {
  ratePerSecond: number;
  burst: number;
  scope: RateLimitScope;
}

export interface RateLimitConfig {
  enabled: boolean;
  services: Record<ServiceName, RateLimitRule>;
}

export interface WorldSpec {
  partition: string;
  regions: string[];
  optInRegions: string[];
  callerAccount: string;
  readerRoleName: string;
  organization: { id: string; managementAccount: string } | null;
  securityHub: {
    administratorAccount: string | null;
    aggregationRegion: string | null;
  };
  behaviour: { listTrails: 'account' | 'region' };
  rateLimits: RateLimitConfig;
  awsManagedPolicies: ManagedPolicySpec[];
  accounts: AccountSpec[];
  securityHubFindings: FindingSpec[];
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  enabled: true,
  services: {
    cloudtrail: { ratePerSecond: 10, burst: 10, scope: 'account-region' },
    securityhub: { ratePerSecond: 3, burst: 3, scope: 'account' },
    iam: { ratePerSecond: 20, burst: 20, scope: 'account' },
    sts: { ratePerSecond: 600, burst: 600, scope: 'account' },
    logs: { ratePerSecond: 100, burst: 200, scope: 'account-region' },
    organizations: { ratePerSecond: 50, burst: 100, scope: 'account' },
    cloudwatch: { ratePerSecond: 9, burst: 20, scope: 'account-region' },
    sns: { ratePerSecond: 30, burst: 30, scope: 'account-region' },
  },
};

export const DEFAULT_READER_ROLE = 'CisAwsReader';
export const POLICY_VERSION = '2012-10-17';
