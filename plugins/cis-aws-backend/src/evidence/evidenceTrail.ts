import {
  apiErrorCodeText,
  AccountEvaluation,
  EvidenceTrail,
  RoleFacts,
  RolePermissionFacts,
  TrailEvaluation,
} from '@cis-aws/plugin-cis-aws-common';
import { trailConsoleLinks } from '../lib/consoleLinks';

/**
 * One trail of an evaluation as evidence: its configuration, status, log group and the role's
 * documents, with the decisions about the role in words.
 */

/** The permission decision in words, naming what was asked unless the details already do. */
function permissionWords(
  permission: Extract<RolePermissionFacts, { state: 'DECIDED' }>,
): string {
  const by =
    permission.decidedBy === 'SIMULATION'
      ? 'IAM policy simulation'
      : 'reading the policy documents';
  const asked = permission.actions.every(action =>
    permission.details.includes(action),
  )
    ? ''
    : `. Asked: ${permission.actions.join(', ')} on ${permission.resources.join(
        ', ',
      )}`;
  // The documents are evidence only when simulation decided; say when they could not be read.
  const missing = permission.documentsError
    ? `. The policy documents could not be read (${
        permission.documentsError.operation
      } ${apiErrorCodeText(
        permission.documentsError,
      )}), so they are not in this packet`
    : '';
  // A scheduled run may show documents read by an earlier one (cisAws.aws.rolePolicyMaxAge).
  const readAt =
    permission.policiesReadAt && !permission.documentsError
      ? `. The policy documents below were read from IAM at ${permission.policiesReadAt}`
      : '';
  return `${permission.decision} (decided by ${by}): ${permission.details}${asked}${missing}${readAt}`;
}

function evidenceRole(
  role: RoleFacts,
  configuredArn: string | null,
): EvidenceTrail['role'] {
  const arn = configuredArn ?? undefined;
  switch (role.state) {
    case 'FOUND': {
      const { trust, permission } = role;
      const trustsCloudTrail = `${trust.allowsCloudTrail}: ${trust.details}${
        trust.hasSourceConditions
          ? ' (the trust policy uses aws:SourceArn/aws:SourceAccount conditions)'
          : ''
      }`;
      const decided =
        permission.state === 'DECIDED'
          ? permissionWords(permission)
          : `UNDETERMINED: the permissions could not be simulated or read (${permission.errors
              .map(error => `${error.operation} ${apiErrorCodeText(error)}`)
              .join('; ')})`;
      return {
        state: 'FOUND',
        arn: role.arn,
        trustPolicy: trust.document,
        trustsCloudTrail,
        permission: decided,
        permissionPolicies:
          permission.state === 'DECIDED' ? permission.policies : [],
      };
    }
    case 'NOT_FOUND':
      return {
        state: 'NOT_FOUND',
        arn: role.arn,
        detail: 'IAM says the role does not exist (iam:GetRole NoSuchEntity).',
      };
    case 'NOT_CHECKED':
      return {
        state: 'NOT_CHECKED',
        ...(arn ? { arn } : {}),
        detail:
          role.why === 'NO_ARN'
            ? 'The trail names no role (CloudWatchLogsRoleArn is empty).'
            : "The role belongs to another account; its IAM is not readable from this account's reader role.",
      };
    case 'FAILED':
      return {
        state: 'FAILED',
        ...(arn ? { arn } : {}),
        detail: `${role.error.operation} failed: ${apiErrorCodeText(
          role.error,
        )}: ${role.error.message}`,
      };
    default:
      return {
        state: 'FAILED',
        ...(arn ? { arn } : {}),
        detail: 'The role facts are in an unknown shape.',
      };
  }
}

export function evidenceTrail(
  trail: TrailEvaluation,
  evaluation: AccountEvaluation,
  securityHubRegion: string,
): EvidenceTrail {
  const { facts } = trail;
  const links = trailConsoleLinks(
    trail,
    evaluation.inventory.partition,
    securityHubRegion,
  );
  return {
    arn: trail.trailArn,
    name: facts.name,
    ownerAccountId: facts.ownerAccountId,
    homeRegion: facts.homeRegion,
    isMultiRegion: facts.isMultiRegion,
    isOrganizationTrail: facts.isOrganizationTrail,
    verdict: trail.verdict,
    ...(trail.reason ? { reason: trail.reason } : {}),
    ...(trail.detail ? { detail: trail.detail } : {}),
    underlyingVerdict: trail.underlyingVerdict,
    cloudWatchLogsLogGroupArn: facts.logGroupArn,
    cloudWatchLogsRoleArn: facts.roleArn,
    deliveryStatus: facts.status,
    logGroup: facts.logGroup,
    role: evidenceRole(facts.role, facts.roleArn),
    ...(trail.inheritedFrom ? { inheritedFrom: trail.inheritedFrom } : {}),
    ...(trail.exemptedBy ? { exemptedBy: trail.exemptedBy } : {}),
    consoleLinks: links,
  };
}
