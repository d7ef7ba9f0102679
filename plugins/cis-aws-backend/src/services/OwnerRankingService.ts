import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  AccountSummary,
  OwnerSummary,
  OwnersResponse,
  SystemsResponse,
} from '@cis-aws/plugin-cis-aws-common';
import { EvaluationStore, OwnerCounts } from '../storage/EvaluationStore';
import { CatalogAccess } from './CatalogAccess';

/** The platform team's ranking: every owner's accounts by verdict, worst first. */
export interface OwnerRankingService {
  rankOwners(options: {
    credentials: BackstageCredentials;
  }): Promise<OwnersResponse>;
  /** The same roll-up by system: which product's accounts fail. */
  rankSystems(options: {
    credentials: BackstageCredentials;
  }): Promise<SystemsResponse>;
}

/** `localeCompare`'s order, without building a collator for every comparison. */
const byName = new Intl.Collator();

/** Owners by failing accounts, then erroring ones, then by name; nobody's accounts last. */
export function rankOwnerCounts(
  counts: readonly OwnerCounts[],
): OwnerSummary[] {
  return counts
    .map(({ ownerRef, totals }) => ({
      ...(ownerRef ? { ownerRef } : {}),
      totalCount: Object.values(totals).reduce((sum, n) => sum + n, 0),
      totals: { ...totals },
    }))
    .sort(
      (a, b) =>
        b.totals.FAIL - a.totals.FAIL ||
        b.totals.ERROR - a.totals.ERROR ||
        // Nobody's accounts after the named owners they tie with.
        Number(a.ownerRef === undefined) - Number(b.ownerRef === undefined) ||
        byName.compare(a.ownerRef ?? '', b.ownerRef ?? ''),
    );
}

/** The ranking of individual accounts' owners (what the store's grouped counts stand for). */
export function rankOwners(
  accounts: readonly Pick<AccountSummary, 'ownerRef' | 'verdict'>[],
): OwnerSummary[] {
  const byOwner = new Map<string, OwnerCounts>();
  for (const account of accounts) {
    const key = account.ownerRef ?? '';
    const counts = byOwner.get(key) ?? {
      ...(account.ownerRef ? { ownerRef: account.ownerRef } : {}),
      totals: { PASS: 0, FAIL: 0, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
    };
    counts.totals[account.verdict] += 1;
    byOwner.set(key, counts);
  }
  return rankOwnerCounts([...byOwner.values()]);
}

/** What {@link DefaultOwnerRankingService} is made of. */
export interface OwnerRankingServiceDeps {
  store: Pick<
    EvaluationStore,
    'countAccountsByOwner' | 'countAccountsBySystem'
  >;
  access: CatalogAccess;
}

/** One grouped count in the database over the accounts the caller may read. */
export class DefaultOwnerRankingService implements OwnerRankingService {
  static create(deps: OwnerRankingServiceDeps): OwnerRankingService {
    return new DefaultOwnerRankingService(deps);
  }

  private constructor(private readonly deps: OwnerRankingServiceDeps) {}

  async rankOwners({
    credentials,
  }: {
    credentials: BackstageCredentials;
  }): Promise<OwnersResponse> {
    const counts = await this.deps.store.countAccountsByOwner(
      await this.deps.access.accountVisibility(credentials),
    );
    return { owners: rankOwnerCounts(counts) };
  }

  async rankSystems({
    credentials,
  }: {
    credentials: BackstageCredentials;
  }): Promise<SystemsResponse> {
    const counts = await this.deps.store.countAccountsBySystem(
      await this.deps.access.accountVisibility(credentials),
    );
    // The owners' order, keyed by system.
    const ranked = rankOwnerCounts(
      counts.map(({ systemRef, totals }) => ({ ownerRef: systemRef, totals })),
    );
    return {
      systems: ranked.map(({ ownerRef, ...rest }) => ({
        ...(ownerRef ? { systemRef: ownerRef } : {}),
        ...rest,
      })),
    };
  }
}
