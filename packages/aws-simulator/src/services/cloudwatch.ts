import { AwsError } from '../protocols/errors';
import {
  JsonInput,
  decodeToken,
  encodeToken,
  isOffsetCursor,
} from '../protocols/json';
import { QueryInput } from '../protocols/query';
import { AlarmSpec } from '../world/schema';
import { resolveDate } from '../world/time';
import {
  CborService,
  JsonService,
  QueryService,
  RequestContext,
} from './types';

/**
 * CloudWatch metric alarms, region-scoped, read-only: DescribeAlarmsForMetric and
 * DescribeAlarms. Spoken as AWS JSON 1.0 (what the AWS SDK for JavaScript v3 sends today), as
 * Smithy RPC v2 CBOR (what it sent before) and as awsQuery (what CloudWatch accepted before, and other SDKs and the CLI may still send); both
 * share the handlers below. CloudWatch is awsQueryCompatible: CBOR errors also carry
 * `x-amzn-query-error`.
 */

const invalid = (message: string) =>
  new AwsError('InvalidParameterValue', message, 400, {
    queryCode: 'InvalidParameterValue',
  });

/** The request fields the handlers read, whichever protocol carried them. */
interface Params {
  optionalString(name: string): string | undefined;
  stringList(name: string): string[];
  optionalInteger(name: string, min: number, max: number): number | undefined;
}

function fromJson(input: JsonInput): Params {
  return {
    optionalString: name => input.optionalString(name),
    stringList: name => input.optionalStringList(name) ?? [],
    optionalInteger: (name, min, max) => input.optionalInteger(name, min, max),
  };
}

function fromQuery(input: QueryInput): Params {
  return {
    optionalString: name => input.optionalString(name),
    stringList: name => input.list(name),
    optionalInteger: (name, min, max) => input.optionalInteger(name, min, max),
  };
}

function alarmShape(ctx: RequestContext, a: AlarmSpec): object {
  const updated = resolveDate(a.stateUpdatedTimestamp, ctx.nowMs);
  return {
    AlarmName: a.name,
    AlarmArn: `arn:${ctx.state.spec.partition}:cloudwatch:${a.region}:${ctx.caller.accountId}:alarm:${a.name}`,
    AlarmConfigurationUpdatedTimestamp: updated,
    ActionsEnabled: a.actionsEnabled,
    OKActions: [],
    AlarmActions: a.alarmActions,
    InsufficientDataActions: [],
    StateValue: a.stateValue,
    StateReason: `Simulated state ${a.stateValue}`,
    StateUpdatedTimestamp: updated,
    StateTransitionedTimestamp: updated,
    MetricName: a.metricName,
    Namespace: a.namespace,
    Statistic: a.statistic,
    Dimensions: [],
    Period: a.period,
    EvaluationPeriods: a.evaluationPeriods,
    Threshold: a.threshold,
    ComparisonOperator: a.comparisonOperator,
    TreatMissingData: 'notBreaching',
  };
}

function describeAlarmsForMetric(ctx: RequestContext, input: Params): object {
  const metricName = input.optionalString('MetricName');
  const namespace = input.optionalString('Namespace');
  if (!metricName || !namespace)
    throw invalid('MetricName and Namespace are required');
  const alarms = ctx.state
    .alarmsIn(ctx.caller.accountId, ctx.region)
    .filter(a => a.metricName === metricName && a.namespace === namespace);
  return { MetricAlarms: alarms.map(a => alarmShape(ctx, a)) };
}

function describeAlarms(ctx: RequestContext, input: Params): object {
  const names = input.stringList('AlarmNames');
  const prefix = input.optionalString('AlarmNamePrefix');
  const stateValue = input.optionalString('StateValue');
  const limit = input.optionalInteger('MaxRecords', 1, 100) ?? 50;
  if (names.length > 0 && prefix !== undefined)
    throw invalid('AlarmNames and AlarmNamePrefix cannot be used together');
  const all = ctx.state
    .alarmsIn(ctx.caller.accountId, ctx.region)
    .filter(a => names.length === 0 || names.includes(a.name))
    .filter(a => prefix === undefined || a.name.startsWith(prefix))
    .filter(a => stateValue === undefined || a.stateValue === stateValue);
  const token = input.optionalString('NextToken');
  const offset =
    token === undefined ? 0 : decodeToken(token, isOffsetCursor)?.o;
  if (offset === undefined)
    throw new AwsError(
      'InvalidNextToken',
      'The service returned an invalid NextToken.',
      400,
    );
  return {
    MetricAlarms: all
      .slice(offset, offset + limit)
      .map(a => alarmShape(ctx, a)),
    CompositeAlarms: [],
    ...(offset + limit < all.length
      ? { NextToken: encodeToken({ o: offset + limit }) }
      : {}),
  };
}

export const cloudwatch: CborService = {
  name: 'cloudwatch',
  protocol: 'rpcv2Cbor',
  global: false,
  serviceName: 'GraniteServiceVersion20100801',
  queryCompatible: true,
  invalid,
  operations: {
    DescribeAlarmsForMetric: (ctx, input) =>
      describeAlarmsForMetric(ctx, fromJson(input)),
    DescribeAlarms: (ctx, input) => describeAlarms(ctx, fromJson(input)),
  },
};

/**
 * The same operations in AWS JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.…`): what
 * the AWS SDK for JavaScript v3 sends since CloudWatch moved to it (3.8xx and later).
 */
export const cloudwatchJson: JsonService = {
  name: 'cloudwatch',
  protocol: 'json',
  global: false,
  targetPrefix: 'GraniteServiceVersion20100801',
  queryCompatible: true,
  invalid,
  operations: {
    DescribeAlarmsForMetric: (ctx, input) =>
      describeAlarmsForMetric(ctx, fromJson(input)),
    DescribeAlarms: (ctx, input) => describeAlarms(ctx, fromJson(input)),
  },
};

export const cloudwatchQuery: QueryService = {
  name: 'cloudwatch',
  protocol: 'query',
  global: false,
  namespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
  version: '2010-08-01',
  operations: {
    DescribeAlarmsForMetric: (ctx, input) =>
      describeAlarmsForMetric(ctx, fromQuery(input)),
    DescribeAlarms: (ctx, input) => describeAlarms(ctx, fromQuery(input)),
  },
};
