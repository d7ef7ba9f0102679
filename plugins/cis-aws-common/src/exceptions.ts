/**
 * Approved exceptions to control 2.4. An exception names an account, or one trail, and always
 * expires; an expired or revoked exception stops applying on its own. Every exception is kept
 * as evidence, active or not.
 */
export interface ComplianceException {
  id: string;
  accountId: string;
  /** Set: only this trail is taken out of scope. Absent: the whole account is EXEMPT. */
  trailArn?: string;
  reason: string;
  approvedBy: string;
  createdAt: string;
  expiresAt: string;
  ticketUrl?: string;
  revokedAt?: string;
}

/**
 * In force at `now`: created at or before it, not yet expired (an exception is no longer
 * active at the very instant it expires), and not revoked at or before it. An unreadable date
 * makes it inactive: a malformed exception must not hide a failure.
 */
export function isExceptionActive(
  exception: ComplianceException,
  now: Date,
): boolean {
  const at = now.getTime();
  const created = Date.parse(exception.createdAt);
  const expires = Date.parse(exception.expiresAt);
  if (Number.isNaN(at) || Number.isNaN(created) || Number.isNaN(expires)) {
    return false;
  }
  if (exception.revokedAt !== undefined) {
    const revoked = Date.parse(exception.revokedAt);
    if (Number.isNaN(revoked) || revoked <= at) {
      return false;
    }
  }
  return created <= at && at < expires;
}
