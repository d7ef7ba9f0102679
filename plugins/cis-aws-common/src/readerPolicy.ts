/**
 * The IAM actions one evaluation run calls with the reader role, in one list: the policy users
 * are told to attach to the reader role is generated from it, and a backend test holds it
 * against the operations a real run of the demo world makes (both directions).
 *
 * Not in the list: `sts:AssumeRole`, which the portal's own credentials call to become the
 * reader (it belongs to the portal's principal, not to the reader role).
 */
export const READER_ACTIONS: readonly string[] = [
  // the inventory and each trail's configuration and status
  'cloudtrail:ListTrails',
  'cloudtrail:DescribeTrails',
  'cloudtrail:GetTrailStatus',
  // the log group each trail names
  'logs:DescribeLogGroups',
  // the role CloudTrail uses: trust, permission (simulation), and its policy documents as evidence
  'iam:GetRole',
  'iam:SimulatePrincipalPolicy',
  'iam:ListRolePolicies',
  'iam:GetRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  // the organization id, for an organization trail's `o-<orgid>_*` streams
  'organizations:DescribeOrganization',
  // Security Hub's second opinion, read in the administrator account with the same role name
  'securityhub:GetFindings',
  // detection content on each integrated log group (CIS 3.x, detection-content.md): its metric
  // filters, each pattern tested against the canonical events, the alarms on each filter's
  // metric, the subscriptions of each alarm's SNS topic (never their endpoints)
  'logs:DescribeMetricFilters',
  'logs:TestMetricFilter',
  'cloudwatch:DescribeAlarmsForMetric',
  'sns:ListSubscriptionsByTopic',
];

/** The reader role's permission policy, as users are told to attach it. */
export function readerPolicyDocument(): {
  Version: string;
  Statement: { Effect: 'Allow'; Action: string[]; Resource: string }[];
} {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: [...READER_ACTIONS], Resource: '*' },
    ],
  };
}
