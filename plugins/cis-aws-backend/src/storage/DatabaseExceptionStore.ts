import { randomUUID } from 'node:crypto';
import { ConflictError, InputError } from '@backstage/errors';
import {
  ComplianceException,
  ExceptionAuditEvent,
  ExceptionEventAction,
  ExceptionState,
} from '@cis-aws/plugin-cis-aws-common';
import { Knex } from 'knex';
import { appendToChain, exceptionEventRecordContent } from './evidenceChain';
import {
  eventFromRow,
  exceptionFromRow,
  exceptionToRow,
} from './exceptionRows';
import {
  ExceptionActorInput,
  ExceptionStore,
  NewExceptionRequest,
} from './ExceptionStore';
import {
  EXCEPTIONS_TABLE,
  EXCEPTION_EVENTS_TABLE,
  ExceptionEventRow,
  ExceptionRow,
  readTimestamp,
  toIsoUtc,
} from './tables';

const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/**
 * Appends one event, the only way the events table is written: as the next link of its
 * account's evidence chain (src/storage/evidenceChain.ts), in the caller's transaction.
 */
async function appendEvent(
  trx: Knex.Transaction,
  row: Pick<ExceptionRow, 'id' | 'account_id'>,
  event: {
    action: ExceptionEventAction;
    actor: string;
    at: string;
    comment?: string;
    details?: Record<string, unknown>;
  },
) {
  const eventRow: ExceptionEventRow = {
    exception_id: row.id,
    account_id: row.account_id,
    action: event.action,
    actor: event.actor,
    at: toIsoUtc(event.at),
    comment: event.comment ?? null,
    details: JSON.stringify(event.details ?? {}),
  };
  const [stamp] = await appendToChain(trx, row.account_id, [
    {
      table: EXCEPTION_EVENTS_TABLE,
      record: exceptionEventRecordContent(eventRow),
    },
  ]);
  await trx<ExceptionEventRow>(EXCEPTION_EVENTS_TABLE).insert({
    ...eventRow,
    ...stamp,
  });
}

/** The knex implementation of {@link ExceptionStore}, on SQLite and PostgreSQL. */
export class DatabaseExceptionStore implements ExceptionStore {
  static create(options: { db: Knex }): DatabaseExceptionStore {
    return new DatabaseExceptionStore(options.db);
  }

  private constructor(private readonly db: Knex) {}

  async requestException(
    input: NewExceptionRequest,
  ): Promise<ComplianceException> {
    if (!ACCOUNT_ID_PATTERN.test(input.accountId)) {
      throw new InputError(`Not a 12-digit AWS account id: ${input.accountId}`);
    }
    const row = exceptionToRow(randomUUID(), input);
    const exception = exceptionFromRow(row);
    await this.db.transaction(async trx => {
      await trx<ExceptionRow>(EXCEPTIONS_TABLE).insert(row);
      await appendEvent(trx, row, {
        action: 'REQUESTED',
        actor: input.requestedBy,
        at: input.requestedAt,
        details: { ...exception },
      });
    });
    return exception;
  }

  async decideException(
    id: string,
    input: ExceptionActorInput & { decision: 'APPROVED' | 'REJECTED' },
  ): Promise<ComplianceException | undefined> {
    return this.db.transaction(async trx => {
      const row = await this.lockedRow(trx, id);
      if (!row) return undefined;
      if (row.revoked_at !== null) {
        throw new ConflictError(
          `Exception ${id} was withdrawn at ${readTimestamp(
            row.revoked_at,
          )} by ${row.revoked_by}`,
        );
      }
      if (row.state !== 'PENDING') {
        const by = row.state === 'APPROVED' ? row.approved_by : row.rejected_by;
        throw new ConflictError(
          `Exception ${id} was already ${row.state.toLowerCase()}${
            by ? ` by ${by}` : ''
          }`,
        );
      }
      const at = toIsoUtc(input.at);
      const update: Partial<ExceptionRow> =
        input.decision === 'APPROVED'
          ? { state: 'APPROVED', approved_by: input.actor, approved_at: at }
          : { state: 'REJECTED', rejected_by: input.actor, rejected_at: at };
      update.decision_comment = input.comment ?? null;
      await trx<ExceptionRow>(EXCEPTIONS_TABLE).where('id', id).update(update);
      await appendEvent(trx, row, {
        action: input.decision,
        actor: input.actor,
        at,
        comment: input.comment,
      });
      return exceptionFromRow({ ...row, ...update });
    });
  }

  async revokeException(
    id: string,
    input: { actor: string; at: string; reason?: string },
  ): Promise<ComplianceException | undefined> {
    return this.db.transaction(async trx => {
      const row = await this.lockedRow(trx, id);
      if (!row) return undefined;
      if (row.revoked_at !== null) {
        throw new ConflictError(
          `Exception ${id} was already revoked at ${readTimestamp(
            row.revoked_at,
          )} by ${row.revoked_by}`,
        );
      }
      if (row.state === 'REJECTED') {
        throw new ConflictError(
          `Exception ${id} was rejected by ${row.rejected_by}: there is nothing to revoke`,
        );
      }
      const at = toIsoUtc(input.at);
      const update = {
        revoked_at: at,
        revoked_by: input.actor,
        revoke_reason: input.reason ?? null,
      };
      await trx<ExceptionRow>(EXCEPTIONS_TABLE).where('id', id).update(update);
      await appendEvent(trx, row, {
        action: 'REVOKED',
        actor: input.actor,
        at,
        comment: input.reason,
        details: input.reason === undefined ? {} : { reason: input.reason },
      });
      return exceptionFromRow({ ...row, ...update });
    });
  }

  async getException(id: string): Promise<ComplianceException | undefined> {
    const row: ExceptionRow | undefined = await this.db<ExceptionRow>(
      EXCEPTIONS_TABLE,
    )
      .where('id', id)
      .first();
    return row ? exceptionFromRow(row) : undefined;
  }

  async listExceptions(
    query: {
      accountIds?: string[];
      activeAt?: Date;
      states?: ExceptionState[];
    } = {},
  ): Promise<ComplianceException[]> {
    if (query.accountIds && query.accountIds.length === 0) return [];
    const builder = this.db<ExceptionRow>(EXCEPTIONS_TABLE).orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'asc' },
    ]);
    if (query.accountIds) {
      builder.whereIn('account_id', query.accountIds);
    }
    if (query.states) {
      builder.whereIn('state', query.states);
    }
    if (query.activeAt) {
      // The same judgement as isExceptionActive, to narrow the rows read; callers that
      // decide a verdict apply isExceptionActive itself.
      const at = toIsoUtc(query.activeAt);
      builder
        .where('state', 'APPROVED')
        .where('approved_at', '<=', at)
        .where('expires_at', '>', at)
        .where(active =>
          active.whereNull('revoked_at').orWhere('revoked_at', '>', at),
        );
    }
    const rows: ExceptionRow[] = await builder;
    return rows.map(exceptionFromRow);
  }

  async listExceptionEvents(accountId: string): Promise<ExceptionAuditEvent[]> {
    const rows: ExceptionEventRow[] = await this.db<ExceptionEventRow>(
      EXCEPTION_EVENTS_TABLE,
    )
      .where('account_id', accountId)
      .orderBy([
        { column: 'at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(eventFromRow);
  }

  async listExceptionsToRemind(
    now: Date,
    until: Date,
  ): Promise<ComplianceException[]> {
    const rows: ExceptionRow[] = await this.db<ExceptionRow>(EXCEPTIONS_TABLE)
      .where('state', 'APPROVED')
      .whereNull('revoked_at')
      .whereNull('reminded_at')
      .where('expires_at', '>', toIsoUtc(now))
      .where('expires_at', '<=', toIsoUtc(until))
      .orderBy([
        { column: 'expires_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(exceptionFromRow);
  }

  async recordReminder(
    id: string,
    input: ExceptionActorInput & { recipients: string[] },
  ): Promise<boolean> {
    return this.db.transaction(async trx => {
      const at = toIsoUtc(input.at);
      const updated = await trx<ExceptionRow>(EXCEPTIONS_TABLE)
        .where('id', id)
        .whereNull('reminded_at')
        .update({ reminded_at: at });
      if (updated !== 1) return false;
      const row = await trx<ExceptionRow>(EXCEPTIONS_TABLE)
        .where('id', id)
        .first();
      await appendEvent(trx, row!, {
        action: 'REMINDED',
        actor: input.actor,
        at,
        comment: input.comment,
        details: {
          recipients: input.recipients,
          expiresAt: readTimestamp(row!.expires_at),
        },
      });
      return true;
    });
  }

  async recordExpiries(input: {
    actor: string;
    at: string;
  }): Promise<ComplianceException[]> {
    const at = toIsoUtc(input.at);
    return this.db.transaction(async trx => {
      const rows: ExceptionRow[] = await trx<ExceptionRow>(EXCEPTIONS_TABLE)
        .whereIn('state', ['APPROVED', 'PENDING'])
        .whereNull('revoked_at')
        .whereNull('expiry_recorded_at')
        .where('expires_at', '<=', at)
        .orderBy([
          { column: 'expires_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])
        .forUpdate();
      for (const row of rows) {
        await trx<ExceptionRow>(EXCEPTIONS_TABLE)
          .where('id', row.id)
          .update({ expiry_recorded_at: at });
        await appendEvent(trx, row, {
          action: 'EXPIRED',
          actor: input.actor,
          at,
          details: {
            expiresAt: readTimestamp(row.expires_at),
            state: row.state,
          },
        });
      }
      return rows.map(row =>
        exceptionFromRow({ ...row, expiry_recorded_at: at }),
      );
    });
  }

  private async lockedRow(
    trx: Knex.Transaction,
    id: string,
  ): Promise<ExceptionRow | undefined> {
    return trx<ExceptionRow>(EXCEPTIONS_TABLE)
      .where('id', id)
      .forUpdate()
      .first();
  }
}
