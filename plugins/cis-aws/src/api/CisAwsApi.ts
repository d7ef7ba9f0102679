import { createApiRef } from '@backstage/core-plugin-api';
import {
  AccountDetail,
  AccountExceptionsResponse,
  AccountsListResponse,
  CreateExceptionRequest,
  DiagnosticsReport,
  EntityResultResponse,
  EvaluationRun,
  EvidenceFormat,
  ExceptionListItem,
  ExceptionsListResponse,
  HistoryResponse,
  OwnersResponse,
  RevokeExceptionRequest,
  Verdict,
} from '@cis-aws/plugin-cis-aws-common';

/** The accounts list query of `GET /v1/accounts`. */
export interface AccountsQuery {
  verdict?: Verdict[];
  owner?: string[];
  system?: string[];
  entityRef?: string[];
  search?: string;
  orderBy?:
    | 'verdict'
    | 'accountId'
    | 'title'
    | 'ownerRef'
    | 'systemRef'
    | 'evaluatedAt';
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

/** The cis-aws backend, as the frontend uses it. */
export interface CisAwsApi {
  listAccounts(query?: AccountsQuery): Promise<AccountsListResponse>;
  getAccount(accountId: string): Promise<AccountDetail>;
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
  evaluateAccount(accountId: string): Promise<AccountDetail>;
  listRuns(limit?: number): Promise<EvaluationRun[]>;
  /** Every owner's accounts by verdict, most failing first. */
  listOwners(): Promise<OwnersResponse>;
  /** Every exception of an account, whatever its status, and their audit trail. */
  listAccountExceptions(accountId: string): Promise<AccountExceptionsResponse>;
  /**
   * Grants an exception (needs `cis-aws.exception.manage`). The backend re-evaluates the
   * account before answering: fetch the account again to see its new verdict.
   */
  createException(
    accountId: string,
    request: CreateExceptionRequest,
  ): Promise<ExceptionListItem>;
  /** Revokes an exception now (needs `cis-aws.exception.manage`). */
  revokeException(
    exceptionId: string,
    request?: RevokeExceptionRequest,
  ): Promise<ExceptionListItem>;
  /** The exceptions of every account the user may read; ACTIVE (the default) or ALL. */
  listExceptions(status?: 'ACTIVE' | 'ALL'): Promise<ExceptionsListResponse>;
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
