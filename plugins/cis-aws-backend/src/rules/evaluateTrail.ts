import type {
  TrailEvaluation,
  TrailFacts,
  TrailReasonCode,
  Verdict,
} from '@cis-aws/plugin-cis-aws-common';
import { apiErrorCodeText } from '@cis-aws/plugin-cis-aws-common';
import type { TrailEvaluationContext } from './trailContext';
import { deliveryAgeMs, isBlank, isForeignTrail } from './trailFactsReading';
import { trailWarnings } from './trailWarnings';

export {
  DEFAULT_MAX_DELIVERY_AGE_MS,
  type TrailEvaluationContext,
} from './trailContext';

interface RuleOutcome {
  verdict: Verdict;
  reason: TrailReasonCode;
  detail: string;
}

type TrailRule = (
  facts: TrailFacts,
  context: TrailEvaluationContext,
) => RuleOutcome | undefined;

function fail(reason: TrailReasonCode, detail: string): RuleOutcome {
  return { verdict: 'FAIL', reason, detail };
}

/**
 * Which failures are ERROR and which are warnings (contract: ERROR is "a call needed for this
 * trail failed"; a role check that could not be completed is a warning and "delivery freshness
 * carries the verdict"):
 * - GetTrailStatus is needed: without it nothing after NO_ROLE can be decided. A FAILED status,
 *   or a HIDDEN one for a trail this account owns, is ERROR.
 * - DescribeLogGroups is needed: LOG_GROUP_NOT_FOUND depends on it and the contract carves out
 *   only the role. A FAILED log group lookup is ERROR.
 * - IAM (GetRole, policies, simulation) is not needed: a fresh delivery proves CloudTrail could
 *   assume the role and write, and a broken role shows as a stale delivery. An IAM failure is
 *   the ROLE_CHECK_INCOMPLETE warning, never ERROR and never FAIL.
 * - A status time that cannot be parsed counts as a failed status read: guessing either way
 *   could turn a FAIL into a PASS.
 * This rule is first, as in the contract, so a failed needed call wins even over a FAIL that
 * could be seen from other facts (e.g. NO_LOG_GROUP with a failed status call).
 */
const apiError: TrailRule = (facts, context) => {
  const { status, logGroup } = facts;
  if (status.state === 'FAILED') {
    return apiErrorOutcome(
      `${status.error.operation} failed: ${apiErrorCodeText(status.error)}: ${
        status.error.message
      }`,
    );
  }
  if (status.state === 'HIDDEN' && !isForeignTrail(facts)) {
    return apiErrorOutcome(
      `the status of a trail this account owns could not be read${
        status.error ? `: ${apiErrorCodeText(status.error)}` : ''
      }`,
    );
  }
  if (logGroup.state === 'FAILED') {
    return apiErrorOutcome(
      `${logGroup.error.operation} failed: ${apiErrorCodeText(
        logGroup.error,
      )}: ${logGroup.error.message}`,
    );
  }
  const time =
    status.state === 'READ' ? status.latestCloudWatchLogsDeliveryTime : null;
  if (
    time !== null &&
    time.trim() !== '' &&
    Number.isNaN(deliveryAgeMs(time, context.now))
  ) {
    return apiErrorOutcome(
      `GetTrailStatus returned an unreadable delivery time "${time}"`,
    );
  }
  return undefined;
};

function apiErrorOutcome(detail: string): RuleOutcome {
  return { verdict: 'ERROR', reason: 'API_ERROR', detail };
}

/** Never FAIL only because another account's status is hidden. */
const foreignOrgTrail: TrailRule = (facts, context) => {
  if (!isForeignTrail(facts) || facts.status.state !== 'HIDDEN') {
    return undefined;
  }
  const detail = context.inScopeAccountIds.has(facts.ownerAccountId)
    ? `owned by ${facts.ownerAccountId}, which is in scope but has no evaluation of it yet`
    : `owned by ${facts.ownerAccountId}, which is not in scope`;
  return { verdict: 'UNKNOWN', reason: 'FOREIGN_ORG_TRAIL', detail };
};

const noLogGroup: TrailRule = facts =>
  isBlank(facts.logGroupArn)
    ? fail('NO_LOG_GROUP', 'CloudWatchLogsLogGroupArn is empty')
    : undefined;

const noRole: TrailRule = facts =>
  isBlank(facts.roleArn)
    ? fail('NO_ROLE', 'CloudWatchLogsRoleArn is empty')
    : undefined;

const logGroupNotFound: TrailRule = ({ logGroup }) =>
  logGroup.state === 'NOT_FOUND'
    ? fail('LOG_GROUP_NOT_FOUND', `${logGroup.arn} does not exist`)
    : undefined;

const roleNotFound: TrailRule = ({ role }) =>
  role.state === 'NOT_FOUND'
    ? fail('ROLE_NOT_FOUND', `${role.arn} does not exist`)
    : undefined;

/** Only a definite DENIED fails; UNDETERMINED is a warning (see trailWarnings). */
const roleNotTrusted: TrailRule = ({ role }) =>
  role.state === 'FOUND' && role.trust.allowsCloudTrail === 'DENIED'
    ? fail('ROLE_NOT_TRUSTED', role.trust.details)
    : undefined;

const roleCannotWrite: TrailRule = ({ role }) =>
  role.state === 'FOUND' &&
  role.permission.state === 'DECIDED' &&
  role.permission.decision === 'DENIED'
    ? fail(
        'ROLE_CANNOT_WRITE',
        `${role.permission.details} (decided by ${role.permission.decidedBy})`,
      )
    : undefined;

const notLogging: TrailRule = ({ status }) =>
  status.state === 'READ' && !status.isLogging
    ? fail('NOT_LOGGING', 'IsLogging is false')
    : undefined;

const neverDelivered: TrailRule = ({ status }) =>
  status.state === 'READ' && isBlank(status.latestCloudWatchLogsDeliveryTime)
    ? fail('NEVER_DELIVERED', 'there is no LatestCloudWatchLogsDeliveryTime')
    : undefined;

/** "Older than maxDeliveryAge": a delivery exactly that old is still fresh. */
const deliveryStale: TrailRule = ({ status }, { now, maxDeliveryAgeMs }) => {
  if (
    status.state !== 'READ' ||
    status.latestCloudWatchLogsDeliveryTime === null
  ) {
    return undefined;
  }
  const age = deliveryAgeMs(status.latestCloudWatchLogsDeliveryTime, now);
  return age > maxDeliveryAgeMs
    ? fail(
        'DELIVERY_STALE',
        `last delivery ${
          status.latestCloudWatchLogsDeliveryTime
        } is ${formatHours(age)} old, over ${formatHours(maxDeliveryAgeMs)}`,
      )
    : undefined;
};

/** The contract's table, in its order: the first rule that matches wins. */
const TRAIL_RULES: readonly TrailRule[] = [
  apiError,
  foreignOrgTrail,
  noLogGroup,
  noRole,
  logGroupNotFound,
  roleNotFound,
  roleNotTrusted,
  roleCannotWrite,
  notLogging,
  neverDelivered,
  deliveryStale,
];

/**
 * The verdict of one trail as seen from one account (contract, "Verdict for one trail").
 * Pure: everything it needs is in `facts` and `context`.
 */
export function evaluateTrail(
  facts: TrailFacts,
  context: TrailEvaluationContext,
): TrailEvaluation {
  // An organization trail of another account in scope takes that owner's evaluation, before any
  // rule: the owner's reads are authoritative, and what a member account cannot read about a
  // trail it does not own must not mask it. Without an owner evaluation (not evaluated yet, or
  // owner out of scope) the rules below decide from this account's own facts.
  if (
    isForeignTrail(facts) &&
    context.inScopeAccountIds.has(facts.ownerAccountId)
  ) {
    const owner = context.ownerEvaluation?.(facts.arn);
    if (owner) {
      return {
        ...owner,
        facts,
        warnings: owner.warnings.map(warning => ({
          ...warning,
          trailArn: facts.arn,
        })),
        inheritedFrom: { accountId: facts.ownerAccountId },
      };
    }
  }

  const outcome = TRAIL_RULES.reduce<RuleOutcome | undefined>(
    (found, rule) => found ?? rule(facts, context),
    undefined,
  );
  return {
    trailArn: facts.arn,
    verdict: outcome?.verdict ?? 'PASS',
    reason: outcome?.reason,
    detail: outcome?.detail,
    underlyingVerdict: outcome?.verdict ?? 'PASS',
    underlyingReason: outcome?.reason,
    warnings: trailWarnings(facts, context),
    facts,
  };
}

function formatHours(ms: number): string {
  return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
}
