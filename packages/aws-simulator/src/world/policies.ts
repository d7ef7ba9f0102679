import {
  ObjectReader,
  WorldValidationError,
  describe,
  isPlainObject,
  joinPath,
} from './reader';
import { POLICY_VERSION, PolicyDocument, PolicyStatement } from './schema';

/**
 * Policy documents in the world file may be objects or JSON strings.
 * `${AccountId}` and `${Partition}` inside them are replaced by the owning
 * account's id and the world's partition, so one YAML anchor can serve every
 * account. (IAM policy variables such as `${aws:username}` are left alone.)
 */
export interface PolicyVars {
  AccountId: string;
  Partition: string;
}

export type PolicyKind = 'identity' | 'trust';

function substitute(value: unknown, vars: PolicyVars): unknown {
  if (typeof value === 'string') {
    return value.replace(
      /\$\{(AccountId|Partition)\}/g,
      (_m, name: keyof PolicyVars) => vars[name],
    );
  }
  if (Array.isArray(value)) return value.map(v => substitute(v, vars));
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]),
    );
  }
  return value;
}

function stringOrList(
  r: ObjectReader,
  key: string,
): string | string[] | undefined {
  const v = r.raw(key);
  if (v === undefined) return undefined;
  if (typeof v === 'string' && v.length > 0) return v;
  if (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every(s => typeof s === 'string' && s.length > 0)
  ) {
    return v as string[];
  }
  return r.fail(
    key,
    `expected a string or a non-empty list of strings, got ${describe(v)}`,
  );
}

function readStatement(
  value: unknown,
  path: string,
  kind: PolicyKind,
): PolicyStatement {
  const r = ObjectReader.of(value, path);
  const statement: PolicyStatement = {
    Effect: r.oneOf('Effect', ['Allow', 'Deny'] as const),
  };
  const sid = r.optionalString('Sid');
  if (sid !== undefined) statement.Sid = sid;
  const action = stringOrList(r, 'Action');
  const notAction = stringOrList(r, 'NotAction');
  if ((action === undefined) === (notAction === undefined)) {
    r.fail('Action', 'a statement needs exactly one of Action or NotAction');
  }
  if (action !== undefined) statement.Action = action;
  if (notAction !== undefined) statement.NotAction = notAction;
  const resource = stringOrList(r, 'Resource');
  const notResource = stringOrList(r, 'NotResource');
  if (resource !== undefined && notResource !== undefined) {
    r.fail(
      'NotResource',
      'a statement cannot have both Resource and NotResource',
    );
  }
  if (
    kind === 'identity' &&
    resource === undefined &&
    notResource === undefined
  ) {
    r.fail(
      'Resource',
      'an identity policy statement needs Resource or NotResource',
    );
  }
  if (resource !== undefined) statement.Resource = resource;
  if (notResource !== undefined) statement.NotResource = notResource;
  const principal = r.raw('Principal');
  const notPrincipal = r.raw('NotPrincipal');
  if (
    kind === 'trust' &&
    principal === undefined &&
    notPrincipal === undefined
  ) {
    r.fail('Principal', 'a trust policy statement needs a Principal');
  }
  if (principal !== undefined) statement.Principal = principal;
  if (notPrincipal !== undefined) statement.NotPrincipal = notPrincipal;
  const condition = r.raw('Condition');
  if (condition !== undefined) {
    if (!isPlainObject(condition))
      throw new WorldValidationError(
        r.at('Condition'),
        `expected an object, got ${describe(condition)}`,
      );
    statement.Condition = condition;
  }
  r.done();
  return statement;
}

export function readPolicyDocument(
  value: unknown,
  path: string,
  vars: PolicyVars,
  kind: PolicyKind = 'identity',
): PolicyDocument {
  let doc = value;
  if (typeof value === 'string') {
    try {
      doc = JSON.parse(value);
    } catch (e) {
      throw new WorldValidationError(
        path,
        `is not valid JSON: ${(e as Error).message}`,
      );
    }
  }
  const r = ObjectReader.of(substitute(doc, vars), path);
  const version = r.string('Version', POLICY_VERSION);
  if (version !== '2012-10-17' && version !== '2008-10-17') {
    r.fail('Version', `expected 2012-10-17 or 2008-10-17, got "${version}"`);
  }
  const id = r.optionalString('Id');
  const raw = r.raw('Statement');
  let list: unknown[] | undefined;
  if (Array.isArray(raw)) list = raw;
  else if (raw !== undefined) list = [raw];
  if (!list || list.length === 0)
    throw new WorldValidationError(
      r.at('Statement'),
      'a policy needs at least one statement',
    );
  const statements = list.map((s, i) =>
    readStatement(s, joinPath(r.at('Statement'), i), kind),
  );
  r.done();
  return { Version: version, ...(id ? { Id: id } : {}), Statement: statements };
}

export function trustPolicyForServices(services: string[]): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: services.length === 1 ? services[0] : services },
        Action: 'sts:AssumeRole',
      },
    ],
  };
}
