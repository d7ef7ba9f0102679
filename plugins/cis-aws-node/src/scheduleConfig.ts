import { Config, readDurationFromConfig } from '@backstage/config';

/**
 * Checks of scheduler settings (`SchedulerServiceTaskScheduleDefinitionConfig`) that the
 * scheduler itself does not make: it accepts a negative or zero duration (on SQLite the task then
 * never runs again; on PostgreSQL it repeats every few seconds), what layered config files merge
 * into (`{ hours: 1 }` over `{ minutes: -5 }`, or `PT1H-5M`), and reads a wrong cron expression
 * only when the task is scheduled. Shared by the CIS AWS backend and the AWS Organizations catalog
 * module, which report each problem with its full key and stop at start-up.
 */

/** One wrong setting: its full key and what is wrong with it. */
export interface ConfigProblem {
  key: string;
  message: string;
}

/** A duration as config holds it: `readDurationFromConfig`'s answer. */
export type ConfigDuration = ReturnType<typeof readDurationFromConfig>;

/** Milliseconds of a duration, counted as `@backstage/types`' durationToMilliseconds counts. */
export function durationMs(duration: ConfigDuration): number {
  const {
    years = 0,
    months = 0,
    weeks = 0,
    days = 0,
    hours = 0,
    minutes = 0,
    seconds = 0,
    milliseconds = 0,
  } = duration;
  const totalDays = years * 365 + months * 30 + weeks * 7 + days;
  return (
    ((totalDays * 24 + hours) * 60 + minutes) * 60 * 1000 +
    seconds * 1000 +
    milliseconds
  );
}

/**
 * The duration at `key` of `config`: ISO 8601 (`PT24H`) or a duration object (`{ hours: 24 }`),
 * with no negative part and, unless `allowZero`, longer than zero. Undefined when absent; the
 * problems name `fullKey`.
 */
export function readCheckedDuration(
  config: Config,
  key: string,
  fullKey: string,
  options: { allowZero?: boolean } = {},
): { duration?: ConfigDuration; ms?: number; problems: ConfigProblem[] } {
  if (!config.has(key)) return { problems: [] };
  let duration: ConfigDuration;
  try {
    duration = readDurationFromConfig(config, { key });
  } catch (error) {
    return {
      problems: [
        {
          key: fullKey,
          message: `is not a duration (an ISO 8601 duration such as PT24H, or an object such as { hours: 24 }): ${
            error instanceof Error ? error.message : String(error)
          }`,
        },
      ],
    };
  }
  const negative = Object.entries(duration).filter(
    ([, value]) => typeof value === 'number' && value < 0,
  );
  if (negative.length > 0) {
    return {
      problems: [
        {
          key: fullKey,
          message: `must not be negative, got ${negative
            .map(([unit, value]) => `${unit}: ${value}`)
            .join(', ')}`,
        },
      ],
    };
  }
  const ms = durationMs(duration);
  if (!Number.isFinite(ms) || (options.allowZero ? ms < 0 : ms <= 0)) {
    return {
      problems: [
        {
          key: fullKey,
          message: options.allowZero
            ? 'must be zero or longer'
            : 'must be longer than zero',
        },
      ],
    };
  }
  return { duration, ms, problems: [] };
}

/** Cron's names of months and days, as the scheduler's cron library reads them. */
const CRON_NAMES: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
};
const CRON_PRESETS = [
  '@yearly',
  '@monthly',
  '@weekly',
  '@daily',
  '@hourly',
  '@minutely',
  '@secondly',
  '@weekdays',
  '@weekends',
];
const CRON_FIELDS: [name: string, low: number, high: number][] = [
  ['second', 0, 59],
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['day of week', 0, 7],
];

/**
 * What is wrong with a cron expression, or undefined when the scheduler (the `cron` library's
 * CronTime) will read it: 5 fields, or 6 with seconds first; `*`, numbers, ranges, steps, lists,
 * names of months and days, and presets such as `@daily`.
 */
export function cronProblem(expression: string): string | undefined {
  let source = expression.trim().toLowerCase();
  if (CRON_PRESETS.includes(source)) return undefined;
  if (source.startsWith('@')) {
    return `unknown preset ${source} (known: ${CRON_PRESETS.join(', ')})`;
  }
  const unknownName = (source.match(/[a-z]+/g) ?? []).find(
    name => !Object.hasOwn(CRON_NAMES, name),
  );
  if (unknownName) {
    return `"${unknownName}" is not a month or day name (jan to dec, sun to sat)`;
  }
  source = source.replace(/[a-z]+/g, name => String(CRON_NAMES[name]));
  const fields = source === '' ? [] : source.split(/\s+/);
  if (fields.length < 5 || fields.length > 6) {
    return `has ${fields.length} fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)`;
  }
  const units = CRON_FIELDS.slice(CRON_FIELDS.length - fields.length);
  for (const [i, field] of fields.entries()) {
    const [name, low, high] = units[i];
    for (const part of field.split(',')) {
      const wildcard = part.indexOf('*');
      if (wildcard > 0) return `the ${name} "${field}" has a misplaced *`;
      const match = /^(\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(
        part.replace('*', `${low}-${high}`),
      );
      if (!match) return `the ${name} "${field}" cannot be parsed`;
      const lower = Number(match[1]);
      const upper = match[2] === undefined ? undefined : Number(match[2]);
      if (match[3] !== undefined && Number(match[3]) === 0) {
        return `the ${name} "${field}" has a step of zero`;
      }
      if (upper !== undefined && lower > upper) {
        return `the ${name} "${field}" is a backwards range`;
      }
      if (lower < low || (upper ?? lower) > high) {
        return `the ${name} "${field}" is out of range (${low}-${high})`;
      }
    }
  }
  return undefined;
}

/**
 * Every problem of a task schedule at `fullKey` (`frequency` and `timeout` required, durations
 * positive, `initialDelay` zero or longer, a cron expression the scheduler reads, the manual
 * trigger, `scope` global or local). Empty when the scheduler may be given it.
 */
export function scheduleProblems(
  config: Config,
  fullKey: string,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (key: string, message: string) =>
    problems.push({ key: `${fullKey}.${key}`, message });
  const frequency = config.getOptional('frequency');
  if (frequency === undefined) {
    add(
      'frequency',
      'is required: a duration ({ hours: 1 }), { cron: "0 * * * *" } or { trigger: manual }',
    );
  } else if (
    typeof frequency === 'object' &&
    frequency !== null &&
    !Array.isArray(frequency) &&
    ('cron' in frequency || 'trigger' in frequency)
  ) {
    const { cron, trigger } = frequency as {
      cron?: unknown;
      trigger?: unknown;
    };
    if ('cron' in frequency) {
      const problem =
        typeof cron === 'string'
          ? cronProblem(cron)
          : `expected a cron expression string, got ${JSON.stringify(cron)}`;
      if (problem) {
        add(
          'frequency.cron',
          typeof cron === 'string'
            ? `"${cron}" is not a cron expression: ${problem}`
            : problem,
        );
      }
    } else if (trigger !== 'manual') {
      add(
        'frequency.trigger',
        `the only trigger is "manual", got ${JSON.stringify(trigger)}`,
      );
    }
  } else {
    problems.push(
      ...readCheckedDuration(config, 'frequency', `${fullKey}.frequency`)
        .problems,
    );
  }
  if (!config.has('timeout')) {
    add(
      'timeout',
      'is required: how long a run may take before another may start ({ minutes: 30 })',
    );
  } else {
    problems.push(
      ...readCheckedDuration(config, 'timeout', `${fullKey}.timeout`).problems,
    );
  }
  problems.push(
    ...readCheckedDuration(config, 'initialDelay', `${fullKey}.initialDelay`, {
      allowZero: true,
    }).problems,
  );
  let scope: unknown;
  try {
    scope = config.getOptionalString('scope');
  } catch (error) {
    add('scope', error instanceof Error ? error.message : String(error));
  }
  if (scope !== undefined && scope !== 'global' && scope !== 'local') {
    add('scope', `must be "global" or "local", got "${scope}"`);
  }
  return problems;
}
