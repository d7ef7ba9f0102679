import type {
  EvaluationWarning,
  TrailFacts,
} from '@cis-aws/plugin-cis-aws-common';
import { apiErrorCodeText } from '@cis-aws/plugin-cis-aws-common';
import { parseLogGroupArn } from './arns';
import type { TrailEvaluationContext } from './trailContext';
import { deliveryAgeMs, isBlank } from './trailFactsReading';

/**
 * The contract's warnings for one trail: shown beside the verdict, never changing it.
 */

/** The call that reads the organization id (`o-…`), which names an organization trail's streams. */
export const DESCRIBE_ORGANIZATION = 'organizations:DescribeOrganization';

/** Every warning that applies, whatever the verdict. */
export function trailWarnings(
  facts: TrailFacts,
  context: Pick<TrailEvaluationContext, 'now' | 'maxDeliveryAgeMs'>,
): EvaluationWarning[] {
  const warnings: EvaluationWarning[] = [];
  const warn = (code: EvaluationWarning['code'], detail: string) =>
    warnings.push({ code, detail, trailArn: facts.arn });
  const { status, logGroup, role } = facts;

  if (
    status.state === 'READ' &&
    !isBlank(status.latestCloudWatchLogsDeliveryError)
  ) {
    const time = status.latestCloudWatchLogsDeliveryTime;
    const age = time === null ? Number.NaN : deliveryAgeMs(time, context.now);
    if (age <= context.maxDeliveryAgeMs) {
      warn(
        'DELIVERY_ERROR_WITH_FRESH_DELIVERY',
        `"${status.latestCloudWatchLogsDeliveryError}" beside a delivery at ${time}`,
      );
    }
  }

  if (facts.logGroupArn !== null && !isBlank(facts.logGroupArn)) {
    // Where the group is: from the lookup when there was one, else from the configured ARN.
    const location =
      logGroup.state === 'FOUND' || logGroup.state === 'NOT_FOUND'
        ? logGroup
        : parseLogGroupArn(facts.logGroupArn);
    if (location && location.region !== facts.homeRegion) {
      warn(
        'LOG_GROUP_OTHER_REGION',
        `log group in ${location.region}, trail home region ${facts.homeRegion}`,
      );
    }
    if (location && location.accountId !== facts.ownerAccountId) {
      warn(
        'LOG_GROUP_OTHER_ACCOUNT',
        `log group in ${location.accountId}, trail owned by ${facts.ownerAccountId}`,
      );
    }
    if (logGroup.state === 'NOT_CHECKED') {
      warn(
        'LOG_GROUP_NOT_CHECKED',
        `${facts.logGroupArn} was not looked up (${logGroup.why})`,
      );
    }
  }

  if (logGroup.state === 'FOUND' && logGroup.retentionInDays === null) {
    warn('NO_RETENTION', `${logGroup.name} keeps logs forever`);
  }

  if (role.state === 'FOUND' && role.trust.hasSourceConditions) {
    warn('TRUST_HAS_SOURCE_CONDITIONS', role.trust.details);
  }

  const incomplete = isBlank(facts.roleArn)
    ? undefined
    : incompleteRoleCheck(facts);
  if (incomplete) {
    warn('ROLE_CHECK_INCOMPLETE', incomplete);
  }

  // An organization trail this account owns also writes `o-<orgid>_*` streams for the member
  // accounts; without the id only the owner's own streams were asked about.
  const organizationError = facts.apiErrors.find(
    e => e.operation === DESCRIBE_ORGANIZATION,
  );
  if (
    facts.isOrganizationTrail &&
    facts.ownerAccountId === facts.seenFromAccountId &&
    !isBlank(facts.roleArn) &&
    organizationError
  ) {
    warn(
      'ORGANIZATION_STREAMS_NOT_CHECKED',
      `${DESCRIBE_ORGANIZATION} failed: ${apiErrorCodeText(
        organizationError,
      )}; the o-<organization id>_* streams of member accounts were not checked`,
    );
  }

  const documentsError =
    role.state === 'FOUND' && role.permission.state === 'DECIDED'
      ? role.permission.documentsError
      : undefined;
  if (documentsError) {
    warn(
      'ROLE_POLICIES_NOT_READ',
      `${documentsError.operation} failed: ${apiErrorCodeText(
        documentsError,
      )}; the permission decision stands`,
    );
  }
  return warnings;
}

/** What could not be found out about the role, if anything. */
function incompleteRoleCheck({ role }: TrailFacts): string | undefined {
  switch (role.state) {
    case 'FAILED':
      return `${role.error.operation} failed: ${apiErrorCodeText(role.error)}`;
    case 'NOT_CHECKED':
      return `the role was not checked (${role.why})`;
    case 'NOT_FOUND':
      return undefined;
    case 'FOUND': {
      const gaps: string[] = [];
      if (role.trust.allowsCloudTrail === 'UNDETERMINED') {
        gaps.push(`trust undetermined: ${role.trust.details}`);
      }
      if (role.permission.state === 'FAILED') {
        gaps.push(
          `permissions unreadable: ${role.permission.errors
            .map(e => `${e.operation} ${apiErrorCodeText(e)}`)
            .join(', ')}`,
        );
      } else if (role.permission.decision === 'UNDETERMINED') {
        gaps.push(`permissions undetermined: ${role.permission.details}`);
      }
      return gaps.length > 0 ? gaps.join('; ') : undefined;
    }
    default:
      return undefined;
  }
}
