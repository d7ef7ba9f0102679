import { AwsError } from '../protocols/errors';
import {
  JsonInput,
  decodeToken,
  encodeToken,
  isOffsetCursor,
} from '../protocols/json';
import { TrailView } from '../world/state';
import { resolveOptionalDate } from '../world/time';
import { JsonService, RequestContext, page } from './types';

/**
 * CloudTrail (JSON 1.1, awsQueryCompatible). What a caller sees:
 *   - its own trails and, for organization members, the management account's
 *     organization trails (with the owner's ARN);
 *   - in region R: trails homed in R, plus multi-region trails homed elsewhere
 *     as "shadow trails" (DescribeTrails includeShadowTrails, default true);
 *   - GetTrailStatus on a trail it does not own (an organization trail seen
 *     from a member account) answers TrailNotFoundException.
 * ListTrails follows world.behaviour.listTrails: `account` (every visible
 * trail, whatever the region called) or `region` (as DescribeTrails in R).
 */

const LIST_PAGE_SIZE = 50;

function trailNotFound(ctx: RequestContext, name: string): AwsError {
  return new AwsError(
    'TrailNotFoundException',
    `Unknown trail: ${name} for the user: ${ctx.caller.accountId}`,
    400,
    { queryCode: 'TrailNotFound' },
  );
}

function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterException', message, 400, {
    queryCode: 'InvalidParameter',
  });
}

function findOrFail(ctx: RequestContext, nameOrArn: string): TrailView {
  const view = ctx.state.findTrail(ctx.caller.accountId, ctx.region, nameOrArn);
  if (!view) throw trailNotFound(ctx, nameOrArn);
  return view;
}

function trailShape({ trail, arn }: TrailView): object {
  return {
    Name: trail.name,
    S3BucketName: trail.s3BucketName,
    S3KeyPrefix: trail.s3KeyPrefix ?? undefined,
    SnsTopicName: trail.snsTopicName ?? undefined,
    SnsTopicARN: trail.snsTopicName
      ? arn
          .replace(/:cloudtrail:/, ':sns:')
          .replace(/trail\/.*$/, trail.snsTopicName)
      : undefined,
    IncludeGlobalServiceEvents: trail.includeGlobalServiceEvents,
    IsMultiRegionTrail: trail.multiRegion,
    HomeRegion: trail.homeRegion,
    TrailARN: arn,
    LogFileValidationEnabled: trail.logFileValidation,
    CloudWatchLogsLogGroupArn: trail.logGroupArn ?? undefined,
    CloudWatchLogsRoleArn: trail.roleArn ?? undefined,
    KmsKeyId: trail.kmsKeyId ?? undefined,
    HasCustomEventSelectors: trail.eventSelectors !== null,
    HasInsightSelectors: false,
    IsOrganizationTrail: trail.organization,
  };
}

function listTrails(ctx: RequestContext, input: JsonInput): object {
  const { state, caller, region } = ctx;
  const views =
    state.spec.behaviour.listTrails === 'region'
      ? state.trailsInRegion(caller.accountId, region, true)
      : state.visibleTrails(caller.accountId);
  const token = input.optionalString('NextToken');
  const cursor =
    token === undefined ? { o: 0 } : decodeToken(token, isOffsetCursor);
  if (!cursor)
    throw new AwsError('InvalidNextTokenException', 'Invalid NextToken', 400, {
      queryCode: 'InvalidNextToken',
    });
  const p = page(views, cursor.o, LIST_PAGE_SIZE);
  return {
    Trails: p.items.map(v => ({
      TrailARN: v.arn,
      Name: v.trail.name,
      HomeRegion: v.trail.homeRegion,
    })),
    ...(p.next !== undefined ? { NextToken: encodeToken({ o: p.next }) } : {}),
  };
}

/** Names match trails visible in the called region; ARNs match any visible trail. Unknown entries are skipped. */
function describeTrails(ctx: RequestContext, input: JsonInput): object {
  const { state, caller, region } = ctx;
  const includeShadows = input.boolean('includeShadowTrails', true);
  const names = input.optionalStringList('trailNameList') ?? [];
  let views: TrailView[];
  if (names.length === 0) {
    views = state.trailsInRegion(caller.accountId, region, includeShadows);
  } else {
    const inRegion = state.trailsInRegion(
      caller.accountId,
      region,
      includeShadows,
    );
    const all = state.visibleTrails(caller.accountId);
    views = [];
    for (const ref of names) {
      const found = ref.startsWith('arn:')
        ? all.find(v => v.arn === ref)
        : inRegion.find(v => v.trail.name === ref);
      if (found && !views.includes(found)) views.push(found);
    }
  }
  return { trailList: views.map(trailShape) };
}

function getTrailStatus(ctx: RequestContext, input: JsonInput): object {
  const name = input.string('Name');
  const view = findOrFail(ctx, name);
  if (view.owner !== ctx.caller.accountId) throw trailNotFound(ctx, name);
  const s = view.trail.status;
  const at = (spec: string | null) => resolveOptionalDate(spec, ctx.nowMs);
  const latestDelivery = at(s.latestDeliveryTime);
  return {
    IsLogging: s.isLogging,
    LatestDeliveryError: s.latestDeliveryError ?? undefined,
    LatestDeliveryTime: latestDelivery,
    StartLoggingTime: at(s.startLoggingTime),
    StopLoggingTime: at(s.stopLoggingTime),
    LatestCloudWatchLogsDeliveryError:
      s.latestCloudWatchLogsDeliveryError ?? undefined,
    LatestCloudWatchLogsDeliveryTime: at(s.latestCloudWatchLogsDeliveryTime),
    LatestDigestDeliveryTime: at(s.latestDigestDeliveryTime),
    LatestDeliveryAttemptTime: latestDelivery
      ? latestDelivery.toISOString().replace(/\.\d{3}Z$/, 'Z')
      : undefined,
    LatestDeliveryAttemptSucceeded: latestDelivery
      ? latestDelivery.toISOString().replace(/\.\d{3}Z$/, 'Z')
      : undefined,
    TimeLoggingStarted: at(s.startLoggingTime)
      ?.toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
    TimeLoggingStopped: at(s.stopLoggingTime)
      ?.toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
  };
}

function getEventSelectors(ctx: RequestContext, input: JsonInput): object {
  const view = findOrFail(ctx, input.string('TrailName'));
  const selectors = view.trail.eventSelectors ?? [
    {
      readWriteType: 'All',
      includeManagementEvents: true,
      excludeManagementEventSources: [],
      dataResources: [],
    },
  ];
  return {
    TrailARN: view.arn,
    EventSelectors: selectors.map(s => ({
      ReadWriteType: s.readWriteType,
      IncludeManagementEvents: s.includeManagementEvents,
      DataResources: s.dataResources.map(d => ({
        Type: d.type,
        Values: d.values,
      })),
      ExcludeManagementEventSources: s.excludeManagementEventSources,
    })),
  };
}

export const cloudtrail: JsonService = {
  name: 'cloudtrail',
  protocol: 'json',
  global: false,
  targetPrefix: 'CloudTrail_20131101',
  queryCompatible: true,
  invalid,
  operations: {
    ListTrails: listTrails,
    DescribeTrails: describeTrails,
    GetTrail: (ctx, input) => ({
      Trail: trailShape(findOrFail(ctx, input.string('Name'))),
    }),
    GetTrailStatus: getTrailStatus,
    GetEventSelectors: getEventSelectors,
  },
};
