import {
  AccountDetectionResult,
  DETECTION_CONTROL_ID,
  EvidenceDetection,
} from '@cis-aws/plugin-cis-aws-common';
import { ControlResultStore } from '../storage/ControlResultStore';

/**
 * The detection section of an account's packet at `asOf`: the result in force then (the latest,
 * or the last definitive one kept beside a later ERROR, whichever was made by `asOf`), and the
 * changes and failure episodes of the period as they stood then.
 */
export async function detectionEvidence(
  controls: Pick<
    ControlResultStore,
    'getControlResult' | 'getControlHistory' | 'listControlEpisodes'
  >,
  accountId: string,
  period: { from: Date; asOf: Date },
): Promise<EvidenceDetection | undefined> {
  const controlId = DETECTION_CONTROL_ID as 'cis-3.x-detection';
  const [stored, changes, episodes] = await Promise.all([
    controls.getControlResult<AccountDetectionResult, object>(
      accountId,
      controlId,
    ),
    controls.getControlHistory(accountId, controlId, {
      from: period.from,
      to: period.asOf,
    }),
    controls.listControlEpisodes(accountId, controlId, {
      from: period.from,
      to: period.asOf,
    }),
  ]);
  if (!stored && changes.length === 0 && episodes.length === 0) {
    return undefined;
  }
  const asOf = period.asOf.getTime();
  const madeBy = (at: string | undefined) =>
    at !== undefined && Date.parse(at) <= asOf;
  const result = [stored?.latest, stored?.lastDefinitive].find(record =>
    madeBy(record?.evaluatedAt),
  )?.result;
  return {
    ...(result ? { result } : {}),
    changes: changes.map(change => ({
      ...(change.from ? { from: change.from } : {}),
      to: change.to,
      ...(change.reason ? { reason: change.reason } : {}),
      changedAt: change.changedAt,
      ...(change.runId ? { runId: change.runId } : {}),
    })),
    // An episode that ended after `asOf` was still open then.
    episodes: episodes.map(episode => ({
      startedAt: episode.startedAt,
      ...(episode.reason ? { reason: episode.reason } : {}),
      ...(madeBy(episode.endedAt) ? { endedAt: episode.endedAt } : {}),
    })),
  };
}
