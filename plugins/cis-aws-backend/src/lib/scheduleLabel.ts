/**
 * The regular check as people say it, from the schedule's frequency: "hourly check", "check every
 * 30 minutes", "daily check"; a cron schedule or anything else is a "scheduled check".
 */
export function scheduleLabel(frequency: unknown): string {
  if (!frequency || typeof frequency !== 'object') return 'scheduled check';
  const f = frequency as Record<string, unknown>;
  if ('cron' in f || 'trigger' in f) return 'scheduled check';
  let ms: number | undefined;
  if (typeof (f as { toMillis?: unknown }).toMillis === 'function') {
    ms = (f as unknown as { toMillis(): number }).toMillis();
  } else {
    const units: Record<string, number> = {
      milliseconds: 1,
      seconds: 1000,
      minutes: 60_000,
      hours: 3_600_000,
      days: 86_400_000,
      weeks: 7 * 86_400_000,
    };
    ms = 0;
    for (const [unit, factor] of Object.entries(units)) {
      const value = f[unit];
      if (typeof value === 'number') ms += value * factor;
    }
  }
  if (!ms || ms <= 0) return 'scheduled check';
  if (ms === 3_600_000) return 'hourly check';
  if (ms === 86_400_000) return 'daily check';
  if (ms % 3_600_000 === 0) return `check every ${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return `check every ${ms / 60_000} minutes`;
  return `check every ${Math.round(ms / 1000)} seconds`;
}
