import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { InputError, toError } from '@backstage/errors';
import type { AwsClientOptions } from './aws/clients';
import type { InventoryMode } from './aws/inventory';
import type { EvidenceOptions } from './evidence/buildEvidencePacket';
import {
  DEFAULT_NOTIFICATION_OPTIONS,
  NOTIFICATION_TRANSITIONS,
  NotificationOptions,
  NotificationTransition,
} from './notifications/options';
import { DEFAULT_MAX_DELIVERY_AGE_MS } from './rules';

/**
 * Every `cisAws.*` setting (see config.d.ts) is read here, once, by `plugin.ts` (and the evidence
 * command), and handed down as plain values. The layers below define the shapes they need
 * (`AwsClientOptions`, `EvidenceOptions`, `NotificationOptions`, the collector's options) and
 * never import this file; the API and the services may name `CisAwsOptions` as a type.
 *
 * Every value is checked here, at start-up: all the problems found are reported together in one
 * {@link InputError} whose message names each key and what is wrong with it, so a wrong value
 * stops the plugin (and with it the backend) instead of surfacing later as an ERROR per account.
 */

/** Every commercial region enabled by default, plus the opt-in ones. */
export const DEFAULT_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
];

/** The plugin's settings, read once from `cisAws.*` (see config.d.ts). */
export interface CisAwsOptions extends AwsClientOptions, EvidenceOptions {
  maxDeliveryAgeMs: number;
  regions: string[];
  inventoryMode: InventoryMode;
  concurrency: number;
  partition: string;
  securityHub: {
    enabled: boolean;
    administratorAccountId?: string;
    region: string;
  };
  /** How long history is kept (`cisAws.history.retention`). */
  historyRetentionMs: number;
  /** The longest an exception may last (`cisAws.exceptions.maxDuration`). */
  maxExceptionDurationMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** An audit year plus a margin: at least 13 months. */
export const DEFAULT_HISTORY_RETENTION_MS = 400 * DAY_MS;

export const DEFAULT_CONTROL_STATEMENT =
  'All in-scope AWS accounts must have CloudTrail configured to deliver to CloudWatch Logs ' +
  'through an approved log group and IAM role, verified continuously and monitored for drift ' +
  '(CIS AWS Foundations Benchmark v1.2, control 2.4; AWS Security Hub CloudTrail.5).';

export const DEFAULT_SCOPE =
  'Every AWS account registered in the Backstage catalog as a cloud-account Resource ' +
  '(annotation amazonaws.com/account-id), and every CloudTrail trail those accounts own or see, ' +
  'in every region the account has enabled. Exceptions are approved, time-boxed and listed in ' +
  'this packet.';

/** The AWS region syntax: us-east-1, eu-central-2, us-gov-west-1, cn-northwest-1, us-isob-east-1. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT_ID = /^\d{12}$/;

/** Whole-number settings and the range each accepts. */
const INTEGER_RANGES = {
  concurrency: { min: 1, max: 64, fallback: 16 },
  maxAttempts: { min: 1, max: 10, fallback: 5 },
  requestTimeoutMs: { min: 1_000, max: 300_000, fallback: 20_000 },
} as const;

/**
 * Every `cisAws.*` key (see config.d.ts); `true` marks a value, an object the keys under it. A key
 * outside this tree (a typo such as `cisAws.aws.concurency`) would otherwise be ignored in silence.
 */
const KNOWN_KEYS: { [key: string]: true | typeof KNOWN_KEYS } = {
  schedule: { frequency: true, timeout: true, initialDelay: true, scope: true },
  maxDeliveryAge: true,
  aws: {
    endpoint: true,
    inventory: true,
    regions: true,
    defaultRegion: true,
    concurrency: true,
    maxAttempts: true,
    requestTimeoutMs: true,
  },
  history: { retention: true },
  evidence: { controlStatement: true, scope: true, historyPeriod: true },
  exceptions: { maxDuration: true },
  notifications: {
    enabled: true,
    transitions: true,
    notifyFirstResult: true,
    unownedRecipient: true,
  },
  securityHub: { enabled: true, administratorAccountId: true, region: true },
  runs: {
    replicaId: true,
    batchSize: true,
    leaseDuration: true,
    heartbeat: true,
    workerFrequency: true,
    accountWait: true,
  },
};

/**
 * The problems found in `cisAws.*`, each with its full key, reported together by
 * {@link ConfigProblems.throwIfAny} once everything has been read.
 */
class ConfigProblems {
  private readonly problems: string[] = [];

  get count() {
    return this.problems.length;
  }

  add(key: string, message: string) {
    const problem = `${key}: ${message}`;
    if (!this.problems.includes(problem)) this.problems.push(problem);
  }

  /** `get()`, or `fallback` with a problem of `key` when it throws (Config's own type errors). */
  read<T>(key: string, get: () => T, fallback: T): T {
    try {
      return get();
    } catch (error) {
      this.add(key, toError(error).message);
      return fallback;
    }
  }

  throwIfAny() {
    if (this.problems.length === 0) return;
    throw new InputError(
      `Invalid cis-aws configuration, the plugin cannot start (${
        this.problems.length === 1
          ? '1 problem'
          : `${this.problems.length} problems`
      }):\n${this.problems.map(p => `  - ${p}`).join('\n')}`,
    );
  }
}

/** `cisAws` itself, or undefined when absent (or not an object: a problem then). */
function cisAwsConfig(root: Config, problems: ConfigProblems) {
  return problems.read(
    'cisAws',
    () => root.getOptionalConfig('cisAws'),
    undefined,
  );
}

function section(
  config: Config | undefined,
  key: string,
  problems: ConfigProblems,
): Config | undefined {
  return problems.read(
    `cisAws.${key}`,
    () => config?.getOptionalConfig(key),
    undefined,
  );
}

function checkKnownKeys(
  config: Config | undefined,
  known: typeof KNOWN_KEYS,
  prefix: string,
  problems: ConfigProblems,
) {
  for (const key of config?.keys() ?? []) {
    const inner = known[key];
    if (inner === undefined) {
      problems.add(
        `${prefix}.${key}`,
        `is not a setting of the cis-aws plugin (known under ${prefix}: ${Object.keys(
          known,
        ).join(', ')})`,
      );
    } else if (inner !== true) {
      let child: Config | undefined;
      try {
        child = config!.getOptionalConfig(key);
      } catch {
        child = undefined; // not an object: reported where the value is read
      }
      checkKnownKeys(child, inner, `${prefix}.${key}`, problems);
    }
  }
}

/**
 * A duration of `cisAws.${key}`: ISO 8601 (`PT24H`) or a duration object (`{ hours: 24 }`), with
 * no negative part (layered files merge objects, and `{ hours: 1 }` over `{ minutes: -5 }` is not
 * what anyone meant) and, unless `allowZero`, longer than zero.
 */
function readDuration(
  config: Config | undefined,
  key: string,
  fullKey: string,
  problems: ConfigProblems,
  options: { allowZero?: boolean } = {},
): { duration: HumanDuration; ms: number } | undefined {
  if (!config?.has(key)) return undefined;
  let duration: HumanDuration;
  try {
    duration = readDurationFromConfig(config, { key });
  } catch (error) {
    problems.add(
      fullKey,
      `is not a duration (an ISO 8601 duration such as PT24H, or an object such as { hours: 24 }): ${
        toError(error).message
      }`,
    );
    return undefined;
  }
  const negative = Object.entries(duration).filter(
    ([, value]) => typeof value === 'number' && value < 0,
  );
  if (negative.length > 0) {
    problems.add(
      fullKey,
      `must not be negative, got ${negative
        .map(([unit, value]) => `${unit}: ${value}`)
        .join(', ')}`,
    );
    return undefined;
  }
  const ms = durationToMilliseconds(duration);
  if (!Number.isFinite(ms) || (options.allowZero ? ms < 0 : ms <= 0)) {
    problems.add(
      fullKey,
      options.allowZero ? 'must be zero or longer' : 'must be longer than zero',
    );
    return undefined;
  }
  return { duration, ms };
}

function readDurationMs(
  config: Config | undefined,
  key: string,
  fallback: number,
  problems: ConfigProblems,
): number {
  return readDuration(config, key, `cisAws.${key}`, problems)?.ms ?? fallback;
}

/** A string setting; a value of another type is a problem of its key. */
function readString(
  config: Config | undefined,
  key: string,
  fullKey: string,
  problems: ConfigProblems,
): string | undefined {
  return problems.read(
    fullKey,
    () => config?.getOptionalString(key),
    undefined,
  );
}

function readBoolean(
  config: Config | undefined,
  key: string,
  fullKey: string,
  fallback: boolean,
  problems: ConfigProblems,
): boolean {
  return (
    problems.read(fullKey, () => config?.getOptionalBoolean(key), undefined) ??
    fallback
  );
}

function readRegion(
  config: Config | undefined,
  key: string,
  fullKey: string,
  problems: ConfigProblems,
): string | undefined {
  const value = readString(config, key, fullKey, problems);
  if (value !== undefined && !REGION.test(value)) {
    problems.add(
      fullKey,
      `"${value}" is not an AWS region name (like us-east-1 or eu-central-1)`,
    );
    return undefined;
  }
  return value;
}

/** A 12-digit AWS account id, written as a string (a YAML number loses leading zeros). */
function readAccountId(
  config: Config | undefined,
  key: string,
  fullKey: string,
  problems: ConfigProblems,
): string | undefined {
  const raw = config?.getOptional(key);
  if (typeof raw === 'number') {
    problems.add(
      fullKey,
      `write the account id in quotes ('${raw}'): as a YAML number it loses leading zeros`,
    );
    return undefined;
  }
  const value = readString(config, key, fullKey, problems);
  if (value !== undefined && !ACCOUNT_ID.test(value)) {
    problems.add(fullKey, `expected a 12-digit AWS account id, got "${value}"`);
    return undefined;
  }
  return value;
}

function readInteger(
  aws: Config | undefined,
  key: keyof typeof INTEGER_RANGES,
  problems: ConfigProblems,
): number {
  const { min, max, fallback } = INTEGER_RANGES[key];
  const fullKey = `cisAws.aws.${key}`;
  const value = problems.read(
    fullKey,
    () => aws?.getOptionalNumber(key),
    undefined,
  );
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.add(
      fullKey,
      `expected a whole number from ${min} to ${max}, got ${value}`,
    );
    return fallback;
  }
  return value;
}

/**
 * `cisAws.aws.endpoint`: an http or https URL, or an empty string (which getOptionalString
 * refuses), which undoes an endpoint a lower config layer set, e.g. a production file layered over
 * the demo's: the AWS endpoints then.
 */
function readEndpoint(
  aws: Config | undefined,
  problems: ConfigProblems,
): string | undefined {
  const key = 'cisAws.aws.endpoint';
  const value = aws?.getOptional('endpoint');
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') {
    problems.add(
      key,
      `expected a URL (or '' for the AWS endpoints), got ${JSON.stringify(
        value,
      )}`,
    );
    return undefined;
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    problems.add(
      key,
      `"${value}" is not an http or https URL (such as http://127.0.0.1:4580; '' for the AWS endpoints)`,
    );
    return undefined;
  }
  return value;
}

function readRegions(
  aws: Config | undefined,
  inventoryMode: InventoryMode,
  problems: ConfigProblems,
): string[] {
  const key = 'cisAws.aws.regions';
  const regions = problems.read(
    key,
    () => aws?.getOptionalStringArray('regions'),
    undefined,
  );
  if (regions === undefined) return DEFAULT_REGIONS;
  const wrong = regions.filter(region => !REGION.test(region));
  if (wrong.length > 0) {
    problems.add(
      key,
      `not AWS region names (like us-east-1): ${wrong
        .map(region => `"${region}"`)
        .join(', ')}`,
    );
  }
  if (regions.length === 0 && inventoryMode === 'region') {
    problems.add(
      key,
      'is empty, so the region inventory (cisAws.aws.inventory: region) would find no trail',
    );
  }
  return regions;
}

/** A text that, when set, says something. */
function readText(
  config: Config | undefined,
  key: string,
  fallback: string,
  problems: ConfigProblems,
): string {
  const fullKey = `cisAws.${key}`;
  const value = readString(config, key, fullKey, problems);
  if (value === undefined) return fallback;
  if (value.trim() === '') {
    problems.add(fullKey, 'must not be blank (leave it out for the default)');
    return fallback;
  }
  return value;
}

function readOptions(root: Config, problems: ConfigProblems): CisAwsOptions {
  const config = cisAwsConfig(root, problems);
  const aws = section(config, 'aws', problems);
  const securityHub = section(config, 'securityHub', problems);
  const defaultRegion =
    readRegion(aws, 'defaultRegion', 'cisAws.aws.defaultRegion', problems) ??
    'us-east-1';
  const inventory =
    readString(aws, 'inventory', 'cisAws.aws.inventory', problems) ?? 'account';
  let inventoryMode: InventoryMode = 'account';
  if (inventory === 'account' || inventory === 'region') {
    inventoryMode = inventory;
  } else {
    problems.add(
      'cisAws.aws.inventory',
      `must be "account" or "region", got "${inventory}"`,
    );
  }
  const historyPeriodMs = readDurationMs(
    config,
    'evidence.historyPeriod',
    90 * DAY_MS,
    problems,
  );
  return {
    historyRetentionMs: readDurationMs(
      config,
      'history.retention',
      DEFAULT_HISTORY_RETENTION_MS,
      problems,
    ),
    evidence: {
      controlStatement: readText(
        config,
        'evidence.controlStatement',
        DEFAULT_CONTROL_STATEMENT,
        problems,
      ),
      scope: readText(config, 'evidence.scope', DEFAULT_SCOPE, problems),
      historyPeriodMs,
    },
    maxExceptionDurationMs: readDurationMs(
      config,
      'exceptions.maxDuration',
      365 * DAY_MS,
      problems,
    ),
    maxDeliveryAgeMs: readDurationMs(
      config,
      'maxDeliveryAge',
      DEFAULT_MAX_DELIVERY_AGE_MS,
      problems,
    ),
    endpoint: readEndpoint(aws, problems),
    defaultRegion,
    regions: readRegions(aws, inventoryMode, problems),
    inventoryMode,
    concurrency: readInteger(aws, 'concurrency', problems),
    maxAttempts: readInteger(aws, 'maxAttempts', problems),
    requestTimeoutMs: readInteger(aws, 'requestTimeoutMs', problems),
    partition: root.getOptionalString('aws.accountDefaults.partition') ?? 'aws',
    securityHub: {
      enabled: readBoolean(
        securityHub,
        'enabled',
        'cisAws.securityHub.enabled',
        true,
        problems,
      ),
      administratorAccountId: readAccountId(
        securityHub,
        'administratorAccountId',
        'cisAws.securityHub.administratorAccountId',
        problems,
      ),
      region:
        readRegion(
          securityHub,
          'region',
          'cisAws.securityHub.region',
          problems,
        ) ?? defaultRegion,
    },
  };
}

/**
 * Reads and checks the plugin's options (every `cisAws.*` key but the notifications and the
 * schedule); every problem is reported in one {@link InputError} naming each key.
 */
export function readCisAwsOptions(root: Config): CisAwsOptions {
  const problems = new ConfigProblems();
  const options = readOptions(root, problems);
  problems.throwIfAny();
  return options;
}

function readNotifications(
  root: Config,
  problems: ConfigProblems,
): NotificationOptions {
  const config = section(
    cisAwsConfig(root, problems),
    'notifications',
    problems,
  );
  if (!config) return DEFAULT_NOTIFICATION_OPTIONS;

  const transitionNames = problems.read(
    'cisAws.notifications.transitions',
    () => config.getOptionalStringArray('transitions'),
    undefined,
  );
  const transitions = new Set<NotificationTransition>();
  for (const name of transitionNames ?? NOTIFICATION_TRANSITIONS) {
    if ((NOTIFICATION_TRANSITIONS as readonly string[]).includes(name)) {
      transitions.add(name as NotificationTransition);
    } else {
      problems.add(
        'cisAws.notifications.transitions',
        `"${name}" is not one of ${NOTIFICATION_TRANSITIONS.join(', ')}`,
      );
    }
  }

  return {
    enabled: readBoolean(
      config,
      'enabled',
      'cisAws.notifications.enabled',
      true,
      problems,
    ),
    transitions,
    notifyFirstResult: readBoolean(
      config,
      'notifyFirstResult',
      'cisAws.notifications.notifyFirstResult',
      true,
      problems,
    ),
    unownedRecipient: readEntityRef(config, 'unownedRecipient', problems),
  };
}

/**
 * Reads `cisAws.notifications`. A wrong value stops the plugin at start-up
 * with the key and what is allowed, rather than silently notifying nobody.
 */
export function readNotificationOptions(root: Config): NotificationOptions {
  const problems = new ConfigProblems();
  const options = readNotifications(root, problems);
  problems.throwIfAny();
  return options;
}

/** A full entity ref (`group:default/platform-team`; the namespace may be left out). */
function readEntityRef(
  config: Config,
  key: string,
  problems: ConfigProblems,
): string | undefined {
  const fullKey = `cisAws.notifications.${key}`;
  const value = readString(config, key, fullKey, problems);
  if (value === undefined) return undefined;
  try {
    return stringifyEntityRef(parseEntityRef(value));
  } catch (error) {
    problems.add(
      fullKey,
      `"${value}" is not an entity ref like group:default/platform-team (${
        toError(error).message
      })`,
    );
    return undefined;
  }
}

/** The full evaluation's schedule when `cisAws.schedule` is not set: hourly. */
export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 30 },
  initialDelay: { seconds: 15 },
};

/** Cron's names of months and days, as the scheduler's cron library reads them. */
const CRON_NAMES: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
};
const CRON_PRESETS = [
  '@yearly',
  '@monthly',
  '@weekly',
  '@daily',
  '@hourly',
  '@minutely',
  '@secondly',
  '@weekdays',
  '@weekends',
];
const CRON_FIELDS: [name: string, low: number, high: number][] = [
  ['second', 0, 59],
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['day of week', 0, 7],
];

/**
 * What is wrong with a cron expression, or undefined when the scheduler (the `cron` library's
 * CronTime) will read it: 5 fields, or 6 with seconds first; `*`, numbers, ranges, steps, lists,
 * names of months and days, and presets such as `@daily`.
 */
export function cronProblem(expression: string): string | undefined {
  let source = expression.trim().toLowerCase();
  if (CRON_PRESETS.includes(source)) return undefined;
  if (source.startsWith('@')) {
    return `unknown preset ${source} (known: ${CRON_PRESETS.join(', ')})`;
  }
  const unknownName = (source.match(/[a-z]+/g) ?? []).find(
    name => !Object.hasOwn(CRON_NAMES, name),
  );
  if (unknownName) {
    return `"${unknownName}" is not a month or day name (jan to dec, sun to sat)`;
  }
  source = source.replace(/[a-z]+/g, name => String(CRON_NAMES[name]));
  const fields = source === '' ? [] : source.split(/\s+/);
  if (fields.length < 5 || fields.length > 6) {
    return `has ${fields.length} fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)`;
  }
  const units = CRON_FIELDS.slice(CRON_FIELDS.length - fields.length);
  for (const [i, field] of fields.entries()) {
    const [name, low, high] = units[i];
    for (const part of field.split(',')) {
      const wildcard = part.indexOf('*');
      if (wildcard > 0) return `the ${name} "${field}" has a misplaced *`;
      const match = /^(\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(
        part.replace('*', `${low}-${high}`),
      );
      if (!match) return `the ${name} "${field}" cannot be parsed`;
      const lower = Number(match[1]);
      const upper = match[2] === undefined ? undefined : Number(match[2]);
      if (match[3] !== undefined && Number(match[3]) === 0) {
        return `the ${name} "${field}" has a step of zero`;
      }
      if (upper !== undefined && lower > upper) {
        return `the ${name} "${field}" is a backwards range`;
      }
      if (lower < low || (upper ?? lower) > high) {
        return `the ${name} "${field}" is out of range (${low}-${high})`;
      }
    }
  }
  return undefined;
}

function readSchedule(
  root: Config,
  problems: ConfigProblems,
): SchedulerServiceTaskScheduleDefinition {
  const config = section(cisAwsConfig(root, problems), 'schedule', problems);
  if (!config) return DEFAULT_SCHEDULE;
  const before = problems.count;
  const frequency = config.getOptional('frequency');
  if (frequency === undefined) {
    problems.add(
      'cisAws.schedule.frequency',
      'is required: a duration ({ hours: 1 }), { cron: "0 * * * *" } or { trigger: manual }',
    );
  } else if (
    typeof frequency === 'object' &&
    frequency !== null &&
    !Array.isArray(frequency) &&
    ('cron' in frequency || 'trigger' in frequency)
  ) {
    const { cron, trigger } = frequency as {
      cron?: unknown;
      trigger?: unknown;
    };
    if ('cron' in frequency) {
      const problem =
        typeof cron === 'string'
          ? cronProblem(cron)
          : `expected a cron expression string, got ${JSON.stringify(cron)}`;
      if (problem) {
        problems.add(
          'cisAws.schedule.frequency.cron',
          typeof cron === 'string'
            ? `"${cron}" is not a cron expression: ${problem}`
            : problem,
        );
      }
    } else if (trigger !== 'manual') {
      problems.add(
        'cisAws.schedule.frequency.trigger',
        `the only trigger is "manual", got ${JSON.stringify(trigger)}`,
      );
    }
  } else {
    readDuration(config, 'frequency', 'cisAws.schedule.frequency', problems);
  }
  if (!config.has('timeout')) {
    problems.add(
      'cisAws.schedule.timeout',
      'is required: how long a full run may take before another may start ({ minutes: 30 })',
    );
  } else {
    readDuration(config, 'timeout', 'cisAws.schedule.timeout', problems);
  }
  readDuration(
    config,
    'initialDelay',
    'cisAws.schedule.initialDelay',
    problems,
    {
      allowZero: true,
    },
  );
  const scope = readString(config, 'scope', 'cisAws.schedule.scope', problems);
  if (scope !== undefined && scope !== 'global' && scope !== 'local') {
    problems.add(
      'cisAws.schedule.scope',
      `must be "global" or "local", got "${scope}"`,
    );
  }
  if (problems.count > before) return DEFAULT_SCHEDULE;
  return problems.read(
    'cisAws.schedule',
    () => readSchedulerServiceTaskScheduleDefinitionFromConfig(config),
    DEFAULT_SCHEDULE,
  );
}

/** `cisAws.schedule`, the full evaluation's schedule. */
export function readEvaluationSchedule(
  root: Config,
): SchedulerServiceTaskScheduleDefinition {
  const problems = new ConfigProblems();
  const schedule = readSchedule(root, problems);
  problems.throwIfAny();
  return schedule;
}

/**
 * `cisAws.runs`: how replicas share evaluations (see config.d.ts and the README's "Running
 * several replicas"). Durations in milliseconds.
 */
export interface RunOptions {
  /** Names this replica in leases and run records; default host/pid/random. */
  replicaId?: string;
  batchSize: number;
  leaseDurationMs: number;
  heartbeatMs: number;
  workerFrequencyMs: number;
  accountWaitMs: number;
}

export const DEFAULT_RUN_OPTIONS: RunOptions = {
  batchSize: 25,
  leaseDurationMs: 2 * 60 * 1000,
  heartbeatMs: 30 * 1000,
  workerFrequencyMs: 15 * 1000,
  accountWaitMs: 30 * 1000,
};

function readRuns(root: Config, problems: ConfigProblems): RunOptions {
  const config = section(cisAwsConfig(root, problems), 'runs', problems);
  if (!config) return DEFAULT_RUN_OPTIONS;
  const duration = (
    key: 'leaseDuration' | 'heartbeat' | 'workerFrequency' | 'accountWait',
    fallback: number,
    allowZero = false,
  ) =>
    readDuration(config, key, `cisAws.runs.${key}`, problems, { allowZero })
      ?.ms ?? fallback;
  const batchSize = problems.read(
    'cisAws.runs.batchSize',
    () => config.getOptionalNumber('batchSize'),
    undefined,
  );
  if (
    batchSize !== undefined &&
    (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000)
  ) {
    problems.add(
      'cisAws.runs.batchSize',
      `expected a whole number from 1 to 1000, got ${batchSize}`,
    );
  }
  const replicaId = readString(
    config,
    'replicaId',
    'cisAws.runs.replicaId',
    problems,
  );
  if (replicaId !== undefined && !/^[\w.:/@-]{1,120}$/.test(replicaId)) {
    problems.add(
      'cisAws.runs.replicaId',
      'expected 1 to 120 letters, digits or . : / @ _ -',
    );
  }
  const options: RunOptions = {
    ...(replicaId ? { replicaId } : {}),
    batchSize:
      batchSize !== undefined && Number.isInteger(batchSize)
        ? batchSize
        : DEFAULT_RUN_OPTIONS.batchSize,
    leaseDurationMs: duration(
      'leaseDuration',
      DEFAULT_RUN_OPTIONS.leaseDurationMs,
    ),
    heartbeatMs: duration('heartbeat', DEFAULT_RUN_OPTIONS.heartbeatMs),
    workerFrequencyMs: duration(
      'workerFrequency',
      DEFAULT_RUN_OPTIONS.workerFrequencyMs,
    ),
    accountWaitMs: duration(
      'accountWait',
      DEFAULT_RUN_OPTIONS.accountWaitMs,
      true,
    ),
  };
  if (options.heartbeatMs * 2 > options.leaseDurationMs) {
    problems.add(
      'cisAws.runs.heartbeat',
      `must be at most half of cisAws.runs.leaseDuration (${options.leaseDurationMs} ms), so that a live replica renews its leases before they expire`,
    );
  }
  return options;
}

/** Everything the plugin reads from `cisAws.*`, read once in `plugin.ts`. */
export interface CisAwsConfig {
  options: CisAwsOptions;
  notifications: NotificationOptions;
  schedule: SchedulerServiceTaskScheduleDefinition;
  runs: RunOptions;
}

/**
 * Reads and checks every `cisAws.*` setting. Every problem, of every key (unknown keys included),
 * is reported together in one {@link InputError} whose message lists each key and what is wrong;
 * thrown from the plugin's init, it stops the backend's start-up.
 */
export function readCisAwsConfig(root: Config): CisAwsConfig {
  const problems = new ConfigProblems();
  checkKnownKeys(cisAwsConfig(root, problems), KNOWN_KEYS, 'cisAws', problems);
  const settings = {
    options: readOptions(root, problems),
    notifications: readNotifications(root, problems),
    schedule: readSchedule(root, problems),
    runs: readRuns(root, problems),
  };
  problems.throwIfAny();
  return settings;
}
