import {
  AccountDetectionResult,
  AccountFacts,
  ApiError,
  DETECTION_CONTROL_ID,
  DetectionCheckId,
  DetectionCheckResult,
  DetectionVerdict,
  LogGroupDetectionResult,
  LogGroupRef,
  TrailFacts,
  worstDetectionVerdict,
} from '@cis-aws/plugin-cis-aws-common';
import { parseLogGroupArn } from '../arns';
import { accountDetection } from './accountDetection';

/**
 * Which log groups decide an account's detection checks (detection-content.md): those of its
 * in-scope trails — multi-region, logging, delivering to a log group. An organization trail's
 * group lives in its owner's account: a member covered only by it takes the owner's result on
 * that group (`inheritedFrom`); a member with its own in-scope trail passes a check that either
 * group passes.
 *
 * Whether a trail records all management events is not collected for 2.4 (no
 * `cloudtrail:GetEventSelectors` in the reader policy): every multi-region, logging trail counts.
 */
export interface DetectionScope {
  /** The log groups of the account's own in-scope trails. */
  own: LogGroupRef[];
  /** The log groups of other accounts' organization trails it sees, with their owner. */
  organization: { ownerAccountId: string; logGroup: LogGroupRef }[];
  /**
   * Calls that failed while listing the account's trails (regions or the inventory not read):
   * a trail there might have passed, so a FAIL cannot be told, nor a NOT_APPLICABLE.
   */
  gaps: ApiError[];
}

/** A trail whose log group can decide detection: multi-region, not stopped, with a group. */
export function isDetectionTrail(trail: TrailFacts): boolean {
  if (trail.homeRegionUnreachable || !trail.isMultiRegion) return false;
  if (!trail.logGroupArn || !parseLogGroupArn(trail.logGroupArn)) return false;
  // A status that could not be read (or an owner's, hidden from a member) does not rule it out:
  // the group's detection content is there whatever the status; 2.4 judges the delivery.
  return !(trail.status.state === 'READ' && !trail.status.isLogging);
}

export function logGroupRefOf(logGroupArn: string): LogGroupRef | undefined {
  const parsed = parseLogGroupArn(logGroupArn);
  return parsed
    ? {
        accountId: parsed.accountId,
        region: parsed.region,
        name: parsed.logGroupName,
        arn: parsed.baseArn,
      }
    : undefined;
}

export function detectionScope(facts: AccountFacts): DetectionScope {
  const own = new Map<string, LogGroupRef>();
  const organization = new Map<
    string,
    { ownerAccountId: string; logGroup: LogGroupRef }
  >();
  for (const trail of facts.trails) {
    if (!isDetectionTrail(trail)) continue;
    const logGroup = logGroupRefOf(trail.logGroupArn!)!;
    if (trail.ownerAccountId === facts.accountId) {
      own.set(logGroup.arn, logGroup);
    } else if (!own.has(logGroup.arn)) {
      organization.set(logGroup.arn, {
        ownerAccountId: trail.ownerAccountId,
        logGroup,
      });
    }
  }
  for (const arn of own.keys()) organization.delete(arn);
  return {
    own: [...own.values()],
    organization: [...organization.values()],
    gaps: [
      ...facts.inventoryErrors,
      ...facts.regionsFailed.flatMap(region => region.errors),
    ],
  };
}

function gapDetail(gaps: ApiError[]): string {
  const first = gaps[0];
  return `${first.operation}${
    first.region ? ` in ${first.region}` : ''
  } failed with ${first.code}`;
}

/**
 * The account's detection result from the results of its scope's log groups (`logGroups`, by
 * ARN; a group of the scope without one is not judged). The account's verdict is the worst of
 * its checks; its reason that of the first check with that verdict.
 */
export function accountDetectionResult(input: {
  accountId: string;
  checkIds: readonly DetectionCheckId[];
  scope: DetectionScope;
  logGroups: ReadonlyMap<string, LogGroupDetectionResult>;
  evaluatedAt: string;
  runId?: string;
}): AccountDetectionResult {
  const { scope, checkIds } = input;
  const refs = [
    ...scope.own,
    ...scope.organization.map(entry => entry.logGroup),
  ];
  const groups = refs
    .map(ref => input.logGroups.get(ref.arn))
    .filter((g): g is LogGroupDetectionResult => g !== undefined);

  let checks: DetectionCheckResult[];
  if (scope.gaps.length > 0 && groups.length === 0) {
    checks = checkIds.map(checkId => ({
      checkId,
      verdict: 'ERROR',
      reason: 'API_ERROR',
      detail: `the account's trails could not all be listed (${gapDetail(
        scope.gaps,
      )}), so whether one delivers to a log group is not known`,
      judgements: [],
      warnings: [],
      errors: scope.gaps,
    }));
  } else {
    checks = accountDetection(groups, checkIds);
    if (scope.gaps.length > 0) {
      // A trail in what could not be listed might pass the check: a FAIL is not proven.
      checks = checks.map(check =>
        check.verdict === 'FAIL'
          ? {
              ...check,
              verdict: 'ERROR',
              reason: 'API_ERROR',
              detail: `${
                check.detail
              }; and the account's trails could not all be listed (${gapDetail(
                scope.gaps,
              )}): one there might pass`,
              errors: [...check.errors, ...scope.gaps],
            }
          : check,
      );
    }
  }

  const verdict: DetectionVerdict =
    worstDetectionVerdict(checks.map(c => c.verdict)) ?? 'NOT_APPLICABLE';
  const decisive = checks.find(c => c.verdict === verdict);
  const inheritedFrom =
    scope.own.length === 0 && scope.organization.length > 0
      ? scope.organization[0].ownerAccountId
      : undefined;
  return {
    accountId: input.accountId,
    controlId: DETECTION_CONTROL_ID as 'cis-3.x-detection',
    verdict,
    ...(verdict !== 'PASS' && decisive?.reason
      ? { reason: decisive.reason }
      : {}),
    failingChecks: checks
      .filter(c => c.verdict === 'FAIL' || c.verdict === 'ERROR')
      .map(c => c.checkId),
    evaluatedAt: input.evaluatedAt,
    checks,
    ...(inheritedFrom ? { inheritedFrom } : {}),
    ...(input.runId ? { runId: input.runId } : {}),
  };
}

/** A log group whose facts could not be read at all (its account's role, or out of scope). */
export function unreadLogGroupResult(
  logGroup: LogGroupRef,
  checkIds: readonly DetectionCheckId[],
  error: ApiError,
  detail: string,
): LogGroupDetectionResult {
  return {
    logGroup,
    checks: checkIds.map(checkId => ({
      checkId,
      logGroup,
      verdict: 'ERROR',
      reason: 'API_ERROR',
      detail,
      judgements: [],
      warnings: [],
      errors: [error],
    })),
  };
}
