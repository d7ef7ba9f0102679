import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  ApiError,
  PolicyDocumentEvidence,
  RoleFacts,
  RolePermissionFacts,
} from '@cis-aws/plugin-cis-aws-common';
import {
  analyzeLogDeliveryPermission,
  analyzeTrustPolicy,
  CLOUDTRAIL_LOG_DELIVERY_ACTIONS,
  cloudTrailLogStreamResources,
  cloudTrailStreamNamePrefixes,
  parseArn,
  permissionFromSimulation,
} from '../rules';
import { AccountClients } from './clients';
import { isNotFound, toApiError } from './errors';

export interface RoleCheckTarget {
  roleArn: string | null;
  logGroupArn: string | null;
  ownerAccountId: string;
  homeRegion: string;
  isOrganizationTrail: boolean;
  organizationId?: string;
}

/** IAM returns policy documents URL-encoded. */
function decodeDocument(document: string | undefined): string {
  if (!document) return '';
  try {
    return decodeURIComponent(document);
  } catch {
    return document;
  }
}

/**
 * The role CloudTrail uses to write to CloudWatch Logs: does it exist, does
 * it trust CloudTrail, may it write to the log group's CloudTrail streams.
 *
 * The permission question goes to iam:SimulatePrincipalPolicy first (AWS's
 * own evaluator: 1 call). Where the reader may not simulate, the policy
 * documents are read and analysed statically.
 */
export async function readRole(
  clients: AccountClients,
  target: RoleCheckTarget,
): Promise<RoleFacts> {
  if (!target.roleArn || target.roleArn.trim() === '') {
    return { state: 'NOT_CHECKED', why: 'NO_ARN' };
  }
  const arn = parseArn(target.roleArn);
  const roleName = arn?.resource
    .replace(/^role\//, '')
    .split('/')
    .pop();
  if (!arn || !roleName || !arn.resource.startsWith('role/')) {
    return {
      state: 'FAILED',
      error: {
        operation: 'iam:GetRole',
        code: 'InvalidRoleArn',
        message: `not a role ARN: ${target.roleArn}`,
      },
    };
  }
  if (arn.accountId !== clients.accountId) {
    return { state: 'NOT_CHECKED', why: 'OTHER_ACCOUNT' };
  }
  const location = {
    arn: target.roleArn,
    accountId: arn.accountId,
    region: '',
  };
  const iam = clients.iam();

  let trustDocument: string;
  try {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    trustDocument = decodeDocument(Role?.AssumeRolePolicyDocument);
  } catch (error) {
    if (isNotFound(error)) return { ...location, state: 'NOT_FOUND' };
    return { state: 'FAILED', error: toApiError('iam:GetRole', error) };
  }
  const trust = analyzeTrustPolicy(trustDocument);

  const permission = await readPermission(iam, roleName, target);
  return {
    ...location,
    state: 'FOUND',
    name: roleName,
    trust: {
      allowsCloudTrail: trust.allowsCloudTrail,
      hasSourceConditions: trust.hasSourceConditions,
      details: trust.details,
      document: trustDocument,
    },
    permission,
  };
}

async function readPermission(
  iam: IAMClient,
  roleName: string,
  target: RoleCheckTarget,
): Promise<RolePermissionFacts> {
  const prefixes = cloudTrailStreamNamePrefixes(target);
  const actions = [...CLOUDTRAIL_LOG_DELIVERY_ACTIONS];
  if (!target.logGroupArn) {
    return {
      state: 'DECIDED',
      decision: 'UNDETERMINED',
      decidedBy: 'STATIC_ANALYSIS',
      details: 'the trail names no log group to write to',
      actions,
      resources: [],
      policies: [],
    };
  }
  // Simulation wants concrete ARNs: the streams CloudTrail actually writes are
  // named `<account>_CloudTrail_<region>`, and `o-<orgid>_<account>_CloudTrail_<region>`
  // for organization trails.
  const streamNames = prefixes.map(prefix =>
    prefix.endsWith('_')
      ? `${prefix}${target.ownerAccountId}_CloudTrail_${target.homeRegion}`
      : prefix,
  );
  const concrete = (
    cloudTrailLogStreamResources({
      logGroupArn: target.logGroupArn,
      streamNamePrefixes: streamNames,
    }) ?? []
  ).map(resource => resource.replace(/\*$/, ''));

  const errors: ApiError[] = [];
  try {
    const { EvaluationResults = [] } = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: target.roleArn!,
        ActionNames: actions,
        ResourceArns: concrete,
      }),
    );
    const analysis = permissionFromSimulation(EvaluationResults);
    return {
      state: 'DECIDED',
      decision: analysis.decision,
      decidedBy: 'SIMULATION',
      details: analysis.details,
      actions,
      resources: concrete,
      policies: [],
    };
  } catch (error) {
    errors.push(toApiError('iam:SimulatePrincipalPolicy', error));
  }

  try {
    const policies = await readRolePolicies(iam, roleName);
    const analysis = analyzeLogDeliveryPermission(
      policies.map(p => ({ name: p.name, document: p.document })),
      { logGroupArn: target.logGroupArn, streamNamePrefixes: prefixes },
    );
    return {
      state: 'DECIDED',
      decision: analysis.decision,
      decidedBy: 'STATIC_ANALYSIS',
      details: `${analysis.details} (simulation unavailable: ${errors[0].code})`,
      actions: analysis.actions,
      resources: analysis.resources,
      policies,
    };
  } catch (error) {
    errors.push(toApiError(operationOf(error), error));
    return { state: 'FAILED', errors };
  }
}

class PolicyReadError extends Error {
  constructor(readonly operation: string, readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = cause instanceof Error ? cause.name : 'Error';
  }
}

function operationOf(error: unknown): string {
  return error instanceof PolicyReadError
    ? error.operation
    : 'iam:ListRolePolicies';
}

async function step<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new PolicyReadError(operation, error);
  }
}

/** Every inline policy and the default version of every attached managed policy. */
async function readRolePolicies(
  iam: IAMClient,
  roleName: string,
): Promise<PolicyDocumentEvidence[]> {
  const documents: PolicyDocumentEvidence[] = [];

  const inlineNames: string[] = [];
  let marker: string | undefined;
  do {
    const input: { RoleName: string; Marker?: string } = {
      RoleName: roleName,
      Marker: marker,
    };
    const page = await step('iam:ListRolePolicies', () =>
      iam.send(new ListRolePoliciesCommand(input)),
    );
    inlineNames.push(...(page.PolicyNames ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  for (const name of inlineNames) {
    const { PolicyDocument } = await step('iam:GetRolePolicy', () =>
      iam.send(
        new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }),
      ),
    );
    documents.push({
      kind: 'INLINE',
      name,
      document: decodeDocument(PolicyDocument),
    });
  }

  const attached: { PolicyName?: string; PolicyArn?: string }[] = [];
  marker = undefined;
  do {
    const input: { RoleName: string; Marker?: string } = {
      RoleName: roleName,
      Marker: marker,
    };
    const page = await step('iam:ListAttachedRolePolicies', () =>
      iam.send(new ListAttachedRolePoliciesCommand(input)),
    );
    attached.push(...(page.AttachedPolicies ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  for (const { PolicyArn, PolicyName } of attached) {
    if (!PolicyArn) continue;
    const { Policy } = await step('iam:GetPolicy', () =>
      iam.send(new GetPolicyCommand({ PolicyArn })),
    );
    const { PolicyVersion } = await step('iam:GetPolicyVersion', () =>
      iam.send(
        new GetPolicyVersionCommand({
          PolicyArn,
          VersionId: Policy?.DefaultVersionId,
        }),
      ),
    );
    documents.push({
      kind: 'MANAGED',
      name: PolicyName ?? PolicyArn,
      arn: PolicyArn,
      document: decodeDocument(PolicyVersion?.Document),
    });
  }
  return documents;
}
