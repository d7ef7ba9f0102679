/**
 * The AWS SDK's floor: the CPU that the 7 calls of a healthy single-trail account cost when they
 * are made through bare AWS SDK v3 clients, with none of this product's code (no engine, rules,
 * store or database): what is left of the engine's CPU per account when everything of ours is
 * taken away.
 *
 * It makes what a scheduled run makes, the way the product makes it: one STS client (the main
 * account's credentials, adaptive retries) assumes each account's role, then each account gets
 * its own CloudTrail, CloudWatch Logs and IAM clients (one client set per account, as the product
 * does: an SDK client binds its credentials), with the product's client settings (endpoint,
 * standard retries, one keep-alive connection pool, no environment or shared-file look-ups), and
 * calls, with the same inputs: ListTrails → DescribeTrails → at once GetTrailStatus,
 * DescribeLogGroups, GetRole and SimulatePrincipalPolicy. Accounts go `concurrency` at a time.
 * Security Hub's GetFindings (⌈N / 100⌉ calls per run) is left out.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  GetRoleCommand,
  IAMClient,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { forEachWithConcurrency } from '@cis-aws/plugin-cis-aws-node';
import { STATIC_CLIENT_SETTINGS } from '../src/aws/clients';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

export interface SdkFloorOptions {
  endpoint: string;
  accountIds: string[];
  concurrency: number;
  mainCredentials: { accessKeyId: string; secretAccessKey: string };
  roleName: string;
  region: string;
  maxAttempts: number;
  requestTimeoutMs: number;
}

/**
 * Makes the calls of every account once; returns the calls made. Throws on any failed call: the
 * floor is measured on healthy accounts only.
 */
export async function sdkFloorPass(options: SdkFloorOptions): Promise<number> {
  const { endpoint, region, maxAttempts } = options;
  const agentOptions = { keepAlive: true, maxSockets: 256 };
  const requestHandler = new NodeHttpHandler({
    httpAgent: new HttpAgent(agentOptions),
    httpsAgent: new HttpsAgent(agentOptions),
    connectionTimeout: Math.min(options.requestTimeoutMs, 5000),
    requestTimeout: options.requestTimeoutMs,
  });
  const sts = new STSClient({
    region,
    endpoint,
    credentials: options.mainCredentials,
    retryMode: 'adaptive',
    maxAttempts: 8,
  });
  let calls = 0;
  await forEachWithConcurrency(
    options.accountIds,
    options.concurrency,
    async id => {
      const { Credentials: c } = await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${id}:role/${options.roleName}`,
          RoleSessionName: 'backstage-cis-aws',
        }),
      );
      const config = {
        region,
        endpoint,
        credentials: {
          accessKeyId: c!.AccessKeyId!,
          secretAccessKey: c!.SecretAccessKey!,
          sessionToken: c!.SessionToken,
          expiration: c!.Expiration,
        },
        maxAttempts,
        retryMode: 'standard',
        requestHandler,
        ...STATIC_CLIENT_SETTINGS,
      };
      const cloudTrail = new CloudTrailClient(config);
      const logs = new CloudWatchLogsClient(config);
      const iam = new IAMClient(config);
      const { Trails = [] } = await cloudTrail.send(new ListTrailsCommand({}));
      const { trailList = [] } = await cloudTrail.send(
        new DescribeTrailsCommand({
          trailNameList: Trails.map(t => t.TrailARN!),
          includeShadowTrails: true,
        }),
      );
      const trail = trailList[0];
      const logGroupArn = trail.CloudWatchLogsLogGroupArn!;
      const roleArn = trail.CloudWatchLogsRoleArn!;
      const baseArn = logGroupArn.replace(/:\*$/, '');
      await Promise.all([
        cloudTrail.send(new GetTrailStatusCommand({ Name: trail.TrailARN })),
        logs.send(
          new DescribeLogGroupsCommand({
            logGroupNamePrefix: baseArn.split(':log-group:')[1],
            limit: 1,
          }),
        ),
        iam.send(new GetRoleCommand({ RoleName: roleArn.split('/').pop() })),
        iam.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: roleArn,
            ActionNames: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            ResourceArns: [
              `${baseArn}:log-stream:${id}_CloudTrail_${trail.HomeRegion}`,
            ],
          }),
        ),
      ]);
      calls += 7;
    },
  );
  requestHandler.destroy();
  sts.destroy();
  return calls;
}
