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
  /** Who recorded the exception (a user entity ref); `approvedBy` is who approved it. */
  createdBy?: string;
  /** Who revoked it, and why. */
  revokedBy?: string;
  revokeReason?: string;
}

/** Where an exception stands at a given time. */
export type ExceptionStatus = 'ACTIVE' | 'SCHEDULED' | 'EXPIRED' | 'REVOKED';

export function exceptionStatus(
  exception: ComplianceException,
  now: Date,
): ExceptionStatus {
  if (isExceptionActive(exception, now)) return 'ACTIVE';
  const at = now.getTime();
  if (
    exception.revokedAt !== undefined &&
    !(Date.parse(exception.revokedAt) > at)
  ) {
    return 'REVOKED';
  }
  return Date.parse(exception.createdAt) > at ? 'SCHEDULED' : 'EXPIRED';
}

/** `POST /v1/accounts/{accountId}/exceptions`. */
export interface CreateExceptionRequest {
  /** Only this trail (a CloudTrail trail ARN); absent: the whole account. */
  trailArn?: string;
  reason: string;
  /** Who approved it. Default: the caller. */
  approvedBy?: string;
  /** ISO 8601, in the future, at most `cisAws.exceptions.maxDuration` ahead. */
  expiresAt: string;
  /** An http(s) link to the ticket or risk acceptance. */
  ticketUrl?: string;
}

/** `POST /v1/exceptions/{exceptionId}/revoke`. */
export interface RevokeExceptionRequest {
  reason?: string;
}

/** One change to an exception, with who made it: the audit trail. */
export interface ExceptionAuditEvent {
  exceptionId: string;
  accountId: string;
  action: 'CREATED' | 'REVOKED';
  /** The user (or service) entity ref that made the change. */
  actor: string;
  at: string;
  /** Created: the exception as created. Revoked: the revoke reason. */
  details: Record<string, unknown>;
}

/** An exception with its status and the account it names, as lists show it. */
export interface ExceptionListItem extends ComplianceException {
  status: ExceptionStatus;
  /** The account's catalog entity, title and owner, when it is in the store. */
  entityRef?: string;
  title?: string;
  ownerRef?: string;
}

/** `GET /v1/accounts/{accountId}/exceptions`. */
export interface AccountExceptionsResponse {
  accountId: string;
  /** Every exception of the account, newest first, whatever its status. */
  items: ExceptionListItem[];
  /** Every change to them, oldest first. */
  events: ExceptionAuditEvent[];
}

/** `GET /v1/exceptions?status=…`: the exceptions of every account the caller may read. */
export interface ExceptionsListResponse {
  items: ExceptionListItem[];
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
