import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import type { EvaluationCause } from '../lib/evaluationCause';
import { DbTimestamp, readTimestamp, toIsoUtc } from './tables';

export const EVALUATION_CAUSES_TABLE = 'cis_aws_evaluation_causes';

/** An event-driven evaluation as stored: its cause, and when it ran and what it found. */
export interface StoredEvaluationCause extends EvaluationCause {
  accountId: string;
  evaluatedAt: string;
  verdict: string;
}

export interface EvaluationCauseStore {
  recordCause(cause: StoredEvaluationCause): Promise<void>;
  /** The newest first, at most `limit`. */
  listCauses(
    accountId: string,
    options?: { limit?: number },
  ): Promise<StoredEvaluationCause[]>;
  pruneCauses(before: Date): Promise<number>;
}

interface CauseRow {
  id?: number;
  account_id: string;
  evaluated_at: DbTimestamp;
  verdict: string;
  trigger: string;
  event_name: string;
  event_source: string | null;
  principal: string | null;
  principal_arn: string | null;
  event_time: DbTimestamp | null;
  event_id: string | null;
  resource: string | null;
  event_count: number;
  other_event_names: string;
  received_at: DbTimestamp;
}

function names(json: string): string[] {
  try {
    const parsed = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

/** The knex implementation, on the plugin's database (migrated by DatabaseEvaluationStore). */
export class DatabaseEvaluationCauseStore implements EvaluationCauseStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseEvaluationCauseStore> {
    return new DatabaseEvaluationCauseStore(await options.database.getClient());
  }

  static fromKnex(db: Knex): DatabaseEvaluationCauseStore {
    return new DatabaseEvaluationCauseStore(db);
  }

  private constructor(private readonly db: Knex) {}

  async recordCause(cause: StoredEvaluationCause): Promise<void> {
    const row: CauseRow = {
      account_id: cause.accountId,
      evaluated_at: toIsoUtc(cause.evaluatedAt),
      verdict: cause.verdict,
      trigger: cause.trigger,
      event_name: cause.eventName,
      event_source: cause.eventSource ?? null,
      principal: cause.principal ?? null,
      principal_arn: cause.principalArn ?? null,
      event_time: cause.eventTime ? toIsoUtc(cause.eventTime) : null,
      event_id: cause.eventId ?? null,
      resource: cause.resource ?? null,
      event_count: cause.eventCount,
      other_event_names: JSON.stringify(cause.otherEventNames),
      received_at: toIsoUtc(cause.receivedAt),
    };
    await this.db<CauseRow>(EVALUATION_CAUSES_TABLE).insert(row);
  }

  async listCauses(
    accountId: string,
    options: { limit?: number } = {},
  ): Promise<StoredEvaluationCause[]> {
    const rows: CauseRow[] = await this.db<CauseRow>(EVALUATION_CAUSES_TABLE)
      .where('account_id', accountId)
      .orderBy([
        { column: 'evaluated_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit ?? 20);
    return rows.map(row => ({
      accountId: row.account_id,
      evaluatedAt: readTimestamp(row.evaluated_at),
      verdict: row.verdict,
      trigger: 'event',
      eventName: row.event_name,
      ...(row.event_source ? { eventSource: row.event_source } : {}),
      ...(row.principal ? { principal: row.principal } : {}),
      ...(row.principal_arn ? { principalArn: row.principal_arn } : {}),
      ...(row.event_time ? { eventTime: readTimestamp(row.event_time) } : {}),
      ...(row.event_id ? { eventId: row.event_id } : {}),
      ...(row.resource ? { resource: row.resource } : {}),
      eventCount: Number(row.event_count),
      otherEventNames: names(row.other_event_names),
      receivedAt: readTimestamp(row.received_at),
    }));
  }

  async pruneCauses(before: Date): Promise<number> {
    return this.db(EVALUATION_CAUSES_TABLE)
      .where('evaluated_at', '<', toIsoUtc(before))
      .delete();
  }
}
