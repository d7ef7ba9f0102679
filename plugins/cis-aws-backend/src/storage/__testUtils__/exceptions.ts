import { ComplianceException } from '@cis-aws/plugin-cis-aws-common';
import { ExceptionStore } from '../ExceptionStore';

/**
 * An exception requested by one person and approved by another, both at `createdAt` (tests
 * of other concerns that need one in force).
 */
export async function anApprovedException(
  store: Pick<ExceptionStore, 'requestException' | 'decideException'>,
  input: {
    accountId: string;
    trailArn?: string;
    reason: string;
    expiresAt: string;
    ticketUrl?: string;
    createdBy: string;
    createdAt: string;
    approvedBy: string;
    approvedAt?: string;
  },
): Promise<ComplianceException> {
  const requested = await store.requestException({
    accountId: input.accountId,
    trailArn: input.trailArn,
    reason: input.reason,
    expiresAt: input.expiresAt,
    ticketUrl: input.ticketUrl,
    requestedBy: input.createdBy,
    requestedAt: input.createdAt,
  });
  const approved = await store.decideException(requested.id, {
    decision: 'APPROVED',
    actor: input.approvedBy,
    at: input.approvedAt ?? input.createdAt,
  });
  return approved!;
}
