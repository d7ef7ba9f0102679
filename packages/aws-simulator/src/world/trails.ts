import { ObjectReader, WorldValidationError } from './reader';
import { EventSelectorSpec, TrailSpec, TrailStatusSpec } from './schema';

export interface AccountContext {
  accountId: string;
  partition: string;
  /** Regions enabled for this account (world regions + its opt-in regions). */
  enabledRegions: string[];
  defaultRegion: string;
  isManagementAccount: boolean;
}

export const TRAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/;
const TRAIL_NAME_HINT =
  '3-128 letters, digits, periods, underscores or dashes, starting with a letter or digit';

export function trailArn(
  partition: string,
  region: string,
  account: string,
  name: string,
): string {
  return `arn:${partition}:cloudtrail:${region}:${account}:trail/${name}`;
}

export function logGroupArnFor(
  partition: string,
  region: string,
  account: string,
  name: string,
): string {
  return `arn:${partition}:logs:${region}:${account}:log-group:${name}:*`;
}

export function roleArnFor(
  partition: string,
  account: string,
  name: string,
  path = '/',
): string {
  return `arn:${partition}:iam::${account}:role${path}${name}`;
}

function readStatus(
  r: ObjectReader,
  hasLogGroup: boolean,
  validation: boolean,
): TrailStatusSpec {
  const s = r.has('status')
    ? ObjectReader.of(r.raw('status'), r.at('status'))
    : undefined;
  r.raw('status');
  const isLogging = s ? s.boolean('isLogging', true) : true;
  const time = (key: string, whenLogging: string | null) => {
    const fallback = isLogging ? whenLogging : null;
    return s ? s.time(key, fallback) : fallback;
  };
  const text = (key: string) => (s ? s.optionalString(key) ?? null : null);
  const status: TrailStatusSpec = {
    isLogging,
    startLoggingTime: time('startLoggingTime', '-400d'),
    stopLoggingTime: time('stopLoggingTime', null),
    latestDeliveryTime: time('latestDeliveryTime', '-5m'),
    latestDeliveryError: text('latestDeliveryError'),
    latestCloudWatchLogsDeliveryTime: time(
      'latestCloudWatchLogsDeliveryTime',
      hasLogGroup ? '-5m' : null,
    ),
    latestCloudWatchLogsDeliveryError: text(
      'latestCloudWatchLogsDeliveryError',
    ),
    latestDigestDeliveryTime: time(
      'latestDigestDeliveryTime',
      validation ? '-55m' : null,
    ),
  };
  s?.done();
  return status;
}

function readEventSelector(value: unknown, path: string): EventSelectorSpec {
  const r = ObjectReader.of(value, path);
  const selector: EventSelectorSpec = {
    readWriteType: r.oneOf(
      'readWriteType',
      ['All', 'ReadOnly', 'WriteOnly'] as const,
      'All',
    ),
    includeManagementEvents: r.boolean('includeManagementEvents', true),
    excludeManagementEventSources: r.stringList(
      'excludeManagementEventSources',
    ),
    dataResources: r.list('dataResources', (v, p) => {
      const d = ObjectReader.of(v, p);
      const resource = {
        type: d.string('type'),
        values: d.stringList('values'),
      };
      d.done();
      return resource;
    }),
  };
  r.done();
  return selector;
}

/**
 * `logGroup: name` (in the trail's home region of its own account) or a full
 * `logGroupArn`; likewise `role: name` or `roleArn`. `null` means "not set".
 */
function readArnOrShorthand(
  r: ObjectReader,
  shortKey: string,
  arnKey: string,
  expand: (name: string) => string,
  arnPattern: RegExp,
): string | null {
  if (r.has(shortKey) && r.has(arnKey))
    r.fail(arnKey, `give either ${shortKey} or ${arnKey}, not both`);
  const short = r.raw(shortKey);
  if (short !== undefined && short !== null) {
    if (typeof short !== 'string' || short.length === 0)
      r.fail(shortKey, 'expected a name');
    return expand(short as string);
  }
  const arn = r.optionalString(
    arnKey,
    arnPattern,
    `expected an ARN like ${arnPattern.source}`,
  );
  return arn ?? null;
}

export function readTrail(
  value: unknown,
  path: string,
  ctx: AccountContext,
): TrailSpec {
  const r = ObjectReader.of(value, path);
  const name = r.string('name', undefined, TRAIL_NAME, TRAIL_NAME_HINT);
  const homeRegion = r.string('homeRegion', ctx.defaultRegion);
  if (!ctx.enabledRegions.includes(homeRegion)) {
    r.fail(
      'homeRegion',
      `"${homeRegion}" is not enabled for account ${
        ctx.accountId
      } (enabled: ${ctx.enabledRegions.join(', ')})`,
    );
  }
  const multiRegion = r.boolean('multiRegion', false);
  const organization = r.boolean('organization', false);
  if (organization && !ctx.isManagementAccount) {
    r.fail(
      'organization',
      "only the organization's management account can own an organization trail",
    );
  }
  const logGroupArn = readArnOrShorthand(
    r,
    'logGroup',
    'logGroupArn',
    n => logGroupArnFor(ctx.partition, homeRegion, ctx.accountId, n),
    /^arn:[\w-]+:logs:[a-z0-9-]+:\d{12}:log-group:.+$/,
  );
  const roleArn = readArnOrShorthand(
    r,
    'role',
    'roleArn',
    n => roleArnFor(ctx.partition, ctx.accountId, n),
    /^arn:[\w-]+:iam::\d{12}:role\/.+$/,
  );
  const logFileValidation = r.boolean('logFileValidation', true);
  const trail: TrailSpec = {
    name,
    homeRegion,
    multiRegion,
    organization,
    s3BucketName: r.string(
      's3BucketName',
      `aws-cloudtrail-logs-${ctx.accountId}-${name.toLowerCase()}`,
    ),
    s3KeyPrefix: r.optionalString('s3KeyPrefix') ?? null,
    snsTopicName: r.optionalString('snsTopicName') ?? null,
    kmsKeyId: r.optionalString('kmsKeyId') ?? null,
    includeGlobalServiceEvents: r.boolean('includeGlobalServiceEvents', true),
    logFileValidation,
    logGroupArn,
    roleArn,
    status: readStatus(r, logGroupArn !== null, logFileValidation),
    eventSelectors:
      r.raw('eventSelectors') === undefined || r.raw('eventSelectors') === null
        ? null
        : r.list('eventSelectors', readEventSelector),
  };
  r.done();
  return trail;
}

export function checkUnique<T>(
  items: T[],
  key: (t: T) => string,
  path: string,
  what: string,
): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k))
      throw new WorldValidationError(
        `${path}[${i}]`,
        `duplicate ${what} "${k}"`,
      );
    seen.add(k);
  });
}
