import { uniqueId } from '../identity/credentials';
import { evaluate, SourcePolicy } from '../iam/policyEvaluator';
import { AwsError } from '../protocols/errors';
import { decodeToken, encodeToken, isOffsetCursor } from '../protocols/json';
import { QueryInput } from '../protocols/query';
import { readPolicyDocument } from '../world/policies';
import { WorldValidationError } from '../world/reader';
import { ManagedPolicySpec, PolicyDocument, RoleSpec } from '../world/schema';
import { resolveDate } from '../world/time';
import { roleArnFor } from '../world/trails';
import { QueryService, RequestContext, page } from './types';

/**
 * IAM (global, awsQuery). Lookups are in the caller's own account; AWS
 * managed policies (world.awsManagedPolicies) are visible to everyone.
 * Policy documents are returned URL-encoded, as IAM does.
 */

/** RFC 3986 encoding, as IAM returns policy documents. */
export function encodePolicyDocument(doc: PolicyDocument): string {
  return encodeURIComponent(JSON.stringify(doc)).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const noSuchEntity = (message: string) =>
  new AwsError('NoSuchEntity', message, 404);

function requireRole(ctx: RequestContext, name: string): RoleSpec {
  const role = ctx.state.role(ctx.caller.accountId, name);
  if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return role;
}

function pagingOf(input: QueryInput): { offset: number; size: number } {
  const size = input.optionalInteger('MaxItems', 1, 1000) ?? 100;
  const marker = input.optionalString('Marker');
  if (marker === undefined) return { offset: 0, size };
  const cursor = decodeToken(marker, isOffsetCursor);
  if (!cursor) throw new AwsError('ValidationError', 'Invalid Marker.', 400);
  return { offset: cursor.o, size };
}

function paged<T>(
  input: QueryInput,
  items: T[],
): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const { offset, size } = pagingOf(input);
  const p = page(items, offset, size);
  return {
    items: p.items,
    IsTruncated: p.next !== undefined,
    ...(p.next !== undefined ? { Marker: encodeToken({ o: p.next }) } : {}),
  };
}

function roleShape(ctx: RequestContext, role: RoleSpec): object {
  const arn = roleArnFor(
    ctx.state.spec.partition,
    ctx.caller.accountId,
    role.name,
    role.path,
  );
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: uniqueId('AROA', `${ctx.caller.accountId}/${role.name}`),
    Arn: arn,
    CreateDate: resolveDate(role.createDate, ctx.nowMs),
    AssumeRolePolicyDocument: encodePolicyDocument(
      role.assumeRolePolicyDocument,
    ),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    RoleLastUsed: {},
  };
}

function requirePolicy(ctx: RequestContext, arn: string): ManagedPolicySpec {
  const policy = ctx.state.managedPolicy(ctx.caller.accountId, arn);
  if (!policy)
    throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  return policy;
}

function policySources(ctx: RequestContext, role: RoleSpec): SourcePolicy[] {
  const sources: SourcePolicy[] = Object.entries(role.inlinePolicies).map(
    ([name, document]) => ({
      id: name,
      type: 'role',
      document,
    }),
  );
  for (const arn of role.attachedPolicies) {
    const policy = ctx.state.managedPolicy(ctx.caller.accountId, arn);
    if (policy)
      sources.push({
        id: arn,
        type: arn.includes(':iam::aws:policy') ? 'aws-managed' : 'user-managed',
        document: policy.document,
      });
  }
  return sources;
}

const PRINCIPAL_ARN =
  /^arn:[\w-]+:iam::(\d{12}):(role|user|group)\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]+)$/;

function simulatePrincipalPolicy(
  ctx: RequestContext,
  input: QueryInput,
): object {
  const source = input.string('PolicySourceArn');
  const m = PRINCIPAL_ARN.exec(source);
  if (!m) throw new AwsError('InvalidInput', `Invalid ARN: ${source}`, 400);
  const [, accountId, kind, name] = m;
  if (
    kind !== 'role' ||
    accountId !== ctx.caller.accountId ||
    !ctx.state.role(accountId, name)
  ) {
    throw noSuchEntity(`The ${kind} with name ${name} cannot be found.`);
  }
  const actions = input.list('ActionNames');
  if (actions.length === 0) {
    throw new AwsError(
      'ValidationError',
      "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null",
      400,
    );
  }
  const resources = input.list('ResourceArns');
  const policies = policySources(ctx, requireRole(ctx, name));
  input.list('PolicyInputList').forEach((text, i) => {
    try {
      const vars = {
        AccountId: accountId,
        Partition: ctx.state.spec.partition,
      };
      policies.push({
        id: `PolicyInputList.${i + 1}`,
        type: 'none',
        document: readPolicyDocument(text, 'policy', vars),
      });
    } catch (e) {
      const detail = e instanceof WorldValidationError ? e.message : String(e);
      throw new AwsError(
        'MalformedPolicyDocument',
        `PolicyInputList.${i + 1}: ${detail}`,
        400,
      );
    }
  });
  const results = actions.flatMap(action =>
    (resources.length > 0 ? resources : ['*']).map(resource => {
      const { decision, matchedStatements } = evaluate(
        policies,
        action,
        resource,
      );
      const matched = matchedStatements.map(s => ({
        SourcePolicyId: s.SourcePolicyId,
        SourcePolicyType: s.SourcePolicyType,
      }));
      return {
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: decision,
        MatchedStatements: matched,
        MissingContextValues: [],
        ResourceSpecificResults:
          resources.length > 0
            ? [
                {
                  EvalResourceName: resource,
                  EvalResourceDecision: decision,
                  MatchedStatements: matched,
                  MissingContextValues: [],
                },
              ]
            : [],
      };
    }),
  );
  const p = paged(input, results);
  return {
    EvaluationResults: p.items,
    IsTruncated: p.IsTruncated,
    Marker: p.Marker,
  };
}

export const iam: QueryService = {
  name: 'iam',
  protocol: 'query',
  global: true,
  namespace: 'https://iam.amazonaws.com/doc/2010-05-08/',
  version: '2010-05-08',
  operations: {
    GetRole: (ctx, input) => ({
      Role: roleShape(ctx, requireRole(ctx, input.string('RoleName'))),
    }),
    ListRolePolicies: (ctx, input) => {
      const role = requireRole(ctx, input.string('RoleName'));
      const p = paged(input, Object.keys(role.inlinePolicies).sort());
      return {
        PolicyNames: p.items,
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
      };
    },
    GetRolePolicy: (ctx, input) => {
      const role = requireRole(ctx, input.string('RoleName'));
      const name = input.string('PolicyName');
      const doc = role.inlinePolicies[name];
      if (!doc)
        throw noSuchEntity(
          `The role policy with name ${name} cannot be found.`,
        );
      return {
        RoleName: role.name,
        PolicyName: name,
        PolicyDocument: encodePolicyDocument(doc),
      };
    },
    ListAttachedRolePolicies: (ctx, input) => {
      const role = requireRole(ctx, input.string('RoleName'));
      const prefix = input.optionalString('PathPrefix') ?? '/';
      const attached = role.attachedPolicies
        .map(arn => ({
          arn,
          policy: ctx.state.managedPolicy(ctx.caller.accountId, arn),
        }))
        .filter(({ policy }) => (policy?.path ?? '/').startsWith(prefix))
        .map(({ arn, policy }) => ({
          PolicyName: policy?.name ?? arn.slice(arn.lastIndexOf('/') + 1),
          PolicyArn: arn,
        }));
      const p = paged(input, attached);
      return {
        AttachedPolicies: p.items,
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
      };
    },
    GetPolicy: (ctx, input) => {
      const arn = input.string('PolicyArn');
      const policy = requirePolicy(ctx, arn);
      const attachments =
        ctx.state
          .account(ctx.caller.accountId)
          ?.spec.roles.filter(r => r.attachedPolicies.includes(arn)).length ??
        0;
      return {
        Policy: {
          PolicyName: policy.name,
          PolicyId: uniqueId('ANPA', arn),
          Arn: arn,
          Path: policy.path,
          DefaultVersionId: 'v1',
          AttachmentCount: attachments,
          PermissionsBoundaryUsageCount: 0,
          IsAttachable: true,
          Description: policy.description,
          CreateDate: resolveDate(policy.createDate, ctx.nowMs),
          UpdateDate: resolveDate(policy.updateDate, ctx.nowMs),
        },
      };
    },
    GetPolicyVersion: (ctx, input) => {
      const arn = input.string('PolicyArn');
      const versionId = input.string('VersionId');
      const policy = requirePolicy(ctx, arn);
      if (versionId !== 'v1')
        throw noSuchEntity(
          `Policy ${arn} version ${versionId} does not exist or is not attachable.`,
        );
      return {
        PolicyVersion: {
          Document: encodePolicyDocument(policy.document),
          VersionId: 'v1',
          IsDefaultVersion: true,
          CreateDate: resolveDate(policy.updateDate, ctx.nowMs),
        },
      };
    },
    SimulatePrincipalPolicy: simulatePrincipalPolicy,
  },
};
