import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_CONTROL_STATEMENT,
  DEFAULT_HISTORY_RETENTION_MS,
  readCisAwsOptions,
} from './options';

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
