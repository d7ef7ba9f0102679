import {
  DescribeLogGroupsCommand,
  DescribeMetricFiltersCommand,
  paginateDescribeLogGroups,
} from '@aws-sdk/client-cloudwatch-logs';
import { RunningSimulator } from '../index';
import { clients, errorOf, start, world } from '../__testUtils__/harness';

// Over HTTP to a real server: a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers, never on clocks.
jest.setTimeout(60_000);

const ACCOUNT = '111111111111';
const OTHER = '222222222222';

describe('CloudWatch Logs', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start(
      world({
        accounts: [
          {
            id: ACCOUNT,
            logGroups: [
              {
                name: 'aws-cloudtrail-logs-main',
                region: 'us-east-1',
                retentionInDays: 365,
                storedBytes: 1024,
                creationTime: '2023-01-02T03:04:05Z',
                metricFilters: [
                  {
                    name: 'UnauthorizedAPICalls',
                    pattern: '{ ($.errorCode = "*UnauthorizedOperation") }',
                    metricName: 'Unauthorized',
                    metricNamespace: 'CISBenchmark',
                  },
                  {
                    name: 'RootUsage',
                    pattern: '{ $.userIdentity.type = "Root" }',
                    metricName: 'Root',
                    metricNamespace: 'CISBenchmark',
                  },
                ],
              },
              { name: '/app/web', region: 'us-east-1' },
              { name: 'west-group', region: 'us-west-2', retentionInDays: 30 },
              ...Array.from({ length: 60 }, (_, i) => ({
                name: `/bulk/${String(i).padStart(2, '0')}`,
                region: 'us-east-1',
              })),
            ],
          },
          {
            id: OTHER,
            logGroups: [
              { name: 'aws-cloudtrail-logs-other', region: 'us-east-1' },
            ],
          },
        ],
      }),
    );
  });
  afterAll(() => sim.close());

  it('describes a log group with both ARN forms, epoch-millisecond creationTime and retention', async () => {
    const { logs } = clients(sim);
    const { logGroups } = await logs.send(
      new DescribeLogGroupsCommand({
        logGroupNamePrefix: 'aws-cloudtrail-logs',
      }),
    );
    expect(logGroups).toEqual([
      expect.objectContaining({
        logGroupName: 'aws-cloudtrail-logs-main',
        arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:aws-cloudtrail-logs-main:*`,
        logGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:aws-cloudtrail-logs-main`,
        creationTime: Date.parse('2023-01-02T03:04:05Z'),
        retentionInDays: 365,
        storedBytes: 1024,
        metricFilterCount: 2,
      }),
    ]);
  });

  it('omits retentionInDays when the group never expires', async () => {
    const { logs } = clients(sim);
    const { logGroups } = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/' }),
    );
    expect(logGroups).toHaveLength(1);
    expect(logGroups![0]).not.toHaveProperty('retentionInDays');
  });

  it('is region-scoped and account-scoped', async () => {
    const west = clients(sim, { region: 'us-west-2' });
    const { logGroups } = await west.logs.send(
      new DescribeLogGroupsCommand({}),
    );
    expect(logGroups!.map(g => g.logGroupName)).toEqual(['west-group']);
    const byArn = await clients(sim).logs.send(
      new DescribeLogGroupsCommand({
        logGroupIdentifiers: [
          `arn:aws:logs:us-east-1:${OTHER}:log-group:aws-cloudtrail-logs-other`,
        ],
      }),
    );
    expect(byArn.logGroups).toEqual([]);
  });

  it('finds log groups by name or ARN with logGroupIdentifiers', async () => {
    const { logs } = clients(sim);
    const { logGroups } = await logs.send(
      new DescribeLogGroupsCommand({
        logGroupIdentifiers: [
          `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:aws-cloudtrail-logs-main:*`,
          '/app/web',
          'missing',
        ],
      }),
    );
    expect(logGroups!.map(g => g.logGroupName)).toEqual([
      '/app/web',
      'aws-cloudtrail-logs-main',
    ]);
  });

  it('rejects logGroupIdentifiers together with logGroupNamePrefix', async () => {
    const { logs } = clients(sim);
    const error = await errorOf(() =>
      logs.send(
        new DescribeLogGroupsCommand({
          logGroupIdentifiers: ['x'],
          logGroupNamePrefix: 'x',
        }),
      ),
    );
    expect(error.name).toBe('InvalidParameterException');
  });

  it('pages with limit and nextToken, in name order', async () => {
    const { logs } = clients(sim);
    const first = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/bulk/', limit: 25 }),
    );
    expect(first.logGroups).toHaveLength(25);
    expect(first.nextToken).toBeDefined();
    const names: string[] = [];
    for await (const page of paginateDescribeLogGroups(
      { client: logs, pageSize: 25 },
      { logGroupNamePrefix: '/bulk/' },
    )) {
      names.push(...page.logGroups!.map(g => g.logGroupName!));
    }
    expect(names).toEqual(
      Array.from(
        { length: 60 },
        (_, i) => `/bulk/${String(i).padStart(2, '0')}`,
      ),
    );
  });

  it('describes metric filters of a log group, and answers ResourceNotFoundException for a missing group', async () => {
    const { logs } = clients(sim);
    const { metricFilters } = await logs.send(
      new DescribeMetricFiltersCommand({
        logGroupName: 'aws-cloudtrail-logs-main',
      }),
    );
    expect(metricFilters!.map(f => f.filterName)).toEqual([
      'UnauthorizedAPICalls',
      'RootUsage',
    ]);
    expect(metricFilters![0]).toMatchObject({
      logGroupName: 'aws-cloudtrail-logs-main',
      metricTransformations: [
        {
          metricName: 'Unauthorized',
          metricNamespace: 'CISBenchmark',
          metricValue: '1',
        },
      ],
    });
    const byMetric = await logs.send(
      new DescribeMetricFiltersCommand({
        metricName: 'Root',
        metricNamespace: 'CISBenchmark',
      }),
    );
    expect(byMetric.metricFilters!.map(f => f.filterName)).toEqual([
      'RootUsage',
    ]);
    const error = await errorOf(() =>
      logs.send(new DescribeMetricFiltersCommand({ logGroupName: 'missing' })),
    );
    expect(error.name).toBe('ResourceNotFoundException');
  });
});
