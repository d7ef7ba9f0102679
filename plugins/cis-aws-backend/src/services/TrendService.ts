import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  TrendPoint,
  TrendResponse,
  VERDICTS,
  VerdictTotals,
  compliantShareOf,
} from '@cis-aws/plugin-cis-aws-common';
import { EvaluationStore } from '../storage/EvaluationStore';
import { CatalogAccess } from './CatalogAccess';
import { resolveEntityAccounts } from './entityAccounts';

/** The longest series one request may ask for (a retention year and a margin, twice). */
export const MAX_TREND_DAYS = 800;
/** The series when no range is asked for: the last 30 days, today included. */
export const DEFAULT_TREND_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Compliance over time, from the stored daily verifications. */
export interface TrendService {
  /**
   * Per UTC day: the accounts per verdict of their daily verification and the compliant share,
   * for the organization (what the caller may see) or one entity (the accounts it stands for,
   * as its card counts them). 404 for an entity the caller may not read.
   */
  getTrend(
    request: {
      entityRef?: string;
      /** YYYY-MM-DD, UTC; default 29 days before `to`. */
      from?: string;
      /** YYYY-MM-DD, UTC; default today. */
      to?: string;
    },
    options: { credentials: BackstageCredentials },
  ): Promise<TrendResponse>;
}

/** What {@link DefaultTrendService} is made of. */
export interface TrendServiceDeps {
  catalog: CatalogService;
  /** With `entityAccounts`, an entity's accounts come from its per-caller cache. */
  access: Pick<CatalogAccess, 'accountVisibility'> &
    Partial<Pick<CatalogAccess, 'entityAccounts'>>;
  store: Pick<EvaluationStore, 'countDailyVerdicts'>;
  now?: () => Date;
}

export class DefaultTrendService implements TrendService {
  static create(deps: TrendServiceDeps): TrendService {
    return new DefaultTrendService(deps);
  }

  private constructor(private readonly deps: TrendServiceDeps) {}

  async getTrend(
    request: { entityRef?: string; from?: string; to?: string },
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<TrendResponse> {
    const { catalog, access, store } = this.deps;
    const to = request.to ?? dayOf((this.deps.now ?? (() => new Date()))());
    const from = request.from ?? addDays(to, -(DEFAULT_TREND_DAYS - 1));
    if (from > to) throw new InputError('"from" must not be after "to"');
    if (daysBetween(from, to) > MAX_TREND_DAYS) {
      throw new InputError(
        `A trend covers at most ${MAX_TREND_DAYS} days; ask for a shorter range`,
      );
    }
    const query = request.entityRef
      ? {
          accountIds: [
            ...(access.entityAccounts
              ? await access.entityAccounts(request.entityRef, credentials)
              : await resolveEntityAccounts(
                  catalog,
                  request.entityRef,
                  credentials,
                )
            ).accountIds,
          ],
        }
      : await access.accountVisibility(credentials);
    const counted = await store.countDailyVerdicts(query, { from, to });
    const byDay = new Map(counted.map(c => [c.day, c.totals]));
    const points: TrendPoint[] = [];
    for (let day = from; day <= to; day = addDays(day, 1)) {
      points.push(pointOf(day, byDay.get(day) ?? emptyCounts()));
    }
    return {
      ...(request.entityRef ? { entityRef: request.entityRef } : {}),
      from,
      to,
      groupBy: 'day',
      points,
    };
  }
}

function pointOf(date: string, counts: VerdictTotals): TrendPoint {
  return {
    date,
    counts,
    accountCount: Object.values(counts).reduce((sum, n) => sum + n, 0),
    compliantShare: compliantShareOf(counts),
  };
}

function emptyCounts(): VerdictTotals {
  return Object.fromEntries(VERDICTS.map(v => [v, 0])) as VerdictTotals;
}

/** YYYY-MM-DD of an instant, UTC. */
export function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** The UTC day `days` after (or before) `day`. */
export function addDays(day: string, days: number): string {
  return dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  return (
    Math.round(
      (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) /
        DAY_MS,
    ) + 1
  );
}
