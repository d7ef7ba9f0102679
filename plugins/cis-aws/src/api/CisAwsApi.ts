import { createApiRef } from '@backstage/core-plugin-api';
import {
  AccountDetail,
  AccountsListResponse,
  EntityResultResponse,
  EvaluationRun,
  OwnersResponse,
  Verdict,
  VerdictChange,
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
  getAccountHistory(
    accountId: string,
    range?: { from?: string; to?: string },
  ): Promise<VerdictChange[]>;
  getEntityResult(entityRef: string): Promise<EntityResultResponse>;
  evaluateAccount(accountId: string): Promise<AccountDetail>;
  listRuns(limit?: number): Promise<EvaluationRun[]>;
  /** Every owner's accounts by verdict, most failing first. */
  listOwners(): Promise<OwnersResponse>;
}

export const cisAwsApiRef = createApiRef<CisAwsApi>({
  id: 'plugin.cis-aws.service',
});
