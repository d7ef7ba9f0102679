import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_CONTROL_STATEMENT,
  DEFAULT_HISTORY_RETENTION_MS,
  DEFAULT_SCHEDULE,
  readCisAwsConfig,
  readCisAwsOptions,
  readNotificationOptions,
} from './config';

const DAY = 86_400_000;

describe('readCisAwsOptions', () => {
  it('keeps history at least 13 months by default, and reads the evidence and exception settings', () => {
    const defaults = readCisAwsOptions(new ConfigReader({}));
    expect(defaults.historyRetentionMs).toBe(DEFAULT_HISTORY_RETENTION_MS);
    expect(defaults.historyRetentionMs).toBeGreaterThanOrEqual(396 * DAY);
    expect(defaults.evidence.controlStatement).toBe(DEFAULT_CONTROL_STATEMENT);
    expect(defaults.maxExceptionDurationMs).toBe(365 * DAY);

    const set = readCisAwsOptions(
      new ConfigReader({
        cisAws: {
          history: { retention: { days: 800 } },
          evidence: {
            controlStatement: 'Ours',
            scope: 'Production accounts',
            historyPeriod: 'P30D',
          },
          exceptions: { maxDuration: { days: 90 } },
        },
      }),
    );
    expect(set.historyRetentionMs).toBe(800 * DAY);
    expect(set.evidence).toEqual({
      controlStatement: 'Ours',
      scope: 'Production accounts',
      historyPeriodMs: 30 * DAY,
    });
    expect(set.maxExceptionDurationMs).toBe(90 * DAY);
  });

  it('reports a duration that is not one, naming the key', () => {
    expect(() =>
      readCisAwsOptions(
        new ConfigReader({ cisAws: { history: { retention: 'forever' } } }),
      ),
    ).toThrow(/cisAws.history.retention is not a duration/);
  });

  it('reads an empty endpoint as the AWS endpoints, undoing a lower layer’s', () => {
    expect(
      readCisAwsOptions(new ConfigReader({ cisAws: { aws: { endpoint: '' } } }))
        .endpoint,
    ).toBeUndefined();
    expect(
      readCisAwsOptions(
        new ConfigReader({
          cisAws: { aws: { endpoint: 'http://127.0.0.1:4580' } },
        }),
      ).endpoint,
    ).toBe('http://127.0.0.1:4580');
  });
});

const read = (notifications?: unknown) =>
  readNotificationOptions(
    new ConfigReader(
      notifications === undefined ? {} : { cisAws: { notifications } },
    ),
  );

describe('readNotificationOptions', () => {
  it('notifies every transition, first results included, when nothing is configured', () => {
    const options = read();
    expect(options.enabled).toBe(true);
    expect([...options.transitions]).toEqual(['fail', 'error', 'recovery']);
    expect(options.notifyFirstResult).toBe(true);
    expect(options.unownedRecipient).toBeUndefined();
  });

  it('reads every key', () => {
    const options = read({
      enabled: false,
      transitions: ['fail', 'recovery'],
      notifyFirstResult: false,
      unownedRecipient: 'group:platform-team',
    });
    expect(options).toEqual({
      enabled: false,
      transitions: new Set(['fail', 'recovery']),
      notifyFirstResult: false,
      unownedRecipient: 'group:default/platform-team',
    });
  });

  it('accepts an empty list of transitions (nothing is sent)', () => {
    expect(read({ transitions: [] }).transitions.size).toBe(0);
  });

  it('rejects an unknown transition, naming the key and the allowed values', () => {
    expect(() => read({ transitions: ['fail', 'recovered'] })).toThrow(
      'cisAws.notifications.transitions: "recovered" is not one of fail, error, recovery',
    );
  });

  it('rejects an unowned recipient that is not an entity ref', () => {
    expect(() => read({ unownedRecipient: 'platform-team' })).toThrow(
      /cisAws\.notifications\.unownedRecipient: "platform-team" is not an entity ref/,
    );
  });

  it('rejects values of the wrong type', () => {
    expect(() => read({ enabled: 'sometimes' })).toThrow(/enabled/);
    expect(() => read({ transitions: 'fail' })).toThrow(/transitions/);
  });
});

describe('readCisAwsConfig', () => {
  it('reads every cisAws setting once: options, notifications and the schedule', () => {
    const settings = readCisAwsConfig(
      new ConfigReader({
        cisAws: {
          schedule: { frequency: { hours: 6 }, timeout: { minutes: 20 } },
          notifications: { enabled: false },
        },
      }),
    );
    expect(settings.schedule).toMatchObject({
      frequency: { hours: 6 },
      timeout: { minutes: 20 },
    });
    expect(settings.notifications.enabled).toBe(false);
    expect(settings.options.concurrency).toBe(16);
    expect(readCisAwsConfig(new ConfigReader({})).schedule).toBe(
      DEFAULT_SCHEDULE,
    );
  });
});
