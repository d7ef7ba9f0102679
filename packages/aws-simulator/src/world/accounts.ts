import {
  attachablePolicies,
  managedPolicyArn,
  readManagedPolicy,
  readRole,
} from './iamEntities';
import { PolicyVars } from './policies';
import {
  ObjectReader,
  WorldValidationError,
  joinPath,
  readAccountId,
} from './reader';
import {
  ACCOUNT_STATES,
  ALARM_STATES,
  AccountSpec,
  AlarmSpec,
  COMPARISON_OPERATORS,
  LogGroupSpec,
  SnsSubscriptionSpec,
  SnsTopicSpec,
  ManagedPolicySpec,
  MetricFilterSpec,
} from './schema';
import { AccountContext, checkUnique, readTrail } from './trails';

export interface WorldContext {
  partition: string;
  regions: string[];
  optInRegions: string[];
  hasOrganization: boolean;
  managementAccount: string | null;
  /** AWS managed policies of the world, by name → ARN. */
  awsManagedPolicyArns: Map<string, string>;
}

const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
  2192, 2557, 2922, 3288, 3653,
];

function readMetricFilter(value: unknown, path: string): MetricFilterSpec {
  const r = ObjectReader.of(value, path);
  const filter: MetricFilterSpec = {
    name: r.string('name'),
    pattern: r.string('pattern', ''),
    metricName: r.string('metricName'),
    metricNamespace: r.string('metricNamespace'),
    metricValue: r.string('metricValue', '1'),
    creationTime: r.time('creationTime', '-300d') ?? '-300d',
  };
  r.done();
  return filter;
}

const SNS_TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;

function readSubscription(value: unknown, path: string): SnsSubscriptionSpec {
  const r = ObjectReader.of(value, path);
  const subscription: SnsSubscriptionSpec = {
    protocol: r.oneOf(
      'protocol',
      ['email', 'email-json', 'https', 'http', 'sqs', 'lambda', 'sms'] as const,
      'email',
    ),
    endpoint: r.string('endpoint'),
    confirmed: r.boolean('confirmed', true),
  };
  r.done();
  return subscription;
}

export function readSnsTopic(
  value: unknown,
  path: string,
  ctx: AccountContext,
): SnsTopicSpec {
  const r = ObjectReader.of(value, path);
  const topic: SnsTopicSpec = {
    name: r.string(
      'name',
      undefined,
      SNS_TOPIC_NAME,
      'letters, digits, _ and -',
    ),
    region: readRegion(r, ctx),
    subscriptions: r.list('subscriptions', readSubscription),
  };
  r.done();
  return topic;
}

export function readAlarm(
  value: unknown,
  path: string,
  ctx: AccountContext,
): AlarmSpec {
  const r = ObjectReader.of(value, path);
  const region = readRegion(r, ctx);
  const alarm: AlarmSpec = {
    name: r.string('name'),
    region,
    metricName: r.string('metricName'),
    namespace: r.string('namespace', 'CISBenchmark'),
    statistic: r.oneOf(
      'statistic',
      ['Sum', 'Average', 'Maximum', 'Minimum', 'SampleCount'] as const,
      'Sum',
    ),
    period: r.number('period', 300, 10, 86400),
    evaluationPeriods: r.number('evaluationPeriods', 1, 1, 1000),
    threshold: r.number('threshold', 1, -1e9, 1e9, false),
    comparisonOperator: r.oneOf(
      'comparisonOperator',
      COMPARISON_OPERATORS,
      'GreaterThanOrEqualToThreshold',
    ),
    actionsEnabled: r.boolean('actionsEnabled', true),
    alarmActions: r
      .stringList('alarmActions')
      .map(a =>
        a.startsWith('arn:')
          ? a
          : `arn:${ctx.partition}:sns:${region}:${ctx.accountId}:${a}`,
      ),
    stateValue: r.oneOf('stateValue', ALARM_STATES, 'OK'),
    stateUpdatedTimestamp: r.time('stateUpdatedTimestamp', '-2d') ?? '-2d',
  };
  r.done();
  return alarm;
}

function readRegion(r: ObjectReader, ctx: AccountContext): string {
  const region = r.string('region', ctx.defaultRegion);
  if (!ctx.enabledRegions.includes(region)) {
    r.fail(
      'region',
      `"${region}" is not enabled for account ${
        ctx.accountId
      } (enabled: ${ctx.enabledRegions.join(', ')})`,
    );
  }
  return region;
}

export function readLogGroup(
  value: unknown,
  path: string,
  ctx: AccountContext,
): LogGroupSpec {
  const r = ObjectReader.of(value, path);
  const name = r.string(
    'name',
    undefined,
    LOG_GROUP_NAME,
    'letters, digits and ._-/#, up to 512',
  );
  const region = r.string('region', ctx.defaultRegion);
  if (!ctx.enabledRegions.includes(region)) {
    r.fail(
      'region',
      `"${region}" is not enabled for account ${
        ctx.accountId
      } (enabled: ${ctx.enabledRegions.join(', ')})`,
    );
  }
  const retention = r.optionalNumber('retentionInDays', 1, 3653);
  if (retention !== undefined && !RETENTION_DAYS.includes(retention)) {
    r.fail(
      'retentionInDays',
      `${retention} is not a CloudWatch Logs retention (${RETENTION_DAYS.join(
        ', ',
      )})`,
    );
  }
  const group: LogGroupSpec = {
    name,
    region,
    retentionInDays: retention ?? null,
    storedBytes: r.number('storedBytes', 0, 0, Number.MAX_SAFE_INTEGER),
    creationTime: r.time('creationTime', '-400d') ?? '-400d',
    kmsKeyId: r.optionalString('kmsKeyId') ?? null,
    metricFilters: r.list('metricFilters', readMetricFilter),
  };
  checkUnique(
    group.metricFilters,
    f => f.name,
    r.at('metricFilters'),
    'metric filter',
  );
  r.done();
  return group;
}

export function accountContext(
  world: WorldContext,
  id: string,
  optInRegions: string[],
): AccountContext {
  return {
    accountId: id,
    partition: world.partition,
    enabledRegions: [...world.regions, ...optInRegions],
    defaultRegion: world.regions[0],
    isManagementAccount: world.managementAccount === id,
  };
}

export function worldContextOf(spec: {
  partition: string;
  regions: string[];
  optInRegions: string[];
  organization: { managementAccount: string } | null;
  awsManagedPolicies: ManagedPolicySpec[];
}): WorldContext {
  return {
    partition: spec.partition,
    regions: spec.regions,
    optInRegions: spec.optInRegions,
    hasOrganization: spec.organization !== null,
    managementAccount: spec.organization?.managementAccount ?? null,
    awsManagedPolicyArns: new Map(
      spec.awsManagedPolicies.map(p => [
        p.name,
        managedPolicyArn(spec.partition, 'aws', p.name, p.path),
      ]),
    ),
  };
}

export function readAccount(
  value: unknown,
  path: string,
  world: WorldContext,
): AccountSpec {
  const r = ObjectReader.of(value, path);
  const id = readAccountId(r.raw('id'), r.at('id'));
  const name = r.string('name', `account-${id}`);
  const optInRegions = r.stringList('optInRegions');
  optInRegions.forEach((region, i) => {
    if (!world.optInRegions.includes(region)) {
      throw new WorldValidationError(
        joinPath(r.at('optInRegions'), i),
        `"${region}" is not one of the world's optInRegions (${
          world.optInRegions.join(', ') || 'none'
        })`,
      );
    }
  });
  const ctx = accountContext(world, id, optInRegions);
  const vars: PolicyVars = { AccountId: id, Partition: world.partition };
  const managedPolicies = r.list('managedPolicies', (v, p) =>
    readManagedPolicy(v, p, vars),
  );
  checkUnique(
    managedPolicies,
    p => p.name,
    r.at('managedPolicies'),
    'managed policy',
  );
  const attachable = attachablePolicies(world, id, managedPolicies);
  const roles = r.list('roles', (v, p) => readRole(v, p, vars, attachable));
  checkUnique(roles, role => role.name.toLowerCase(), r.at('roles'), 'role');
  const logGroups = r.list('logGroups', (v, p) => readLogGroup(v, p, ctx));
  checkUnique(
    logGroups,
    g => `${g.region} ${g.name}`,
    r.at('logGroups'),
    'log group (region, name)',
  );
  const trails = r.list('trails', (v, p) => readTrail(v, p, ctx));
  checkUnique(trails, t => t.name, r.at('trails'), 'trail');
  const alarms = r.list('alarms', (v, p) => readAlarm(v, p, ctx));
  checkUnique(
    alarms,
    a => `${a.region} ${a.name}`,
    r.at('alarms'),
    'alarm (region, name)',
  );
  const snsTopics = r.list('snsTopics', (v, p) => readSnsTopic(v, p, ctx));
  checkUnique(
    snsTopics,
    t => `${t.region} ${t.name}`,
    r.at('snsTopics'),
    'SNS topic (region, name)',
  );
  const organizationMember = r.boolean(
    'organizationMember',
    world.hasOrganization,
  );
  if (organizationMember && !world.hasOrganization)
    r.fail('organizationMember', 'the world has no organization');
  if (!organizationMember && ctx.isManagementAccount) {
    r.fail(
      'organizationMember',
      'the management account is always a member of its organization',
    );
  }
  const account: AccountSpec = {
    id,
    name,
    email: r.string('email', `aws+${name}@example.com`),
    status: r.oneOf('status', ACCOUNT_STATES, 'ACTIVE'),
    joinedMethod: r.oneOf(
      'joinedMethod',
      ['CREATED', 'INVITED'] as const,
      ctx.isManagementAccount ? 'INVITED' : 'CREATED',
    ),
    joinedTimestamp: r.time('joinedTimestamp', '-700d') ?? '-700d',
    tags: r.stringMap('tags'),
    organizationMember,
    assumable: r.boolean('assumable', true),
    optInRegions,
    roles,
    managedPolicies,
    logGroups,
    trails,
    alarms,
    snsTopics,
  };
  r.done();
  return account;
}
