/**
 * A simulated organization of N healthy accounts, each with one trail of its
 * own (single-region, us-east-1) delivering to CloudWatch Logs through a
 * correct role, plus one Security Hub finding per account.
 */
export function benchmarkWorld(accountCount: number) {
  const accounts = benchmarkAccountIds(accountCount).map((id, i) => {
    return {
      id,
      name: `bench-${i}`,
      roles: [
        {
          name: 'CloudTrail_CloudWatchLogs_Role',
          trustedServices: ['cloudtrail.amazonaws.com'],
          inlinePolicies: {
            CloudTrailToCloudWatchLogs: {
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                  Resource: `arn:aws:logs:us-east-1:${id}:log-group:cloudtrail:log-stream:*`,
                },
              ],
            },
          },
        },
      ],
      logGroups: [
        { name: 'cloudtrail', region: 'us-east-1', retentionInDays: 365 },
      ],
      trails: [
        {
          name: 'main',
          homeRegion: 'us-east-1',
          multiRegion: false,
          logGroup: 'cloudtrail',
          role: 'CloudTrail_CloudWatchLogs_Role',
          status: {
            isLogging: true,
            latestDeliveryTime: '-5m',
            latestCloudWatchLogsDeliveryTime: '-5m',
          },
        },
      ],
    };
  });
  return {
    partition: 'aws',
    regions: ['us-east-1', 'us-west-2'],
    callerAccount: '499999999999',
    readerRoleName: 'CisAwsReader',
    securityHub: { administratorAccount: '499999999999' },
    accounts: [
      { id: '499999999999', name: 'bench-admin', organizationMember: false },
      ...accounts,
    ],
    securityHubFindings: accounts.map(account => ({
      account: account.id,
      trail: 'main',
      status: 'PASSED',
      updatedAt: '-2h',
    })),
  };
}

/** The ids of the N evaluated accounts (the Security Hub administrator is not one of them). */
export function benchmarkAccountIds(accountCount: number): string[] {
  return Array.from({ length: accountCount }, (_, i) =>
    String(500000000000 + i),
  );
}

export function benchmarkEntities(accountCount: number) {
  return Array.from({ length: accountCount }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: `bench-${i}`,
      namespace: 'default',
      annotations: { 'amazonaws.com/account-id': String(500000000000 + i) },
    },
    spec: {
      type: 'cloud-account',
      owner: `team-${i % 40}`,
      system: `system-${i % 100}`,
    },
  }));
}
