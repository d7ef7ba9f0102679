/**
 * CIS AWS Foundations v1.2 section 3 — "ensure a log metric filter and alarm exist for …" — as
 * data: each check's benchmark pattern (as the benchmark and Security Hub's CloudWatch.1–14
 * write it) and the canonical CloudTrail events a pattern must match and must not match. A
 * pattern is judged by what it does with these events, never by its text
 * (docs: detection-content.md).
 */

export const DETECTION_CHECK_IDS = [
  '3.1',
  '3.2',
  '3.3',
  '3.4',
  '3.5',
  '3.6',
  '3.7',
  '3.8',
  '3.9',
  '3.10',
  '3.11',
  '3.12',
  '3.13',
  '3.14',
] as const;
export type DetectionCheckId = (typeof DETECTION_CHECK_IDS)[number];

/** The seed runbook's minimum operational baseline: root use, IAM policy and CloudTrail changes. */
export const BASELINE_DETECTION_CHECKS: readonly DetectionCheckId[] = [
  '3.3',
  '3.4',
  '3.5',
];

/** A CloudTrail event as it arrives in the log group (one JSON log event). */
export interface CanonicalEvent {
  /** Stable within its check, e.g. `StopLogging` or `root-console-sign-in`. */
  id: string;
  description: string;
  event: Record<string, unknown>;
}

export interface DetectionCheck {
  id: DetectionCheckId;
  /** Security Hub's control for the same recommendation. */
  securityHubControl: string;
  title: string;
  /** The pattern the benchmark's remediation creates. */
  benchmarkPattern: string;
  /** A metric name for the remediation (the benchmark leaves it to the user). */
  suggestedMetricName: string;
  /** Events the filter must match: every event name the benchmark lists. */
  mustMatch: CanonicalEvent[];
  /** Events it must not match: reads, the same event by an AWS service, unrelated calls. */
  mustNotMatch: CanonicalEvent[];
}

const ACCOUNT = '111122223333';
const USER = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEUSERID0001',
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  accountId: ACCOUNT,
  userName: 'alice',
};
const ROOT = {
  type: 'Root',
  principalId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  accountId: ACCOUNT,
};

/** A management event as CloudTrail records it, with `overrides` on top. */
function cloudTrailEvent(
  eventSource: string,
  eventName: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: USER,
    eventTime: '2026-01-15T10:00:00Z',
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: null,
    responseElements: null,
    requestID: '0b0c4e6a-0000-4000-8000-000000000001',
    eventID: '7a1c9d2e-0000-4000-8000-000000000001',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...overrides,
  };
}

/** One must-match event per event name the benchmark lists. */
function byName(source: string, names: readonly string[]): CanonicalEvent[] {
  return names.map(name => ({
    id: name,
    description: `${name} by an IAM user`,
    event: cloudTrailEvent(source, name),
  }));
}

function reads(source: string, names: readonly string[]): CanonicalEvent[] {
  return names.map(name => ({
    id: name,
    description: `${name}, a read-only call`,
    event: cloudTrailEvent(source, name, { readOnly: true }),
  }));
}

/** `{ ($.eventName = A) || ($.eventName = B) … }`, as the benchmark writes its lists. */
function eventNamePattern(names: readonly string[]): string {
  return `{ ${names.map(n => `($.eventName = ${n})`).join(' || ')} }`;
}

/** `{ ($.eventSource = s) && (($.eventName = A) || …) }`. */
function sourceAndNamesPattern(
  source: string,
  names: readonly string[],
): string {
  return `{ ($.eventSource = ${source}) && (${names
    .map(n => `($.eventName = ${n})`)
    .join(' || ')}) }`;
}

export const IAM_POLICY_EVENT_NAMES = [
  'DeleteGroupPolicy',
  'DeleteRolePolicy',
  'DeleteUserPolicy',
  'PutGroupPolicy',
  'PutRolePolicy',
  'PutUserPolicy',
  'CreatePolicy',
  'DeletePolicy',
  'CreatePolicyVersion',
  'DeletePolicyVersion',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'AttachGroupPolicy',
  'DetachGroupPolicy',
] as const;

export const CLOUDTRAIL_CHANGE_EVENT_NAMES = [
  'CreateTrail',
  'UpdateTrail',
  'DeleteTrail',
  'StartLogging',
  'StopLogging',
] as const;

const KMS_EVENT_NAMES = ['DisableKey', 'ScheduleKeyDeletion'] as const;
const S3_POLICY_EVENT_NAMES = [
  'PutBucketAcl',
  'PutBucketPolicy',
  'PutBucketCors',
  'PutBucketLifecycle',
  'PutBucketReplication',
  'DeleteBucketPolicy',
  'DeleteBucketCors',
  'DeleteBucketLifecycle',
  'DeleteBucketReplication',
] as const;
const CONFIG_EVENT_NAMES = [
  'StopConfigurationRecorder',
  'DeleteDeliveryChannel',
  'PutDeliveryChannel',
  'PutConfigurationRecorder',
] as const;
const SECURITY_GROUP_EVENT_NAMES = [
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
  'CreateSecurityGroup',
  'DeleteSecurityGroup',
] as const;
const NACL_EVENT_NAMES = [
  'CreateNetworkAcl',
  'CreateNetworkAclEntry',
  'DeleteNetworkAcl',
  'DeleteNetworkAclEntry',
  'ReplaceNetworkAclEntry',
  'ReplaceNetworkAclAssociation',
] as const;
const GATEWAY_EVENT_NAMES = [
  'CreateCustomerGateway',
  'DeleteCustomerGateway',
  'AttachInternetGateway',
  'CreateInternetGateway',
  'DeleteInternetGateway',
  'DetachInternetGateway',
] as const;
const ROUTE_TABLE_EVENT_NAMES = [
  'CreateRoute',
  'CreateRouteTable',
  'ReplaceRoute',
  'ReplaceRouteTableAssociation',
  'DeleteRouteTable',
  'DeleteRoute',
  'DisassociateRouteTable',
] as const;
const VPC_EVENT_NAMES = [
  'CreateVpc',
  'DeleteVpc',
  'ModifyVpcAttribute',
  'AcceptVpcPeeringConnection',
  'CreateVpcPeeringConnection',
  'DeleteVpcPeeringConnection',
  'RejectVpcPeeringConnection',
  'AttachClassicLinkVpc',
  'DetachClassicLinkVpc',
  'DisableVpcClassicLink',
  'EnableVpcClassicLink',
] as const;

const SIGN_IN = 'signin.amazonaws.com';
function consoleLogin(
  outcome: 'Success' | 'Failure',
  mfaUsed: 'Yes' | 'No',
): Record<string, unknown> {
  return cloudTrailEvent(SIGN_IN, 'ConsoleLogin', {
    eventType: 'AwsConsoleSignIn',
    userAgent: 'Mozilla/5.0',
    responseElements: { ConsoleLogin: outcome },
    additionalEventData: {
      LoginTo: 'https://console.aws.amazon.com/console/home',
      MobileVersion: 'No',
      MFAUsed: mfaUsed,
    },
    ...(outcome === 'Failure' ? { errorMessage: 'Failed authentication' } : {}),
  });
}

export const DETECTION_CHECKS: readonly DetectionCheck[] = [
  {
    id: '3.1',
    securityHubControl: 'CloudWatch.2',
    title: 'Unauthorized API calls',
    benchmarkPattern:
      '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    suggestedMetricName: 'UnauthorizedAPICalls',
    mustMatch: [
      {
        id: 'ec2-unauthorized-operation',
        description: 'an EC2 call refused with Client.UnauthorizedOperation',
        event: cloudTrailEvent('ec2.amazonaws.com', 'RunInstances', {
          errorCode: 'Client.UnauthorizedOperation',
          errorMessage: 'You are not authorized to perform this operation.',
        }),
      },
      {
        id: 's3-access-denied',
        description: 'an S3 call refused with AccessDenied',
        event: cloudTrailEvent('s3.amazonaws.com', 'GetBucketPolicy', {
          errorCode: 'AccessDenied',
          errorMessage: 'Access Denied',
        }),
      },
      {
        id: 'iam-access-denied-exception',
        description: 'an IAM call refused with AccessDeniedException',
        event: cloudTrailEvent('iam.amazonaws.com', 'CreateUser', {
          errorCode: 'AccessDeniedException',
        }),
      },
    ],
    mustNotMatch: [
      {
        id: 'successful-call',
        description: 'a call that succeeded',
        event: cloudTrailEvent('ec2.amazonaws.com', 'RunInstances'),
      },
      {
        id: 'throttled-call',
        description: 'a call refused for another reason (throttling)',
        event: cloudTrailEvent('ec2.amazonaws.com', 'DescribeInstances', {
          errorCode: 'Client.RequestLimitExceeded',
          readOnly: true,
        }),
      },
    ],
  },
  {
    id: '3.2',
    securityHubControl: 'CloudWatch.3',
    title: 'Management Console sign-in without MFA',
    benchmarkPattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
    suggestedMetricName: 'ConsoleSigninWithoutMFA',
    mustMatch: [
      {
        id: 'console-sign-in-without-mfa',
        description: 'a successful console sign-in of an IAM user without MFA',
        event: consoleLogin('Success', 'No'),
      },
    ],
    mustNotMatch: [
      {
        id: 'console-sign-in-with-mfa',
        description: 'a console sign-in with MFA',
        event: consoleLogin('Success', 'Yes'),
      },
      {
        id: 'api-call',
        description: 'an API call, not a sign-in',
        event: cloudTrailEvent('sts.amazonaws.com', 'GetCallerIdentity', {
          readOnly: true,
        }),
      },
    ],
  },
  {
    id: '3.3',
    securityHubControl: 'CloudWatch.1',
    title: 'Usage of the root user',
    benchmarkPattern:
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    suggestedMetricName: 'RootAccountUsage',
    mustMatch: [
      {
        id: 'root-console-sign-in',
        description: 'the root user signs in to the console',
        event: cloudTrailEvent(SIGN_IN, 'ConsoleLogin', {
          userIdentity: ROOT,
          eventType: 'AwsConsoleSignIn',
          responseElements: { ConsoleLogin: 'Success' },
          additionalEventData: { MFAUsed: 'Yes' },
        }),
      },
      {
        id: 'root-api-call',
        description: 'the root user calls an API (creates an access key)',
        event: cloudTrailEvent('iam.amazonaws.com', 'CreateAccessKey', {
          userIdentity: ROOT,
        }),
      },
    ],
    mustNotMatch: [
      {
        id: 'root-call-by-aws-service',
        description: 'an AWS service acting for the root user (invokedBy set)',
        event: cloudTrailEvent('s3.amazonaws.com', 'PutObject', {
          userIdentity: { ...ROOT, invokedBy: 'cloudtrail.amazonaws.com' },
          sourceIPAddress: 'cloudtrail.amazonaws.com',
        }),
      },
      {
        id: 'aws-service-event',
        description: 'an AwsServiceEvent recorded against the root identity',
        event: cloudTrailEvent('kms.amazonaws.com', 'RotateKey', {
          userIdentity: ROOT,
          eventType: 'AwsServiceEvent',
        }),
      },
      {
        id: 'iam-user-call',
        description: 'the same API call by an IAM user',
        event: cloudTrailEvent('iam.amazonaws.com', 'CreateAccessKey'),
      },
    ],
  },
  {
    id: '3.4',
    securityHubControl: 'CloudWatch.4',
    title: 'IAM policy changes',
    benchmarkPattern: `{${IAM_POLICY_EVENT_NAMES.map(
      n => `($.eventName=${n})`,
    ).join('||')}}`,
    suggestedMetricName: 'IAMPolicyEventCount',
    mustMatch: byName('iam.amazonaws.com', IAM_POLICY_EVENT_NAMES),
    mustNotMatch: reads('iam.amazonaws.com', [
      'GetPolicy',
      'GetPolicyVersion',
      'ListAttachedRolePolicies',
      'GetRolePolicy',
    ]),
  },
  {
    id: '3.5',
    securityHubControl: 'CloudWatch.5',
    title: 'CloudTrail configuration changes',
    benchmarkPattern: eventNamePattern(CLOUDTRAIL_CHANGE_EVENT_NAMES),
    suggestedMetricName: 'CloudTrailEventCount',
    mustMatch: byName(
      'cloudtrail.amazonaws.com',
      CLOUDTRAIL_CHANGE_EVENT_NAMES,
    ),
    mustNotMatch: reads('cloudtrail.amazonaws.com', [
      'DescribeTrails',
      'GetTrailStatus',
      'LookupEvents',
    ]),
  },
  {
    id: '3.6',
    securityHubControl: 'CloudWatch.6',
    title: 'Management Console authentication failures',
    benchmarkPattern:
      '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    suggestedMetricName: 'ConsoleSigninFailureCount',
    mustMatch: [
      {
        id: 'console-authentication-failure',
        description: 'a console sign-in that failed authentication',
        event: consoleLogin('Failure', 'No'),
      },
    ],
    mustNotMatch: [
      {
        id: 'console-sign-in-with-mfa',
        description: 'a successful console sign-in',
        event: consoleLogin('Success', 'Yes'),
      },
      {
        id: 'console-sign-in-without-mfa',
        description:
          'a successful console sign-in without MFA (3.2, not a failure)',
        event: consoleLogin('Success', 'No'),
      },
    ],
  },
  {
    id: '3.7',
    securityHubControl: 'CloudWatch.7',
    title: 'Disabling or scheduled deletion of customer managed keys',
    benchmarkPattern:
      '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }',
    suggestedMetricName: 'DisableOrDeleteCMKEventCount',
    mustMatch: byName('kms.amazonaws.com', KMS_EVENT_NAMES),
    mustNotMatch: [
      ...reads('kms.amazonaws.com', ['DescribeKey']),
      ...byName('kms.amazonaws.com', ['EnableKey', 'CancelKeyDeletion']),
    ],
  },
  {
    id: '3.8',
    securityHubControl: 'CloudWatch.8',
    title: 'S3 bucket policy changes',
    benchmarkPattern: sourceAndNamesPattern(
      's3.amazonaws.com',
      S3_POLICY_EVENT_NAMES,
    ),
    suggestedMetricName: 'S3BucketPolicyEventCount',
    mustMatch: byName('s3.amazonaws.com', S3_POLICY_EVENT_NAMES),
    mustNotMatch: [
      ...reads('s3.amazonaws.com', ['GetBucketPolicy', 'GetBucketAcl']),
      ...byName('s3.amazonaws.com', ['CreateBucket']),
    ],
  },
  {
    id: '3.9',
    securityHubControl: 'CloudWatch.9',
    title: 'AWS Config configuration changes',
    benchmarkPattern:
      '{($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder))}',
    suggestedMetricName: 'AWSConfigEventCount',
    mustMatch: byName('config.amazonaws.com', CONFIG_EVENT_NAMES),
    mustNotMatch: [
      ...reads('config.amazonaws.com', [
        'DescribeConfigurationRecorders',
        'DescribeDeliveryChannels',
      ]),
      ...byName('config.amazonaws.com', ['StartConfigurationRecorder']),
    ],
  },
  {
    id: '3.10',
    securityHubControl: 'CloudWatch.10',
    title: 'Security group changes',
    benchmarkPattern: eventNamePattern(SECURITY_GROUP_EVENT_NAMES),
    suggestedMetricName: 'SecurityGroupEventCount',
    mustMatch: byName('ec2.amazonaws.com', SECURITY_GROUP_EVENT_NAMES),
    mustNotMatch: reads('ec2.amazonaws.com', [
      'DescribeSecurityGroups',
      'DescribeSecurityGroupRules',
    ]),
  },
  {
    id: '3.11',
    securityHubControl: 'CloudWatch.11',
    title: 'Network ACL changes',
    benchmarkPattern: eventNamePattern(NACL_EVENT_NAMES),
    suggestedMetricName: 'NACLEventCount',
    mustMatch: byName('ec2.amazonaws.com', NACL_EVENT_NAMES),
    mustNotMatch: reads('ec2.amazonaws.com', ['DescribeNetworkAcls']),
  },
  {
    id: '3.12',
    securityHubControl: 'CloudWatch.12',
    title: 'Network gateway changes',
    benchmarkPattern: eventNamePattern(GATEWAY_EVENT_NAMES),
    suggestedMetricName: 'NetworkGatewayEventCount',
    mustMatch: byName('ec2.amazonaws.com', GATEWAY_EVENT_NAMES),
    mustNotMatch: reads('ec2.amazonaws.com', [
      'DescribeInternetGateways',
      'DescribeCustomerGateways',
    ]),
  },
  {
    id: '3.13',
    securityHubControl: 'CloudWatch.13',
    title: 'Route table changes',
    benchmarkPattern: eventNamePattern(ROUTE_TABLE_EVENT_NAMES),
    suggestedMetricName: 'RouteTableEventCount',
    mustMatch: byName('ec2.amazonaws.com', ROUTE_TABLE_EVENT_NAMES),
    mustNotMatch: reads('ec2.amazonaws.com', ['DescribeRouteTables']),
  },
  {
    id: '3.14',
    securityHubControl: 'CloudWatch.14',
    title: 'VPC changes',
    benchmarkPattern: eventNamePattern(VPC_EVENT_NAMES),
    suggestedMetricName: 'VPCEventCount',
    mustMatch: byName('ec2.amazonaws.com', VPC_EVENT_NAMES),
    mustNotMatch: reads('ec2.amazonaws.com', [
      'DescribeVpcs',
      'DescribeVpcAttribute',
    ]),
  },
];

const BY_ID = new Map(DETECTION_CHECKS.map(c => [c.id, c]));

export function detectionCheck(id: DetectionCheckId): DetectionCheck {
  const check = BY_ID.get(id);
  if (!check) throw new Error(`unknown detection check ${id}`);
  return check;
}

export function isDetectionCheckId(value: string): value is DetectionCheckId {
  return BY_ID.has(value as DetectionCheckId);
}

/** A canonical event as the one-line JSON message CloudTrail writes to the log group. */
export function canonicalEventMessage(event: CanonicalEvent): string {
  return JSON.stringify(event.event);
}

/** The key of one canonical event across checks: `3.5/StopLogging`. */
export function detectionEventKey(
  checkId: DetectionCheckId,
  eventId: string,
): string {
  return `${checkId}/${eventId}`;
}

/**
 * Every canonical event of the given checks (must-match and must-not-match), keyed, with the
 * message CloudWatch Logs would see: what `logs:TestMetricFilter` is asked about each pattern.
 */
export function detectionTestEvents(
  checkIds: readonly DetectionCheckId[],
): { key: string; message: string }[] {
  return checkIds.flatMap(id => {
    const check = detectionCheck(id);
    return [...check.mustMatch, ...check.mustNotMatch].map(e => ({
      key: detectionEventKey(id, e.id),
      message: canonicalEventMessage(e),
    }));
  });
}
