import { toError } from '@backstage/errors';
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { KubernetesValidatorFunctions } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { OWNER_REF_RULES, parseTagRef } from './tagRefs';

/** Where the provider's settings live in app-config. */
export const CONFIG_KEY = 'catalog.providers.awsOrganizations';

/** The placeholder owner of accounts without a usable owner tag. */
export const DEFAULT_UNOWNED_OWNER = 'group:default/unowned-aws-accounts';

export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 30 },
  timeout: { minutes: 10 },
};

/** The provider's settings, read and checked once (see config.d.ts). */
export interface AwsOrganizationsProviderConfig {
  managementAccountId: string;
  region: string;
  /** Undefined: the SDK decides (AWS_ENDPOINT_URL, else AWS). */
  endpoint?: string;
  tags: { owner: string; system: string };
  namespace: string;
  includeSuspended: boolean;
  /** A full entity ref: the `spec.owner` of accounts nobody owns. */
  unownedOwner: string;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

/** A setting that is present but wrong; the message names the key. */
export class AwsOrganizationsConfigError extends Error {
  constructor(key: string, message: string) {
    super(`${CONFIG_KEY}.${key}: ${message}`);
    this.name = 'AwsOrganizationsConfigError';
  }
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const TAG_KEY_MAX = 128;

/** Config's own type errors already name the key; only add the prefix when they do not. */
function read<T>(key: string, get: () => T): T {
  try {
    return get();
  } catch (error) {
    const message = toError(error).message;
    if (message.includes(CONFIG_KEY)) throw error;
    throw new AwsOrganizationsConfigError(key, message);
  }
}

function readEndpoint(config: Config, root: Config): string | undefined {
  // getOptionalString refuses '', which is allowed here (see below).
  const optionalEndpoint = (from: Config, key: string) =>
    from.getOptional(key) === '' ? '' : from.getOptionalString(key);
  const own = read('endpoint', () => optionalEndpoint(config, 'endpoint'));
  const endpoint = own ?? optionalEndpoint(root, 'cisAws.aws.endpoint');
  // An empty string undoes an endpoint a lower config layer set (a production
  // file layered over the demo's): the AWS endpoints then.
  if (endpoint === undefined || endpoint.trim() === '') return undefined;
  const key =
    own === undefined ? 'endpoint (from cisAws.aws.endpoint)' : 'endpoint';
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new AwsOrganizationsConfigError(
      key,
      `"${endpoint}" is not an http or https URL`,
    );
  }
  return endpoint;
}

function readTagKey(config: Config, key: string, fallback: string): string {
  const value = read(key, () => config.getOptionalString(key)) ?? fallback;
  if (value.trim() === '' || value.length > TAG_KEY_MAX) {
    throw new AwsOrganizationsConfigError(
      key,
      `expected an AWS tag key of 1 to ${TAG_KEY_MAX} characters, got "${value}"`,
    );
  }
  return value;
}

/**
 * Reads `catalog.providers.awsOrganizations`, or undefined when it is absent
 * (the module then adds no provider). Every wrong value is an
 * {@link AwsOrganizationsConfigError} naming its key, at start-up rather than
 * at the first refresh.
 */
export function readProviderConfig(
  root: Config,
): AwsOrganizationsProviderConfig | undefined {
  const config = root.getOptionalConfig(CONFIG_KEY);
  if (!config) return undefined;

  const rawAccountId = config.getOptional('managementAccountId');
  if (typeof rawAccountId === 'number') {
    throw new AwsOrganizationsConfigError(
      'managementAccountId',
      `write the account id in quotes ('${rawAccountId}'): as a YAML number it loses leading zeros`,
    );
  }
  const managementAccountId = read('managementAccountId', () =>
    config.getOptionalString('managementAccountId'),
  );
  if (managementAccountId === undefined) {
    throw new AwsOrganizationsConfigError(
      'managementAccountId',
      'is required: the 12-digit id of the account that may list the organization',
    );
  }
  if (!/^\d{12}$/.test(managementAccountId)) {
    throw new AwsOrganizationsConfigError(
      'managementAccountId',
      `expected a 12-digit AWS account id, got "${managementAccountId}"`,
    );
  }

  const region =
    read('region', () => config.getOptionalString('region')) ?? 'us-east-1';
  if (!REGION.test(region)) {
    throw new AwsOrganizationsConfigError(
      'region',
      `"${region}" is not an AWS region name (like us-east-1)`,
    );
  }

  const namespace =
    read('namespace', () => config.getOptionalString('namespace')) ?? 'default';
  if (!KubernetesValidatorFunctions.isValidNamespace(namespace)) {
    throw new AwsOrganizationsConfigError(
      'namespace',
      `"${namespace}" is not a valid catalog namespace (lower-case letters, digits and -)`,
    );
  }

  const unownedValue =
    read('unownedOwner', () => config.getOptionalString('unownedOwner')) ??
    DEFAULT_UNOWNED_OWNER;
  const unowned = parseTagRef(unownedValue, OWNER_REF_RULES(namespace));
  if (!unowned.ok) {
    throw new AwsOrganizationsConfigError(
      'unownedOwner',
      `"${unownedValue}" is not a group or user reference: ${unowned.reason}`,
    );
  }

  const ownerTag = readTagKey(config, 'tags.owner', 'owner');
  const systemTag = readTagKey(config, 'tags.system', 'system');
  if (ownerTag === systemTag) {
    throw new AwsOrganizationsConfigError(
      'tags',
      `the owner and the system tag must differ (both are "${ownerTag}")`,
    );
  }

  const schedule = config.has('schedule')
    ? read('schedule', () =>
        readSchedulerServiceTaskScheduleDefinitionFromConfig(
          config.getConfig('schedule'),
        ),
      )
    : DEFAULT_SCHEDULE;

  return {
    managementAccountId,
    region,
    endpoint: readEndpoint(config, root),
    tags: { owner: ownerTag, system: systemTag },
    namespace,
    includeSuspended:
      read('includeSuspended', () =>
        config.getOptionalBoolean('includeSuspended'),
      ) ?? false,
    unownedOwner: unowned.ref,
    schedule,
  };
}
