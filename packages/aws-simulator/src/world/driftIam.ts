import { worldContextOf } from './accounts';
import { DriftError, requireAccount, withName } from './drift';
import { attachablePolicies, IAM_NAME, readRole } from './iamEntities';
import { readPolicyDocument } from './policies';
import { WorldValidationError } from './reader';
import { WorldState } from './state';

/** Drift of IAM: put / delete a role, put / delete one of its inline policies. */

export function putRole(
  state: WorldState,
  accountId: string,
  name: string,
  body: unknown,
) {
  const account = requireAccount(state, accountId);
  const ctx = worldContextOf(state.spec);
  const vars = { AccountId: accountId, Partition: state.spec.partition };
  const role = readRole(
    withName(body, name, 'role'),
    'body',
    vars,
    attachablePolicies(ctx, accountId, account.managedPolicies),
  );
  const i = account.roles.findIndex(
    r => r.name.toLowerCase() === name.toLowerCase(),
  );
  if (i >= 0) account.roles[i] = role;
  else account.roles.push(role);
  state.reindexAccount(accountId);
  return role;
}

function requireRole(state: WorldState, accountId: string, name: string) {
  requireAccount(state, accountId);
  const role = state.role(accountId, name);
  if (!role)
    throw new DriftError(404, `account ${accountId} has no role "${name}"`);
  return role;
}

export function deleteRole(
  state: WorldState,
  accountId: string,
  name: string,
): void {
  const account = requireAccount(state, accountId);
  requireRole(state, accountId, name);
  account.roles = account.roles.filter(
    r => r.name.toLowerCase() !== name.toLowerCase(),
  );
  state.reindexAccount(accountId);
}

export function putRolePolicy(
  state: WorldState,
  accountId: string,
  roleName: string,
  policyName: string,
  body: unknown,
) {
  const role = requireRole(state, accountId, roleName);
  if (!IAM_NAME.test(policyName))
    throw new WorldValidationError('policyName', 'is not a valid policy name');
  const doc = readPolicyDocument(body, 'body', {
    AccountId: accountId,
    Partition: state.spec.partition,
  });
  role.inlinePolicies[policyName] = doc;
  state.reindexAccount(accountId);
  return doc;
}

export function deleteRolePolicy(
  state: WorldState,
  accountId: string,
  roleName: string,
  policyName: string,
): void {
  const role = requireRole(state, accountId, roleName);
  if (!(policyName in role.inlinePolicies)) {
    throw new DriftError(
      404,
      `role "${roleName}" has no inline policy "${policyName}"`,
    );
  }
  delete role.inlinePolicies[policyName];
  state.reindexAccount(accountId);
}
