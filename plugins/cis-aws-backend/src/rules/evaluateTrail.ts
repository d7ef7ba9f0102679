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
import { judgeChainLinks } from './chainLinks';

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
 * The contract's refinement: a FAIL rule whose facts were all read decides even when another
 * call failed (see `evaluateTrail`), so this ERROR only stands when no FAIL could be read: then
 * the failed call's answer could have changed the verdict.
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

/**
 * The contract's FAIL rules, in the table's order. Each matches only on facts that were read (a
 * FAILED, HIDDEN or NOT_CHECKED fact never matches), so the first one that matches is a FAIL
 * decided from read facts whatever else failed.
 */
const FAIL_RULES: readonly TrailRule[] = [
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
 * The contract's table with its refinement. In the table's order FOREIGN_ORG_TRAIL comes before
 * every FAIL, and API_ERROR before everything; the refinement lets a FAIL rule "whose facts were
 * all read" decide even when an unrelated call failed (a trail with no log group ARN is FAIL
 * NO_LOG_GROUP even if GetTrailStatus then failed; a stopped trail is FAIL NOT_LOGGING even if
 * the log group lookup failed). So:
 * 1. a hidden organization trail of another account is ERROR when a needed call failed, else
 *    UNKNOWN FOREIGN_ORG_TRAIL: never FAIL, also not from its configuration as the member sees
 *    it (the table puts FOREIGN_ORG_TRAIL first, and a failed call must not turn that UNKNOWN
 *    into a FAIL);
 * 2. otherwise the first FAIL rule that matches on read facts;
 * 3. otherwise ERROR API_ERROR when a needed call failed (its answer could have been a FAIL);
 * 4. otherwise PASS.
 * The reason of a FAIL decided beside a failed call is the first FAIL that could be read: an
 * earlier rule of the table might have matched had the call answered (a stopped trail whose log
 * group lookup failed is NOT_LOGGING, though the group may be gone too). The verdict cannot be
 * anything but FAIL either way; the failed call stays in the facts and the chain shows it.
 */
function decide(
  facts: TrailFacts,
  context: TrailEvaluationContext,
): RuleOutcome | undefined {
  const failedCall = apiError(facts, context);
  const hiddenForeign = foreignOrgTrail(facts, context);
  if (hiddenForeign) return failedCall ?? hiddenForeign;
  const readFail = FAIL_RULES.reduce<RuleOutcome | undefined>(
    (found, rule) => found ?? rule(facts, context),
    undefined,
  );
  return readFail ?? failedCall;
}

/** A trail verdict that rests on what was read: PASS or FAIL, also under an exception. */
export function isDefinitiveTrail(evaluation: TrailEvaluation): boolean {
  return (
    evaluation.underlyingVerdict === 'PASS' ||
    evaluation.underlyingVerdict === 'FAIL'
  );
}

/**
 * The trail as its owner judged it, seen from this account: the owner's verdict, reason and
 * warnings, this account's facts.
 */
function inherit(
  owner: TrailEvaluation,
  facts: TrailFacts,
  stale?: { evaluatedAt: string; why: string },
): TrailEvaluation {
  const warnings = owner.warnings.map(warning => ({
    ...warning,
    trailArn: facts.arn,
  }));
  if (stale) {
    warnings.push({
      code: 'OWNER_EVALUATION_STALE',
      detail: `the owner ${facts.ownerAccountId} could not judge this trail in its latest run (${stale.why}); its evaluation of ${stale.evaluatedAt} stands`,
      trailArn: facts.arn,
    });
  }
  return {
    ...owner,
    trailArn: facts.arn,
    facts,
    warnings,
    inheritedFrom: {
      accountId: facts.ownerAccountId,
      ...(stale ? { evaluatedAt: stale.evaluatedAt } : {}),
    },
  };
}

/**
 * An organization trail of another account in scope takes that owner's evaluation (contract:
 * the owner's reads are authoritative, and what a member account cannot read about a trail it
 * does not own must not mask it): the owner's latest one when it is definitive. When the owner's
 * latest run could not judge the trail (ERROR or UNKNOWN: throttled, failing; or no reading of
 * it at all), the owner's last definitive evaluation, marked OWNER_EVALUATION_STALE, as long as
 * it is no older than `maxDeliveryAge`; else the owner's latest (ERROR or UNKNOWN) as it is.
 * Undefined when there is no owner evaluation at all: the rules decide.
 *
 * Deviation, on purpose: read literally, "takes the owner's evaluation" would hand every member
 * the owner's ERROR of a throttled run, so that one throttled management account turns every
 * member UNKNOWN and back (issue 12). The contract also says that the last definitive verdict
 * stays visible, marked stale, when a later run errors: the owner account itself shows it so, and
 * its members take that same evaluation, with the warning saying whose and from when. The bound
 * keeps it honest: a reading older than `maxDeliveryAge` cannot speak for delivery now (a PASS
 * that old would be DELIVERY_STALE had it been read now), so the owner's ERROR is taken then.
 */
function ownerEvaluationOf(
  facts: TrailFacts,
  context: TrailEvaluationContext,
): TrailEvaluation | undefined {
  if (
    !isForeignTrail(facts) ||
    !context.inScopeAccountIds.has(facts.ownerAccountId)
  ) {
    return undefined;
  }
  const latest = context.ownerEvaluation?.(facts.arn);
  if (latest && isDefinitiveTrail(latest)) return inherit(latest, facts);
  const known = context.ownerLastDefinitive?.(facts.arn);
  const recentEnough =
    known !== undefined &&
    context.now.getTime() - Date.parse(known.evaluatedAt) <=
      context.maxDeliveryAgeMs;
  if (known && recentEnough && isDefinitiveTrail(known.evaluation)) {
    const why = latest
      ? `${latest.verdict} ${latest.reason ?? ''}${
          latest.detail ? `: ${latest.detail}` : ''
        }`.trim()
      : 'no evaluation of it';
    return inherit(known.evaluation, facts, {
      evaluatedAt: known.evaluatedAt,
      why,
    });
  }
  return latest ? inherit(latest, facts) : undefined;
}

/**
 * A trail the inventory listed whose home region this account cannot call, and that takes no
 * owner's evaluation: UNKNOWN, with the reason the region could not be read (contract, "Data to
 * collect", item 1). Nothing about it was read, so no rule could decide anything else.
 */
function homeRegionUnreachable(facts: TrailFacts): RuleOutcome | undefined {
  const error = facts.homeRegionUnreachable;
  if (!error) return undefined;
  return {
    verdict: 'UNKNOWN',
    reason: 'HOME_REGION_UNREACHABLE',
    detail: `its home region ${facts.homeRegion} cannot be called from ${
      facts.seenFromAccountId
    }: ${error.operation} ${apiErrorCodeText(error)}: ${error.message}`,
  };
}

/**
 * The verdict of one trail as seen from one account (contract, "Verdict for one trail").
 * Pure: everything it needs is in `facts` and `context`.
 */
export function evaluateTrail(
  facts: TrailFacts,
  context: TrailEvaluationContext,
): TrailEvaluation {
  const inherited = ownerEvaluationOf(facts, context);
  if (inherited) return inherited;

  const outcome = homeRegionUnreachable(facts) ?? decide(facts, context);
  return {
    trailArn: facts.arn,
    verdict: outcome?.verdict ?? 'PASS',
    reason: outcome?.reason,
    detail: outcome?.detail,
    underlyingVerdict: outcome?.verdict ?? 'PASS',
    underlyingReason: outcome?.reason,
    warnings: trailWarnings(facts, context),
    links: judgeChainLinks(facts, context),
    facts,
  };
}

function formatHours(ms: number): string {
  return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
}
