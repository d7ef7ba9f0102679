/**
 * Times in a world file are kept as written and resolved against "now" at
 * request time, so a demo that runs for days stays fresh.
 *
 * Accepted forms:
 *   - relative to now: `-30s`, `-45m`, `-3h`, `-2d` (a leading `+` means the future)
 *   - `now`
 *   - an ISO 8601 date-time (`2024-05-01T12:00:00Z`) or a JS Date (turned into ISO)
 */
export type TimeSpec = string;

const RELATIVE = /^([+-])(\d+(?:\.\d+)?)(s|m|h|d)$/;
const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Returns an error message, or undefined when `value` is a valid time spec. */
export function checkTimeSpec(value: unknown): string | undefined {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? 'invalid date' : undefined;
  }
  if (typeof value !== 'string') {
    return 'expected a time: ISO date-time, "now" or relative like -3h, -45m, -2d, -30s';
  }
  if (value === 'now' || RELATIVE.test(value)) return undefined;
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value))) {
    return undefined;
  }
  return `"${value}" is not a time: use ISO date-time, "now" or relative like -3h, -45m, -2d, -30s`;
}

/** Normalizes an already-checked value (Date objects become ISO strings). */
export function toTimeSpec(value: string | Date): TimeSpec {
  return value instanceof Date ? value.toISOString() : value;
}

/** Resolves a time spec to epoch milliseconds. */
export function resolveTime(
  spec: TimeSpec,
  nowMs: number = Date.now(),
): number {
  if (spec === 'now') return nowMs;
  const m = RELATIVE.exec(spec);
  if (m) {
    const amount = Number(m[2]) * UNIT_MS[m[3]];
    return m[1] === '-' ? nowMs - amount : nowMs + amount;
  }
  return Date.parse(spec);
}

export function resolveDate(spec: TimeSpec, nowMs: number = Date.now()): Date {
  return new Date(resolveTime(spec, nowMs));
}

export function resolveOptionalDate(
  spec: TimeSpec | undefined | null,
  nowMs: number = Date.now(),
): Date | undefined {
  return spec === undefined || spec === null
    ? undefined
    : resolveDate(spec, nowMs);
}
