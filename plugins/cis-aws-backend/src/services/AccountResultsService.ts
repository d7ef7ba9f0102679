import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  AccountDetail,
  AccountsListResponse,
  DetectionHistory,
  DetectionReasonCode,
  DetectionVerdict,
  HistoryResponse,
} from '@cis-aws/plugin-cis-aws-common';
import { DETECTION_CONTROL } from '../rules/controls';
import { ControlResultStore } from '../storage/ControlResultStore';
import { AccountQuery, EvaluationStore } from '../storage/EvaluationStore';
import { emptyTotals } from '../storage/accountListing';
import { CatalogAccess } from './CatalogAccess';
import { servedDetection } from './detectionSummaries';
import { callerOwnershipRefs } from './ownership';
import { servedAccountDetail } from './servedAccountDetail';

/** Filters, order and page of the accounts list, as the request gave them. */
export type AccountListQuery = Omit<
  AccountQuery,
  'readableEntityRefs' | 'hiddenEntityRefs'
> & {
  /**
   * Only the accounts the caller owns: whose entity's owner is the signed-in user or one of
   * their groups (their ownership refs). With `ownerRefs`, the owners both name.
   */
  mine?: boolean;
};

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
  /** Who the caller is and which groups they belong to, for `mine`. */
  userInfo: Pick<UserInfoService, 'getUserInfo'>;
  securityHubRegion: string;
  historyRetentionMs: number;
  /** `cisAws.detection.enabled` (default true): false leaves `detection` out, refuses its filter. */
  detectionEnabled?: boolean;
  /**
   * The detection control's history; without it (or with detection off) the history has no
   * `detection`.
   */
  controls?: Pick<
    ControlResultStore,
    'getControlHistory' | 'listControlEpisodes'
  >;
}

export class DefaultAccountResultsService implements AccountResultsService {
  static create(deps: AccountResultsServiceDeps): AccountResultsService {
    return new DefaultAccountResultsService(deps);
  }

  /** `deps.detectionEnabled`, its default resolved once. */
  private readonly detectionEnabled: boolean;

  private constructor(private readonly deps: AccountResultsServiceDeps) {
    this.detectionEnabled = deps.detectionEnabled ?? true;
  }

  async listAccounts(
    query: AccountListQuery,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<AccountsListResponse> {
    const { mine, ...filters } = query;
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 50;
    if (!this.detectionEnabled && query.detectionVerdicts?.length) {
      throw new InputError(
        'Invalid request: detection: detection content is not evaluated here (cisAws.detection.enabled is false)',
      );
    }
    if (mine) {
      const owned = await callerOwnershipRefs(this.deps.userInfo, credentials);
      if (!owned) {
        throw new InputError(
          '"mine" lists the accounts of a signed-in user\'s groups; a service owns none',
        );
      }
      const lower = (ref: string) => ref.toLocaleLowerCase('en-US');
      const asked = filters.ownerRefs?.length
        ? new Set(filters.ownerRefs.map(lower))
        : undefined;
      filters.ownerRefs = owned.filter(ref => !asked || asked.has(lower(ref)));
      if (filters.ownerRefs.length === 0) {
        // Nobody to match: an empty owner list would not filter at all.
        return {
          items: [],
          totalCount: 0,
          totals: emptyTotals(),
          offset,
          limit,
        };
      }
    }
    const page = await this.deps.store.listAccounts({
      ...filters,
      offset,
      limit,
      ...(await this.deps.access.accountVisibility(credentials)),
    });
    return {
      ...page,
      items: page.items.map(a => servedDetection(a, this.detectionEnabled)),
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
      servedDetection(stored, this.detectionEnabled),
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
    const [changes, episodes, detection] = await Promise.all([
      this.deps.store.getHistory(accountId, range),
      this.deps.store.listEpisodes(accountId, range),
      this.detectionHistory(accountId, range),
    ]);
    return {
      accountId,
      ...(range.from ? { from: range.from.toISOString() } : {}),
      ...(range.to ? { to: range.to.toISOString() } : {}),
      changes,
      episodes,
      ...(detection ? { detection } : {}),
      retentionDays: Math.floor(this.deps.historyRetentionMs / 86_400_000),
    };
  }

  private async detectionHistory(
    accountId: string,
    range: { from?: Date; to?: Date },
  ): Promise<DetectionHistory | undefined> {
    const controls = this.deps.controls;
    if (!controls || !this.detectionEnabled) return undefined;
    const [changes, episodes] = await Promise.all([
      controls.getControlHistory(accountId, DETECTION_CONTROL.id, range),
      controls.listControlEpisodes(accountId, DETECTION_CONTROL.id, range),
    ]);
    return {
      controlId: 'cis-3.x-detection',
      changes: changes.map(c => ({
        accountId: c.accountId,
        ...(c.from ? { from: c.from as DetectionVerdict } : {}),
        to: c.to as DetectionVerdict,
        ...(c.reason ? { reason: c.reason as DetectionReasonCode } : {}),
        changedAt: c.changedAt,
        ...(c.runId ? { runId: c.runId } : {}),
      })),
      episodes: episodes.map(e => ({
        accountId: e.accountId,
        startedAt: e.startedAt,
        ...(e.reason ? { reason: e.reason as DetectionReasonCode } : {}),
        ...(e.endedAt
          ? {
              endedAt: e.endedAt,
              durationMs: Date.parse(e.endedAt) - Date.parse(e.startedAt),
            }
          : {}),
      })),
    };
  }
}
