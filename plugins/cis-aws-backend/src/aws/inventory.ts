import {
  DescribeTrailsCommand,
  paginateListTrails,
  Trail,
  TrailInfo,
} from '@aws-sdk/client-cloudtrail';
import { ApiError, FailedRegion } from '@cis-aws/plugin-cis-aws-common';
import { AccountClients } from './clients';
import { isRegionUnreachable, toApiError } from './errors';

/**
 * How the trails of an account are found.
 *
 * - `account` (default): one paginated ListTrails, in the default region.
 *   AWS documents ListTrails as listing the trails "in the current account"
 *   with each trail's HomeRegion, so one region answers for all; org trails
 *   an account sees are listed there too. That is 1 call instead of one per
 *   region (17+), which matters with CloudTrail's ~10 req/s per account and
 *   region limit and hundreds of accounts.
 * - `region`: ListTrails in every configured region, union by ARN. For the
 *   day the account-wide answer turns out to miss something (the contract
 *   marks it unverified); regions not enabled for the account are skipped.
 */
export type InventoryMode = 'account' | 'region';

/**
 * A trail ListTrails named whose home region cannot be called from this account (an opt-in
 * region it has not enabled, or one a service control policy denies): it exists, so it is kept,
 * with what ListTrails said and the error of the home region.
 */
export interface UnreachableTrail {
  info: TrailInfo;
  error: ApiError;
}

export interface TrailInventory {
  /** Each trail once, by ARN, with its full configuration. */
  trails: Trail[];
  /** Trails listed but not described because their home region cannot be called. */
  unreachable: UnreachableTrail[];
  regionsScanned: string[];
  regionsSkipped: string[];
  regionsFailed: FailedRegion[];
}

async function listTrailsIn(
  clients: AccountClients,
  region: string,
): Promise<TrailInfo[]> {
  const found: TrailInfo[] = [];
  for await (const page of paginateListTrails(
    { client: clients.cloudTrail(region) },
    {},
  )) {
    found.push(...(page.Trails ?? []));
  }
  return found;
}

/** DescribeTrails takes up to this many names per call. */
const DESCRIBE_BATCH = 20;

/**
 * The trails an account has or sees, each once, configuration read in its
 * home region (the only region whose copy is authoritative).
 */
export async function collectTrailInventory(
  clients: AccountClients,
  options: {
    mode: InventoryMode;
    defaultRegion: string;
    regions: readonly string[];
  },
): Promise<TrailInventory> {
  const listRegions =
    options.mode === 'account' ? [options.defaultRegion] : options.regions;
  const scanned: string[] = [];
  const skipped: string[] = [];
  const failures = new Map<string, ApiError[]>();
  const fail = (region: string, error: ApiError) =>
    failures.set(region, [...(failures.get(region) ?? []), error]);

  const infos = new Map<string, TrailInfo>();
  await Promise.all(
    listRegions.map(async region => {
      try {
        for (const info of await listTrailsIn(clients, region)) {
          if (info.TrailARN && !infos.has(info.TrailARN))
            infos.set(info.TrailARN, info);
        }
        scanned.push(region);
      } catch (error) {
        if (options.mode === 'region' && isRegionUnreachable(error))
          skipped.push(region);
        else fail(region, toApiError('cloudtrail:ListTrails', error, region));
      }
    }),
  );

  // One DescribeTrails per home region (batched), never one per trail.
  const byHomeRegion = new Map<string, string[]>();
  for (const info of infos.values()) {
    const home = info.HomeRegion ?? options.defaultRegion;
    byHomeRegion.set(home, [...(byHomeRegion.get(home) ?? []), info.TrailARN!]);
  }
  const trails: Trail[] = [];
  const unreachable: UnreachableTrail[] = [];
  await Promise.all(
    [...byHomeRegion.entries()].map(async ([region, arns]) => {
      for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
        const batch = arns.slice(i, i + DESCRIBE_BATCH);
        try {
          const { trailList = [] } = await clients.cloudTrail(region).send(
            new DescribeTrailsCommand({
              trailNameList: batch,
              includeShadowTrails: true,
            }),
          );
          const described = new Set(trailList.map(t => t.TrailARN));
          trails.push(
            ...trailList.filter(t => t.TrailARN && batch.includes(t.TrailARN)),
          );
          const missing = batch.filter(arn => !described.has(arn));
          if (missing.length > 0) {
            fail(region, {
              operation: 'cloudtrail:DescribeTrails',
              region,
              code: 'TrailNotDescribed',
              message: `listed but not described: ${missing.join(', ')}`,
            });
          }
        } catch (error) {
          if (!isRegionUnreachable(error)) {
            fail(
              region,
              toApiError('cloudtrail:DescribeTrails', error, region),
            );
            continue;
          }
          // Contract ("Data to collect", item 1): the trail still exists and is never dropped,
          // and such a region is not an inventory error. Its trails are kept as listed.
          const apiError = toApiError(
            'cloudtrail:DescribeTrails',
            error,
            region,
          );
          for (const arn of batch) {
            unreachable.push({ info: infos.get(arn)!, error: apiError });
          }
          if (!skipped.includes(region)) skipped.push(region);
        }
      }
      if (
        !scanned.includes(region) &&
        !skipped.includes(region) &&
        !failures.has(region)
      )
        scanned.push(region);
    }),
  );

  return {
    trails: dedupeByArn(trails).sort((a, b) =>
      a.TrailARN!.localeCompare(b.TrailARN!),
    ),
    unreachable: unreachable.sort((a, b) =>
      a.info.TrailARN!.localeCompare(b.info.TrailARN!),
    ),
    regionsScanned: scanned.sort(),
    regionsSkipped: skipped.sort(),
    regionsFailed: [...failures.entries()]
      .map(([region, errors]) => ({ region, errors }))
      .sort((a, b) => a.region.localeCompare(b.region)),
  };
}

function dedupeByArn(trails: Trail[]): Trail[] {
  return [...new Map(trails.map(trail => [trail.TrailARN!, trail])).values()];
}
