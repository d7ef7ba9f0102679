/** How exceptions and their audit events are kept in rows, and read back. */
import {
  ComplianceException,
  ExceptionAuditEvent,
  ExceptionEventAction,
  ExceptionState,
} from '@cis-aws/plugin-cis-aws-common';
import { NewExceptionRequest } from './ExceptionStore';
import {
  ExceptionEventRow,
  ExceptionRow,
  orUndefined,
  readOptionalTimestamp,
  readTimestamp,
  toIsoUtc,
} from './tables';

const STATES: readonly ExceptionState[] = ['PENDING', 'APPROVED', 'REJECTED'];
const ACTIONS: readonly ExceptionEventAction[] = [
  'CREATED',
  'REQUESTED',
  'APPROVED',
  'REJECTED',
  'REVOKED',
  'EXPIRED',
  'REMINDED',
];

export function exceptionToRow(
  id: string,
  input: NewExceptionRequest,
): ExceptionRow {
  return {
    id,
    account_id: input.accountId,
    trail_arn: input.trailArn ?? null,
    reason: input.reason,
    state: 'PENDING',
    approved_by: null,
    approved_at: null,
    rejected_by: null,
    rejected_at: null,
    decision_comment: null,
    legacy_single_step: false,
    ticket_url: input.ticketUrl ?? null,
    created_at: toIsoUtc(input.requestedAt),
    created_by: input.requestedBy,
    expires_at: toIsoUtc(input.expiresAt),
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
    reminded_at: null,
    expiry_recorded_at: null,
  };
}

export function exceptionFromRow(row: ExceptionRow): ComplianceException {
  // An unknown state never applies: only APPROVED does.
  const state = (STATES as readonly string[]).includes(row.state)
    ? (row.state as ExceptionState)
    : 'PENDING';
  const exception: ComplianceException = {
    id: row.id,
    accountId: row.account_id,
    reason: row.reason,
    state,
    createdAt: readTimestamp(row.created_at),
    createdBy: row.created_by,
    expiresAt: readTimestamp(row.expires_at),
  };
  const optional: Partial<ComplianceException> = {
    trailArn: orUndefined(row.trail_arn),
    ticketUrl: orUndefined(row.ticket_url),
    approvedBy: orUndefined(row.approved_by),
    approvedAt: readOptionalTimestamp(row.approved_at),
    rejectedBy: orUndefined(row.rejected_by),
    rejectedAt: readOptionalTimestamp(row.rejected_at),
    decisionComment: orUndefined(row.decision_comment),
    legacySingleStep: row.legacy_single_step ? true : undefined,
    revokedAt: readOptionalTimestamp(row.revoked_at),
    revokedBy: orUndefined(row.revoked_by),
    revokeReason: orUndefined(row.revoke_reason),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) {
      (exception as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return exception;
}

export function eventFromRow(row: ExceptionEventRow): ExceptionAuditEvent {
  let details: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(row.details);
    if (parsed && typeof parsed === 'object') details = parsed;
  } catch {
    details = { unreadable: row.details };
  }
  return {
    exceptionId: row.exception_id,
    accountId: row.account_id,
    action: (ACTIONS as readonly string[]).includes(row.action)
      ? (row.action as ExceptionEventAction)
      : 'CREATED',
    actor: row.actor,
    at: readTimestamp(row.at),
    ...(row.comment ? { comment: row.comment } : {}),
    details,
  };
}
