import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { HumanDuration } from '@backstage/types';
import {
  cronProblem,
  readCheckedDuration,
  scheduleProblems,
} from '@cis-aws/plugin-cis-aws-node';
import { InputError, toError } from '@backstage/errors';
import {
  BASELINE_DETECTION_CHECKS,
  DETECTION_CHECK_IDS,
  DetectionCheckId,
  isDetectionCheckId,
} from '@cis-aws/plugin-cis-aws-common';
import type { AwsClientOptions } from './aws/clients';
import type { InventoryMode } from './aws/inventory';
import type { EvidenceOptions } from './evidence/buildEvidencePacket';
import {
  DEFAULT_ERROR_AFTER,
  DEFAULT_NOTIFICATION_OPTIONS,
  NOTIFICATION_TRANSITIONS,
  ControlNotificationOptions,
  NotificationOptions,
  NotificationTransition,
  PersistenceThreshold,
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
  /** How long a read of a role's policy documents may be shown again (`cisAws.aws.rolePolicyMaxAge`); 0: never. */
  rolePolicyMaxAgeMs: number;
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
  /**
   * How soon an owner may evaluate an account again after its latest evaluation
   * (`cisAws.evaluate.minInterval`, default a minute).
   */
  evaluateMinIntervalMs: number;
  /** Detection content on the integrated log groups (`cisAws.detection`, detection-content.md). */
  detection: DetectionOptions;
}

/** `cisAws.detection`: the CIS v1.2 3.x checks on the log group a trail delivers to. */
export interface DetectionOptions {
  /** `cisAws.detection.enabled` (default true). */
  enabled: boolean;
  /** The checks evaluated, in check order: the seed's baseline 3.3, 3.4, 3.5 by default. */
  checks: DetectionCheckId[];
  /** Ask CloudWatch Logs (`logs:TestMetricFilter`) to judge patterns; false: local only. */
  testMetricFilter: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * A day: the documents are evidence, not the verdict (the simulation is asked on every run and
 * any change of its answer re-reads them at once), and a day is as old as the delivery a PASS
 * accepts and as late as Security Hub's findings may be.
 */
const DEFAULT_ROLE_POLICY_MAX_AGE_MS = DAY_MS;

/** An owner's re-check of one account, at most once a minute by default. */
export const DEFAULT_EVALUATE_MIN_INTERVAL_MS = 60 * 1000;

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
  evaluate: { minInterval: true },
  aws: {
    endpoint: true,
    inventory: true,
    regions: true,
    defaultRegion: true,
    concurrency: true,
    maxAttempts: true,
    requestTimeoutMs: true,
    rolePolicyMaxAge: true,
  },
  history: { retention: true },
  evidence: {
    controlStatement: true,
    scope: true,
    historyPeriod: true,
    signingKey: true,
  },
  exceptions: { maxDuration: true, approvers: true, remindBefore: true },
  notifications: {
    enabled: true,
    transitions: true,
    notifyFirstResult: true,
    unownedRecipient: true,
    errorAfter: { runs: true, duration: true },
    detection: {
      enabled: true,
      transitions: true,
      errorAfter: { runs: true, duration: true },
    },
  },
  securityHub: { enabled: true, administratorAccountId: true, region: true },
  detection: { enabled: true, checks: true, testMetricFilter: true },
  runs: {
    replicaId: true,
    batchSize: true,
    leaseDuration: true,
    heartbeat: true,
    workerFrequency: true,
    accountWait: true,
  },
  events: { enabled: true, topic: true, debounce: true },
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
  if (!config) return undefined;
  const read = readCheckedDuration(config, key, fullKey, options);
  for (const problem of read.problems)
    problems.add(problem.key, problem.message);
  return read.duration && read.ms !== undefined
    ? { duration: read.duration, ms: read.ms }
    : undefined;
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

/** The shortest evidence signing key accepted: 32 characters (HMAC-SHA256 wants ≥ 256 bits). */
const MIN_SIGNING_KEY_LENGTH = 32;

/** `cisAws.evidence.signingKey`: a secret, so problems never quote it. */
function readSigningKey(
  config: Config | undefined,
  problems: ConfigProblems,
): { signingKey?: string } {
  const key = 'evidence.signingKey';
  const value = readString(config, key, `cisAws.${key}`, problems);
  if (value === undefined) return {};
  if (value.trim().length < MIN_SIGNING_KEY_LENGTH) {
    problems.add(
      `cisAws.${key}`,
      `must be at least ${MIN_SIGNING_KEY_LENGTH} characters (a random secret, e.g. openssl rand -base64 48); leave it out to produce unsigned packets`,
    );
    return {};
  }
  return { signingKey: value };
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
      ...readSigningKey(config, problems),
    },
    maxExceptionDurationMs: readDurationMs(
      config,
      'exceptions.maxDuration',
      365 * DAY_MS,
      problems,
    ),
    evaluateMinIntervalMs: readDurationMs(
      config,
      'evaluate.minInterval',
      DEFAULT_EVALUATE_MIN_INTERVAL_MS,
      problems,
    ),
    maxDeliveryAgeMs: readDurationMs(
      config,
      'maxDeliveryAge',
      DEFAULT_MAX_DELIVERY_AGE_MS,
      problems,
    ),
    rolePolicyMaxAgeMs:
      readDuration(
        aws,
        'rolePolicyMaxAge',
        'cisAws.aws.rolePolicyMaxAge',
        problems,
        {
          allowZero: true,
        },
      )?.ms ?? DEFAULT_ROLE_POLICY_MAX_AGE_MS,
    endpoint: readEndpoint(aws, problems),
    defaultRegion,
    regions: readRegions(aws, inventoryMode, problems),
    inventoryMode,
    concurrency: readInteger(aws, 'concurrency', problems),
    maxAttempts: readInteger(aws, 'maxAttempts', problems),
    requestTimeoutMs: readInteger(aws, 'requestTimeoutMs', problems),
    partition: root.getOptionalString('aws.accountDefaults.partition') ?? 'aws',
    detection: readDetection(config, problems),
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

/**
 * `cisAws.detection.checks`: `baseline` (3.3, 3.4, 3.5), `all` (3.1 to 3.14), or a list of check
 * ids (`['3.1', '3.3']`, in any order; evaluated in check order).
 */
function readDetection(
  config: Config | undefined,
  problems: ConfigProblems,
): DetectionOptions {
  const detection = section(config, 'detection', problems);
  const key = 'cisAws.detection.checks';
  const value = problems.read<unknown>(
    key,
    () => detection?.getOptional('checks'),
    undefined,
  );
  let checks: DetectionCheckId[] = [...BASELINE_DETECTION_CHECKS];
  const expected = `"baseline", "all" or a list of check ids (${DETECTION_CHECK_IDS.join(
    ', ',
  )})`;
  if (value === 'all') {
    checks = [...DETECTION_CHECK_IDS];
  } else if (value === undefined || value === 'baseline') {
    checks = [...BASELINE_DETECTION_CHECKS];
  } else if (Array.isArray(value) && value.length > 0) {
    const unknown = value.filter(
      id => typeof id !== 'string' || !isDetectionCheckId(id),
    );
    if (unknown.length > 0) {
      problems.add(
        key,
        `${unknown
          .map(id => JSON.stringify(id))
          .join(', ')} is not a check id; expected ${expected}`,
      );
    } else {
      checks = DETECTION_CHECK_IDS.filter(id => value.includes(id));
    }
  } else {
    problems.add(key, `must be ${expected}, got ${JSON.stringify(value)}`);
  }
  return {
    enabled: readBoolean(
      detection,
      'enabled',
      'cisAws.detection.enabled',
      true,
      problems,
    ),
    checks,
    testMetricFilter: readBoolean(
      detection,
      'testMetricFilter',
      'cisAws.detection.testMetricFilter',
      true,
      problems,
    ),
  };
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

  const transitions = readTransitions(
    config,
    'cisAws.notifications.transitions',
    problems,
  );
  const errorAfter = readErrorAfter(
    config,
    'cisAws.notifications.errorAfter',
    DEFAULT_ERROR_AFTER,
    problems,
  );

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
    errorAfter,
    detection: readDetectionNotifications(config, errorAfter, problems),
  };
}

/**
 * `cisAws.notifications.detection`: whether and what the detection control
 * (`cis-3.x-detection`) notifies; its `errorAfter` defaults to the 2.4 one.
 */
function readDetectionNotifications(
  config: Config,
  errorAfter: PersistenceThreshold,
  problems: ConfigProblems,
): ControlNotificationOptions {
  const key = 'cisAws.notifications.detection';
  const detection = problems.read(
    key,
    () => config.getOptionalConfig('detection'),
    undefined,
  );
  if (!detection)
    return { ...DEFAULT_NOTIFICATION_OPTIONS.detection, errorAfter };
  return {
    enabled: readBoolean(
      detection,
      'enabled',
      `${key}.enabled`,
      true,
      problems,
    ),
    transitions: readTransitions(detection, `${key}.transitions`, problems),
    errorAfter: readErrorAfter(
      detection,
      `${key}.errorAfter`,
      errorAfter,
      problems,
    ),
  };
}

/** `…transitions`: some of `fail`, `error`, `recovery`; default all three. */
function readTransitions(
  config: Config,
  key: string,
  problems: ConfigProblems,
): ReadonlySet<NotificationTransition> {
  const names = problems.read(
    key,
    () => config.getOptionalStringArray('transitions'),
    undefined,
  );
  const transitions = new Set<NotificationTransition>();
  for (const name of names ?? NOTIFICATION_TRANSITIONS) {
    if ((NOTIFICATION_TRANSITIONS as readonly string[]).includes(name)) {
      transitions.add(name as NotificationTransition);
    } else {
      problems.add(
        key,
        `"${name}" is not one of ${NOTIFICATION_TRANSITIONS.join(', ')}`,
      );
    }
  }
  return transitions;
}

/** Results in a row that `cisAws.notifications.errorAfter.runs` accepts. */
const ERROR_AFTER_RUNS = { min: 1, max: 1000 };

/**
 * `cisAws.notifications.errorAfter`: after how many results in a row (`runs`) and how long
 * (`duration`) an account that could not be checked is worth telling its owner about.
 */
function readErrorAfter(
  config: Config,
  key: string,
  fallback: PersistenceThreshold,
  problems: ConfigProblems,
): PersistenceThreshold {
  const errorAfter = problems.read(
    key,
    () => config.getOptionalConfig('errorAfter'),
    undefined,
  );
  if (!errorAfter) return fallback;
  const runs = problems.read(
    `${key}.runs`,
    () => errorAfter.getOptionalNumber('runs'),
    undefined,
  );
  let threshold: PersistenceThreshold = { runs: DEFAULT_ERROR_AFTER.runs };
  if (runs !== undefined) {
    if (
      !Number.isInteger(runs) ||
      runs < ERROR_AFTER_RUNS.min ||
      runs > ERROR_AFTER_RUNS.max
    ) {
      problems.add(
        `${key}.runs`,
        `expected a whole number from ${ERROR_AFTER_RUNS.min} to ${ERROR_AFTER_RUNS.max}, got ${runs}`,
      );
    } else {
      threshold = { runs };
    }
  } else if (errorAfter.has('duration')) {
    // Only a duration: it alone decides, from the first result that could not be checked.
    threshold = { runs: 1 };
  }
  const duration = readDuration(
    errorAfter,
    'duration',
    `${key}.duration`,
    problems,
    {
      allowZero: true,
    },
  );
  return duration ? { ...threshold, durationMs: duration.ms } : threshold;
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

/**
 * What is wrong with a cron expression, or undefined when the scheduler will read it (shared with
 * the AWS Organizations catalog module, in @cis-aws/plugin-cis-aws-node).
 */
export { cronProblem };

function readSchedule(
  root: Config,
  problems: ConfigProblems,
): SchedulerServiceTaskScheduleDefinition {
  const config = section(cisAwsConfig(root, problems), 'schedule', problems);
  if (!config) return DEFAULT_SCHEDULE;
  const found = scheduleProblems(config, 'cisAws.schedule');
  for (const problem of found) problems.add(problem.key, problem.message);
  if (found.length > 0) return DEFAULT_SCHEDULE;
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

/** Who decides exceptions, and when their expiry is announced (`cisAws.exceptions.*`). */
export interface ExceptionOptions {
  /** Group entity refs whose members approve or reject requests (`cisAws.exceptions.approvers`). */
  approvers: string[];
  /** How long before its expiry an exception is announced (`cisAws.exceptions.remindBefore`). */
  remindBeforeMs: number;
}

export const DEFAULT_EXCEPTION_REMIND_BEFORE_MS = 14 * DAY_MS;

function readExceptions(
  root: Config,
  problems: ConfigProblems,
): ExceptionOptions {
  const config = section(cisAwsConfig(root, problems), 'exceptions', problems);
  const names = problems.read(
    'cisAws.exceptions.approvers',
    () => config?.getOptionalStringArray('approvers'),
    undefined,
  );
  const approvers: string[] = [];
  for (const name of names ?? []) {
    try {
      const ref = parseEntityRef(name);
      if (ref.kind.toLocaleLowerCase('en-US') !== 'group') {
        throw new Error(`its kind is ${ref.kind}`);
      }
      approvers.push(stringifyEntityRef(ref));
    } catch (error) {
      problems.add(
        'cisAws.exceptions.approvers',
        `"${name}" is not a group entity ref like group:default/security-team (${
          toError(error).message
        })`,
      );
    }
  }
  return {
    approvers,
    remindBeforeMs:
      readDuration(
        config,
        'remindBefore',
        'cisAws.exceptions.remindBefore',
        problems,
      )?.ms ?? DEFAULT_EXCEPTION_REMIND_BEFORE_MS,
  };
}

/** `cisAws.exceptions.approvers` and `remindBefore`. */
export function readExceptionOptions(root: Config): ExceptionOptions {
  const problems = new ConfigProblems();
  const options = readExceptions(root, problems);
  problems.throwIfAny();
  return options;
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

/**
 * `cisAws.events`: re-evaluating an account soon after a CloudTrail event says something CIS 2.4
 * depends on changed in it (docs/events.md).
 */
export interface EventOptions {
  enabled: boolean;
  /** The events-system topic the CloudTrail events are published on. */
  topic: string;
  /** Events for one account within this long of the first are evaluated together. */
  debounceMs: number;
}

export const DEFAULT_EVENT_OPTIONS: EventOptions = {
  enabled: true,
  topic: 'cisAwsCloudTrail',
  debounceMs: 10_000,
};

/** Longest debounce: longer delays than this defeat the purpose (the schedule covers it). */
const MAX_DEBOUNCE_MS = 15 * 60 * 1000;

function readEvents(root: Config, problems: ConfigProblems): EventOptions {
  const config = section(cisAwsConfig(root, problems), 'events', problems);
  if (!config) return DEFAULT_EVENT_OPTIONS;
  const topic =
    readString(config, 'topic', 'cisAws.events.topic', problems) ??
    DEFAULT_EVENT_OPTIONS.topic;
  // No dots: the SQS module reads its topics as config keys (`...topics.<topic>.queue`), where a
  // dot would split the name.
  if (!/^[\w-]{1,200}$/.test(topic)) {
    problems.add(
      'cisAws.events.topic',
      'expected 1 to 200 letters, digits, _ or - (no dots: the SQS module reads topics as config keys)',
    );
  }
  const debounce = readDuration(
    config,
    'debounce',
    'cisAws.events.debounce',
    problems,
    { allowZero: true },
  );
  if (debounce && debounce.ms > MAX_DEBOUNCE_MS) {
    problems.add(
      'cisAws.events.debounce',
      `must be at most 15 minutes, got ${debounce.ms} ms`,
    );
  }
  return {
    enabled: readBoolean(
      config,
      'enabled',
      'cisAws.events.enabled',
      DEFAULT_EVENT_OPTIONS.enabled,
      problems,
    ),
    topic,
    debounceMs: debounce?.ms ?? DEFAULT_EVENT_OPTIONS.debounceMs,
  };
}

/** Everything the plugin reads from `cisAws.*`, read once in `plugin.ts`. */
export interface CisAwsConfig {
  options: CisAwsOptions;
  notifications: NotificationOptions;
  schedule: SchedulerServiceTaskScheduleDefinition;
  exceptions: ExceptionOptions;
  runs: RunOptions;
  events: EventOptions;
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
    exceptions: readExceptions(root, problems),
    runs: readRuns(root, problems),
    events: readEvents(root, problems),
  };
  problems.throwIfAny();
  return settings;
}
