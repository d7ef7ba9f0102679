/** How exceptions and their audit events are kept in rows, and read back. */
import {
  ComplianceException,
  ExceptionAuditEvent,
} from '@cis-aws/plugin-cis-aws-common';
import { NewException } from './EvaluationStore';
import {
  ExceptionEventRow,
  ExceptionRow,
  orUndefined,
  readOptionalTimestamp,
  readTimestamp,
  toIsoUtc,
} from './tables';

export function exceptionToRow(id: string, input: NewException): ExceptionRow {
  return {
    id,
    account_id: input.accountId,
    trail_arn: input.trailArn ?? null,
    reason: input.reason,
    approved_by: input.approvedBy,
    ticket_url: input.ticketUrl ?? null,
    created_at: toIsoUtc(input.createdAt),
    created_by: input.createdBy,
    expires_at: toIsoUtc(input.expiresAt),
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
  };
}

export function exceptionFromRow(row: ExceptionRow): ComplianceException {
  const exception: ComplianceException = {
    id: row.id,
    accountId: row.account_id,
    reason: row.reason,
    approvedBy: row.approved_by,
    createdAt: readTimestamp(row.created_at),
    createdBy: row.created_by,
    expiresAt: readTimestamp(row.expires_at),
  };
  const optional: Partial<ComplianceException> = {
    trailArn: orUndefined(row.trail_arn),
    ticketUrl: orUndefined(row.ticket_url),
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
    action: row.action === 'REVOKED' ? 'REVOKED' : 'CREATED',
    actor: row.actor,
    at: readTimestamp(row.at),
    details,
  };
}
