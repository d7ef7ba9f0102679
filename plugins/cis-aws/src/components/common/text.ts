import {
  WARNING_DESCRIPTIONS,
  WarningCode,
} from '@cis-aws/plugin-cis-aws-common';

// Reason codes in plain words live in the common package: owner notifications
// say the same thing as the UI.
export {
  accountReasonTitle,
  reasonExplanation,
  reasonTitle,
} from '@cis-aws/plugin-cis-aws-common';

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

/** "Nov 24, 2026, 8:52 AM", in the user's locale and time zone; the text itself when unreadable. */
export function formatDateTime(iso: string | undefined | null): string {
  if (!iso) return 'never';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Intl.DateTimeFormat('en', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(ms));
}

/** "Nov 24, 2026, 8:52 AM (3 minutes ago)": an exact time people can quote, and how long ago. */
export function dateAndAgo(
  iso: string | undefined | null,
  now: Date = new Date(),
): string {
  if (!iso) return 'never';
  return `${formatDateTime(iso)} (${relativeTime(iso, now)})`;
}

/** `arn:aws:cloudtrail:us-east-1:123:trail/checkout-dev-trail` → `checkout-dev-trail`. */
export function trailName(trailArn: string): string {
  const index = trailArn.lastIndexOf(':trail/');
  return index >= 0 ? trailArn.slice(index + ':trail/'.length) : trailArn;
}

/**
 * "6 days ago (Nov 18, 2026, 8:52 AM)": how long ago first, then when, in the same form as every
 * other date of the plugin (the exact ISO time goes in a title or the details).
 */
export function plainTime(
  iso: string | undefined | null,
  now: Date = new Date(),
): string {
  if (!iso) return 'never';
  const relative = relativeTime(iso, now);
  return relative === iso ? iso : `${relative} (${formatDateTime(iso)})`;
}
