import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
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

/** ISO 8601 (`PT24H`), a human duration object (`{ hours: 24 }`) or a number of ms. */
function readDurationMs(
  config: Config | undefined,
  key: string,
): number | undefined {
  if (!config?.has(key)) return undefined;
  try {
    return durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch (error) {
    throw new InputError(
      `cisAws.${key} is not a duration: ${toError(error).message}`,
    );
  }
}

/**
 * `cisAws.aws.endpoint`; an empty string (which getOptionalString refuses) undoes an endpoint a
 * lower config layer set, e.g. a production file layered over the demo's: the AWS endpoints then.
 */
function readEndpoint(aws: Config | undefined): string | undefined {
  const value = aws?.getOptional('endpoint');
  if (value === undefined || value === '') return undefined;
  return aws!.getString('endpoint');
}

export function readCisAwsOptions(root: Config): CisAwsOptions {
  const config = root.getOptionalConfig('cisAws');
  const aws = config?.getOptionalConfig('aws');
  const securityHub = config?.getOptionalConfig('securityHub');
  const defaultRegion = aws?.getOptionalString('defaultRegion') ?? 'us-east-1';
  const maxDeliveryAgeMs =
    readDurationMs(config, 'maxDeliveryAge') ?? DEFAULT_MAX_DELIVERY_AGE_MS;
  if (!(maxDeliveryAgeMs > 0)) {
    throw new InputError('cisAws.maxDeliveryAge must be longer than zero');
  }
  const concurrency = aws?.getOptionalNumber('concurrency') ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InputError(
      `cisAws.aws.concurrency must be a whole number of 1 or more, got ${concurrency}`,
    );
  }
  const inventoryMode = aws?.getOptionalString('inventory') ?? 'account';
  if (inventoryMode !== 'account' && inventoryMode !== 'region') {
    throw new InputError(
      `cisAws.aws.inventory must be "account" or "region", got "${inventoryMode}"`,
    );
  }
  const historyRetentionMs =
    readDurationMs(config, 'history.retention') ?? DEFAULT_HISTORY_RETENTION_MS;
  const historyPeriodMs =
    readDurationMs(config, 'evidence.historyPeriod') ?? 90 * DAY_MS;
  const maxExceptionDurationMs =
    readDurationMs(config, 'exceptions.maxDuration') ?? 365 * DAY_MS;
  for (const [key, value] of [
    ['history.retention', historyRetentionMs],
    ['evidence.historyPeriod', historyPeriodMs],
    ['exceptions.maxDuration', maxExceptionDurationMs],
  ] as const) {
    if (!(value > 0)) {
      throw new InputError(`cisAws.${key} must be longer than zero`);
    }
  }
  return {
    historyRetentionMs,
    evidence: {
      controlStatement:
        config?.getOptionalString('evidence.controlStatement') ??
        DEFAULT_CONTROL_STATEMENT,
      scope: config?.getOptionalString('evidence.scope') ?? DEFAULT_SCOPE,
      historyPeriodMs,
    },
    maxExceptionDurationMs,
    maxDeliveryAgeMs,
    // An empty string undoes an endpoint a lower config layer set (a production file layered
    // over the demo's): the AWS endpoints then.
    endpoint: readEndpoint(aws),
    defaultRegion,
    regions: aws?.getOptionalStringArray('regions') ?? DEFAULT_REGIONS,
    inventoryMode,
    concurrency,
    maxAttempts: aws?.getOptionalNumber('maxAttempts') ?? 5,
    requestTimeoutMs: aws?.getOptionalNumber('requestTimeoutMs') ?? 20_000,
    partition: root.getOptionalString('aws.accountDefaults.partition') ?? 'aws',
    securityHub: {
      enabled: securityHub?.getOptionalBoolean('enabled') ?? true,
      administratorAccountId: securityHub?.getOptionalString(
        'administratorAccountId',
      ),
      region: securityHub?.getOptionalString('region') ?? defaultRegion,
    },
  };
}

/**
 * Reads `cisAws.notifications`. A wrong value stops the plugin at start-up
 * with the key and what is allowed, rather than silently notifying nobody.
 */
export function readNotificationOptions(root: Config): NotificationOptions {
  const config = root.getOptionalConfig('cisAws.notifications');
  if (!config) return DEFAULT_NOTIFICATION_OPTIONS;

  const transitionNames = config.getOptionalStringArray('transitions');
  const transitions = new Set<NotificationTransition>();
  for (const name of transitionNames ?? NOTIFICATION_TRANSITIONS) {
    if (!(NOTIFICATION_TRANSITIONS as readonly string[]).includes(name)) {
      throw new InputError(
        `cisAws.notifications.transitions: "${name}" is not one of ${NOTIFICATION_TRANSITIONS.join(
          ', ',
        )}`,
      );
    }
    transitions.add(name as NotificationTransition);
  }

  return {
    enabled: config.getOptionalBoolean('enabled') ?? true,
    transitions,
    notifyFirstResult: config.getOptionalBoolean('notifyFirstResult') ?? true,
    unownedRecipient: readEntityRef(config, 'unownedRecipient'),
  };
}

/** A full entity ref (`group:default/platform-team`; the namespace may be left out). */
function readEntityRef(config: Config, key: string): string | undefined {
  const value = config.getOptionalString(key);
  if (value === undefined) return undefined;
  try {
    return stringifyEntityRef(parseEntityRef(value));
  } catch (error) {
    throw new InputError(
      `cisAws.notifications.${key}: "${value}" is not an entity ref like group:default/platform-team (${
        toError(error).message
      })`,
    );
  }
}

/** The full evaluation's schedule when `cisAws.schedule` is not set: hourly. */
export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 30 },
  initialDelay: { seconds: 15 },
};

/** `cisAws.schedule`, the full evaluation's schedule. */
export function readEvaluationSchedule(
  root: Config,
): SchedulerServiceTaskScheduleDefinition {
  return root.has('cisAws.schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        root.getConfig('cisAws.schedule'),
      )
    : DEFAULT_SCHEDULE;
}

/** Everything the plugin reads from `cisAws.*`, read once in `plugin.ts`. */
export interface CisAwsConfig {
  options: CisAwsOptions;
  notifications: NotificationOptions;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

export function readCisAwsConfig(root: Config): CisAwsConfig {
  return {
    options: readCisAwsOptions(root),
    notifications: readNotificationOptions(root),
    schedule: readEvaluationSchedule(root),
  };
}
