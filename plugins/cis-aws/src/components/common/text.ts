import {
  REASON_DESCRIPTIONS,
  ReasonCode,
  WARNING_DESCRIPTIONS,
  WarningCode,
} from '@cis-aws/plugin-cis-aws-common';

/** A reason code in plain words ("Role cannot write to the log group"), or the code itself. */
export function reasonTitle(code: string | undefined): string | undefined {
  if (!code) return undefined;
  return REASON_DESCRIPTIONS[code as ReasonCode]?.title ?? code;
}

export function reasonExplanation(
  code: string | undefined,
): string | undefined {
  if (!code) return undefined;
  return REASON_DESCRIPTIONS[code as ReasonCode]?.explanation;
}

export function warningTitle(code: string): string {
  return WARNING_DESCRIPTIONS[code as WarningCode]?.title ?? code;
}

/**
 * "3 hours ago", "in 2 days": relative to now, for evaluated-at and delivery
 * times. Up to three days it counts hours ("30 hours ago", not "yesterday"):
 * next to a 24-hour delivery limit, the hours matter.
 */
export function relativeTime(
  iso: string | undefined | null,
  now: Date = new Date(),
): string {
  if (!iso) return 'never';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const diff = ms - now.getTime();
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 3 * 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1000],
  ];
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, threshold] of units) {
    if (Math.abs(diff) >= threshold || unit === 'second') {
      const size = unit === 'day' ? 86_400_000 : threshold;
      return format.format(Math.round(diff / size), unit);
    }
  }
  return iso;
}

/**
 * Why an account has its verdict, in plain words, from its summary: the
 * reasons of its failing trails when it fails because of them ("Role cannot
 * write to the log group"), else the account's own reason ("No trail at all").
 */
export function accountReasonTitle(account: {
  reason?: string;
  trailReasons?: string[];
}): string | undefined {
  const trailReasons = account.trailReasons ?? [];
  if (trailReasons.length > 0 && account.reason?.startsWith('TRAIL_')) {
    return trailReasons.map(code => reasonTitle(code)).join('; ');
  }
  return reasonTitle(account.reason);
}
