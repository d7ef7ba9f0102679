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
 * each. The identity properties of the call that fetches are handed to
 * `provider` (those of the callers that share it are not).
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
  return async identityProperties => {
    const pending = current;
    if (!pending) {
      current = provider(identityProperties);
      return current;
    }
    const identity = await pending.catch(() => undefined);
    if (fresh(identity)) return identity!;
    // Expired, or failed before: fetch again, once for all who noticed.
    if (current === pending) current = provider(identityProperties);
    return current ?? pending;
  };
}
