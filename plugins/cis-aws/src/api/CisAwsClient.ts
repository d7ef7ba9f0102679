import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AccountDetail,
  AccountsListResponse,
  EntityResultResponse,
  EvaluationRun,
  OwnersResponse,
  VerdictChange,
} from '@cis-aws/plugin-cis-aws-common';
import { AccountsQuery, CisAwsApi } from './CisAwsApi';

/** CisAwsApi over HTTP: `discoveryApi` finds the backend, `fetchApi` adds the user's token. */
export class CisAwsClient implements CisAwsApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async listAccounts(query: AccountsQuery = {}): Promise<AccountsListResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === '') continue;
      for (const item of Array.isArray(value) ? value : [value])
        params.append(key, String(item));
    }
    const suffix = params.toString() ? `?${params}` : '';
    return this.get(`/v1/accounts${suffix}`);
  }

  getAccount(accountId: string): Promise<AccountDetail> {
    return this.get(`/v1/accounts/${encodeURIComponent(accountId)}`);
  }

  async getAccountHistory(
    accountId: string,
    range: { from?: string; to?: string } = {},
  ) {
    const params = new URLSearchParams();
    if (range.from) params.set('from', range.from);
    if (range.to) params.set('to', range.to);
    const suffix = params.toString() ? `?${params}` : '';
    const body = await this.get<{ changes: VerdictChange[] }>(
      `/v1/accounts/${encodeURIComponent(accountId)}/history${suffix}`,
    );
    return body.changes;
  }

  getEntityResult(entityRef: string): Promise<EntityResultResponse> {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    const path = [kind, namespace, name].map(encodeURIComponent).join('/');
    return this.get(`/v1/entities/${path}`);
  }

  evaluateAccount(accountId: string): Promise<AccountDetail> {
    return this.request(
      `/v1/accounts/${encodeURIComponent(accountId)}/evaluate`,
      { method: 'POST' },
    );
  }

  async listRuns(limit = 20): Promise<EvaluationRun[]> {
    const body = await this.get<{ runs: EvaluationRun[] }>(
      `/v1/runs?limit=${limit}`,
    );
    return body.runs;
  }

  listOwners(): Promise<OwnersResponse> {
    return this.get('/v1/owners');
  }

  private get<T>(path: string): Promise<T> {
    return this.request(path, { method: 'GET' });
  }

  private async request<T>(path: string, init: RequestInit): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('cis-aws');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
