import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
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
  RunRequestResponse,
  EvidenceFormat,
  ExceptionListItem,
  ExceptionsListResponse,
  ExceptionsListStatus,
  HistoryResponse,
  OwnersResponse,
  SystemsResponse,
  TrendResponse,
  RevokeExceptionRequest,
  DETECTION_CONTROL_ID,
} from '@cis-aws/plugin-cis-aws-common';
import {
  AccountsQuery,
  CisAwsApi,
  EvidenceDownload,
  OwnersQuery,
  TrendQuery,
} from './CisAwsApi';

/**
 * The file name of an evidence packet when the response does not name one (a cross-origin
 * backend only exposes `Content-Disposition` if CORS says so): the backend's own naming, from
 * the account, the day (UTC) the packet describes, and the format.
 */
export function evidenceFileName(
  accountId: string,
  format: EvidenceFormat,
  at?: string,
  now: Date = new Date(),
): string {
  const day = (at && !Number.isNaN(Date.parse(at)) ? new Date(at) : now)
    .toISOString()
    .slice(0, 10);
  return `cis-2.4-evidence-${accountId}-${day}.${format}`;
}

/** `attachment; filename="x.md"` → `x.md`; also RFC 5987 `filename*=UTF-8''x.md`. */
export function fileNameFromContentDisposition(
  header: string | null,
): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended) {
    try {
      return safeFileName(decodeURIComponent(extended[1].trim()));
    } catch {
      // malformed percent-encoding: fall back to the plain parameter
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
  return plain ? safeFileName(plain[1].trim()) : undefined;
}

/** Only a base name: a header must not make the browser save outside the downloads folder. */
function safeFileName(name: string): string | undefined {
  const base = name.split(/[\\/]/).pop()?.trim();
  return base ? base : undefined;
}

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

  getAccountDetection(accountId: string): Promise<AccountDetectionResult> {
    return this.get(
      `/v1/accounts/${encodeURIComponent(
        accountId,
      )}/controls/${DETECTION_CONTROL_ID}`,
    );
  }

  getAccountHistory(
    accountId: string,
    range: { from?: string; to?: string } = {},
  ): Promise<HistoryResponse> {
    const params = new URLSearchParams();
    if (range.from) params.set('from', range.from);
    if (range.to) params.set('to', range.to);
    const suffix = params.toString() ? `?${params}` : '';
    return this.get(
      `/v1/accounts/${encodeURIComponent(accountId)}/history${suffix}`,
    );
  }

  getEntityResult(
    entityRef: string,
    page: { offset?: number; limit?: number } = {},
  ): Promise<EntityResultResponse> {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    const path = [kind, namespace, name].map(encodeURIComponent).join('/');
    const params = new URLSearchParams();
    if (page.offset) params.set('offset', String(page.offset));
    if (page.limit !== undefined) params.set('limit', String(page.limit));
    const suffix = params.toString() ? `?${params}` : '';
    return this.get(`/v1/entities/${path}${suffix}`);
  }

  getAccountFreshness(accountId: string): Promise<AccountFreshnessResponse> {
    return this.get(`/v1/accounts/${encodeURIComponent(accountId)}/freshness`);
  }

  evaluateAccount(accountId: string): Promise<AccountDetail> {
    return this.request(
      `/v1/accounts/${encodeURIComponent(accountId)}/evaluate`,
      { method: 'POST' },
    );
  }

  getEvaluationAccess(accountId: string): Promise<EvaluationAccess> {
    return this.get(
      `/v1/accounts/${encodeURIComponent(accountId)}/evaluation-access`,
    );
  }

  async listRuns(limit = 20): Promise<EvaluationRun[]> {
    const body = await this.get<{ runs: EvaluationRun[] }>(
      `/v1/runs?limit=${limit}`,
    );
    return body.runs;
  }

  requestRun(): Promise<RunRequestResponse> {
    return this.request('/v1/runs', { method: 'POST' });
  }

  getRun(runId: string): Promise<EvaluationRun> {
    return this.get(`/v1/runs/${encodeURIComponent(runId)}`);
  }

  listOwners(query: OwnersQuery = {}): Promise<OwnersResponse> {
    const params = new URLSearchParams();
    if (query.from) params.set('from', query.from);
    if (query.to) params.set('to', query.to);
    const search = params.toString();
    return this.get(search ? `/v1/owners?${search}` : '/v1/owners');
  }

  listSystems(): Promise<SystemsResponse> {
    return this.get('/v1/systems');
  }

  getTrend(query: TrendQuery = {}): Promise<TrendResponse> {
    const params = new URLSearchParams({ groupBy: 'day' });
    if (query.entityRef) params.set('entityRef', query.entityRef);
    if (query.from) params.set('from', query.from);
    if (query.to) params.set('to', query.to);
    return this.get(`/v1/trends?${params}`);
  }

  listAccountExceptions(accountId: string): Promise<AccountExceptionsResponse> {
    return this.get(`/v1/accounts/${encodeURIComponent(accountId)}/exceptions`);
  }

  createException(
    accountId: string,
    request: CreateExceptionRequest,
  ): Promise<ExceptionListItem> {
    return this.post(
      `/v1/accounts/${encodeURIComponent(accountId)}/exceptions`,
      request,
    );
  }

  approveException(
    exceptionId: string,
    request: DecideExceptionRequest = {},
  ): Promise<ExceptionListItem> {
    return this.post(
      `/v1/exceptions/${encodeURIComponent(exceptionId)}/approve`,
      request,
    );
  }

  rejectException(
    exceptionId: string,
    request: DecideExceptionRequest & { comment: string },
  ): Promise<ExceptionListItem> {
    return this.post(
      `/v1/exceptions/${encodeURIComponent(exceptionId)}/reject`,
      request,
    );
  }

  revokeException(
    exceptionId: string,
    request: RevokeExceptionRequest = {},
  ): Promise<ExceptionListItem> {
    return this.post(
      `/v1/exceptions/${encodeURIComponent(exceptionId)}/revoke`,
      request,
    );
  }

  listExceptions(
    status: ExceptionsListStatus = 'ACTIVE',
  ): Promise<ExceptionsListResponse> {
    return this.get(`/v1/exceptions?status=${status}`);
  }

  async downloadEvidence(
    accountId: string,
    format: EvidenceFormat,
    at?: string,
  ): Promise<EvidenceDownload> {
    const params = new URLSearchParams({ format });
    if (at) params.set('at', at);
    const response = await this.fetch(
      `/v1/accounts/${encodeURIComponent(accountId)}/evidence?${params}`,
      { method: 'GET' },
    );
    return {
      text: await response.text(),
      filename:
        fileNameFromContentDisposition(
          response.headers.get('content-disposition'),
        ) ?? evidenceFileName(accountId, format, at),
      contentType:
        response.headers.get('content-type') ??
        (format === 'json' ? 'application/json' : 'text/markdown'),
    };
  }

  getDiagnostics(): Promise<DiagnosticsReport> {
    return this.get('/v1/diagnostics');
  }

  private get<T>(path: string): Promise<T> {
    return this.request(path, { method: 'GET' });
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    return this.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private async request<T>(path: string, init: RequestInit): Promise<T> {
    const response = await this.fetch(path, init);
    return (await response.json()) as T;
  }

  /** Fetches with the user's token; a non-2xx answer becomes a ResponseError with the backend's message. */
  private async fetch(path: string, init: RequestInit): Promise<Response> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('cis-aws');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
