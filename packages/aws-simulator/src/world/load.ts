import { parse as parseYaml } from 'yaml';
import { readAccount, worldContextOf } from './accounts';
import { readManagedPolicy } from './iamEntities';
import { checkFindingIds, readFinding } from './findings';
import {
  ObjectReader,
  WorldValidationError,
  isPlainObject,
  joinPath,
  optionalAccountId,
  readAccountId,
  REGION,
} from './reader';
import {
  AccountSpec,
  DEFAULT_RATE_LIMITS,
  DEFAULT_READER_ROLE,
  RateLimitConfig,
  SERVICE_NAMES,
  WorldSpec,
} from './schema';

export const DEFAULT_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'eu-west-1',
];

/** Parses YAML (or JSON, which is YAML) text; syntax errors become validation errors. */
export function parseWorldText(text: string): unknown {
  try {
    return parseYaml(text, {
      prettyErrors: true,
      merge: true,
      maxAliasCount: 10_000,
    });
  } catch (e) {
    throw new WorldValidationError(
      '',
      `not valid YAML/JSON: ${(e as Error).message}`,
    );
  }
}

/** Reads a partial rate limit config on top of `base` (used by the world file and the admin API). */
export function readRateLimits(
  value: unknown,
  path: string,
  base: RateLimitConfig,
): RateLimitConfig {
  if (value === undefined || value === null) return structuredClone(base);
  const r = ObjectReader.of(value, path);
  const result: RateLimitConfig = structuredClone(base);
  result.enabled = r.boolean('enabled', base.enabled);
  const services = r.raw('services');
  if (services !== undefined && services !== null) {
    const s = ObjectReader.of(services, r.at('services'));
    for (const name of SERVICE_NAMES) {
      if (!s.has(name)) continue;
      const rule = ObjectReader.of(s.raw(name), s.at(name));
      const current = result.services[name];
      result.services[name] = {
        ratePerSecond: rule.number(
          'ratePerSecond',
          current.ratePerSecond,
          0.001,
          1e9,
          false,
        ),
        burst: rule.number('burst', current.burst, 1, 1e9),
        scope: rule.oneOf(
          'scope',
          ['account', 'account-region'] as const,
          current.scope,
        ),
      };
      rule.done();
    }
    s.done();
  }
  r.done();
  return result;
}

function readWorldObject(input: unknown): WorldSpec {
  const r = ObjectReader.of(input, '');
  const partition = r.string(
    'partition',
    'aws',
    /^aws(-[a-z]+)*$/,
    'like aws, aws-cn or aws-us-gov',
  );
  const regions = r.stringList(
    'regions',
    DEFAULT_REGIONS,
    REGION,
    'like us-east-1',
  );
  if (regions.length === 0) r.fail('regions', 'at least one region is needed');
  const optInRegions = r.stringList(
    'optInRegions',
    [],
    REGION,
    'like ap-east-1',
  );
  optInRegions.forEach((region, i) => {
    if (regions.includes(region)) {
      throw new WorldValidationError(
        joinPath('optInRegions', i),
        `"${region}" is already in regions`,
      );
    }
  });

  let organization: WorldSpec['organization'] = null;
  if (r.has('organization')) {
    const o = ObjectReader.of(r.raw('organization'), 'organization');
    organization = {
      // Real ids have 10-32 characters after "o-"; the demo's o-acme12345 has 9, so any length is accepted.
      id: o.string('id', undefined, /^o-[a-z0-9]{1,32}$/, 'like o-abcd123456'),
      managementAccount: readAccountId(
        o.raw('managementAccount'),
        o.at('managementAccount'),
      ),
    };
    o.done();
  }
  r.raw('organization');

  const awsManagedPolicies = r.list('awsManagedPolicies', (v, p) =>
    readManagedPolicy(v, p, { AccountId: 'aws', Partition: partition }),
  );
  const ctx = worldContextOf({
    partition,
    regions,
    optInRegions,
    organization,
    awsManagedPolicies,
  });
  const accounts = r.list('accounts', (v, p) => readAccount(v, p, ctx));
  const byId = new Map<string, AccountSpec>();
  accounts.forEach((a, i) => {
    if (byId.has(a.id))
      throw new WorldValidationError(
        `accounts[${i}].id`,
        `duplicate account id ${a.id}`,
      );
    byId.set(a.id, a);
  });
  const mustExist = (id: string | undefined, path: string) => {
    if (id !== undefined && !byId.has(id)) {
      throw new WorldValidationError(
        path,
        `account ${id} is not one of the world's accounts`,
      );
    }
  };
  if (organization)
    mustExist(organization.managementAccount, 'organization.managementAccount');

  const callerAccount =
    optionalAccountId(r, 'callerAccount') ?? accounts[0]?.id;
  if (!callerAccount)
    r.fail('callerAccount', 'is required (or list at least one account)');
  mustExist(callerAccount, 'callerAccount');

  let securityHub: WorldSpec['securityHub'] = {
    administratorAccount: null,
    aggregationRegion: null,
  };
  if (r.has('securityHub')) {
    const s = ObjectReader.of(r.raw('securityHub'), 'securityHub');
    const admin = optionalAccountId(s, 'administratorAccount');
    mustExist(admin, 'securityHub.administratorAccount');
    const aggregationRegion = s.optionalString('aggregationRegion') ?? null;
    if (aggregationRegion && !regions.includes(aggregationRegion)) {
      s.fail(
        'aggregationRegion',
        `"${aggregationRegion}" is not one of the world's regions`,
      );
    }
    securityHub = { administratorAccount: admin ?? null, aggregationRegion };
    s.done();
  }
  r.raw('securityHub');

  let listTrails: WorldSpec['behaviour']['listTrails'] = 'account';
  if (r.has('behaviour')) {
    const b = ObjectReader.of(r.raw('behaviour'), 'behaviour');
    listTrails = b.oneOf(
      'listTrails',
      ['account', 'region'] as const,
      'account',
    );
    b.done();
  }
  r.raw('behaviour');

  const rateLimits = readRateLimits(
    r.raw('rateLimits'),
    'rateLimits',
    DEFAULT_RATE_LIMITS,
  );
  const securityHubFindings = r.list('securityHubFindings', (v, p, i) =>
    readFinding(v, p, i, byId, partition),
  );
  checkFindingIds(securityHubFindings, 'securityHubFindings');
  const readerRoleName = r.string(
    'readerRoleName',
    DEFAULT_READER_ROLE,
    /^[\w+=,.@-]{1,64}$/,
    'an IAM role name',
  );
  r.done();
  return {
    partition,
    regions,
    optInRegions,
    callerAccount,
    readerRoleName,
    organization,
    securityHub,
    behaviour: { listTrails },
    rateLimits,
    awsManagedPolicies,
    accounts,
    securityHubFindings,
  };
}

/**
 * Parses and validates a world: YAML/JSON text, a plain object, or an
 * already-normalized world. Throws WorldValidationError naming the bad field.
 */
export function createWorld(input: string | object): WorldSpec {
  const value = typeof input === 'string' ? parseWorldText(input) : input;
  if (!isPlainObject(value)) {
    throw new WorldValidationError(
      '',
      'a world must be an object (a YAML mapping)',
    );
  }
  try {
    return readWorldObject(value);
  } catch (e) {
    if (e instanceof WorldValidationError) throw e;
    throw new WorldValidationError(
      '',
      `could not read the world: ${(e as Error).message}`,
    );
  }
}
