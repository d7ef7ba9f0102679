import {
  EvidenceVerification,
  AccountDetail,
  AccountEvaluation,
  AccountMapping,
  AccountSummary,
  DetectionVerdict,
  EvaluationRun,
  FailureEpisode,
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
  | 'evaluatedAt'
  /** Worst verdict first, then since when the account has had it (ascending: the oldest). */
  | 'verdictSince';

/**
 * Filters of the accounts list; an absent or empty list does not filter. Refs
 * match ignoring case.
 */
export interface AccountQuery {
  verdicts?: Verdict[];
  /** Only accounts whose detection result (`cis-3.x-detection`) has one of these verdicts. */
  detectionVerdicts?: DetectionVerdict[];
  ownerRefs?: string[];
  /** Only accounts whose entity names no owner (`spec.owner` absent). */
  noOwner?: boolean;
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

/**
 * Accounts per latest detection verdict (control `cis-3.x-detection`): only accounts with a
 * detection result are counted; an ERROR counts as ERROR even when an older result is shown stale.
 */
export type DetectionCounts = Record<DetectionVerdict, number>;

export interface OwnerCounts {
  ownerRef?: string;
  totals: VerdictTotals;
  detection: DetectionCounts;
}

/** One owner's episodes as stored; the numbers are derived by the service. */
export interface OwnerEpisodes {
  /** The account entity's owner as stored; absent for accounts nobody owns. */
  ownerRef?: string;
  /** Accounts with an open episode. */
  openCount: number;
  /** Start of the oldest open episode. */
  oldestOpenSince?: string;
  /** Lengths of the episodes that ended within the period, in ms. */
  fixDurationsMs: number[];
}

export interface SystemCounts {
  systemRef?: string;
  totals: VerdictTotals;
  detection: DetectionCounts;
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
   * as a change (its region may just have been unreadable): its last verdict
   * stays in the history, and when it comes back its change is recorded from
   * that verdict (none when it comes back unchanged). An evaluation older
   * than the stored one is not saved (see `SaveOutcome.outdated`).
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
   * How many accounts each owner has per verdict, and per detection verdict, over the accounts
   * the filter lets through (`readableEntityRefs` as in `listAccounts`), in one grouped
   * statement. Owners are refs as stored; accounts without an owner are counted under
   * `ownerRef: undefined`. In no particular order.
   */
  countAccountsByOwner(
    query: Pick<AccountQuery, 'readableEntityRefs' | 'hiddenEntityRefs'>,
  ): Promise<OwnerCounts[]>;

  /** As {@link countAccountsByOwner}, per system (`systemRef: undefined`: in no system). */
  countAccountsBySystem(
    query: Pick<AccountQuery, 'readableEntityRefs' | 'hiddenEntityRefs'>,
  ): Promise<SystemCounts[]>;

  /**
   * Per owner of the accounts the filter lets through: their accounts' open failure episodes
   * and the lengths of those that ended in the period (both ends inclusive). Owners without
   * any episode are absent.
   */
  listOwnerEpisodes(
    query: Pick<AccountQuery, 'readableEntityRefs' | 'hiddenEntityRefs'>,
    period: { from: Date; to: Date },
  ): Promise<OwnerEpisodes[]>;

  /** The entity refs of every stored account, lower-cased. */
  listEntityRefs(): Promise<string[]>;

  /** Which of these accounts have a stored result (any number of ids). */
  listEvaluatedAccountIds(accountIds: readonly string[]): Promise<string[]>;

  /**
   * Verdict changes of an account and its trails, oldest first; `from` and
   * `to` are both inclusive.
   */
  /**
   * The account's and its trails' failure episodes that overlap the range (contract "Failure
   * age"), oldest first.
   */
  listEpisodes(
    accountId: string,
    range?: { from?: Date; to?: Date },
  ): Promise<FailureEpisode[]>;

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
   * The evaluation current at `at`: the account's current result when it is not newer, else
   * the latest kept at or before `at`. An evaluation is kept when it changed the verdict or
   * reason of the account or of one of its trails, and when it is the account's first of its
   * UTC day; the ones in between changed nothing (same verdicts and reasons as the kept one).
   */
  getEvaluationAt(
    accountId: string,
    at: Date,
  ): Promise<AccountEvaluation | undefined>;

  /**
   * The verification of each day in the range (inclusive), oldest first: the day's last kept
   * evaluation.
   */
  listVerifications(
    accountId: string,
    range: { from: Date; to: Date },
  ): Promise<EvidenceVerification[]>;

  /**
   * For each UTC day from `days.from` to `days.to` (YYYY-MM-DD, inclusive) on which any matching
   * account has a verification, how many matching accounts had each verdict that day (the
   * verdict of the day's last kept evaluation), oldest day first. Which accounts match: the
   * query's account ids and visibility, applied to the current accounts. Days without any
   * verification are absent (nothing evaluated them).
   */
  countDailyVerdicts(
    query: Pick<
      AccountQuery,
      'accountIds' | 'readableEntityRefs' | 'hiddenEntityRefs'
    >,
    days: { from: string; to: string },
  ): Promise<DailyVerdictCounts[]>;

  /**
   * Deletes history older than `before`: verdict changes, kept evaluations (daily
   * verifications and those behind changes) and runs. The current result, each account's (and
   * each trail's) latest verdict change and its latest kept evaluation stay whatever their age,
   * so "failing since" stays true, a trail that comes back changes from its last verdict, and a
   * packet for now has its evaluation. The evidence chain continues from the last deleted link
   * (its anchor).
   */
  pruneHistory(before: Date): Promise<{
    changes: number;
    verifications: number;
    runs: number;
  }>;
}

/** A kept evaluation with its place in the account's evidence chain. */
export interface EvaluationRecord {
  evaluation: AccountEvaluation;
  seq: number;
  hash: string;
}

/** The latest link of an account's evidence chain at some time. */
export interface ChainHead {
  accountId: string;
  seq: number;
  hash: string;
  /** The table of the row. */
  table: string;
  /** When the row says it happened. */
  at: string;
}

/** The first link of a chain that does not hold. */
export interface ChainBreak {
  accountId: string;
  table: string;
  rowId?: number;
  seq?: number;
  at?: string;
  problem: string;
}

/**
 * The evidence chain (src/storage/evidenceChain.ts): every kept evaluation, verdict change and
 * exception event of an account, hash-chained.
 */
export interface EvidenceChainStore {
  /**
   * The latest kept evaluation at or before `at`, with its place in the chain: the record in
   * force then (the current result may be a later evaluation that changed nothing).
   */
  getEvaluationRecordAt(
    accountId: string,
    at: Date,
  ): Promise<EvaluationRecord | undefined>;
  /** The account's latest chained row at or before `at`. */
  getChainHeadAt(accountId: string, at: Date): Promise<ChainHead | undefined>;
  /** The stored link at `seq` of an account's chain; undefined when there is none. */
  findLink(
    accountId: string,
    seq: number,
  ): Promise<
    { table: string; rowId: number; hash: string; at: string } | undefined
  >;
  /** Every account that has a chain or chained rows. */
  listChainAccounts(): Promise<string[]>;
  /** Re-checks an account's whole chain; `broken` names the first link that does not hold. */
  verifyChain(accountId: string): Promise<{
    links: number;
    head?: { seq: number; hash: string };
    broken?: ChainBreak;
  }>;
}

export type {
  ExceptionActorInput,
  ExceptionStore,
  NewExceptionRequest,
} from './ExceptionStore';

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

/** How many accounts had each verdict on one UTC day (their daily verification). */
export interface DailyVerdictCounts {
  /** YYYY-MM-DD, UTC. */
  day: string;
  totals: VerdictTotals;
}
