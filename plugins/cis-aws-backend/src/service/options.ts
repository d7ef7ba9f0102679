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
}

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
  return {
    maxDeliveryAgeMs,
    endpoint: aws?.getOptionalString('endpoint'),
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
