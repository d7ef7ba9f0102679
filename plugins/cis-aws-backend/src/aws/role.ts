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
import {
  isWithinMaxAge,
  RememberedPolicies,
  RolePolicyReuse,
} from './rolePolicyMemory';

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

/** The role's policy documents as read, when, and the call that failed, if one did. */
interface ReadDocuments extends RolePolicies {
  readAt: string;
}

/** The permission question of one role and trail, and the documents behind its answer. */
class PermissionRead {
  constructor(
    private readonly iam: IAMClient,
    private readonly roleName: string,
    private readonly target: RoleCheckTarget,
    private readonly options: { now: () => Date; reuse?: RolePolicyReuse },
  ) {}

  async permission(): Promise<RolePermissionFacts> {
    const { target } = this;
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
        ...asEvidence(await this.readDocuments()),
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
    // it — unless a read of them may still be shown (then only if the
    // simulation's answer says they may have changed).
    const simulating = simulate(this.iam, target.roleArn!, actions, concrete);
    const remembered = await this.recallWithinMaxAge();
    const reading = remembered ? undefined : this.readDocuments();
    const simulation = await simulating;
    if (simulation.analysis) {
      const documents =
        remembered && unchangedFor(remembered, simulation)
          ? { documents: remembered.policies, readAt: remembered.readAt }
          : await (reading ?? this.readDocuments());
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
    // Static analysis decides from the documents: never from an earlier read.
    const documents = await (reading ?? this.readDocuments());
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
      policiesReadAt: documents.readAt,
    };
  }

  /** A simulation's decision with a complete read of the documents is remembered for the next run. */
  rememberIfComplete(permission: RolePermissionFacts) {
    const { reuse } = this.options;
    if (
      !reuse ||
      permission.state !== 'DECIDED' ||
      permission.decidedBy !== 'SIMULATION' ||
      permission.documentsError ||
      !permission.policiesReadAt
    ) {
      return;
    }
    reuse.memory.remember(this.memoryTarget(), {
      policies: permission.policies,
      readAt: permission.policiesReadAt,
      decision: permission.decision,
      details: permission.details,
    });
  }

  private async recallWithinMaxAge() {
    const { reuse, now } = this.options;
    if (!reuse || reuse.maxAgeMs <= 0) return undefined;
    const remembered = await reuse.memory.recall(this.memoryTarget());
    return remembered &&
      isWithinMaxAge(
        this.target.roleArn!,
        remembered.readAt,
        now(),
        reuse.maxAgeMs,
      )
      ? remembered
      : undefined;
  }

  private memoryTarget() {
    return {
      roleArn: this.target.roleArn!,
      logGroupArn: this.target.logGroupArn,
    };
  }

  private async readDocuments(): Promise<ReadDocuments> {
    const readAt = this.options.now().toISOString();
    return { ...(await readRolePolicies(this.iam, this.roleName)), readAt };
  }
}

/** How readRole reads: its clock, and whether documents read before may be shown again. */
export interface ReadRoleOptions {
  now?: () => Date;
  /** Without it, the documents are read on every call. */
  reuse?: RolePolicyReuse;
}

/**
 * The role CloudTrail uses to write to CloudWatch Logs: does it exist, does
 * it trust CloudTrail, may it write to the log group's CloudTrail streams.
 *
 * The permission question goes to iam:SimulatePrincipalPolicy first (AWS's
 * own evaluator: 1 call). Where the reader may not simulate, the policy
 * documents are read and analysed statically. The documents are kept in
 * either case: an audit wants the trust policy and the permission policies
 * themselves, not only the answer (contract: keep every collected field as
 * evidence). When simulation decided, a failed read of them is kept as
 * `documentsError` and never changes the decision, and documents read by an
 * earlier evaluation may be shown again (see RolePolicyMemory: while the
 * simulation answers as it did, up to a maximum age; `policiesReadAt` says when).
 *
 * GetRole, the simulation and the documents depend only on the trail's
 * configuration, so they are asked at once: a healthy role costs one round
 * trip after DescribeTrails. A role that turns out not to exist has its other
 * answers (errors) ignored.
 */
export async function readRole(
  clients: AccountClients,
  target: RoleCheckTarget,
  options: ReadRoleOptions = {},
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
  const read = new PermissionRead(iam, roleName, target, {
    now: options.now ?? (() => new Date()),
    reuse: options.reuse,
  });

  const [role, permission] = await Promise.all([
    iam.send(new GetRoleCommand({ RoleName: roleName })).then(
      ({ Role }) => ({
        trustDocument: decodeDocument(Role?.AssumeRolePolicyDocument),
      }),
      (error: unknown) => ({ error }),
    ),
    read.permission(),
  ]);
  if ('error' in role) {
    if (isNotFound(role.error)) return { ...location, state: 'NOT_FOUND' };
    return { state: 'FAILED', error: toApiError('iam:GetRole', role.error) };
  }
  read.rememberIfComplete(permission);
  const trust = analyzeTrustPolicy(role.trustDocument);
  return {
    ...location,
    state: 'FOUND',
    name: roleName,
    trust: {
      allowsCloudTrail: trust.allowsCloudTrail,
      hasSourceConditions: trust.hasSourceConditions,
      details: trust.details,
      document: role.trustDocument,
    },
    permission,
  };
}

/**
 * Whether the simulation answers as it did when the remembered documents were last found
 * current, and every policy it matched is among them.
 */
function unchangedFor(
  remembered: RememberedPolicies,
  simulation: Extract<SimulationOutcome, { analysis: unknown }>,
): boolean {
  if (
    remembered.decision !== simulation.analysis.decision ||
    remembered.details !== simulation.analysis.details
  ) {
    return false;
  }
  const known = new Set(
    remembered.policies.flatMap(p => (p.arn ? [p.name, p.arn] : [p.name])),
  );
  return simulation.matchedPolicyIds.every(id => known.has(id));
}

/** iam:SimulatePrincipalPolicy's answer, or why there is none. */
type SimulationOutcome =
  | {
      analysis: ReturnType<typeof permissionFromSimulation>;
      /** The policies whose statements decided (SourcePolicyId: a name or an ARN). */
      matchedPolicyIds: string[];
      error?: never;
    }
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
    const matchedPolicyIds = new Set<string>();
    for (const result of EvaluationResults) {
      for (const statement of [
        ...(result.MatchedStatements ?? []),
        ...(result.ResourceSpecificResults ?? []).flatMap(
          r => r.MatchedStatements ?? [],
        ),
      ]) {
        if (statement.SourcePolicyId) {
          matchedPolicyIds.add(statement.SourcePolicyId);
        }
      }
    }
    return {
      analysis: permissionFromSimulation(EvaluationResults),
      matchedPolicyIds: [...matchedPolicyIds],
    };
  } catch (error) {
    return { error: toApiError('iam:SimulatePrincipalPolicy', error) };
  }
}

/** The role's policy documents as read from IAM, and the call that failed, if one did. */
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
  readAt,
}: ReadDocuments): Pick<
  Extract<RolePermissionFacts, { state: 'DECIDED' }>,
  'policies' | 'documentsError' | 'policiesReadAt'
> {
  return {
    policies: documents,
    policiesReadAt: readAt,
    ...(error ? { documentsError: error } : {}),
  };
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
