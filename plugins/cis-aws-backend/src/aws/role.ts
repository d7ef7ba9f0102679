import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
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
 * documents are read and analysed statically. The documents are read in
 * either case: an audit wants the trust policy and the permission policies
 * themselves, not only the answer (contract: keep every collected field as
 * evidence). When simulation decided, a failed read of them is kept as
 * `documentsError` and never changes the decision.
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
      ...asEvidence(await readRolePolicies(iam, roleName)),
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

  // The documents are evidence whatever decides, and the fallback's input
  // when simulation is refused: read them beside the simulation, not after
  // it, so the role's chain of calls grows by one call rather than three.
  const [simulation, documents] = await Promise.all([
    simulate(iam, target.roleArn!, actions, concrete),
    readRolePolicies(iam, roleName),
  ]);
  if (simulation.analysis) {
    return {
      state: 'DECIDED',
      decision: simulation.analysis.decision,
      decidedBy: 'SIMULATION',
      details: simulation.analysis.details,
      actions,
      resources: concrete,
      ...asEvidence(documents),
    };
  }
  const simulationError = simulation.error;
  if (documents.error) {
    return { state: 'FAILED', errors: [simulationError, documents.error] };
  }
  const analysis = analyzeLogDeliveryPermission(
    documents.documents.map(p => ({ name: p.name, document: p.document })),
    { logGroupArn: target.logGroupArn, streamNamePrefixes: prefixes },
  );
  return {
    state: 'DECIDED',
    decision: analysis.decision,
    decidedBy: 'STATIC_ANALYSIS',
    details: `${analysis.details} (simulation unavailable: ${simulationError.code})`,
    actions: analysis.actions,
    resources: analysis.resources,
    policies: documents.documents,
  };
}

/** iam:SimulatePrincipalPolicy's answer, or why there is none. */
type SimulationOutcome =
  | { analysis: ReturnType<typeof permissionFromSimulation>; error?: never }
  | { analysis?: never; error: ApiError };

async function simulate(
  iam: IAMClient,
  roleArn: string,
  actions: string[],
  resources: string[],
): Promise<SimulationOutcome> {
  try {
    const { EvaluationResults = [] } = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: roleArn,
        ActionNames: actions,
        ResourceArns: resources,
      }),
    );
    return { analysis: permissionFromSimulation(EvaluationResults) };
  } catch (error) {
    return { error: toApiError('iam:SimulatePrincipalPolicy', error) };
  }
}

/** The role's policy documents as read, and the call that failed, if one did. */
interface RolePolicies {
  /** Inline policies first, then attached managed ones; partial when `error` is set. */
  documents: PolicyDocumentEvidence[];
  error?: ApiError;
}

/**
 * The documents as evidence of a decision that did not rest on them: a
 * failed read is kept beside the decision and never changes it.
 */
function asEvidence({
  documents,
  error,
}: RolePolicies): Pick<
  Extract<RolePermissionFacts, { state: 'DECIDED' }>,
  'policies' | 'documentsError'
> {
  return { policies: documents, ...(error ? { documentsError: error } : {}) };
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

/**
 * Every inline policy and the default version of every attached managed
 * policy. The two lists are read concurrently; a failure in one keeps what
 * the other read.
 */
async function readRolePolicies(
  iam: IAMClient,
  roleName: string,
): Promise<RolePolicies> {
  const inline: PolicyDocumentEvidence[] = [];
  const managed: PolicyDocumentEvidence[] = [];
  const outcomes = await Promise.allSettled([
    readInlinePolicies(iam, roleName, inline),
    readManagedPolicies(iam, roleName, managed),
  ]);
  const failure = outcomes.find(
    (outcome): outcome is PromiseRejectedResult =>
      outcome.status === 'rejected',
  );
  return {
    documents: [...inline, ...managed],
    ...(failure
      ? { error: toApiError(operationOf(failure.reason), failure.reason) }
      : {}),
  };
}

/*
 * The list calls go through the SDK's paginators (one call per page). IAM sets `Marker` only when
 * `IsTruncated` is true, which is what the paginator follows.
 */

/** Appends each inline policy to `documents` as it is read. */
async function readInlinePolicies(
  iam: IAMClient,
  roleName: string,
  documents: PolicyDocumentEvidence[],
): Promise<void> {
  const names = await step('iam:ListRolePolicies', async () => {
    const found: string[] = [];
    for await (const page of paginateListRolePolicies(
      { client: iam },
      { RoleName: roleName },
    )) {
      found.push(...(page.PolicyNames ?? []));
    }
    return found;
  });
  for (const name of names) {
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
}

/** Appends the default version of each attached managed policy to `documents` as it is read. */
async function readManagedPolicies(
  iam: IAMClient,
  roleName: string,
  documents: PolicyDocumentEvidence[],
): Promise<void> {
  const attached = await step('iam:ListAttachedRolePolicies', async () => {
    const found: { PolicyName?: string; PolicyArn?: string }[] = [];
    for await (const page of paginateListAttachedRolePolicies(
      { client: iam },
      { RoleName: roleName },
    )) {
      found.push(...(page.AttachedPolicies ?? []));
    }
    return found;
  });
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
}
