import { testFilterPattern } from '@cis-aws/plugin-cis-aws-common';
import { AwsError } from '../protocols/errors';
import {
  JsonInput,
  decodeToken,
  encodeToken,
  isOffsetCursor,
} from '../protocols/json';
import { LogGroupSpec } from '../world/schema';
import { resolveTime } from '../world/time';
import { JsonService, RequestContext } from './types';

/**
 * CloudWatch Logs (JSON 1.1). Region-scoped: a caller sees only the log
 * groups of its own account in the region it calls. Log groups are kept
 * sorted by name per (account, region), so prefix queries and paging are
 * binary searches, not scans.
 */

const invalid = (message: string) =>
  new AwsError('InvalidParameterException', message, 400);
const LOG_GROUP_ARN =
  /^arn:[\w-]+:logs:([a-z0-9-]+):(\d{12}):log-group:(.+?)(:\*)?$/;

/** Index of the first group whose name is > `after` (or >= `from`). */
function lowerBound(
  groups: LogGroupSpec[],
  name: string,
  strict: boolean,
): number {
  let lo = 0;
  let hi = groups.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const n = groups[mid].name;
    if (n < name || (strict && n === name)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isNameCursor(v: unknown): v is { after: string } {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { after?: unknown }).after === 'string'
  );
}

function groupShape(ctx: RequestContext, g: LogGroupSpec): object {
  const arn = `arn:${ctx.state.spec.partition}:logs:${g.region}:${ctx.caller.accountId}:log-group:${g.name}`;
  return {
    logGroupName: g.name,
    creationTime: resolveTime(g.creationTime, ctx.nowMs),
    retentionInDays: g.retentionInDays ?? undefined,
    metricFilterCount: g.metricFilters.length,
    arn: `${arn}:*`,
    storedBytes: g.storedBytes,
    kmsKeyId: g.kmsKeyId ?? undefined,
    logGroupClass: 'STANDARD',
    logGroupArn: arn,
  };
}

function describeLogGroups(ctx: RequestContext, input: JsonInput): object {
  const { state, caller, region } = ctx;
  const prefix = input.optionalString('logGroupNamePrefix');
  const pattern = input.optionalString('logGroupNamePattern');
  const identifiers = input.optionalStringList('logGroupIdentifiers');
  const limit = input.optionalInteger('limit', 1, 50) ?? 50;
  if (identifiers && (prefix !== undefined || pattern !== undefined)) {
    throw invalid(
      'LogGroupIdentifiers and LogGroupNamePrefix/LogGroupNamePattern are mutually exclusive',
    );
  }
  if (prefix !== undefined && pattern !== undefined) {
    throw invalid(
      'LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive',
    );
  }
  const groups = state.logGroupsIn(caller.accountId, region);
  const token = input.optionalString('nextToken');
  const cursor =
    token === undefined ? undefined : decodeToken(token, isNameCursor);
  if (token !== undefined && !cursor)
    throw invalid('The specified nextToken is invalid.');

  let start = cursor ? lowerBound(groups, cursor.after, true) : 0;
  if (prefix !== undefined)
    start = Math.max(start, lowerBound(groups, prefix, false));
  const wanted = identifiers
    ? new Set(
        identifiers.map(id => {
          const m = LOG_GROUP_ARN.exec(id);
          if (!m) return id;
          return m[1] === region && m[2] === caller.accountId ? m[3] : '\u0000';
        }),
      )
    : undefined;
  const needle = pattern?.toLowerCase();
  const out: LogGroupSpec[] = [];
  let more = false;
  for (let i = start; i < groups.length; i++) {
    const g = groups[i];
    if (prefix !== undefined && !g.name.startsWith(prefix)) break;
    if (wanted && !wanted.has(g.name)) continue;
    if (needle && !g.name.toLowerCase().includes(needle)) continue;
    if (out.length === limit) {
      more = true;
      break;
    }
    out.push(g);
  }
  return {
    logGroups: out.map(g => groupShape(ctx, g)),
    ...(more
      ? { nextToken: encodeToken({ after: out[out.length - 1].name }) }
      : {}),
  };
}

function describeMetricFilters(ctx: RequestContext, input: JsonInput): object {
  const { state, caller, region } = ctx;
  const groupName = input.optionalString('logGroupName');
  const filterPrefix = input.optionalString('filterNamePrefix');
  const metricName = input.optionalString('metricName');
  const metricNamespace = input.optionalString('metricNamespace');
  const limit = input.optionalInteger('limit', 1, 50) ?? 50;
  if (filterPrefix !== undefined && groupName === undefined) {
    throw invalid('filterNamePrefix requires logGroupName');
  }
  if ((metricName === undefined) !== (metricNamespace === undefined)) {
    throw invalid('metricName and metricNamespace must be given together');
  }
  let groups: LogGroupSpec[];
  if (groupName !== undefined) {
    const group = state.logGroup(caller.accountId, region, groupName);
    if (!group)
      throw new AwsError(
        'ResourceNotFoundException',
        'The specified log group does not exist.',
        400,
      );
    groups = [group];
  } else {
    groups = state.logGroupsIn(caller.accountId, region);
  }
  const all = groups.flatMap(g =>
    g.metricFilters
      .filter(
        f => filterPrefix === undefined || f.name.startsWith(filterPrefix),
      )
      .filter(
        f =>
          metricName === undefined ||
          (f.metricName === metricName &&
            f.metricNamespace === metricNamespace),
      )
      .map(f => ({
        filterName: f.name,
        filterPattern: f.pattern,
        metricTransformations: [
          {
            metricName: f.metricName,
            metricNamespace: f.metricNamespace,
            metricValue: f.metricValue,
          },
        ],
        creationTime: resolveTime(f.creationTime, ctx.nowMs),
        logGroupName: g.name,
        applyOnTransformedLogs: false,
      })),
  );
  const token = input.optionalString('nextToken');
  const offset =
    token === undefined ? 0 : decodeToken(token, isOffsetCursor)?.o;
  if (offset === undefined)
    throw invalid('The specified nextToken is invalid.');
  const items = all.slice(offset, offset + limit);
  return {
    metricFilters: items,
    ...(offset + limit < all.length
      ? { nextToken: encodeToken({ o: offset + limit }) }
      : {}),
  };
}

/**
 * Which sample messages a pattern matches, with the CloudWatch Logs filter-pattern syntax
 * (the product's implementation of it, held here against the syntax's documented examples).
 */
function testMetricFilter(_ctx: RequestContext, input: JsonInput): object {
  const pattern = input.optionalString('filterPattern');
  if (pattern === undefined) throw invalid('filterPattern is required');
  const messages = input.optionalStringList('logEventMessages');
  if (!messages || messages.length < 1 || messages.length > 50)
    throw invalid('logEventMessages must hold 1 to 50 messages');
  const result = testFilterPattern(pattern, messages);
  if (!result.ok)
    throw invalid(`Invalid metric filter pattern: ${result.error.message}`);
  return {
    matches: messages.flatMap((eventMessage, i) =>
      result.matches[i]
        ? [{ eventNumber: i + 1, eventMessage, extractedValues: {} }]
        : [],
    ),
  };
}

function putMetricFilter(ctx: RequestContext, input: JsonInput): object {
  const { state, caller, region } = ctx;
  const groupName = input.string('logGroupName');
  const filterName = input.string('filterName');
  const pattern = input.optionalString('filterPattern');
  if (pattern === undefined) throw invalid('filterPattern is required');
  const transformations = input.raw('metricTransformations');
  if (
    !Array.isArray(transformations) ||
    transformations.length !== 1 ||
    typeof transformations[0] !== 'object' ||
    transformations[0] === null
  )
    throw invalid('metricTransformations must hold exactly one transformation');
  const t = transformations[0] as Record<string, unknown>;
  const text = (key: string) => {
    const v = t[key];
    if (typeof v !== 'string' || v === '')
      throw invalid(`metricTransformations[0].${key} is required`);
    return v;
  };
  const parsed = testFilterPattern(pattern, []);
  if (!parsed.ok)
    throw invalid(`Invalid metric filter pattern: ${parsed.error.message}`);
  const group = state.logGroup(caller.accountId, region, groupName);
  if (!group)
    throw new AwsError(
      'ResourceNotFoundException',
      'The specified log group does not exist.',
      400,
    );
  const filter = {
    name: filterName,
    pattern,
    metricName: text('metricName'),
    metricNamespace: text('metricNamespace'),
    metricValue: text('metricValue'),
    creationTime: new Date(ctx.nowMs).toISOString(),
  };
  const i = group.metricFilters.findIndex(f => f.name === filterName);
  if (i >= 0) group.metricFilters[i] = filter;
  else group.metricFilters.push(filter);
  state.version++;
  return {};
}

export const logs: JsonService = {
  name: 'logs',
  protocol: 'json',
  global: false,
  targetPrefix: 'Logs_20140328',
  queryCompatible: false,
  invalid,
  operations: {
    DescribeLogGroups: describeLogGroups,
    DescribeMetricFilters: describeMetricFilters,
    TestMetricFilter: testMetricFilter,
    PutMetricFilter: putMetricFilter,
  },
};
