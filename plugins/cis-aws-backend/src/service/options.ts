import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { InputError } from '@backstage/errors';
import { InventoryMode } from '../aws/inventory';
import { DEFAULT_MAX_DELIVERY_AGE_MS } from '../rules';

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
export interface CisAwsOptions {
  maxDeliveryAgeMs: number;
  endpoint?: string;
  defaultRegion: string;
  regions: string[];
  inventoryMode: InventoryMode;
  concurrency: number;
  maxAttempts: number;
  requestTimeoutMs: number;
  partition: string;
  securityHub: {
    enabled: boolean;
    administratorAccountId?: string;
    region: string;
  };
  /** How long history is kept (`cisAws.history.retention`). */
  historyRetentionMs: number;
  evidence: {
    controlStatement: string;
    scope: string;
    historyPeriodMs: number;
  };
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
      `cisAws.${key} is not a duration: ${(error as Error).message}`,
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
