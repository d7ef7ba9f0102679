import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { servedDetection } from './detectionSummaries';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DETECTION_VERDICTS,
  DetectionVerdict,
  EntityDetectionCounts,
  EntityResultResponse,
} from '@cis-aws/plugin-cis-aws-common';
import { DETECTION_CONTROL } from '../rules/controls';
import { ControlResultStore } from '../storage/ControlResultStore';
import { aggregateCounts } from '../rules';
import { emptyTotals } from '../storage/accountListing';
import { AccountPage, EvaluationStore } from '../storage/EvaluationStore';
import { resolveEntityAccounts } from './entityAccounts';
import type { CatalogAccess } from './CatalogAccess';

export { MAX_GROUP_DEPTH } from './entityAccounts';

/** The verdict of any catalog entity: the worst of the accounts it stands for. */
export interface EntityResultsService {
  /** 404 when the entity does not exist or the caller may not read it. */
  getEntityResult(
    entityRef: string,
    options: {
      credentials: BackstageCredentials;
      /** Which of its accounts to list, worst first (default: the first 50). */
      page?: { offset?: number; limit?: number };
    },
  ): Promise<EntityResultResponse>;
}

/** What {@link DefaultEntityResultsService} is made of. */
export interface EntityResultsServiceDeps {
  catalog: CatalogService;
  /**
   * Resolves (and caches per caller, see CatalogAccess) the accounts an entity stands for;
   * without it, the catalog is asked on every request.
   */
  access?: Pick<CatalogAccess, 'entityAccounts'>;
  store: Pick<EvaluationStore, 'listAccounts' | 'listEvaluatedAccountIds'>;
  /** `cisAws.detection.enabled` (default true): false leaves accounts' `detection` out. */
  detectionEnabled?: boolean;
  /** The detection roll-up (`detection` counts); without it the response has none. */
  controls?: Pick<ControlResultStore, 'countControlVerdicts'>;
}

export const DEFAULT_ENTITY_PAGE = 50;

/**
 * A cloud-account Resource stands for its own account; a System for its parts' accounts; a User
 * for what it owns; a Group for what it and every group below it own (a department's card
 * covers its teams); any entity also for its own annotation. The catalog is asked with the
 * caller's credentials, so what the caller may not read does not count. The database counts
 * the accounts per verdict and returns one page of them, however many the entity has.
 */
export class DefaultEntityResultsService implements EntityResultsService {
  static create(deps: EntityResultsServiceDeps): EntityResultsService {
    return new DefaultEntityResultsService(
      deps.access ?? {
        entityAccounts: (ref, credentials) =>
          resolveEntityAccounts(deps.catalog, ref, credentials),
      },
      deps.store,
      deps.detectionEnabled ?? true,
      deps.controls,
    );
  }

  private constructor(
    private readonly access: Pick<CatalogAccess, 'entityAccounts'>,
    private readonly store: EntityResultsServiceDeps['store'],
    private readonly detectionEnabled: boolean,
    private readonly controls?: EntityResultsServiceDeps['controls'],
  ) {}

  async getEntityResult(
    entityRef: string,
    {
      credentials,
      page: requested = {},
    }: {
      credentials: BackstageCredentials;
      page?: { offset?: number; limit?: number };
    },
  ): Promise<EntityResultResponse> {
    const offset = requested.offset ?? 0;
    const limit = requested.limit ?? DEFAULT_ENTITY_PAGE;
    const { accountIds, problems } = await this.access.entityAccounts(
      entityRef,
      credentials,
    );
    // An empty accountIds filter would not filter at all: no ids, no accounts.
    const page: AccountPage =
      accountIds.length > 0
        ? await this.store.listAccounts({
            accountIds: [...accountIds],
            offset,
            limit,
          })
        : { items: [], totalCount: 0, totals: emptyTotals() };
    const aggregate = aggregateCounts(page.totals);
    // Only when some are missing: which ones (the ids alone, from the primary key).
    const evaluated =
      page.totalCount < accountIds.length
        ? new Set(await this.store.listEvaluatedAccountIds(accountIds))
        : new Set(accountIds);
    const detection = await this.detectionCounts(accountIds);
    let verdict: EntityResultResponse['verdict'] = aggregate.verdict;
    if (accountIds.length === 0) verdict = 'NOT_MAPPED';
    else if (page.totalCount === 0) verdict = 'PENDING';
    return {
      entityRef,
      verdict,
      counts: aggregate.counts,
      accounts: page.items.map(a => servedDetection(a, this.detectionEnabled)),
      accountCount: page.totalCount,
      offset,
      limit,
      pendingAccountIds: accountIds.filter(id => !evaluated.has(id)).sort(),
      problems: [...problems],
      ...(detection ? { detection } : {}),
    };
  }

  /** Per detection verdict, over all the entity's accounts (not the page). */
  private async detectionCounts(
    accountIds: readonly string[],
  ): Promise<EntityDetectionCounts | undefined> {
    if (!this.controls || !this.detectionEnabled) return undefined;
    const found = await this.controls.countControlVerdicts(
      DETECTION_CONTROL.id,
      accountIds,
    );
    const counts = Object.fromEntries(
      DETECTION_VERDICTS.map(v => [v, found[v] ?? 0]),
    ) as Record<DetectionVerdict, number>;
    return {
      counts,
      accountCount: DETECTION_VERDICTS.reduce((n, v) => n + counts[v], 0),
    };
  }
}
