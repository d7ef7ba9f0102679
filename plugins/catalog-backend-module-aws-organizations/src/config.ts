import { toError } from '@backstage/errors';
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { KubernetesValidatorFunctions } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { scheduleProblems } from '@cis-aws/plugin-cis-aws-node';
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

/**
 * Every wrong setting of the provider, each line naming its full key
 * (`catalog.providers.awsOrganizations.region: "moon" is not an AWS region name`), in one error.
 */
export class AwsOrganizationsConfigError extends Error {
  /** `key: message` of each problem, the key in full. */
  readonly problems: string[];

  constructor(problems: { key: string; message: string }[]) {
    const lines = problems.map(p => `${p.key}: ${p.message}`);
    super(
      lines.length === 1
        ? lines[0]
        : `Invalid ${CONFIG_KEY} configuration (${
            lines.length
          } problems):\n${lines.map(line => `  - ${line}`).join('\n')}`,
    );
    this.name = 'AwsOrganizationsConfigError';
    this.problems = lines;
  }
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const TAG_KEY_MAX = 128;

/** Every key of the provider's section (see config.d.ts); `true` marks a value. */
const KNOWN_KEYS: { [key: string]: true | { [key: string]: true } } = {
  managementAccountId: true,
  region: true,
  endpoint: true,
  tags: { owner: true, system: true },
  namespace: true,
  includeSuspended: true,
  unownedOwner: true,
  schedule: {
    frequency: true,
    timeout: true,
    initialDelay: true,
    scope: true,
  },
};

/** The problems found, reported together once everything has been read. */
class Problems {
  readonly list: { key: string; message: string }[] = [];

  /** `key` relative to the provider's section, unless it is given in full. */
  add(key: string, message: string) {
    const full = key.startsWith(`${CONFIG_KEY}.`)
      ? key
      : `${CONFIG_KEY}.${key}`;
    this.list.push({ key: full, message });
  }

  /** `get()`, or undefined with a problem of `key` when Config refuses the value's type. */
  read<T>(key: string, get: () => T): T | undefined {
    try {
      return get();
    } catch (error) {
      // Config's own messages already name the full key; keep them as they are.
      const message = toError(error).message;
      this.add(
        key,
        message.replace(
          /^Invalid type in config for key '[^']*'/,
          'invalid type',
        ),
      );
      return undefined;
    }
  }
}

function checkKnownKeys(config: Config, problems: Problems) {
  for (const key of config.keys()) {
    const inner = KNOWN_KEYS[key];
    if (inner === undefined) {
      problems.add(
        key,
        `is not a setting of the AWS Organizations provider (known: ${Object.keys(
          KNOWN_KEYS,
        ).join(', ')})`,
      );
      continue;
    }
    if (inner === true) continue;
    let child: Config | undefined;
    try {
      child = config.getOptionalConfig(key);
    } catch {
      child = undefined; // not an object: reported where it is read
    }
    for (const childKey of child?.keys() ?? []) {
      if (!inner[childKey]) {
        problems.add(
          `${key}.${childKey}`,
          `is not a setting under ${key} (known: ${Object.keys(inner).join(
            ', ',
          )})`,
        );
      }
    }
  }
}

function readEndpoint(
  config: Config,
  root: Config,
  problems: Problems,
): string | undefined {
  // getOptionalString refuses '', which is allowed here (see below).
  const optionalEndpoint = (from: Config, key: string) =>
    from.getOptional(key) === '' ? '' : from.getOptionalString(key);
  const own = problems.read('endpoint', () =>
    optionalEndpoint(config, 'endpoint'),
  );
  let inherited: string | undefined;
  if (own === undefined && !config.has('endpoint')) {
    try {
      inherited = optionalEndpoint(root, 'cisAws.aws.endpoint');
    } catch {
      inherited = undefined; // cisAws.aws.endpoint is the cis-aws plugin's to report
    }
  }
  const endpoint = own ?? inherited;
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
    problems.add(key, `"${endpoint}" is not an http or https URL`);
    return undefined;
  }
  return endpoint;
}

function readTagKey(
  config: Config,
  key: string,
  fallback: string,
  problems: Problems,
): string {
  const value =
    problems.read(key, () => config.getOptionalString(key)) ?? fallback;
  if (value.trim() === '' || value.length > TAG_KEY_MAX) {
    problems.add(
      key,
      `expected an AWS tag key of 1 to ${TAG_KEY_MAX} characters, got "${value}"`,
    );
  }
  return value;
}

function readManagementAccountId(
  config: Config,
  problems: Problems,
): string | undefined {
  const raw = config.getOptional('managementAccountId');
  if (typeof raw === 'number') {
    problems.add(
      'managementAccountId',
      `write the account id in quotes ('${raw}'): as a YAML number it loses leading zeros`,
    );
    return undefined;
  }
  const id = problems.read('managementAccountId', () =>
    config.getOptionalString('managementAccountId'),
  );
  if (id === undefined) {
    if (raw === undefined) {
      problems.add(
        'managementAccountId',
        'is required: the 12-digit id of the account that may list the organization',
      );
    }
    return undefined;
  }
  if (!/^\d{12}$/.test(id)) {
    problems.add(
      'managementAccountId',
      `expected a 12-digit AWS account id, got "${id}"`,
    );
    return undefined;
  }
  return id;
}

function readSchedule(
  config: Config,
  problems: Problems,
): SchedulerServiceTaskScheduleDefinition {
  if (!config.has('schedule')) return DEFAULT_SCHEDULE;
  const schedule = problems.read('schedule', () =>
    config.getConfig('schedule'),
  );
  if (!schedule) return DEFAULT_SCHEDULE;
  const found = scheduleProblems(schedule, `${CONFIG_KEY}.schedule`);
  for (const problem of found) problems.add(problem.key, problem.message);
  if (found.length > 0) return DEFAULT_SCHEDULE;
  return (
    problems.read('schedule', () =>
      readSchedulerServiceTaskScheduleDefinitionFromConfig(schedule),
    ) ?? DEFAULT_SCHEDULE
  );
}

/**
 * Reads `catalog.providers.awsOrganizations`, or undefined when it is absent
 * (the module then adds no provider). Every wrong value, unknown keys and the
 * schedule included, is reported together in one
 * {@link AwsOrganizationsConfigError} naming each key, at start-up rather than
 * at the first refresh.
 */
export function readProviderConfig(
  root: Config,
): AwsOrganizationsProviderConfig | undefined {
  const problems = new Problems();
  const config = problems.read('', () => root.getOptionalConfig(CONFIG_KEY));
  if (!config) {
    if (problems.list.length > 0) {
      throw new AwsOrganizationsConfigError(
        problems.list.map(p => ({ key: CONFIG_KEY, message: p.message })),
      );
    }
    return undefined;
  }
  checkKnownKeys(config, problems);

  const managementAccountId = readManagementAccountId(config, problems);

  const region =
    problems.read('region', () => config.getOptionalString('region')) ??
    'us-east-1';
  if (!REGION.test(region)) {
    problems.add(
      'region',
      `"${region}" is not an AWS region name (like us-east-1)`,
    );
  }

  let namespace =
    problems.read('namespace', () => config.getOptionalString('namespace')) ??
    'default';
  if (!KubernetesValidatorFunctions.isValidNamespace(namespace)) {
    problems.add(
      'namespace',
      `"${namespace}" is not a valid catalog namespace (lower-case letters, digits and -)`,
    );
    namespace = 'default'; // so that unownedOwner is still checked
  }

  const unownedValue =
    problems.read('unownedOwner', () =>
      config.getOptionalString('unownedOwner'),
    ) ?? DEFAULT_UNOWNED_OWNER;
  const unowned = parseTagRef(unownedValue, OWNER_REF_RULES(namespace));
  if (!unowned.ok) {
    problems.add(
      'unownedOwner',
      `"${unownedValue}" is not a group or user reference: ${unowned.reason}`,
    );
  }

  const ownerTag = readTagKey(config, 'tags.owner', 'owner', problems);
  const systemTag = readTagKey(config, 'tags.system', 'system', problems);
  if (ownerTag === systemTag) {
    problems.add(
      'tags',
      `the owner and the system tag must differ (both are "${ownerTag}")`,
    );
  }

  const endpoint = readEndpoint(config, root, problems);
  const includeSuspended =
    problems.read('includeSuspended', () =>
      config.getOptionalBoolean('includeSuspended'),
    ) ?? false;
  const schedule = readSchedule(config, problems);

  if (problems.list.length > 0 || !managementAccountId || !unowned.ok) {
    throw new AwsOrganizationsConfigError(problems.list);
  }
  return {
    managementAccountId,
    region,
    endpoint,
    tags: { owner: ownerTag, system: systemTag },
    namespace,
    includeSuspended,
    unownedOwner: unowned.ref,
    schedule,
  };
}
