import {
  DescribeTrailsCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GetRoleCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { RunningSimulator } from './index';
import {
  clients,
  clientsAs,
  errorOf,
  startDemo,
} from './__testUtils__/harness';

/**
 * The demo world tells the story the portal demo needs. This walks it with
 * the SDK the way a CIS 2.4 evaluator would: trail → log group → role → delivery.
 */

interface Verdict {
  trail?: string;
  logGroupExists?: boolean;
  roleCanWrite?: boolean;
  isLogging?: boolean;
  cwlDeliveryAgeHours?: number;
}

async function evaluate(
  sim: RunningSimulator,
  account: string,
  homeRegion = 'us-east-1',
): Promise<Verdict> {
  const c = await clientsAs(sim, account, homeRegion);
  const own = (
    await c.cloudtrail.send(new DescribeTrailsCommand({}))
  ).trailList!.find(t => t.TrailARN!.includes(`:${account}:`));
  if (!own) return {};
  const verdict: Verdict = { trail: own.Name };
  const status = await c.cloudtrail.send(
    new GetTrailStatusCommand({ Name: own.TrailARN }),
  );
  verdict.isLogging = status.IsLogging;
  if (status.LatestCloudWatchLogsDeliveryTime) {
    verdict.cwlDeliveryAgeHours = Math.round(
      (Date.now() - status.LatestCloudWatchLogsDeliveryTime.getTime()) /
        3_600_000,
    );
  }
  if (!own.CloudWatchLogsLogGroupArn) return verdict;
  const groupName = own.CloudWatchLogsLogGroupArn.split(':')[6];
  const home = await clientsAs(sim, account, own.HomeRegion);
  const groups = await home.logs.send(
    new DescribeLogGroupsCommand({ logGroupNamePrefix: groupName }),
  );
  verdict.logGroupExists = groups.logGroups!.some(
    g => g.logGroupName === groupName,
  );
  const stream = own.CloudWatchLogsLogGroupArn.replace(
    /:\*$/,
    `:log-stream:${account}_CloudTrail_${own.HomeRegion}`,
  );
  const sim2 = await c.iam.send(
    new SimulatePrincipalPolicyCommand({
      PolicySourceArn: own.CloudWatchLogsRoleArn,
      ActionNames: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ResourceArns: [stream],
    }),
  );
  verdict.roleCanWrite = sim2.EvaluationResults!.every(
    r => r.EvalDecision === 'allowed',
  );
  return verdict;
}

// Integration test (a server over HTTP): a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers and conditions, never on clocks.
jest.setTimeout(60_000);

describe('the demo world', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startDemo();
  });
  afterAll(() => sim.close());

  it('has healthy trails in platform-management, security-tooling, payments-prod and storefront-prod', async () => {
    const healthy = {
      logGroupExists: true,
      roleCanWrite: true,
      isLogging: true,
      cwlDeliveryAgeHours: 0,
    };
    expect(await evaluate(sim, '401122334455')).toEqual({
      trail: 'acme-org-trail',
      ...healthy,
    });
    expect(await evaluate(sim, '402233445566')).toEqual({
      trail: 'security-audit-trail',
      ...healthy,
    });
    expect(await evaluate(sim, '403344556677')).toEqual({
      trail: 'payments-prod-trail',
      ...healthy,
    });
    expect(await evaluate(sim, '405566778899', 'eu-west-1')).toEqual({
      trail: 'storefront-trail',
      ...healthy,
    });
  });

  it('payments-staging: a trail without log group and role (NO_LOG_GROUP)', async () => {
    expect(await evaluate(sim, '404455667788')).toEqual({
      trail: 'payments-staging-trail',
      isLogging: true,
    });
  });

  it('legacy-billing: the reader role cannot be assumed', async () => {
    const { sts } = clients(sim);
    const error = await errorOf(() =>
      sts.send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::411122334455:role/CisAwsReader',
          RoleSessionName: 'portal',
        }),
      ),
    );
    expect(error.name).toBe('AccessDenied');
  });

  it('storefront-staging: CloudWatch Logs delivery 30h old (DELIVERY_STALE) while Security Hub says PASSED', async () => {
    expect(await evaluate(sim, '406677889900', 'eu-west-1')).toEqual({
      trail: 'storefront-staging-trail',
      logGroupExists: true,
      roleCanWrite: true,
      isLogging: true,
      cwlDeliveryAgeHours: 30,
    });
    const { Findings } = await clients(sim).securityhub.send(
      new GetFindingsCommand({
        Filters: {
          AwsAccountId: [{ Value: '406677889900', Comparison: 'EQUALS' }],
        },
      }),
    );
    expect(Findings!.map(f => f.Compliance!.Status)).toEqual(['PASSED']);
  });

  it('checkout-dev: the role cannot write to the trail log group (ROLE_CANNOT_WRITE), with a delivery error', async () => {
    expect(await evaluate(sim, '407788990011')).toEqual({
      trail: 'checkout-dev-trail',
      logGroupExists: true,
      roleCanWrite: false,
      isLogging: true,
      cwlDeliveryAgeHours: 144,
    });
    const { cloudtrail } = await clientsAs(sim, '407788990011');
    const status = await cloudtrail.send(
      new GetTrailStatusCommand({ Name: 'checkout-dev-trail' }),
    );
    expect(status.LatestCloudWatchLogsDeliveryError).toBe(
      'AccessDeniedException',
    );
  });

  it('data-lake-prod: logging stopped three days ago (NOT_LOGGING)', async () => {
    expect(await evaluate(sim, '408899001122', 'us-west-2')).toMatchObject({
      trail: 'data-lake-trail',
      isLogging: false,
      cwlDeliveryAgeHours: 72,
    });
  });

  it('analytics-dev: no own trail, only the organization trail whose status it cannot read', async () => {
    const { cloudtrail } = await clientsAs(sim, '410011223344');
    const { Trails } = await cloudtrail.send(new ListTrailsCommand({}));
    expect(Trails!.map(t => t.TrailARN)).toEqual([
      'arn:aws:cloudtrail:us-east-1:401122334455:trail/acme-org-trail',
    ]);
    expect(
      (
        await errorOf(() =>
          cloudtrail.send(
            new GetTrailStatusCommand({ Name: Trails![0].TrailARN }),
          ),
        )
      ).name,
    ).toBe('TrailNotFoundException');
  });

  it('analytics-sandbox: outside the organization, no trails at all (NO_TRAILS)', async () => {
    const { cloudtrail } = await clientsAs(sim, '409900112233');
    expect((await cloudtrail.send(new ListTrailsCommand({}))).Trails).toEqual(
      [],
    );
  });

  it('every assumable account has the standard delivery role trusted by CloudTrail, except those without CloudWatch Logs set-up', async () => {
    for (const account of [
      '401122334455',
      '402233445566',
      '403344556677',
      '405566778899',
      '406677889900',
      '407788990011',
      '408899001122',
    ]) {
      const { iam } = await clientsAs(sim, account);
      const { Role } = await iam.send(
        new GetRoleCommand({ RoleName: 'CloudTrail_CloudWatchLogs_Role' }),
      );
      expect(
        JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!))
          .Statement[0].Principal,
      ).toEqual({ Service: 'cloudtrail.amazonaws.com' });
    }
  });
});
