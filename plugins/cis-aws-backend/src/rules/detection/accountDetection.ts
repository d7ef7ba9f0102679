import {
  DETECTION_REASON_CODES,
  DetectionCheckId,
  DetectionCheckResult,
  LogGroupDetectionResult,
} from '@cis-aws/plugin-cis-aws-common';
import { detectionNotApplicable } from './evaluateDetection';

/**
 * An account's detection checks from the log groups of its in-scope trails (multi-region,
 * logging, all management events — its own, and the organization trail's in the owner's
 * account): a check passes when the log group of at least one of them passes it, as the CIS
 * audit reads (detection-content.md). Without such a log group: NOT_APPLICABLE. Otherwise an
 * ERROR wins over a FAIL (the group that could not be read might have passed), and among FAILs
 * the one that got furthest along the chain is reported.
 */
export function accountDetection(
  logGroups: readonly LogGroupDetectionResult[],
  checkIds: readonly DetectionCheckId[],
): DetectionCheckResult[] {
  if (logGroups.length === 0) return detectionNotApplicable(checkIds);
  return checkIds.map(checkId => {
    const candidates = logGroups.flatMap(g =>
      g.checks
        .filter(c => c.checkId === checkId)
        .map(c => ({ ...c, logGroup: g.logGroup })),
    );
    const pass = candidates.find(c => c.verdict === 'PASS');
    if (pass) return pass;
    const error = candidates.find(c => c.verdict === 'ERROR');
    if (error) return error;
    const progress = (c: DetectionCheckResult) =>
      c.reason ? DETECTION_REASON_CODES.indexOf(c.reason) : -1;
    const furthest = candidates.reduce<DetectionCheckResult | undefined>(
      (best, c) => (!best || progress(c) > progress(best) ? c : best),
      undefined,
    );
    return furthest ?? detectionNotApplicable([checkId])[0];
  });
}
