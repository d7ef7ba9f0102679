import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  AccountSummary,
  EntityDetectionCounts,
  OwnerFailureAge,
  OwnerSummary,
  OwnersResponse,
  SystemsResponse,
} from '@cis-aws/plugin-cis-aws-common';
import {
  DetectionCounts,
  EvaluationStore,
  OwnerCounts,
  OwnerEpisodes,
} from '../storage/EvaluationStore';
import { emptyDetectionCounts, emptyTotals } from '../storage/accountListing';
import { CatalogAccess } from './CatalogAccess';
import {
  DEFAULT_TREND_DAYS,
  MAX_TREND_DAYS,
  addDays,
  dayOf,
  daysBetween,
} from './TrendService';

/** An owner's (or a system's) accounts by verdict, before failure age is added. */
export type RankedCounts = Omit<OwnerSummary, 'failureAge'>;

/**
 * The platform team's ranking: every owner's accounts by verdict, worst first, with the failure
 * age of each and the time its failures took to fix.
 */
export interface OwnerRankingService {
  /**
   * Time to fix is over the episodes that ended within the period: `from` and `to` (UTC days,
   * YYYY-MM-DD, inclusive) default to the last 30 days, as the organization page's trend.
   */
  rankOwners(
    request: { from?: string; to?: string },
    options: { credentials: BackstageCredentials },
  ): Promise<OwnersResponse>;
  /** The same roll-up by system: which product's accounts fail. */
  rankSystems(options: {
    credentials: BackstageCredentials;
  }): Promise<SystemsResponse>;
}

/** `localeCompare`'s order, without building a collator for every comparison. */
const byName = new Intl.Collator();

/** The served form of the stored detection counts: with the number of accounts they cover. */
function detectionOf(counts: DetectionCounts): EntityDetectionCounts {
  return {
    counts: { ...counts },
    accountCount: Object.values(counts).reduce((sum, n) => sum + n, 0),
  };
}

/**
 * Owners by failing accounts, then erroring ones, then by name; nobody's accounts last. With
 * `detection`, each carries its accounts per detection verdict (the order stays 2.4's).
 */
export function rankOwnerCounts(
  counts: readonly OwnerCounts[],
  options: { detection?: boolean } = {},
): RankedCounts[] {
  return counts
    .map(({ ownerRef, totals, detection }) => ({
      ...(ownerRef ? { ownerRef } : {}),
      totalCount: Object.values(totals).reduce((sum, n) => sum + n, 0),
      totals: { ...totals },
      ...(options.detection ? { detection: detectionOf(detection) } : {}),
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
  accounts: readonly Pick<
    AccountSummary,
    'ownerRef' | 'verdict' | 'detection'
  >[],
  options: { detection?: boolean } = {},
): RankedCounts[] {
  const byOwner = new Map<string, OwnerCounts>();
  for (const account of accounts) {
    const key = account.ownerRef ?? '';
    const counts = byOwner.get(key) ?? {
      ...(account.ownerRef ? { ownerRef: account.ownerRef } : {}),
      totals: emptyTotals(),
      detection: emptyDetectionCounts(),
    };
    counts.totals[account.verdict] += 1;
    if (account.detection) counts.detection[account.detection.verdict] += 1;
    byOwner.set(key, counts);
  }
  return rankOwnerCounts([...byOwner.values()], options);
}

/** What {@link DefaultOwnerRankingService} is made of. */
export interface OwnerRankingServiceDeps {
  store: Pick<
    EvaluationStore,
    'countAccountsByOwner' | 'countAccountsBySystem' | 'listOwnerEpisodes'
  >;
  access: Pick<CatalogAccess, 'accountVisibility'>;
  /** `cisAws.detection.enabled` (default true): without it, no detection counts are served. */
  detectionEnabled?: boolean;
  now?: () => Date;
}

/** An owner's failure age from its episodes as stored (none: nothing open, nothing fixed). */
export function failureAgeOf(episodes?: OwnerEpisodes): OwnerFailureAge {
  const durations = [...(episodes?.fixDurationsMs ?? [])].sort((a, b) => a - b);
  const middle = Math.floor(durations.length / 2);
  return {
    openCount: episodes?.openCount ?? 0,
    ...(episodes?.oldestOpenSince
      ? { oldestFailingSince: episodes.oldestOpenSince }
      : {}),
    fixedCount: durations.length,
    ...(durations.length > 0
      ? {
          medianTimeToFixMs:
            durations.length % 2 === 1
              ? durations[middle]
              : Math.round((durations[middle - 1] + durations[middle]) / 2),
          maxTimeToFixMs: durations[durations.length - 1],
        }
      : {}),
  };
}

/** One grouped count in the database over the accounts the caller may read. */
export class DefaultOwnerRankingService implements OwnerRankingService {
  static create(deps: OwnerRankingServiceDeps): OwnerRankingService {
    return new DefaultOwnerRankingService(deps);
  }

  private readonly detection: { detection: boolean };

  private constructor(private readonly deps: OwnerRankingServiceDeps) {
    this.detection = { detection: deps.detectionEnabled ?? true };
  }

  async rankOwners(
    request: { from?: string; to?: string },
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<OwnersResponse> {
    const period = this.periodOf(request);
    const visibility = await this.deps.access.accountVisibility(credentials);
    const [counts, episodes] = await Promise.all([
      this.deps.store.countAccountsByOwner(visibility),
      this.deps.store.listOwnerEpisodes(visibility, {
        from: new Date(`${period.from}T00:00:00.000Z`),
        to: new Date(`${period.to}T23:59:59.999Z`),
      }),
    ]);
    const episodesByOwner = new Map(episodes.map(e => [e.ownerRef ?? '', e]));
    return {
      owners: rankOwnerCounts(counts, this.detection).map(owner => ({
        ...owner,
        failureAge: failureAgeOf(episodesByOwner.get(owner.ownerRef ?? '')),
      })),
      period,
    };
  }

  private periodOf(request: { from?: string; to?: string }): {
    from: string;
    to: string;
  } {
    const to = request.to ?? dayOf((this.deps.now ?? (() => new Date()))());
    const from = request.from ?? addDays(to, -(DEFAULT_TREND_DAYS - 1));
    if (from > to) throw new InputError('"from" must not be after "to"');
    if (daysBetween(from, to) > MAX_TREND_DAYS) {
      throw new InputError(
        `A period covers at most ${MAX_TREND_DAYS} days; ask for a shorter one`,
      );
    }
    return { from, to };
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
      counts.map(({ systemRef, ...rest }) => ({
        ownerRef: systemRef,
        ...rest,
      })),
      this.detection,
    );
    return {
      systems: ranked.map(({ ownerRef, ...rest }) => ({
        ...(ownerRef ? { systemRef: ownerRef } : {}),
        ...rest,
      })),
    };
  }
}
