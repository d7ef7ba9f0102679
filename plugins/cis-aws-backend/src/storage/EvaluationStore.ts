import {
  EvidenceVerification,
  AccountDetail,
  AccountEvaluation,
  AccountMapping,
  AccountSummary,
  EvaluationRun,
  Verdict,
  VerdictChange,
  VerdictTotals,
} from '@cis-aws/plugin-cis-aws-common';

/**
 * Sortable columns of the accounts list. `verdict` ascending is worst first
 * (FAIL, ERROR, UNKNOWN, EXEMPT, PASS). Ties sort by title, then account id;
 * missing owners and systems sort last in either direction.
 */
export type AccountSortField =
  | 'verdict'
  | 'accountId'
  | 'title'
  | 'ownerRef'
  | 'systemRef'
  | 'evaluatedAt';

/**
 * Filters of the accounts list; an absent or empty list does not filter. Refs
 * match ignoring case.
 */
export interface AccountQuery {
  verdicts?: Verdict[];
  ownerRefs?: string[];
  entityRefs?: string[];
  systemRefs?: string[];
  accountIds?: string[];
  /**
   * Only accounts whose entity the user may read. Undefined: no restriction.
   * May hold tens of thousands of refs. An empty set hides every account.
   */
  readableEntityRefs?: ReadonlySet<string>;
  /** Case-insensitive match on account id, title, owner or system. */
  search?: string;
  /** Default: verdict, worst first. */
  orderBy?: { field: AccountSortField; direction: 'asc' | 'desc' };
  offset?: number;
  /** Default 50, at most 1000. */
  limit?: number;
}

/**
 * An account's result as stored; the API serves each trail with its console links and Security
 * Hub's opinion on it.
 */
export type StoredAccountDetail = Omit<
  AccountDetail,
  'evaluation' | 'lastDefinitiveEvaluation'
> & {
  evaluation: AccountEvaluation;
  lastDefinitiveEvaluation?: AccountEvaluation;
};

export interface AccountPage {
  items: AccountSummary[];
  totalCount: number;
  totals: VerdictTotals;
}

/** What saving a result changed. */
export interface SaveOutcome {
  /** The account verdict changed (or was recorded for the first time). */
  accountChange?: VerdictChange;
  trailChanges: VerdictChange[];
  summary: AccountSummary;
  /**
   * True when the evaluation is older than the one already stored (an overlapping, slower
   * run): nothing was saved, and `summary` is the stored account.
   */
  outdated?: boolean;
}

/**
 * Where results, their history and run records live. One knex
 * implementation (DatabaseEvaluationStore) on SQLite and PostgreSQL.
 */
export interface EvaluationStore {
  /**
   * Keeps the latest result of an account. A definitive verdict (PASS, FAIL,
   * EXEMPT) also becomes the last definitive result; an ERROR or UNKNOWN
   * leaves the previous definitive result in place. Every change of the
   * account's verdict, and of each trail's, is appended to the history.
   * A trail that disappears from one evaluation to the next is not recorded
   * as a change (its region may just have been unreadable); when it comes
   * back it is recorded as changing from nothing. An evaluation older than
   * the stored one is not saved (see `SaveOutcome.outdated`).
   */
  saveResult(input: {
    mapping: AccountMapping;
    evaluation: AccountEvaluation;
    runId?: string;
  }): Promise<SaveOutcome>;

  /** Refreshes where accounts sit in the catalog without touching results. */
  updateMappings(mappings: AccountMapping[]): Promise<void>;

  getAccount(accountId: string): Promise<StoredAccountDetail | undefined>;

  listAccounts(query: AccountQuery): Promise<AccountPage>;

  /**
   * Verdict changes of an account and its trails, oldest first; `from` and
   * `to` are both inclusive.
   */
  getHistory(
    accountId: string,
    range?: { from?: Date; to?: Date },
  ): Promise<VerdictChange[]>;

  startRun(
    trigger: EvaluationRun['trigger'],
    accountsTotal: number,
  ): Promise<string>;

  finishRun(
    runId: string,
    outcome: Pick<
      EvaluationRun,
      'status' | 'accountsEvaluated' | 'accountsErrored' | 'calls' | 'errors'
    >,
  ): Promise<void>;

  /** The latest runs, newest first; `limit` is capped at 1000. */
  listRuns(limit: number): Promise<EvaluationRun[]>;

  /**
   * The latest evaluation of the account at or before `at`: the current one when it is not
   * newer, else the last one retained for an earlier day (one is kept per account and UTC day).
   */
  getEvaluationAt(
    accountId: string,
    at: Date,
  ): Promise<AccountEvaluation | undefined>;

  /** The retained verification of each day in the range (inclusive), oldest first. */
  listVerifications(
    accountId: string,
    range: { from: Date; to: Date },
  ): Promise<EvidenceVerification[]>;

  /**
   * Deletes history older than `before`: verdict changes, daily verifications and runs. The
   * current result and each account's latest verdict change are kept whatever their age, so
   * "failing since" stays true.
   */
  pruneHistory(before: Date): Promise<{
    changes: number;
    verifications: number;
    runs: number;
  }>;
}

export type {
  ExceptionActorInput,
  ExceptionStore,
  NewExceptionRequest,
} from './ExceptionStore';

/** The largest page the store serves. */
const PAGE = 1000;

/** Every account matching a query, read page by page (offset and limit are set here). */
export async function listAllAccounts(
  store: Pick<EvaluationStore, 'listAccounts'>,
  query: Omit<AccountQuery, 'offset' | 'limit'> = {},
): Promise<AccountSummary[]> {
  const accounts: AccountSummary[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.listAccounts({ ...query, offset, limit: PAGE });
    accounts.push(...page.items);
    if (offset + PAGE >= page.totalCount) return accounts;
  }
}
