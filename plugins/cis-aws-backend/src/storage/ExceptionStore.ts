import {
  ComplianceException,
  ExceptionAuditEvent,
  ExceptionState,
} from '@cis-aws/plugin-cis-aws-common';

/** What requesting an exception takes; the store assigns the id. It starts PENDING. */
export interface NewExceptionRequest {
  accountId: string;
  trailArn?: string;
  reason: string;
  expiresAt: string;
  ticketUrl?: string;
  /** Who requested it (entity ref of a user, or a service subject). */
  requestedBy: string;
  requestedAt: string;
}

/** Who did something to an exception, when, and with what comment. */
export interface ExceptionActorInput {
  actor: string;
  at: string;
  comment?: string;
}

/**
 * Exceptions and their audit trail. Nothing is ever deleted; every change of an exception
 * writes an event in the same transaction, and events are only ever appended.
 */
export interface ExceptionStore {
  requestException(input: NewExceptionRequest): Promise<ComplianceException>;

  /**
   * Approves or rejects a PENDING exception; undefined when there is no such exception.
   * Throws a ConflictError when it was already decided or withdrawn. Whether the actor may
   * decide (not the requester, an approver) is the service's to check.
   */
  decideException(
    id: string,
    input: ExceptionActorInput & { decision: 'APPROVED' | 'REJECTED' },
  ): Promise<ComplianceException | undefined>;

  /**
   * Revokes an approved exception, or withdraws a pending request; undefined when there is no
   * such exception. Throws a ConflictError when it is already revoked or was rejected.
   */
  revokeException(
    id: string,
    input: { actor: string; at: string; reason?: string },
  ): Promise<ComplianceException | undefined>;

  getException(id: string): Promise<ComplianceException | undefined>;

  /**
   * Exceptions, newest first. `accountIds`: only those accounts (empty: none). `activeAt`: only
   * those in force then (approved by then, not revoked, not expired). `states`: only those.
   */
  listExceptions(query?: {
    accountIds?: string[];
    activeAt?: Date;
    states?: ExceptionState[];
  }): Promise<ComplianceException[]>;

  /** The audit events of an account's exceptions, oldest first. */
  listExceptionEvents(accountId: string): Promise<ExceptionAuditEvent[]>;

  /**
   * Approved exceptions in force at `now` that expire by `until` and whose reminder was not
   * sent yet, soonest first.
   */
  listExceptionsToRemind(
    now: Date,
    until: Date,
  ): Promise<ComplianceException[]>;

  /**
   * Records that the expiry reminder of an exception was sent (a REMINDED event with who was
   * told). False when it had been recorded already: a reminder is sent once.
   */
  recordReminder(
    id: string,
    input: ExceptionActorInput & { recipients: string[] },
  ): Promise<boolean>;

  /**
   * Writes an EXPIRED event, once, for every approved or pending exception, not revoked, whose
   * expiry is at or before `input.at`. Returns those it recorded.
   */
  recordExpiries(input: {
    actor: string;
    at: string;
  }): Promise<ComplianceException[]>;
}
