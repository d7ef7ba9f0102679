/** Pure ARN parsing for the rules and the IAM analysis (no SDK). */

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

/** `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, or undefined when it is not one. */
export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') {
    return undefined;
  }
  const [, partition, service, region, accountId] = parts;
  return {
    partition,
    service,
    region,
    accountId,
    resource: parts.slice(5).join(':'),
  };
}

export interface ParsedLogGroupArn {
  partition: string;
  region: string;
  accountId: string;
  logGroupName: string;
  /** The group's ARN without the `:*` CloudTrail appends, to build stream ARNs from. */
  baseArn: string;
}

/**
 * CloudTrail stores `CloudWatchLogsLogGroupArn` as `arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`;
 * DescribeLogGroups answers with and without the `:*`. Both are accepted.
 */
export function parseLogGroupArn(arn: string): ParsedLogGroupArn | undefined {
  const parsed = parseArn(arn);
  if (
    !parsed ||
    parsed.service !== 'logs' ||
    !parsed.resource.startsWith('log-group:')
  ) {
    return undefined;
  }
  const logGroupName = parsed.resource
    .slice('log-group:'.length)
    .replace(/:\*$/, '');
  if (logGroupName === '' || logGroupName.includes(':')) {
    return undefined;
  }
  const { partition, region, accountId } = parsed;
  return {
    partition,
    region,
    accountId,
    logGroupName,
    baseArn: `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}`,
  };
}
