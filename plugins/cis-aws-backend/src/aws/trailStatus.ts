import { GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { TrailStatusFacts } from '@cis-aws/plugin-cis-aws-common';
import { AccountClients } from './clients';
import { isAccessDenied, isNotFound, toApiError } from './errors';

const iso = (date: Date | undefined): string | null =>
  date ? date.toISOString() : null;

/**
 * GetTrailStatus, always in the trail's home region (a shadow copy's answer
 * in another region is not authoritative).
 *
 * For an organization trail owned by another account, how AWS refuses a
 * member is unverified (TrailNotFoundException or an access denial): either
 * is read as HIDDEN, with the error kept. For a trail the account owns the
 * same errors are FAILED: its own status must be readable.
 */
export async function readTrailStatus(
  clients: AccountClients,
  trail: { arn: string; homeRegion: string; foreign: boolean },
): Promise<TrailStatusFacts> {
  const region = trail.homeRegion;
  try {
    const status = await clients
      .cloudTrail(region)
      .send(new GetTrailStatusCommand({ Name: trail.arn }));
    return {
      state: 'READ',
      region,
      isLogging: status.IsLogging ?? false,
      latestCloudWatchLogsDeliveryTime: iso(
        status.LatestCloudWatchLogsDeliveryTime,
      ),
      latestCloudWatchLogsDeliveryError:
        status.LatestCloudWatchLogsDeliveryError ?? null,
      latestDeliveryTime: iso(status.LatestDeliveryTime),
      latestDeliveryError: status.LatestDeliveryError ?? null,
    };
  } catch (error) {
    const apiError = toApiError('cloudtrail:GetTrailStatus', error, region);
    if (trail.foreign && (isNotFound(error) || isAccessDenied(error))) {
      return { state: 'HIDDEN', error: apiError };
    }
    return { state: 'FAILED', error: apiError };
  }
}
