import {
  ObjectReader,
  WorldValidationError,
  describe,
  isPlainObject,
  joinPath,
} from './reader';
import {
  PolicyVars,
  readPolicyDocument,
  trustPolicyForServices,
} from './policies';
import { ManagedPolicySpec, PolicyDocument, RoleSpec } from './schema';
import type { WorldContext } from './accounts';

/** IAM entities of an account in the world file: roles and managed policies. */

export const IAM_NAME = /^[\w+=,.@-]{1,128}$/;
export const IAM_PATH = /^\/([\x21-\x7e]*\/)?$/;

export function managedPolicyArn(
  partition: string,
  owner: string,
  name: string,
  path = '/',
): string {
  return `arn:${partition}:iam::${owner}:policy${path}${name}`;
}

export function readManagedPolicy(
  value: unknown,
  path: string,
  vars: PolicyVars,
): ManagedPolicySpec {
  const r = ObjectReader.of(value, path);
  const createDate = r.time('createDate', '-400d') ?? '-400d';
  const policy: ManagedPolicySpec = {
    name: r.string(
      'name',
      undefined,
      IAM_NAME,
      'IAM names use letters, digits and +=,.@_-',
    ),
    path: r.string('path', '/', IAM_PATH, 'a path starts and ends with /'),
    createDate,
    updateDate: r.time('updateDate', createDate) ?? createDate,
    document: readPolicyDocument(r.raw('document'), r.at('document'), vars),
  };
  const description = r.optionalString('description');
  if (description !== undefined) policy.description = description;
  r.done();
  return policy;
}

export function readRole(
  value: unknown,
  path: string,
  vars: PolicyVars,
  attachable: Map<string, string>,
): RoleSpec {
  const r = ObjectReader.of(value, path);
  const name = r.string(
    'name',
    undefined,
    IAM_NAME,
    'IAM names use letters, digits and +=,.@_-',
  );
  let trust: PolicyDocument;
  if (r.has('trustedServices') && r.has('assumeRolePolicyDocument')) {
    r.fail(
      'trustedServices',
      'give either trustedServices or assumeRolePolicyDocument, not both',
    );
  }
  if (r.has('assumeRolePolicyDocument')) {
    trust = readPolicyDocument(
      r.raw('assumeRolePolicyDocument'),
      r.at('assumeRolePolicyDocument'),
      vars,
      'trust',
    );
  } else if (r.has('trustedServices')) {
    trust = trustPolicyForServices(
      r.stringList(
        'trustedServices',
        [],
        /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/,
        'like cloudtrail.amazonaws.com',
      ),
    );
  } else {
    throw new WorldValidationError(
      r.at('trustedServices'),
      'a role needs trustedServices or an assumeRolePolicyDocument',
    );
  }
  const inlineRaw = r.raw('inlinePolicies');
  const inlinePolicies: Record<string, PolicyDocument> = {};
  if (inlineRaw !== undefined && inlineRaw !== null) {
    if (!isPlainObject(inlineRaw))
      r.fail(
        'inlinePolicies',
        `expected a map of policy name to document, got ${describe(inlineRaw)}`,
      );
    for (const [policyName, doc] of Object.entries(inlineRaw)) {
      const p = joinPath(r.at('inlinePolicies'), policyName);
      if (!IAM_NAME.test(policyName))
        throw new WorldValidationError(p, 'is not a valid policy name');
      inlinePolicies[policyName] = readPolicyDocument(doc, p, vars);
    }
  }
  const attachedPolicies = r.stringList('attachedPolicies').map((ref, i) => {
    if (ref.startsWith('arn:')) {
      if (!/^arn:[\w-]+:iam::(\d{12}|aws):policy\/.+$/.test(ref)) {
        throw new WorldValidationError(
          joinPath(r.at('attachedPolicies'), i),
          `"${ref}" is not a policy ARN`,
        );
      }
      return ref;
    }
    const arn = attachable.get(ref);
    if (!arn) {
      throw new WorldValidationError(
        joinPath(r.at('attachedPolicies'), i),
        `no managed policy named "${ref}" in this account or in awsManagedPolicies (or give a full ARN)`,
      );
    }
    return arn;
  });
  const role: RoleSpec = {
    name,
    path: r.string('path', '/', IAM_PATH, 'a path starts and ends with /'),
    createDate: r.time('createDate', '-400d') ?? '-400d',
    maxSessionDuration: r.number('maxSessionDuration', 3600, 3600, 43200),
    assumeRolePolicyDocument: trust,
    inlinePolicies,
    attachedPolicies,
  };
  const description = r.optionalString('description');
  if (description !== undefined) role.description = description;
  r.done();
  return role;
}

/** Managed policies a role of this account may attach by name: its own, then AWS managed. */
export function attachablePolicies(
  world: WorldContext,
  id: string,
  own: ManagedPolicySpec[],
): Map<string, string> {
  const attachable = new Map(world.awsManagedPolicyArns);
  for (const p of own)
    attachable.set(
      p.name,
      managedPolicyArn(world.partition, id, p.name, p.path),
    );
  return attachable;
}
