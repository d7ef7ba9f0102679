import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { LogGroupFacts } from '@cis-aws/plugin-cis-aws-common';
import { parseLogGroupArn } from '../rules';
import { AccountClients } from './clients';
import { toApiError } from './errors';

/**
 * The log group named by a trail's `CloudWatchLogsLogGroupArn`, looked up in
 * its own region with one call: DescribeLogGroups lists names in
 * alphabetical order, so with the exact name as prefix and a limit of 1 the
 * group itself comes first when it exists.
 */
export async function readLogGroup(
  clients: AccountClients,
  logGroupArn: string | null,
): Promise<LogGroupFacts> {
  if (!logGroupArn || logGroupArn.trim() === '') {
    return { state: 'NOT_CHECKED', why: 'NO_ARN' };
  }
  const parsed = parseLogGroupArn(logGroupArn);
  if (!parsed) {
    return {
      state: 'FAILED',
      error: {
        operation: 'logs:DescribeLogGroups',
        code: 'InvalidLogGroupArn',
        message: `not a log group ARN: ${logGroupArn}`,
      },
    };
  }
  if (parsed.accountId !== clients.accountId) {
    return { state: 'NOT_CHECKED', why: 'OTHER_ACCOUNT' };
  }
  const location = {
    arn: parsed.baseArn,
    accountId: parsed.accountId,
    region: parsed.region,
  };
  try {
    const { logGroups = [] } = await clients.logs(parsed.region).send(
      new DescribeLogGroupsCommand({
        logGroupNamePrefix: parsed.logGroupName,
        limit: 1,
      }),
    );
    const group = logGroups.find(g => g.logGroupName === parsed.logGroupName);
    if (!group) {
      return { ...location, state: 'NOT_FOUND', name: parsed.logGroupName };
    }
    return {
      ...location,
      arn: group.logGroupArn ?? location.arn,
      state: 'FOUND',
      name: parsed.logGroupName,
      retentionInDays: group.retentionInDays ?? null,
    };
  } catch (error) {
    return {
      state: 'FAILED',
      error: toApiError('logs:DescribeLogGroups', error, parsed.region),
    };
  }
}
