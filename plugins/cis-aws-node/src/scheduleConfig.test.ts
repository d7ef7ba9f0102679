import { ConfigReader } from '@backstage/config';
import {
  durationMs,
  readCheckedDuration,
  scheduleProblems,
} from './scheduleConfig';

const problemsOf = (schedule: object) =>
  scheduleProblems(new ConfigReader(schedule), 'x.schedule').map(
    p => `${p.key}: ${p.message}`,
  );

describe('scheduleProblems', () => {
  it('accepts durations, ISO strings, cron, the manual trigger and a zero initial delay', () => {
    for (const schedule of [
      { frequency: { minutes: 30 }, timeout: { minutes: 10 } },
      { frequency: 'PT6H', timeout: 'PT20M', scope: 'local' },
      { frequency: { cron: '0 3 * * *' }, timeout: 'PT1H' },
      { frequency: { trigger: 'manual' }, timeout: { minutes: 1 } },
      {
        frequency: { hours: 1 },
        timeout: { minutes: 1 },
        initialDelay: { seconds: 0 },
      },
    ]) {
      expect(problemsOf(schedule)).toEqual([]);
    }
  });

  it('reports every problem at once, each with its full key', () => {
    expect(
      problemsOf({
        frequency: 'PT1H-5M',
        timeout: 'PT0S',
        initialDelay: { seconds: -1 },
        scope: 'cluster',
      }),
    ).toEqual([
      'x.schedule.frequency: must not be negative, got minutes: -5',
      'x.schedule.timeout: must be longer than zero',
      'x.schedule.initialDelay: must not be negative, got seconds: -1',
      'x.schedule.scope: must be "global" or "local", got "cluster"',
    ]);
  });

  it('requires frequency and timeout, and reads cron and triggers', () => {
    expect(problemsOf({})).toEqual([
      expect.stringMatching(/^x\.schedule\.frequency: is required/),
      expect.stringMatching(/^x\.schedule\.timeout: is required/),
    ]);
    expect(
      problemsOf({ frequency: { cron: '61 * * * *' }, timeout: 'PT1M' }),
    ).toEqual([expect.stringMatching(/frequency\.cron: .*out of range/)]);
    expect(
      problemsOf({ frequency: { trigger: 'sometimes' }, timeout: 'PT1M' }),
    ).toEqual([
      'x.schedule.frequency.trigger: the only trigger is "manual", got "sometimes"',
    ]);
    expect(problemsOf({ frequency: 'hourly', timeout: 'PT1M' })).toEqual([
      expect.stringMatching(/^x\.schedule\.frequency: is not a duration/),
    ]);
  });
});

describe('readCheckedDuration', () => {
  it('reads a duration and its milliseconds, or nothing when absent', () => {
    const config = new ConfigReader({ d: { hours: 1, minutes: 30 } });
    expect(readCheckedDuration(config, 'd', 'k')).toEqual({
      duration: { hours: 1, minutes: 30 },
      ms: 90 * 60 * 1000,
      problems: [],
    });
    expect(readCheckedDuration(config, 'absent', 'k')).toEqual({
      problems: [],
    });
  });

  it('counts as @backstage/types does', () => {
    expect(durationMs({ years: 1, months: 1, weeks: 1, days: 1 })).toBe(
      (365 + 30 + 7 + 1) * 24 * 60 * 60 * 1000,
    );
    expect(durationMs({ seconds: 2, milliseconds: 5 })).toBe(2005);
  });
});
