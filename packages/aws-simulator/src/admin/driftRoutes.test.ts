import {
  DescribeTrailsCommand,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { RunningSimulator } from '../index';
import {
  adminFetch,
  assume,
  clients,
  clientsAs,
  errorOf,
  startDemo,
} from '../__testUtils__/harness';

const PAYMENTS_PROD = '403344556677';
const CHECKOUT_DEV = '407788990011';
const MGMT = '401122334455';
const TRAIL = `/accounts/${PAYMENTS_PROD}/trails/payments-prod-trail`;

// Integration test (a server over HTTP): a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers and conditions, never on clocks.
jest.setTimeout(60_000);

describe('admin API: drift without rewriting the world', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startDemo();
  });
  afterAll(() => sim.close());
  afterEach(async () => {
    const reset = await adminFetch(sim, 'POST', '/reset');
    if (reset.status !== 200)
      throw new Error(`reset failed: ${JSON.stringify(reset.body)}`);
    sim.admin.setRateLimits({ enabled: false });
  });

  const trailStatus = async () =>
    (await clientsAs(sim, PAYMENTS_PROD)).cloudtrail.send(
      new GetTrailStatusCommand({ Name: 'payments-prod-trail' }),
    );

  it('PATCH a trail {isLogging:false}: the SDK then sees a stopped trail with a StopLoggingTime', async () => {
    const res = await adminFetch(sim, 'PATCH', TRAIL, { isLogging: false });
    expect(res.status).toBe(200);
    const status = await trailStatus();
    expect(status.IsLogging).toBe(false);
    expect(Date.now() - status.StopLoggingTime!.getTime()).toBeLessThan(60_000);
  });

  it("PUT /clock sets the world's clock: relative times and drift follow it, credentials still work", async () => {
    const past = '2026-11-01T12:00:00.000Z';
    const set = await adminFetch(sim, 'PUT', '/clock', { at: past });
    expect(set.status).toBe(200);
    // The demo world's deliveries are 4 minutes before its now.
    const status = await trailStatus();
    const delivered = status.LatestCloudWatchLogsDeliveryTime!.getTime();
    expect(delivered).toBeLessThan(Date.parse(past));
    expect(delivered).toBeGreaterThan(Date.parse(past) - 10 * 60_000);
    await adminFetch(sim, 'PATCH', TRAIL, { isLogging: false });
    const stopped = await trailStatus();
    expect(
      Math.abs(stopped.StopLoggingTime!.getTime() - Date.parse(past)),
    ).toBeLessThan(60_000);

    expect(
      (await adminFetch(sim, 'PUT', '/clock', { at: 'soon' })).status,
    ).toBe(400);
    const real = await adminFetch(sim, 'DELETE', '/clock');
    expect(
      Math.abs(Date.parse((real.body as { now: string }).now) - Date.now()),
    ).toBeLessThan(60_000);
  });

  it('PATCH a trail {logGroup:null}: the trail no longer names a log group', async () => {
    await adminFetch(sim, 'PATCH', TRAIL, { logGroup: null });
    const { cloudtrail } = await clientsAs(sim, PAYMENTS_PROD);
    const { trailList } = await cloudtrail.send(
      new DescribeTrailsCommand({ trailNameList: ['payments-prod-trail'] }),
    );
    expect(trailList![0].CloudWatchLogsLogGroupArn).toBeUndefined();
    expect(trailList![0].CloudWatchLogsRoleArn).toBeDefined();
  });

  it('PATCH a trail status with a relative time', async () => {
    await adminFetch(sim, 'PATCH', TRAIL, {
      status: {
        latestCloudWatchLogsDeliveryTime: '-30h',
        latestCloudWatchLogsDeliveryError: 'AccessDeniedException',
      },
    });
    const status = await trailStatus();
    expect(
      Math.round(
        (Date.now() - status.LatestCloudWatchLogsDeliveryTime!.getTime()) /
          3_600_000,
      ),
    ).toBe(30);
    expect(status.LatestCloudWatchLogsDeliveryError).toBe(
      'AccessDeniedException',
    );
    expect(status.IsLogging).toBe(true);
  });

  it('PUT and DELETE a trail', async () => {
    const put = await adminFetch(
      sim,
      'PUT',
      `/accounts/${PAYMENTS_PROD}/trails/extra-trail`,
      { homeRegion: 'us-west-2', logGroup: 'x' },
    );
    expect(put.body.logGroupArn).toBe(
      `arn:aws:logs:us-west-2:${PAYMENTS_PROD}:log-group:x:*`,
    );
    const { cloudtrail } = await clientsAs(sim, PAYMENTS_PROD, 'us-west-2');
    expect(
      (await cloudtrail.send(new DescribeTrailsCommand({}))).trailList!.map(
        t => t.Name,
      ),
    ).toContain('extra-trail');
    expect((await adminFetch(sim, 'DELETE', TRAIL)).status).toBe(204);
    expect((await errorOf(trailStatus)).name).toBe('TrailNotFoundException');
  });

  it('DELETE and PUT a log group (names with slashes are URL-encoded)', async () => {
    const { logs } = await clientsAs(sim, CHECKOUT_DEV);
    const names = async () =>
      (await logs.send(new DescribeLogGroupsCommand({}))).logGroups!.map(
        g => g.logGroupName,
      );
    expect(await names()).toContain('/checkout/app-logs');
    expect(
      (
        await adminFetch(
          sim,
          'DELETE',
          `/accounts/${CHECKOUT_DEV}/log-groups/${encodeURIComponent(
            '/checkout/app-logs',
          )}`,
        )
      ).status,
    ).toBe(204);
    expect(await names()).not.toContain('/checkout/app-logs');
    await adminFetch(
      sim,
      'PUT',
      `/accounts/${CHECKOUT_DEV}/log-groups/new-group`,
      { retentionInDays: 7 },
    );
    const { logGroups } = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: 'new-' }),
    );
    expect(logGroups).toEqual([
      expect.objectContaining({
        logGroupName: 'new-group',
        retentionInDays: 7,
      }),
    ]);
  });

  it('PUT and DELETE an inline role policy, PUT and DELETE a role: IAM answers follow', async () => {
    const { iam } = await clientsAs(sim, CHECKOUT_DEV);
    const role = `arn:aws:iam::${CHECKOUT_DEV}:role/CloudTrail_CloudWatchLogs_Role`;
    const resource = `arn:aws:logs:us-east-1:${CHECKOUT_DEV}:log-group:aws-cloudtrail-logs-checkout-dev:log-stream:s`;
    const decide = async () =>
      (
        await iam.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: role,
            ActionNames: ['logs:PutLogEvents'],
            ResourceArns: [resource],
          }),
        )
      ).EvaluationResults![0].EvalDecision;
    expect(await decide()).toBe('implicitDeny');
    const fix = {
      Statement: [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource:
            'arn:aws:logs:us-east-1:${AccountId}:log-group:aws-cloudtrail-logs-checkout-dev:log-stream:*',
        },
      ],
    };
    const put = await adminFetch(
      sim,
      'PUT',
      `/accounts/${CHECKOUT_DEV}/roles/CloudTrail_CloudWatchLogs_Role/policies/Fix`,
      fix,
    );
    expect(put.status).toBe(200);
    expect(await decide()).toBe('allowed');
    const { PolicyDocument } = await iam.send(
      new GetRolePolicyCommand({
        RoleName: 'CloudTrail_CloudWatchLogs_Role',
        PolicyName: 'Fix',
      }),
    );
    expect(
      JSON.parse(decodeURIComponent(PolicyDocument!)).Statement[0].Resource,
    ).toBe(resource.replace(/:s$/, ':*'));
    expect(
      (
        await adminFetch(
          sim,
          'DELETE',
          `/accounts/${CHECKOUT_DEV}/roles/CloudTrail_CloudWatchLogs_Role/policies/Fix`,
        )
      ).status,
    ).toBe(204);
    expect(await decide()).toBe('implicitDeny');
    expect(
      (
        await adminFetch(
          sim,
          'DELETE',
          `/accounts/${CHECKOUT_DEV}/roles/CloudTrail_CloudWatchLogs_Role`,
        )
      ).status,
    ).toBe(204);
    expect(
      (
        await errorOf(() =>
          iam.send(
            new GetRoleCommand({ RoleName: 'CloudTrail_CloudWatchLogs_Role' }),
          ),
        )
      ).name,
    ).toBe('NoSuchEntityException');
    await adminFetch(sim, 'PUT', `/accounts/${CHECKOUT_DEV}/roles/NewRole`, {
      trustedServices: ['cloudtrail.amazonaws.com'],
    });
    expect(
      (await iam.send(new GetRoleCommand({ RoleName: 'NewRole' }))).Role!
        .RoleName,
    ).toBe('NewRole');
  });

  it('adds and removes accounts: AssumeRole, Organizations and issued keys follow', async () => {
    const added = await adminFetch(sim, 'PUT', '/accounts/499999999999', {
      name: 'new-team',
      tags: { owner: 'group:default/new-team' },
    });
    expect(added.status).toBe(200);
    const creds = await assume(sim, '499999999999');
    expect(
      (
        await clients(sim, { credentials: creds }).sts.send(
          new GetCallerIdentityCommand({}),
        )
      ).Account,
    ).toBe('499999999999');
    const { organizations } = await clientsAs(sim, MGMT);
    expect(
      (await organizations.send(new ListAccountsCommand({}))).Accounts!.map(
        a => a.Id,
      ),
    ).toContain('499999999999');
    expect(
      (await adminFetch(sim, 'DELETE', '/accounts/499999999999')).status,
    ).toBe(204);
    expect(
      (await organizations.send(new ListAccountsCommand({}))).Accounts!.map(
        a => a.Id,
      ),
    ).not.toContain('499999999999');
    const stale = await errorOf(() =>
      clients(sim, { credentials: creds }).sts.send(
        new GetCallerIdentityCommand({}),
      ),
    );
    expect(stale.name).toBe('InvalidClientTokenId');
  });
});
