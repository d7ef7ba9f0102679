import type { VerdictTotals } from './api';

/** One UTC day of a trend: how the accounts in scope were verified that day. */
export interface TrendPoint {
  /** YYYY-MM-DD, UTC. */
  date: string;
  /** Accounts per verdict of that day's verification (its last kept evaluation). */
  counts: VerdictTotals;
  /** Accounts verified that day (the sum of `counts`); 0 when none was evaluated. */
  accountCount: number;
  /**
   * PASS plus EXEMPT over the accounts verified that day, 0 to 1; null when none was verified.
   * The organization page's "Compliant" share, per day.
   */
  compliantShare: number | null;
}

/** `GET /v1/trends`: a daily series for the organization or one entity. */
export interface TrendResponse {
  /** The team, system, user or account the series is for; absent: the organization. */
  entityRef?: string;
  /** First and last day, YYYY-MM-DD, UTC, inclusive. */
  from: string;
  to: string;
  groupBy: 'day';
  /** Every day of the range, oldest first (days nothing was evaluated have accountCount 0). */
  points: TrendPoint[];
}

/** The compliant share of some totals (PASS and EXEMPT), or null without accounts. */
export function compliantShareOf(counts: VerdictTotals): number | null {
  const all = Object.values(counts).reduce((sum, n) => sum + n, 0);
  if (all === 0) return null;
  return ((counts.PASS ?? 0) + (counts.EXEMPT ?? 0)) / all;
}
