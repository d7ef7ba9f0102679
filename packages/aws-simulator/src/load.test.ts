import {
  GetTrailStatusCommand,
  ListTrailsCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { RunningSimulator } from './index';
import { clients, clientsAs, start } from './__testUtils__/harness';
import { createWorld } from './world/load';

// Over HTTP to a real server: a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers, never on clocks.
jest.setTimeout(60_000);

/** A load sanity check: a 5000-account world loads and answers (no timing assertions). */

const COUNT = 5000;
const MGMT = '300000000000';
const id = (i: number) => String(300000000000 + i);

function bigWorld() {
  const accounts = Array.from({ length: COUNT }, (_, i) => ({
    id: id(i),
    name: `account-${i}`,
    tags: {
      owner: `group:default/team-${i % 40}`,
      system: `system:default/system-${i % 100}`,
    },
    roles: [
      {
        name: 'CloudTrail_CloudWatchLogs_Role',
        trustedServices: ['cloudtrail.amazonaws.com'],
        inlinePolicies: {
          delivery: {
            Statement: [
              {
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource:
                  'arn:aws:logs:us-east-1:${AccountId}:log-group:trail-logs:log-stream:*',
              },
            ],
          },
        },
      },
    ],
    logGroups: [
      { name: 'trail-logs', region: 'us-east-1', retentionInDays: 365 },
    ],
    trails:
      i === 0
        ? [
            {
              name: 'org-trail',
              multiRegion: true,
              organization: true,
              logGroup: 'trail-logs',
              role: 'CloudTrail_CloudWatchLogs_Role',
            },
          ]
        : [
            {
              name: `trail-${i}`,
              multiRegion: i % 2 === 0,
              logGroup: 'trail-logs',
              role: 'CloudTrail_CloudWatchLogs_Role',
              status: { latestCloudWatchLogsDeliveryTime: `-${i % 50}h` },
            },
          ],
  }));
  return {
    regions: ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1'],
    organization: { id: 'o-loadtest01', managementAccount: MGMT },
    securityHub: { administratorAccount: MGMT },
    callerAccount: MGMT,
    rateLimits: { enabled: false },
    accounts,
    securityHubFindings: accounts.slice(1).map((a, i) => ({
      account: a.id,
      trail: a.trails[0].name,
      status: i % 7 ? 'PASSED' : 'FAILED',
    })),
  };
}

describe('a 5000-account world', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start(bigWorld());
  }, 60_000);
  afterAll(() => sim.close());

  it('loads', () => {
    expect(createWorld(bigWorld()).accounts).toHaveLength(COUNT);
    expect(sim.world.accountCount()).toBe(COUNT);
  });

  it('answers the calls of an evaluation for a sample of accounts', async () => {
    for (const i of [1, 2, 2500, 4999]) {
      const c = await clientsAs(sim, id(i));
      const { Trails } = await c.cloudtrail.send(new ListTrailsCommand({}));
      expect(Trails!.map(t => t.Name)).toEqual([`trail-${i}`, 'org-trail']);
      const status = await c.cloudtrail.send(
        new GetTrailStatusCommand({ Name: `trail-${i}` }),
      );
      expect(status.IsLogging).toBe(true);
      const { logGroups } = await c.logs.send(
        new DescribeLogGroupsCommand({ logGroupNamePrefix: 'trail-logs' }),
      );
      expect(logGroups).toHaveLength(1);
      const { EvaluationResults } = await c.iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: `arn:aws:iam::${id(
            i,
          )}:role/CloudTrail_CloudWatchLogs_Role`,
          ActionNames: ['logs:PutLogEvents'],
          ResourceArns: [
            `arn:aws:logs:us-east-1:${id(i)}:log-group:trail-logs:log-stream:x`,
          ],
        }),
      );
      expect(EvaluationResults![0].EvalDecision).toBe('allowed');
    }
  });

  it('answers 1000 GetTrailStatus calls across accounts', async () => {
    const credentials = await Promise.all(
      Array.from({ length: 20 }, (_, k) => clientsAs(sim, id(k * 250 + 1))),
    );
    const calls = Array.from({ length: 1000 }, (_, n) => {
      const k = n % 20;
      return credentials[k].cloudtrail.send(
        new GetTrailStatusCommand({ Name: `trail-${k * 250 + 1}` }),
      );
    });
    const results = await Promise.all(calls);
    expect(results.every(r => r.IsLogging === true)).toBe(true);
  });

  it('pages Organizations accounts and Security Hub findings', async () => {
    const { organizations, securityhub } = clients(sim);
    const first = await organizations.send(new ListAccountsCommand({}));
    expect(first.Accounts).toHaveLength(20);
    expect(first.NextToken).toBeDefined();
    const failed = await securityhub.send(
      new GetFindingsCommand({
        Filters: {
          ComplianceStatus: [{ Value: 'FAILED', Comparison: 'EQUALS' }],
        },
        MaxResults: 100,
      }),
    );
    expect(failed.Findings).toHaveLength(100);
    expect(failed.NextToken).toBeDefined();
    const one = await securityhub.send(
      new GetFindingsCommand({
        Filters: { AwsAccountId: [{ Value: id(4999), Comparison: 'EQUALS' }] },
      }),
    );
    expect(one.Findings!.map(f => f.Resources![0].Id)).toEqual([
      `arn:aws:cloudtrail:us-east-1:${id(4999)}:trail/trail-4999`,
    ]);
  });
});
