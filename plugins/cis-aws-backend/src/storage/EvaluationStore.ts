import {
  ComplianceException,
  EvidenceVerification,
  ExceptionAuditEvent,
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
  /**
   * Leaves out the accounts of these entities (ignoring case): for a caller who may read every
   * entity, the stored accounts whose entity is no longer in the catalog. Usually none.
   */
  hiddenEntityRefs?: ReadonlySet<string>;
  /** Case-insensitive match on account id, title, owner or system. */
  search?: string;
  /** Default: verdict, worst first. */
  orderBy?: { field: AccountSortField; direction: 'asc' | 'desc' };
  /**
   * Only accounts whose id sorts after this one: with `orderBy` accountId ascending, the next
   * page after the last id read (keyset paging; totals count the accounts after it too).
   */
  afterAccountId?: string;
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

export interface OwnerCounts {
  ownerRef?: string;
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

  /** One page of the matching accounts, with their number and totals per verdict. */
  listAccounts(query: AccountQuery): Promise<AccountPage>;

  /**
   * How many accounts each owner has per verdict, over the accounts the filter lets through
   * (`readableEntityRefs` as in `listAccounts`). Owners are refs as stored; accounts without
   * an owner are counted under `ownerRef: undefined`. In no particular order.
   */
  countAccountsByOwner(
    query: Pick<AccountQuery, 'readableEntityRefs' | 'hiddenEntityRefs'>,
  ): Promise<OwnerCounts[]>;

  /** The entity refs of every stored account, lower-cased. */
  listEntityRefs(): Promise<string[]>;

  /** Which of these accounts have a stored result (any number of ids). */
  listEvaluatedAccountIds(accountIds: readonly string[]): Promise<string[]>;

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

/** What creating an exception takes; the store assigns the id. */
export interface NewException {
  accountId: string;
  trailArn?: string;
  reason: string;
  approvedBy: string;
  expiresAt: string;
  ticketUrl?: string;
  /** Who recorded it (entity ref of a user, or a service subject). */
  createdBy: string;
  createdAt: string;
}

/**
 * Exceptions and their audit trail. Nothing is ever deleted: revoking sets `revokedAt`, and
 * every change is an event naming who made it.
 */
export interface ExceptionStore {
  createException(input: NewException): Promise<ComplianceException>;

  /**
   * Revokes an exception that is not revoked yet; undefined when there is no such exception.
   * Throws a ConflictError when it is already revoked.
   */
  revokeException(
    id: string,
    input: { actor: string; at: string; reason?: string },
  ): Promise<ComplianceException | undefined>;

  getException(id: string): Promise<ComplianceException | undefined>;

  /**
   * Exceptions, newest first. `accountIds`: only those accounts (empty: none). `activeAt`: only
   * those in force then (not revoked, not expired, already created).
   */
  listExceptions(query?: {
    accountIds?: string[];
    activeAt?: Date;
  }): Promise<ComplianceException[]>;

  /** The audit events of an account's exceptions, oldest first. */
  listExceptionEvents(accountId: string): Promise<ExceptionAuditEvent[]>;
}

/** The largest page the store serves. */
const PAGE = 1000;

/**
 * Every account matching a query, by account id, read a page at a time after the last id read
 * (keyset paging: each page reads its own rows from the primary key, never the ones before it).
 */
export async function listAllAccounts(
  store: Pick<EvaluationStore, 'listAccounts'>,
  query: Omit<
    AccountQuery,
    'offset' | 'limit' | 'orderBy' | 'afterAccountId'
  > = {},
): Promise<AccountSummary[]> {
  const accounts: AccountSummary[] = [];
  let afterAccountId: string | undefined;
  for (;;) {
    const page = await store.listAccounts({
      ...query,
      orderBy: { field: 'accountId', direction: 'asc' },
      afterAccountId,
      limit: PAGE,
    });
    accounts.push(...page.items);
    const last = page.items[page.items.length - 1]?.accountId;
    if (
      page.items.length < PAGE ||
      last === undefined ||
      (afterAccountId !== undefined && last <= afterAccountId)
    ) {
      return accounts;
    }
    afterAccountId = last;
  }
}
