import { RunningSimulator } from '../index';
import { assume, start, world } from '../__testUtils__/harness';
import { decodeCbor } from '../protocols/cbor';
import {
  awsQuery,
  cloudWatchCbor,
  cloudWatchJson,
  post,
  xmlValues,
} from '../__testUtils__/rawAws';

jest.setTimeout(60_000);

const ACCOUNT = '111111111111';
const OTHER = '222222222222';

describe('CloudWatch alarms', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start(
      world({
        accounts: [
          {
            id: ACCOUNT,
            alarms: [
              {
                name: 'root-usage',
                metricName: 'RootAccountUsage',
                alarmActions: ['security-alerts'],
                stateUpdatedTimestamp: '2026-01-10T00:00:00Z',
              },
              {
                name: 'root-usage-muted',
                metricName: 'RootAccountUsage',
                actionsEnabled: false,
                alarmActions: [],
                stateValue: 'INSUFFICIENT_DATA',
              },
              {
                name: 'root-usage-other-namespace',
                metricName: 'RootAccountUsage',
                namespace: 'Custom',
              },
              {
                name: 'west',
                region: 'us-west-2',
                metricName: 'RootAccountUsage',
              },
            ],
          },
          {
            id: OTHER,
            alarms: [{ name: 'theirs', metricName: 'RootAccountUsage' }],
          },
        ],
      }),
    );
  });
  afterAll(() => sim.close());

  it('DescribeAlarmsForMetric in AWS JSON 1.0 (the SDK today): the same alarms, errors query-compatible', async () => {
    const { status, body } = await cloudWatchJson(
      sim,
      'DescribeAlarmsForMetric',
      { MetricName: 'RootAccountUsage', Namespace: 'CISBenchmark' },
    );
    expect(status).toBe(200);
    expect(body.MetricAlarms.map((a: any) => a.AlarmName)).toEqual([
      'root-usage',
      'root-usage-muted',
    ]);
    expect(body.MetricAlarms[1]).toMatchObject({
      ActionsEnabled: false,
      AlarmActions: [],
      StateValue: 'INSUFFICIENT_DATA',
    });
    const bad = await cloudWatchJson(sim, 'DescribeAlarmsForMetric', {
      MetricName: 'RootAccountUsage',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.__type).toMatch(/InvalidParameterValue$/);
    expect(bad.headers['x-amzn-query-error']).toBe(
      'InvalidParameterValue;Sender',
    );
  });

  it('DescribeAlarmsForMetric in RPC v2 CBOR: the alarms on that metric name and namespace, in this region', async () => {
    const { status, headers, body } = await cloudWatchCbor(
      sim,
      'DescribeAlarmsForMetric',
      { MetricName: 'RootAccountUsage', Namespace: 'CISBenchmark' },
    );
    expect(status).toBe(200);
    expect(headers['smithy-protocol']).toBe('rpc-v2-cbor');
    expect(headers['content-type']).toBe('application/cbor');
    expect(body.MetricAlarms.map((a: any) => a.AlarmName)).toEqual([
      'root-usage',
      'root-usage-muted',
    ]);
    expect(body.MetricAlarms[0]).toMatchObject({
      AlarmArn: `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:root-usage`,
      ActionsEnabled: true,
      AlarmActions: [`arn:aws:sns:us-east-1:${ACCOUNT}:security-alerts`],
      StateValue: 'OK',
      StateUpdatedTimestamp: new Date('2026-01-10T00:00:00Z'),
      MetricName: 'RootAccountUsage',
      Namespace: 'CISBenchmark',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(body.MetricAlarms[1]).toMatchObject({
      ActionsEnabled: false,
      AlarmActions: [],
      StateValue: 'INSUFFICIENT_DATA',
    });
  });

  it("each account sees its own alarms (the reader role's credentials)", async () => {
    const credentials = await assume(sim, OTHER);
    const { body } = await cloudWatchCbor(
      sim,
      'DescribeAlarmsForMetric',
      { MetricName: 'RootAccountUsage', Namespace: 'CISBenchmark' },
      { credentials },
    );
    expect(body.MetricAlarms.map((a: any) => a.AlarmName)).toEqual(['theirs']);
  });

  it('DescribeAlarms pages and filters by prefix', async () => {
    const first = await cloudWatchCbor(sim, 'DescribeAlarms', {
      AlarmNamePrefix: 'root-usage',
      MaxRecords: 2,
    });
    expect(first.body.MetricAlarms.map((a: any) => a.AlarmName)).toEqual([
      'root-usage',
      'root-usage-muted',
    ]);
    const second = await cloudWatchCbor(sim, 'DescribeAlarms', {
      AlarmNamePrefix: 'root-usage',
      MaxRecords: 2,
      NextToken: first.body.NextToken,
    });
    expect(second.body.MetricAlarms.map((a: any) => a.AlarmName)).toEqual([
      'root-usage-other-namespace',
    ]);
    expect(second.body.NextToken).toBeUndefined();
  });

  it('errors are CBOR with __type and the awsQuery code header', async () => {
    const { status, headers, body } = await cloudWatchCbor(
      sim,
      'DescribeAlarmsForMetric',
      { MetricName: 'RootAccountUsage' },
    );
    expect(status).toBe(400);
    expect(body.__type).toBe('InvalidParameterValue');
    expect(headers['x-amzn-query-error']).toBe('InvalidParameterValue;Sender');
  });

  it('a body that is not CBOR is a SerializationException', async () => {
    const response = await post(
      `${sim.url}/service/GraniteServiceVersion20100801/operation/DescribeAlarms`,
      {
        'smithy-protocol': 'rpc-v2-cbor',
        'content-type': 'application/cbor',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLECALLER001/20260115/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0',
      },
      Buffer.from([0x1b, 0x00]),
    );
    expect(response.status).toBe(400);
    expect(decodeCbor(response.body)).toMatchObject({
      __type: 'SerializationException',
    });
  });

  it('DescribeAlarmsForMetric in awsQuery: the same alarms, as XML', async () => {
    const { status, text } = await awsQuery(sim, 'monitoring', {
      Action: 'DescribeAlarmsForMetric',
      Version: '2010-08-01',
      MetricName: 'RootAccountUsage',
      Namespace: 'CISBenchmark',
    });
    expect(status).toBe(200);
    expect(xmlValues(text, 'AlarmName')).toEqual([
      'root-usage',
      'root-usage-muted',
    ]);
    expect(xmlValues(text, 'ActionsEnabled')).toEqual(['true', 'false']);
    expect(text).toContain(
      `<AlarmActions><member>arn:aws:sns:us-east-1:${ACCOUNT}:security-alerts</member></AlarmActions>`,
    );
  });
});
