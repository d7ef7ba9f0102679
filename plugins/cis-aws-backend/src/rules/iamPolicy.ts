import type { PolicyDecision } from '@cis-aws/plugin-cis-aws-common';
import { parseLogGroupArn } from './arns';
import {
  hasPolicyVariable,
  matchesAllWithPrefix,
  matchesSomeWithPrefix,
  actionApplies,
  parsePolicyDocument,
  type PolicyStatement,
} from './iamPolicyDocument';

/**
 * Static analysis of the CloudTrail delivery role's IAM policies: the fallback when
 * iam:SimulatePrincipalPolicy may not be called. The rule that keeps it safe: DENIED (which
 * makes a trail FAIL) is only answered when it is certain; anything unclear is UNDETERMINED,
 * which is a warning while delivery freshness carries the verdict.
 *
 * Assumed: only the role's identity policies grant it access. CloudWatch Logs resource policies
 * are for AWS services, and granting an IAM role through one is taken not to happen.
 * Permissions boundaries and SCPs can only take access away, so they cannot make DENIED wrong;
 * they can make ALLOWED optimistic, which delivery freshness still catches.
 */

export const CLOUDTRAIL_LOG_DELIVERY_ACTIONS: readonly string[] = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
];

export interface PolicyAnalysis {
  decision: PolicyDecision;
  details: string;
}

/** A policy as read from IAM: inline or the default version of an attached managed policy. */
export interface PolicyInput {
  name: string;
  /** Plain or URL-encoded JSON. */
  document: string;
}

/** The log group CloudTrail writes to, and the prefixes of the streams it creates there. */
export interface LogDeliveryTarget {
  logGroupArn: string;
  streamNamePrefixes: readonly string[];
}

/**
 * CloudTrail names its streams `<account>_CloudTrail_<region>…`; organization trails also write
 * `o-<orgid>_…`. Without the organization id, only the account streams can be asked about.
 * Unverified: whether a multi-region trail writes one stream per source region; the contract's
 * (and AWS's default policy's) home-region prefix is used.
 */
export function cloudTrailStreamNamePrefixes(trail: {
  ownerAccountId: string;
  homeRegion: string;
  isOrganizationTrail: boolean;
  organizationId?: string;
}): string[] {
  const prefixes = [`${trail.ownerAccountId}_CloudTrail_${trail.homeRegion}`];
  if (trail.isOrganizationTrail && trail.organizationId) {
    prefixes.push(`${trail.organizationId}_`);
  }
  return prefixes;
}

/** `arn:PART:logs:REGION:ACCOUNT:log-group:NAME:log-stream:PREFIX*`, or undefined for a bad ARN. */
export function cloudTrailLogStreamResources(
  target: LogDeliveryTarget,
): string[] | undefined {
  const group = parseLogGroupArn(target.logGroupArn);
  return (
    group &&
    target.streamNamePrefixes.map(
      prefix => `${group.baseArn}:log-stream:${prefix}*`,
    )
  );
}

/** How a statement's Resource/NotResource relates to all the streams under one prefix. */
type Coverage = 'ALL' | 'SOME' | 'NONE';

// CloudWatch Logs forbids ':' and '*' in log stream names, so nothing after a stream prefix is a
// colon: a pattern that needs one there matches none of the streams.
const RESOURCE_MATCH = { caseInsensitive: false, suffixCannotContain: ':' };

function patternsCover(patterns: readonly string[], prefix: string): Coverage {
  if (
    patterns.some(
      p =>
        !hasPolicyVariable(p) &&
        matchesAllWithPrefix(p, prefix, RESOURCE_MATCH),
    )
  ) {
    return 'ALL';
  }
  return patterns.some(
    p =>
      hasPolicyVariable(p) || matchesSomeWithPrefix(p, prefix, RESOURCE_MATCH),
  )
    ? 'SOME'
    : 'NONE';
}

function resourceCoverage(
  statement: PolicyStatement,
  prefix: string,
): Coverage {
  if (statement.resource) {
    return patternsCover(statement.resource, prefix);
  }
  if (statement.notResource) {
    const excluded = patternsCover(statement.notResource, prefix);
    if (excluded === 'ALL') {
      return 'NONE';
    }
    return excluded === 'SOME' ? 'SOME' : 'ALL';
  }
  return 'SOME'; // not valid in an identity policy: claim nothing certain
}

function label(statement: PolicyStatement, policyName: string): string {
  return `${policyName}${statement.sid ? `/${statement.sid}` : ''}`;
}

/**
 * One action on the streams under one prefix. Explicit Deny wins; a Deny that may apply (only
 * some streams, or with conditions) makes it UNDETERMINED; an Allow must cover every stream
 * without conditions; no Allow touching the streams at all is a certain (implicit) DENIED.
 */
function decideOne(
  policies: readonly { name: string; statements: PolicyStatement[] }[],
  action: string,
  streamArnPrefix: string,
): PolicyAnalysisPart {
  const applying = policies.flatMap(policy =>
    policy.statements
      .filter(statement => actionApplies(statement, action))
      .map(statement => ({
        statement,
        name: label(statement, policy.name),
        coverage: resourceCoverage(statement, streamArnPrefix),
      }))
      .filter(entry => entry.coverage !== 'NONE'),
  );
  const certain = ({ statement, coverage }: (typeof applying)[number]) =>
    coverage === 'ALL' && statement.conditionKeys.length === 0;
  const denies = applying.filter(entry => entry.statement.effect === 'Deny');
  const allows = applying.filter(entry => entry.statement.effect === 'Allow');
  const what = `${action} on ${streamArnPrefix}*`;

  const certainDeny = denies.find(certain);
  if (certainDeny) {
    return {
      decision: 'DENIED',
      details: `${what}: explicitly denied by ${certainDeny.name}`,
      explicitDeny: true,
    };
  }
  if (denies.length > 0) {
    return {
      decision: 'UNDETERMINED',
      details: `${what}: ${denies
        .map(d => d.name)
        .join(', ')} may deny it (conditions or only some streams)`,
    };
  }
  const certainAllow = allows.find(certain);
  if (certainAllow) {
    return {
      decision: 'ALLOWED',
      details: `${what}: allowed by ${certainAllow.name}`,
    };
  }
  if (allows.length > 0) {
    const why = allows.map(a =>
      a.statement.conditionKeys.length > 0
        ? `${
            a.name
          } allows it only under conditions (${a.statement.conditionKeys.join(
            ', ',
          )})`
        : `${a.name} allows only some of the streams`,
    );
    return { decision: 'UNDETERMINED', details: `${what}: ${why.join('; ')}` };
  }
  return { decision: 'DENIED', details: `${what}: no statement allows it` };
}

/** One part of a decision; `explicitDeny` marks a certain Deny statement (not implicit). */
export interface PolicyAnalysisPart extends PolicyAnalysis {
  explicitDeny?: boolean;
}

/** DENIED if any part is denied, ALLOWED if every part is allowed, else UNDETERMINED. */
export function combinePolicyAnalyses(
  parts: readonly PolicyAnalysisPart[],
): PolicyAnalysisPart {
  const denied = parts.filter(p => p.decision === 'DENIED');
  if (denied.length > 0) {
    return {
      decision: 'DENIED',
      details: denied.map(p => p.details).join('; '),
      explicitDeny: denied.some(p => p.explicitDeny),
    };
  }
  const undetermined = parts.filter(p => p.decision === 'UNDETERMINED');
  if (undetermined.length > 0 || parts.length === 0) {
    return {
      decision: 'UNDETERMINED',
      details:
        undetermined.map(p => p.details).join('; ') || 'nothing to decide',
    };
  }
  return { decision: 'ALLOWED', details: parts.map(p => p.details).join('; ') };
}

/**
 * May a role with these policies (all of them: inline and attached) create streams and put
 * events on the streams CloudTrail writes in the target log group?
 */
export function analyzeLogDeliveryPermission(
  policies: readonly PolicyInput[],
  target: LogDeliveryTarget,
): PolicyAnalysis & { actions: string[]; resources: string[] } {
  const actions = [...CLOUDTRAIL_LOG_DELIVERY_ACTIONS];
  const resources = cloudTrailLogStreamResources(target);
  if (!resources || resources.length === 0) {
    return {
      decision: 'UNDETERMINED',
      details: `log group ARN ${target.logGroupArn} is not understood`,
      actions,
      resources: [],
    };
  }
  const parsed = policies.map(policy => ({
    name: policy.name,
    result: parsePolicyDocument(policy.document),
  }));
  const readable = parsed.flatMap(p =>
    p.result.ok ? [{ name: p.name, statements: p.result.statements }] : [],
  );
  const problems = parsed.flatMap(p =>
    p.result.ok ? [] : [`${p.name}: ${p.result.problem}`],
  );

  const { decision, details, explicitDeny } = combinePolicyAnalyses(
    actions.flatMap(action =>
      resources.map(resource =>
        decideOne(readable, action, resource.replace(/\*$/, '')),
      ),
    ),
  );
  // An unreadable policy could allow or deny anything, except that a certain explicit Deny
  // found elsewhere still wins.
  if (problems.length > 0 && !explicitDeny) {
    return {
      decision: 'UNDETERMINED',
      details: `unreadable policies: ${problems.join('; ')}`,
      actions,
      resources,
    };
  }
  return { decision, details, actions, resources };
}
