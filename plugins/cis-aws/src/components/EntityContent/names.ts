/**
 * The names, ARNs and IAM documents a trail's remediation is filled in with, derived from the
 * trail's facts and ARNs. Pure.
 */
import {
  arnParts,
  readerPolicyDocument,
  type TrailFacts,
} from '@cis-aws/plugin-cis-aws-common';

export { arnParts };

/** The role name AWS's console uses for this integration; used when the trail names no role. */
export const DEFAULT_ROLE_NAME = 'CloudTrail_CloudWatchLogs_Role';
export const POLICY_NAME = 'CloudTrailToCloudWatchLogs';

export const json = (value: unknown) => JSON.stringify(value, null, 2);

/** `role/path/name` → { name, path } */
export function roleNameFromArn(roleArn: string): {
  name: string;
  path: string;
} {
  const resource = arnParts(roleArn).resource.replace(/^role\//, '');
  const segments = resource.split('/');
  const name = segments.pop() ?? resource;
  const path = segments.length ? `/${segments.join('/')}/` : '/';
  return { name, path };
}

/** `arn:aws:logs:R:A:log-group:NAME:*` → NAME */
export function logGroupNameFromArn(logGroupArn: string): string {
  return arnParts(logGroupArn)
    .resource.replace(/^log-group:/, '')
    .replace(/:\*$/, '');
}

/** Every name and ARN the commands need, for one trail. */
export interface TrailNames {
  partition: string;
  accountId: string;
  trailName: string;
  trailArn: string;
  homeRegion: string;
  logGroupName: string;
  logGroupRegion: string;
  logGroupAccountId: string;
  /** With the `:*` suffix CloudTrail expects. */
  logGroupArn: string;
  roleName: string;
  rolePath: string;
  roleArn: string;
  isOrganizationTrail: boolean;
}

export function trailNames(facts: TrailFacts): TrailNames {
  const { partition } = arnParts(facts.arn);
  const accountId = facts.ownerAccountId;
  const lg = facts.logGroup;
  const lgFromArn = facts.logGroupArn ? arnParts(facts.logGroupArn) : undefined;
  // Default when the trail names no log group: AWS console's `aws-cloudtrail-logs-` prefix.
  let logGroupName = `aws-cloudtrail-logs-${facts.name}`;
  if (lg.state === 'FOUND' || lg.state === 'NOT_FOUND') logGroupName = lg.name;
  else if (facts.logGroupArn)
    logGroupName = logGroupNameFromArn(facts.logGroupArn);
  const logGroupRegion = lgFromArn?.region || facts.homeRegion;
  const logGroupAccountId = lgFromArn?.accountId || accountId;
  const roleArn =
    facts.roleArn ??
    `arn:${partition}:iam::${accountId}:role/${DEFAULT_ROLE_NAME}`;
  const { name: roleName, path: rolePath } = roleNameFromArn(roleArn);
  return {
    partition,
    accountId,
    trailName: facts.name,
    trailArn: facts.arn,
    homeRegion: facts.homeRegion,
    logGroupName,
    logGroupRegion,
    logGroupAccountId,
    logGroupArn: `arn:${partition}:logs:${logGroupRegion}:${logGroupAccountId}:log-group:${logGroupName}:*`,
    roleName,
    rolePath,
    roleArn,
    isOrganizationTrail: facts.isOrganizationTrail,
  };
}

export function trustPolicy(): string {
  return json({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ],
  });
}

/** CloudTrail names its streams `<account>_CloudTrail_<region>`; organization trails also `o-<org>_*`. */
export function permissionPolicy(n: TrailNames): string {
  const group = `arn:${n.partition}:logs:${n.logGroupRegion}:${n.logGroupAccountId}:log-group:${n.logGroupName}`;
  const resources = [
    `${group}:log-stream:${n.accountId}_CloudTrail_${n.homeRegion}*`,
  ];
  // The organization id is not in the facts, so any organization's streams of this group.
  if (n.isOrganizationTrail) resources.push(`${group}:log-stream:o-*`);
  return json({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CloudTrailCreateLogStreamAndPutLogEvents',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: resources,
      },
    ],
  });
}

/** The reader role's policy, generated from the one list of actions a run calls. */
export function readerPolicy(): string {
  return json(readerPolicyDocument());
}
