const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A length of time in the largest unit that reads well: "45 minutes", "5 hours", "3 days"
 * (days from two days on, hours from two hours on). Rounded, never "0 minutes".
 */
export function formatDuration(ms: number): string {
  const plural = (n: number, unit: string) =>
    `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (ms >= 2 * DAY) return plural(Math.round(ms / DAY), 'day');
  if (ms >= 2 * HOUR) return plural(Math.round(ms / HOUR), 'hour');
  return plural(Math.max(1, Math.round(ms / MINUTE)), 'minute');
}
