import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import type { ControlDefinition } from '../rules/controls';
import { DbTimestamp, orUndefined, readTimestamp, toIsoUtc } from './tables';

export const NOTIFICATION_STATES_TABLE = 'cis_aws_notification_states';
/** The same per account AND control, for the controls besides 2.4 (rules/controls.ts). */
export const CONTROL_NOTIFICATION_STATES_TABLE =
  'cis_aws_control_notification_states';

/** Whose notification state: CIS 2.4 (its own table, unmoved) or another control. */
export type NotifiedControl = 'cis-2.4' | ControlDefinition['id'];

/**
 * What owner notifications remember about an account between results (see
 * notifications/decideTransition.ts, which decides what it means).
 */
export interface NotificationState {
  /**
   * The bad verdict the owner was last told about and not yet told the recovery of; undefined
   * when the owner has nothing open.
   */
  notified?: 'FAIL' | 'ERROR' | 'UNKNOWN';
  /** The results in a row that could not decide (ERROR or UNKNOWN): how many, since when. */
  undecidedResults: number;
  undecidedSince?: string;
  /** That stretch began with the account's first result ever (see notifyFirstResult). */
  undecidedFromFirstResult: boolean;
}

export interface NotificationStateStore {
  /**
   * Undefined when nothing was ever recorded for the account (and control; default `cis-2.4`).
   */
  getNotificationState(
    accountId: string,
    controlId?: NotifiedControl,
  ): Promise<NotificationState | undefined>;
  putNotificationState(
    accountId: string,
    state: NotificationState,
    controlId?: NotifiedControl,
  ): Promise<void>;
}

interface NotificationStateRow {
  account_id: string;
  notified: string | null;
  undecided_results: number;
  undecided_since: DbTimestamp | null;
  undecided_from_first_result: boolean | number;
  updated_at: DbTimestamp;
}

const NOTIFIED = ['FAIL', 'ERROR', 'UNKNOWN'] as const;

/** The knex implementation, on the plugin's database (migrated by DatabaseEvaluationStore). */
export class DatabaseNotificationStateStore implements NotificationStateStore {
  static async create(options: {
    database: DatabaseService;
    now?: () => Date;
  }): Promise<DatabaseNotificationStateStore> {
    return new DatabaseNotificationStateStore(
      await options.database.getClient(),
      options.now ?? (() => new Date()),
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly now: () => Date,
  ) {}

  async getNotificationState(
    accountId: string,
    controlId: NotifiedControl = 'cis-2.4',
  ): Promise<NotificationState | undefined> {
    const row: NotificationStateRow | undefined = await (controlId === 'cis-2.4'
      ? this.db<NotificationStateRow>(NOTIFICATION_STATES_TABLE).where(
          'account_id',
          accountId,
        )
      : this.db<NotificationStateRow & { control_id: string }>(
          CONTROL_NOTIFICATION_STATES_TABLE,
        ).where({
          account_id: accountId,
          control_id: controlId,
        })
    ).first();
    if (!row) return undefined;
    const notified = NOTIFIED.find(verdict => verdict === row.notified);
    const since = orUndefined(row.undecided_since);
    return {
      notified,
      undecidedResults: Number(row.undecided_results),
      undecidedSince: since === undefined ? undefined : readTimestamp(since),
      undecidedFromFirstResult: Boolean(row.undecided_from_first_result),
    };
  }

  async putNotificationState(
    accountId: string,
    state: NotificationState,
    controlId: NotifiedControl = 'cis-2.4',
  ): Promise<void> {
    const row: NotificationStateRow = {
      account_id: accountId,
      notified: state.notified ?? null,
      undecided_results: state.undecidedResults,
      undecided_since: state.undecidedSince
        ? toIsoUtc(state.undecidedSince)
        : null,
      undecided_from_first_result: state.undecidedFromFirstResult,
      updated_at: this.now().toISOString(),
    };
    if (controlId === 'cis-2.4') {
      await this.db<NotificationStateRow>(NOTIFICATION_STATES_TABLE)
        .insert(row)
        .onConflict('account_id')
        .merge();
      return;
    }
    await this.db(CONTROL_NOTIFICATION_STATES_TABLE)
      .insert({ ...row, control_id: controlId })
      .onConflict(['account_id', 'control_id'])
      .merge();
  }
}
