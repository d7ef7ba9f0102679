import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  AccountDetail,
  AccountsListResponse,
  HistoryResponse,
} from '@cis-aws/plugin-cis-aws-common';
import { AccountQuery, EvaluationStore } from '../storage/EvaluationStore';
import { InputError } from '@backstage/errors';
import { CatalogAccess } from './CatalogAccess';
import { servedDetection } from './detectionSummaries';
import { servedAccountDetail } from './servedAccountDetail';

/** Filters, order and page of the accounts list, as the request gave them. */
export type AccountListQuery = Omit<
  AccountQuery,
  'readableEntityRefs' | 'hiddenEntityRefs'
>;

/**
 * The stored results of the accounts a caller may read: the list, one account with its trails
 * served (console links, Security Hub's opinion), and its verdict history. Nothing here calls AWS.
 */
export interface AccountResultsService {
  listAccounts(
    query: AccountListQuery,
    options: { credentials: BackstageCredentials },
  ): Promise<AccountsListResponse>;

  /** 404 when the account is unknown or its entity is not readable by the caller. */
  getAccount(
    accountId: string,
    options: { credentials: BackstageCredentials },
  ): Promise<AccountDetail>;

  /** 404 like `getAccount`. `from` and `to` are both inclusive. */
  getHistory(
    accountId: string,
    range: { from?: Date; to?: Date },
    options: { credentials: BackstageCredentials },
  ): Promise<HistoryResponse>;
}

/** What {@link DefaultAccountResultsService} is made of. */
export interface AccountResultsServiceDeps {
  store: Pick<
    EvaluationStore,
    'listAccounts' | 'getAccount' | 'getHistory' | 'listEpisodes'
  >;
  access: CatalogAccess;
  securityHubRegion: string;
  historyRetentionMs: number;
  /** `cisAws.detection.enabled` (default true): false leaves `detection` out, refuses its filter. */
  detectionEnabled?: boolean;
}

export class DefaultAccountResultsService implements AccountResultsService {
  static create(deps: AccountResultsServiceDeps): AccountResultsService {
    return new DefaultAccountResultsService(deps);
  }

  private constructor(private readonly deps: AccountResultsServiceDeps) {}

  async listAccounts(
    query: AccountListQuery,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<AccountsListResponse> {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 50;
    const detectionEnabled = this.deps.detectionEnabled ?? true;
    if (!detectionEnabled && query.detectionVerdicts?.length) {
      throw new InputError(
        'Invalid request: detection: detection content is not evaluated here (cisAws.detection.enabled is false)',
      );
    }
    const page = await this.deps.store.listAccounts({
      ...query,
      offset,
      limit,
      ...(await this.deps.access.accountVisibility(credentials)),
    });
    return {
      ...page,
      items: page.items.map(a => servedDetection(a, detectionEnabled)),
      offset,
      limit,
    };
  }

  async getAccount(
    accountId: string,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<AccountDetail> {
    const stored = await this.deps.access.readableAccount(
      this.deps.store,
      accountId,
      credentials,
    );
    return servedAccountDetail(
      servedDetection(stored, this.deps.detectionEnabled ?? true),
      this.deps.securityHubRegion,
    );
  }

  async getHistory(
    accountId: string,
    range: { from?: Date; to?: Date },
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<HistoryResponse> {
    await this.deps.access.readableAccount(
      this.deps.store,
      accountId,
      credentials,
    );
    const [changes, episodes] = await Promise.all([
      this.deps.store.getHistory(accountId, range),
      this.deps.store.listEpisodes(accountId, range),
    ]);
    return {
      accountId,
      ...(range.from ? { from: range.from.toISOString() } : {}),
      ...(range.to ? { to: range.to.toISOString() } : {}),
      changes,
      episodes,
      retentionDays: Math.floor(this.deps.historyRetentionMs / 86_400_000),
    };
  }
}
