import { createApiRef } from '@backstage/core-plugin-api';
import {
  AccountDetail,
  AccountDetectionResult,
  AccountFreshnessResponse,
  AccountExceptionsResponse,
  AccountsListResponse,
  CreateExceptionRequest,
  DecideExceptionRequest,
  DiagnosticsReport,
  EntityResultResponse,
  EvaluationAccess,
  EvaluationRun,
  EvidenceFormat,
  ExceptionListItem,
  ExceptionsListResponse,
  ExceptionsListStatus,
  HistoryResponse,
  OwnersResponse,
  RevokeExceptionRequest,
  RunRequestResponse,
  SystemsResponse,
  TrendResponse,
  Verdict,
  DetectionVerdict,
} from '@cis-aws/plugin-cis-aws-common';

/** The accounts list query of `GET /v1/accounts`. */
export interface AccountsQuery {
  verdict?: Verdict[];
  /** Only accounts whose detection content (CIS 3.x) has one of these verdicts. */
  detection?: DetectionVerdict[];
  owner?: string[];
  /** Only accounts whose entity names no owner. */
  noOwner?: boolean;
  /** Only the signed-in user's accounts: owned by them or one of their groups. */
  mine?: boolean;
  system?: string[];
  entityRef?: string[];
  search?: string;
  orderBy?:
    | 'verdict'
    | 'accountId'
    | 'title'
    | 'ownerRef'
    | 'systemRef'
    | 'evaluatedAt'
    | 'verdictSince';
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

/** The query of `GET /v1/trends`. */
export interface OwnersQuery {
  from?: string;
  to?: string;
}

export interface TrendQuery {
  entityRef?: string;
  from?: string;
  to?: string;
}

/** The cis-aws backend, as the frontend uses it. */
export interface CisAwsApi {
  listAccounts(query?: AccountsQuery): Promise<AccountsListResponse>;
  getAccount(accountId: string): Promise<AccountDetail>;
  /**
   * The account's detection content result (CIS 3.x, control `cis-3.x-detection`). Rejects with
   * a 404 ResponseError when it has not been evaluated yet, is not visible, or detection is off.
   */
  getAccountDetection(accountId: string): Promise<AccountDetectionResult>;
  /** The verdict changes of an account and its trails in a range (ISO bounds, inclusive). */
  getAccountHistory(
    accountId: string,
    range?: { from?: string; to?: string },
  ): Promise<HistoryResponse>;
  /** The entity's verdict and counts, and one page of its accounts, worst first. */
  getEntityResult(
    entityRef: string,
    page?: { offset?: number; limit?: number },
  ): Promise<EntityResultResponse>;
  /**
   * Evaluates the account now: holders of `cis-aws.account.evaluate`, and its owners at most
   * once per `cisAws.evaluate.minInterval` (429 otherwise).
   */
  evaluateAccount(accountId: string): Promise<AccountDetail>;
  /**
   * How the account's current result came about (a CloudTrail event or the regular check).
   * Optional so that test doubles of this API need not implement it.
   */
  getAccountFreshness?(accountId: string): Promise<AccountFreshnessResponse>;
  /** Whether the signed-in user may evaluate the account now, why, and the next scheduled check. */
  getEvaluationAccess(accountId: string): Promise<EvaluationAccess>;
  listRuns(limit?: number): Promise<EvaluationRun[]>;
  /**
   * Asks for a full run now (needs `cis-aws.account.evaluate`): answered at once (202) with the
   * run's id, queued or already running; follow it with `getRun`.
   */
  requestRun(): Promise<RunRequestResponse>;
  /** One run, with its counts so far while it is going. */
  getRun(runId: string): Promise<EvaluationRun>;
  /**
   * Every owner's accounts by verdict, most failing first, with its failure age and the time
   * to fix of the failures fixed within `from`..`to` (UTC days, inclusive; default the last 30).
   */
  listOwners(query?: OwnersQuery): Promise<OwnersResponse>;
  /** Every system's accounts by verdict, most failing first. */
  listSystems(): Promise<SystemsResponse>;
  /**
   * Accounts per verdict and the compliant share per UTC day, for the organization (no
   * entityRef) or an entity; days YYYY-MM-DD, inclusive (default: the last 30 days).
   */
  getTrend(query?: TrendQuery): Promise<TrendResponse>;
  /** Every exception of an account, whatever its status, and their audit trail. */
  listAccountExceptions(accountId: string): Promise<AccountExceptionsResponse>;
  /**
   * Requests an exception (an owner of the account, or `cis-aws.exception.request`). It is
   * PENDING and changes no verdict until another person approves it.
   */
  createException(
    accountId: string,
    request: CreateExceptionRequest,
  ): Promise<ExceptionListItem>;
  /**
   * Approves a pending request (a member of `cisAws.exceptions.approvers`, never the
   * requester). The backend re-evaluates the account before answering.
   */
  approveException(
    exceptionId: string,
    request?: DecideExceptionRequest,
  ): Promise<ExceptionListItem>;
  /** Rejects a pending request, saying why (same rights as approving). */
  rejectException(
    exceptionId: string,
    request: DecideExceptionRequest & { comment: string },
  ): Promise<ExceptionListItem>;
  /** Revokes an approved exception now, or withdraws a request (its requester, or an approver). */
  revokeException(
    exceptionId: string,
    request?: RevokeExceptionRequest,
  ): Promise<ExceptionListItem>;
  /** The exceptions of every account the user may read; ACTIVE by default. */
  listExceptions(
    status?: ExceptionsListStatus,
  ): Promise<ExceptionsListResponse>;
  /**
   * An account's audit evidence packet, as of `at` (an ISO time; default: now). It is fetched
   * with the user's token, so the browser cannot download it from a plain link.
   */
  downloadEvidence(
    accountId: string,
    format: EvidenceFormat,
    at?: string,
  ): Promise<EvidenceDownload>;
  /**
   * Whether Security Hub's administrator, Organizations and each account's reader role are
   * reachable (needs `cis-aws.account.evaluate`: it makes AWS calls).
   */
  getDiagnostics(): Promise<DiagnosticsReport>;
}

/** An evidence packet as downloaded: its text and the file name to save it under. */
export interface EvidenceDownload {
  text: string;
  filename: string;
  contentType: string;
}

export const cisAwsApiRef = createApiRef<CisAwsApi>({
  id: 'plugin.cis-aws.service',
});
