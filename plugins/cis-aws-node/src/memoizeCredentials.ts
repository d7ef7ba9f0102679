import {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
} from '@aws-sdk/types';

const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * One set of credentials shared by every caller, fetched again only five
 * minutes before it expires, or after a failure. Callers that arrive while
 * it is being fetched, or that notice the expiry together, share that one
 * call: every SDK client of an account then costs one AssumeRole, not one
 * each.
 *
 * @public
 */
export function memoizeCredentials(
  provider: AwsCredentialIdentityProvider,
  now: () => number = Date.now,
): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  const fresh = (identity: AwsCredentialIdentity | undefined) => {
    const expiresAt = identity?.expiration?.getTime();
    return (
      identity !== undefined &&
      (expiresAt === undefined || expiresAt - now() > REFRESH_MARGIN_MS)
    );
  };
  return async () => {
    const pending = current;
    if (!pending) {
      current = provider();
      return current;
    }
    const identity = await pending.catch(() => undefined);
    if (fresh(identity)) return identity!;
    // Expired, or failed before: fetch again, once for all who noticed.
    if (current === pending) current = provider();
    return current ?? pending;
  };
}
