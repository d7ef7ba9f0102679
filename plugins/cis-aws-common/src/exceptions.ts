/**
 * Exceptions to control 2.4, decided by four eyes. An owner of the account (or anyone with
 * `cis-aws.exception.request`) requests one; a member of a configured approver group who is not
 * the requester approves or rejects it. Only an approved exception applies, from its approval
 * until it expires or is revoked. An exception names an account, or one trail, and always
 * expires. Every exception is kept as evidence, whatever became of it.
 */
export interface ComplianceException {
  id: string;
  accountId: string;
  /** Set: only this trail is taken out of scope. Absent: the whole account is EXEMPT. */
  trailArn?: string;
  reason: string;
  /** Where the request stands. Only an APPROVED exception can apply. */
  state: ExceptionState;
  /** When it was requested. */
  createdAt: string;
  expiresAt: string;
  ticketUrl?: string;
  /** Who requested it: the Backstage identity of the caller (a user entity ref). */
  createdBy?: string;
  /** Who approved it, and when (APPROVED only). A verified identity, unless `legacySingleStep`. */
  approvedBy?: string;
  approvedAt?: string;
  /** Who rejected it, and when (REJECTED only). */
  rejectedBy?: string;
  rejectedAt?: string;
  /** The approver's comment on approving or rejecting. */
  decisionComment?: string;
  /**
   * Granted under the former single-step flow, before four eyes: `approvedBy` is whatever name
   * the granter typed, not a verified second person.
   */
  legacySingleStep?: boolean;
  revokedAt?: string;
  /** Who revoked it (or withdrew the request), and why. */
  revokedBy?: string;
  revokeReason?: string;
}

/** The decision on an exception request. */
export type ExceptionState = 'PENDING' | 'APPROVED' | 'REJECTED';

/**
 * Where an exception stands at a given time. PENDING: requested, not decided (and not lapsed);
 * ACTIVE: approved and in force; EXPIRED: its expiry passed (approved or still undecided);
 * REJECTED; REVOKED (or withdrawn); SCHEDULED: requested after that time.
 */
export type ExceptionStatus =
  | 'PENDING'
  | 'ACTIVE'
  | 'SCHEDULED'
  | 'EXPIRED'
  | 'REJECTED'
  | 'REVOKED';

/** Whether `iso` is a readable time at or before `at` (milliseconds). */
function reachedBy(iso: string | undefined, at: number): boolean {
  if (iso === undefined) return false;
  const time = Date.parse(iso);
  return !Number.isNaN(time) && time <= at;
}

/**
 * The status of an exception as it stood at `now` (any instant: evidence packets ask about the
 * past). Built on {@link isExceptionActive}, the one judgement of whether it applies.
 */
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
  if (Date.parse(exception.createdAt) > at) return 'SCHEDULED';
  if (exception.state === 'REJECTED' && reachedBy(exception.rejectedAt, at)) {
    return 'REJECTED';
  }
  if (!(Date.parse(exception.expiresAt) > at)) return 'EXPIRED';
  // Approved or rejected later than `now`, or not decided yet: pending then.
  return 'PENDING';
}

/** `POST /v1/accounts/{accountId}/exceptions`: request an exception (it starts PENDING). */
export interface CreateExceptionRequest {
  /** Only this trail (a CloudTrail trail ARN); absent: the whole account. */
  trailArn?: string;
  reason: string;
  /** ISO 8601, in the future, at most `cisAws.exceptions.maxDuration` ahead. */
  expiresAt: string;
  /** An http(s) link to the ticket or risk acceptance. */
  ticketUrl?: string;
}

/** `POST /v1/exceptions/{exceptionId}/approve` and `/reject` (a rejection needs a comment). */
export interface DecideExceptionRequest {
  comment?: string;
}

/** `POST /v1/exceptions/{exceptionId}/revoke`. */
export interface RevokeExceptionRequest {
  reason?: string;
}

/** What happened to an exception. CREATED: a grant under the former single-step flow. */
export type ExceptionEventAction =
  | 'CREATED'
  | 'REQUESTED'
  | 'APPROVED'
  | 'REJECTED'
  | 'REVOKED'
  | 'EXPIRED'
  | 'REMINDED';

/** One change to an exception, with who made it: the audit trail (append-only). */
export interface ExceptionAuditEvent {
  exceptionId: string;
  accountId: string;
  action: ExceptionEventAction;
  /** The user (or service) entity ref that made the change; the plugin itself for EXPIRED and REMINDED. */
  actor: string;
  at: string;
  /** The approver's comment, the revoke reason. */
  comment?: string;
  /** Requested/created: the exception as requested. Reminded: who was notified. */
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

/** What the caller may do with exceptions, so that a UI offers only what the backend allows. */
export interface ExceptionViewer {
  /** The caller's identity (a user entity ref), as the audit trail names it. */
  entityRef: string;
  /** A member of `cisAws.exceptions.approvers` holding `cis-aws.exception.approve`. */
  approver: boolean;
  /** May request an exception for this account (owner, or `cis-aws.exception.request`). */
  canRequest?: boolean;
}

/** `GET /v1/accounts/{accountId}/exceptions`. */
export interface AccountExceptionsResponse {
  accountId: string;
  /** Every exception of the account, newest first, whatever its status. */
  items: ExceptionListItem[];
  /** Every change to them, oldest first. */
  events: ExceptionAuditEvent[];
  viewer: ExceptionViewer;
}

/** Which exceptions `GET /v1/exceptions` lists. EXPIRING: active, expiring within the reminder window. */
export type ExceptionsListStatus = 'ACTIVE' | 'PENDING' | 'EXPIRING' | 'ALL';

/** `GET /v1/exceptions?status=…`: the exceptions of every account the caller may read. */
export interface ExceptionsListResponse {
  items: ExceptionListItem[];
  viewer: ExceptionViewer;
  /** How far ahead "expiring soon" looks (`cisAws.exceptions.remindBefore`), in days. */
  expiringWithinDays: number;
}

/**
 * In force at `now`: approved at or before it, not yet expired (an exception is no longer
 * active at the very instant it expires), and not revoked at or before it. A pending or
 * rejected exception never applies, and neither does one whose dates are unreadable: a
 * malformed exception must not hide a failure. The one judgement of whether an exception applies.
 */
export function isExceptionActive(
  exception: ComplianceException,
  now: Date,
): boolean {
  if (exception.state !== 'APPROVED') return false;
  const at = now.getTime();
  const approved = Date.parse(exception.approvedAt ?? '');
  const expires = Date.parse(exception.expiresAt);
  if (Number.isNaN(at) || Number.isNaN(approved) || Number.isNaN(expires)) {
    return false;
  }
  if (exception.revokedAt !== undefined) {
    const revoked = Date.parse(exception.revokedAt);
    if (Number.isNaN(revoked) || revoked <= at) {
      return false;
    }
  }
  return approved <= at && at < expires;
}
