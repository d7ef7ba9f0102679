import { AccountSummary } from '@cis-aws/plugin-cis-aws-common';

/**
 * Accounts as served: with detection turned off (`cisAws.detection.enabled: false`), results
 * stored while it was on are not shown (`AccountSummary.detection` is absent then).
 */
export function servedDetection<T extends AccountSummary>(
  account: T,
  detectionEnabled: boolean,
): T {
  if (detectionEnabled || account.detection === undefined) return account;
  const { detection: _hidden, ...rest } = account;
  return rest as T;
}
