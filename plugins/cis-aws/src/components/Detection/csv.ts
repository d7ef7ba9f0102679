import type { AccountSummary } from '@cis-aws/plugin-cis-aws-common';

/** The detection columns of the accounts CSV, in order. */
export const DETECTION_CSV_COLUMNS = [
  'detectionVerdict',
  'detectionReason',
  'detectionFailingChecks',
] as const;

export type DetectionCsvColumn = (typeof DETECTION_CSV_COLUMNS)[number];

/** An account's detection summary as CSV values; empty when it has not been evaluated. */
export function detectionCsvValues(
  account: AccountSummary,
): Record<DetectionCsvColumn, string | undefined> {
  const summary = account.detection;
  return {
    detectionVerdict: summary?.verdict,
    detectionReason: summary?.reason,
    detectionFailingChecks: summary?.failingChecks.join(';') || undefined,
  };
}
