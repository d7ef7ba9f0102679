import type { PolicyDecision } from '@cis-aws/plugin-cis-aws-common';
import type { PolicyAnalysis } from './iamPolicy';
import {
  actionApplies,
  parsePolicyDocument,
  type PolicyStatement,
  type PrincipalSpec,
} from './iamPolicyDocument';

/**
 * Static analysis of the trust policy of CloudTrail's delivery role: may
 * `cloudtrail.amazonaws.com` call `sts:AssumeRole`? As for permissions, DENIED is only
 * answered when certain.
 */

const CLOUDTRAIL_SERVICE = 'cloudtrail.amazonaws.com';
const SOURCE_CONDITION_KEYS = ['aws:sourcearn', 'aws:sourceaccount'];

function principalIncludesCloudTrail(spec: PrincipalSpec): boolean {
  if (spec === '*') {
    return true;
  }
  return Object.entries(spec).some(
    ([kind, values]) =>
      (kind === 'Service' &&
        values.some(v => v.toLowerCase() === CLOUDTRAIL_SERVICE)) ||
      (kind === 'AWS' && values.includes('*')),
  );
}

function principalApplies(statement: PolicyStatement): boolean {
  if (statement.principal) {
    return principalIncludesCloudTrail(statement.principal);
  }
  if (statement.notPrincipal) {
    return !principalIncludesCloudTrail(statement.notPrincipal);
  }
  return false;
}

/**
 * Does the trust policy let `cloudtrail.amazonaws.com` call `sts:AssumeRole`, and does it use
 * aws:SourceArn / aws:SourceAccount? AWS says this role does not support those conditions; the
 * contract makes them a warning, so they are assumed not to block CloudTrail here (if they do,
 * the delivery goes stale and the trail fails on that). Any other condition on the allowing
 * statement makes the answer UNDETERMINED.
 */
export function analyzeTrustPolicy(document: string): PolicyAnalysis & {
  allowsCloudTrail: PolicyDecision;
  hasSourceConditions: boolean;
} {
  const parsed = parsePolicyDocument(document);
  if (!parsed.ok) {
    const details = `trust policy not understood: ${parsed.problem}`;
    return {
      decision: 'UNDETERMINED',
      allowsCloudTrail: 'UNDETERMINED',
      hasSourceConditions: false,
      details,
    };
  }
  // Statements are named by Sid, else by their position in the document.
  const relevant = parsed.statements
    .map((statement, index) => ({
      ...statement,
      sid: statement.sid ?? `statement ${index + 1}`,
    }))
    .filter(s => actionApplies(s, 'sts:AssumeRole') && principalApplies(s));
  const hasSourceConditions = relevant.some(s =>
    s.conditionKeys.some(k => SOURCE_CONDITION_KEYS.includes(k.toLowerCase())),
  );
  const blockingKeys = (s: PolicyStatement) =>
    s.conditionKeys.filter(
      k => !SOURCE_CONDITION_KEYS.includes(k.toLowerCase()),
    );

  const denies = relevant.filter(s => s.effect === 'Deny');
  const allows = relevant.filter(s => s.effect === 'Allow');
  const decide = (decision: PolicyDecision, details: string) => ({
    decision,
    allowsCloudTrail: decision,
    hasSourceConditions,
    details: hasSourceConditions
      ? `${details}; uses aws:SourceArn/aws:SourceAccount conditions`
      : details,
  });

  const certainDeny = denies.find(s => s.conditionKeys.length === 0);
  if (certainDeny) {
    return decide(
      'DENIED',
      `${certainDeny.sid} denies CloudTrail sts:AssumeRole`,
    );
  }
  if (denies.length > 0) {
    return decide(
      'UNDETERMINED',
      'a Deny with conditions may stop CloudTrail from assuming the role',
    );
  }
  const certainAllow = allows.find(s => blockingKeys(s).length === 0);
  if (certainAllow) {
    return decide(
      'ALLOWED',
      `${certainAllow.sid} lets CloudTrail assume the role`,
    );
  }
  if (allows.length > 0) {
    const keys = [...new Set(allows.flatMap(blockingKeys))].join(', ');
    return decide(
      'UNDETERMINED',
      `CloudTrail may assume the role only under conditions (${keys})`,
    );
  }
  return decide(
    'DENIED',
    'no statement lets cloudtrail.amazonaws.com assume the role',
  );
}
