import { configuredSecrets } from './evidence/secretGuard';
import { ConfigReader } from '@backstage/config';
import type { JsonValue } from '@backstage/types';
import {
  cronProblem,
  DEFAULT_CONTROL_STATEMENT,
  DEFAULT_HISTORY_RETENTION_MS,
  DEFAULT_RUN_OPTIONS,
  DEFAULT_SCHEDULE,
  readCisAwsConfig,
  readCisAwsOptions,
  readExceptionOptions,
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

  it("limits owners' re-checks of one account to once a minute by default (cisAws.evaluate.minInterval)", () => {
    expect(readCisAwsOptions(new ConfigReader({})).evaluateMinIntervalMs).toBe(
      60_000,
    );
    expect(
      readCisAwsOptions(
        new ConfigReader({ cisAws: { evaluate: { minInterval: 'PT5M' } } }),
      ).evaluateMinIntervalMs,
    ).toBe(300_000);
    expect(() =>
      readCisAwsOptions(
        new ConfigReader({
          cisAws: { evaluate: { minInterval: { seconds: -1 } } },
        }),
      ),
    ).toThrow(/cisAws\.evaluate\.minInterval: must not be negative/);
    expect(
      readCisAwsConfig(
        new ConfigReader({ cisAws: { evaluate: { minInterval: 'PT2M' } } }),
      ).options.evaluateMinIntervalMs,
    ).toBe(120_000);
  });

  it('shows role policy documents again for a day by default; zero reads them every time', () => {
    expect(readCisAwsOptions(new ConfigReader({})).rolePolicyMaxAgeMs).toBe(
      DAY,
    );
    const read = (rolePolicyMaxAge: JsonValue) =>
      readCisAwsOptions(
        new ConfigReader({ cisAws: { aws: { rolePolicyMaxAge } } }),
      ).rolePolicyMaxAgeMs;
    expect(read('PT6H')).toBe(DAY / 4);
    expect(read({ hours: 0 })).toBe(0);
  });

  it('reports a duration that is not one, naming the key', () => {
    expect(() =>
      readCisAwsOptions(
        new ConfigReader({ cisAws: { history: { retention: 'forever' } } }),
      ),
    ).toThrow(/cisAws\.history\.retention: is not a duration/);
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
      errorAfter: { runs: 3, duration: 'PT2H' },
    });
    expect(options).toEqual({
      enabled: false,
      transitions: new Set(['fail', 'recovery']),
      notifyFirstResult: false,
      unownedRecipient: 'group:default/platform-team',
      errorAfter: { runs: 3, durationMs: 2 * 60 * 60 * 1000 },
      // Detection notifies by its own settings; its errorAfter follows 2.4's unless set.
      detection: {
        enabled: true,
        transitions: new Set(['fail', 'error', 'recovery']),
        errorAfter: { runs: 3, durationMs: 2 * 60 * 60 * 1000 },
      },
    });
  });

  it('reads the detection notifications (cisAws.notifications.detection), on by default', () => {
    expect(read().detection).toEqual({
      enabled: true,
      transitions: new Set(['fail', 'error', 'recovery']),
      errorAfter: { runs: 2 },
    });
    expect(
      read({
        transitions: ['fail'],
        detection: {
          enabled: false,
          transitions: ['fail', 'recovery'],
          errorAfter: { runs: 5 },
        },
      }),
    ).toMatchObject({
      transitions: new Set(['fail']),
      detection: {
        enabled: false,
        transitions: new Set(['fail', 'recovery']),
        errorAfter: { runs: 5 },
      },
    });
    expect(
      read({ detection: { errorAfter: { duration: 'PT1H' } } }).detection
        .errorAfter,
    ).toEqual({ runs: 1, durationMs: 60 * 60 * 1000 });
    expect(
      read({ detection: { transitions: [] } }).detection.transitions.size,
    ).toBe(0);
  });

  it('rejects bad detection notification settings, naming each key', () => {
    let message = '';
    try {
      readCisAwsConfig(
        new ConfigReader({
          cisAws: {
            notifications: {
              detection: {
                enabled: 'sometimes',
                transitions: ['fail', 'resolved'],
                errorAfter: { runs: 0 },
                notifyFirstResult: false,
              },
            },
          },
        }),
      );
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('cisAws.notifications.detection.enabled');
    expect(message).toContain(
      'cisAws.notifications.detection.transitions: "resolved" is not one of fail, error, recovery',
    );
    expect(message).toContain(
      'cisAws.notifications.detection.errorAfter.runs: expected a whole number from 1 to 1000, got 0',
    );
    expect(message).toContain(
      'cisAws.notifications.detection.notifyFirstResult: is not a setting of the cis-aws plugin',
    );
    expect(() => read({ detection: true })).toThrow(
      /cisAws\.notifications\.detection/,
    );
  });

  it('tells of ERROR and UNKNOWN after two results in a row by default; a duration alone decides by itself', () => {
    expect(read().errorAfter).toEqual({ runs: 2 });
    expect(read({ errorAfter: { duration: { hours: 1 } } }).errorAfter).toEqual(
      { runs: 1, durationMs: 60 * 60 * 1000 },
    );
    expect(read({ errorAfter: { runs: 1 } }).errorAfter).toEqual({ runs: 1 });
  });

  it('rejects every wrong errorAfter value together, naming each key', () => {
    let message = '';
    try {
      read({
        errorAfter: { runs: 0, duration: { minutes: -5 } },
      });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain(
      'cisAws.notifications.errorAfter.runs: expected a whole number from 1 to 1000, got 0',
    );
    expect(message).toContain(
      'cisAws.notifications.errorAfter.duration: must not be negative',
    );
    expect(() => read({ errorAfter: { runs: 2.5 } })).toThrow(
      /errorAfter\.runs/,
    );
    expect(() => read({ errorAfter: 'PT1H' })).toThrow(
      /cisAws\.notifications\.errorAfter/,
    );
    expect(() =>
      readCisAwsConfig(
        new ConfigReader({
          cisAws: { notifications: { errorAfter: { count: 2 } } },
        }),
      ),
    ).toThrow(
      /cisAws\.notifications\.errorAfter\.count: is not a setting of the cis-aws plugin/,
    );
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

describe('cisAws.runs', () => {
  it('has defaults that take a dead replica’s accounts over within minutes, and reads every key', () => {
    const defaults = readCisAwsConfig(new ConfigReader({})).runs;
    expect(defaults).toEqual(DEFAULT_RUN_OPTIONS);
    expect(defaults.leaseDurationMs + defaults.workerFrequencyMs).toBeLessThan(
      5 * 60_000,
    );
    expect(
      readCisAwsConfig(
        new ConfigReader({
          cisAws: {
            runs: {
              replicaId: 'backstage-1',
              batchSize: 10,
              leaseDuration: 'PT6S',
              heartbeat: { seconds: 2 },
              workerFrequency: 'PT1S',
              accountWait: 'PT0S',
            },
          },
        }),
      ).runs,
    ).toEqual({
      replicaId: 'backstage-1',
      batchSize: 10,
      leaseDurationMs: 6000,
      heartbeatMs: 2000,
      workerFrequencyMs: 1000,
      accountWaitMs: 0,
    });
  });

  it('stops start-up on a wrong value, naming the key', () => {
    const message = problemsOf({
      runs: {
        batchSize: 0,
        leaseDuration: { minutes: 1 },
        heartbeat: { seconds: 40 },
        workerFrequency: '-PT5S',
        replicaId: 'has spaces',
      },
    });
    expect(message).toContain(
      'cisAws.runs.batchSize: expected a whole number from 1 to 1000, got 0',
    );
    expect(message).toContain(
      'cisAws.runs.heartbeat: must be at most half of cisAws.runs.leaseDuration',
    );
    expect(message).toContain('cisAws.runs.workerFrequency:');
    expect(message).toContain('cisAws.runs.replicaId:');
  });
});

describe('cisAws.events', () => {
  it('subscribes to cisAwsCloudTrail with a 10 s debounce by default, and reads every key', () => {
    expect(readCisAwsConfig(new ConfigReader({})).events).toEqual({
      enabled: true,
      topic: 'cisAwsCloudTrail',
      debounceMs: 10_000,
    });
    expect(
      readCisAwsConfig(
        new ConfigReader({
          cisAws: {
            events: {
              enabled: false,
              topic: 'aws-cloudtrail',
              debounce: 'PT0S',
            },
          },
        }),
      ).events,
    ).toEqual({ enabled: false, topic: 'aws-cloudtrail', debounceMs: 0 });
  });

  it('stops start-up on a wrong value, naming the key', () => {
    const message = problemsOf({
      events: {
        enabled: 3,
        topic: 'has spaces',
        debounce: { hours: 1 },
        debouce: 'PT1S',
      },
    });
    expect(message).toContain('cisAws.events.enabled:');
    expect(message).toContain('cisAws.events.topic:');
    expect(message).toContain(
      'cisAws.events.debounce: must be at most 15 minutes',
    );
    expect(message).toContain('cisAws.events.debouce');
    expect(problemsOf({ events: { debounce: '-PT5S' } })).toContain(
      'cisAws.events.debounce:',
    );
  });
});

describe('cisAws.detection', () => {
  const detectionOf = (detection: unknown) =>
    readCisAwsOptions(new ConfigReader({ cisAws: { detection } } as never))
      .detection;

  it('evaluates the seed baseline (3.3, 3.4, 3.5) with TestMetricFilter by default', () => {
    expect(readCisAwsOptions(new ConfigReader({})).detection).toEqual({
      enabled: true,
      checks: ['3.3', '3.4', '3.5'],
      testMetricFilter: true,
    });
    expect(detectionOf({ checks: 'baseline' }).checks).toEqual([
      '3.3',
      '3.4',
      '3.5',
    ]);
  });

  it('reads all fourteen, or a list in check order, and the other keys', () => {
    expect(detectionOf({ checks: 'all' }).checks).toEqual([
      '3.1',
      '3.2',
      '3.3',
      '3.4',
      '3.5',
      '3.6',
      '3.7',
      '3.8',
      '3.9',
      '3.10',
      '3.11',
      '3.12',
      '3.13',
      '3.14',
    ]);
    expect(
      detectionOf({
        enabled: false,
        checks: ['3.10', '3.1', '3.10'],
        testMetricFilter: false,
      }),
    ).toEqual({
      enabled: false,
      checks: ['3.1', '3.10'],
      testMetricFilter: false,
    });
  });

  it('stops start-up on a wrong value, naming the key', () => {
    expect(problemsOf({ detection: { checks: 'everything' } })).toContain(
      'cisAws.detection.checks: must be "baseline", "all" or a list of check ids',
    );
    expect(problemsOf({ detection: { checks: ['3.3', '3.15'] } })).toContain(
      'cisAws.detection.checks: "3.15" is not a check id',
    );
    expect(problemsOf({ detection: { checks: [] } })).toContain(
      'cisAws.detection.checks:',
    );
    const message = problemsOf({
      detection: { enabled: 'sometimes', testMetricFilter: 3, check: 'all' },
    });
    expect(message).toContain('cisAws.detection.enabled:');
    expect(message).toContain('cisAws.detection.testMetricFilter:');
    expect(message).toContain('cisAws.detection.check');
  });
});

/** The message of the error readCisAwsConfig throws for `cisAws`, or undefined when it reads. */
function problemsOf(cisAws: unknown): string | undefined {
  try {
    readCisAwsConfig(new ConfigReader({ cisAws } as never));
    return undefined;
  } catch (error) {
    expect((error as Error).name).toBe('InputError');
    return (error as Error).message;
  }
}

describe('readCisAwsConfig checks every value at start-up', () => {
  it('reports every problem together, one line per key, in one InputError', () => {
    const message = problemsOf({
      aws: { concurrency: 0, endpoint: 'not a url' },
      securityHub: { administratorAccountId: '12345' },
    });
    expect(message).toBe(
      [
        'Invalid cis-aws configuration, the plugin cannot start (3 problems):',
        '  - cisAws.aws.endpoint: "not a url" is not an http or https URL (such as http://127.0.0.1:4580; \'\' for the AWS endpoints)',
        '  - cisAws.aws.concurrency: expected a whole number from 1 to 64, got 0',
        '  - cisAws.securityHub.administratorAccountId: expected a 12-digit AWS account id, got "12345"',
      ].join('\n'),
    );
  });

  it('accepts the configurations this repository ships', () => {
    // app-config.yaml, app-config.production.yaml and the adopter's, as far as cisAws goes.
    expect(
      problemsOf({
        schedule: {
          frequency: { hours: 1 },
          timeout: { minutes: 30 },
          initialDelay: { seconds: 10 },
        },
        maxDeliveryAge: { hours: 24 },
        aws: {
          endpoint: 'http://127.0.0.1:4580',
          regions: ['us-east-1', 'eu-central-1', 'ap-east-1', 'us-gov-west-1'],
        },
        securityHub: {
          administratorAccountId: '402233445566',
          region: 'us-east-1',
        },
        exceptions: {
          approvers: ['group:default/security-team'],
          remindBefore: { days: 14 },
        },
        notifications: { enabled: false },
      }),
    ).toBeUndefined();
    expect(
      problemsOf({ aws: { endpoint: '', regions: null } }),
    ).toBeUndefined();
    expect(problemsOf(undefined)).toBeUndefined();
  });

  it.each([
    [
      { frequency: { minutes: -5 }, timeout: { minutes: 1 } },
      /cisAws\.schedule\.frequency: must not be negative, got minutes: -5/,
    ],
    // What two layered files merge into: an hour minus five minutes, which nobody meant.
    [
      { frequency: { hours: 1, minutes: -5 }, timeout: { minutes: 1 } },
      /cisAws\.schedule\.frequency: must not be negative/,
    ],
    [
      { frequency: 'PT1H-5M', timeout: { minutes: 1 } },
      /cisAws\.schedule\.frequency: must not be negative/,
    ],
    [
      { frequency: 'P0D', timeout: { minutes: 1 } },
      /cisAws\.schedule\.frequency: must be longer than zero/,
    ],
    [
      { frequency: { hours: 1 }, timeout: { minutes: -30 } },
      /cisAws\.schedule\.timeout: must not be negative/,
    ],
    [
      { frequency: { hours: 1 }, timeout: 'PT0S' },
      /cisAws\.schedule\.timeout: must be longer than zero/,
    ],
    [{ frequency: { hours: 1 } }, /cisAws\.schedule\.timeout: is required/],
    [{ timeout: { minutes: 1 } }, /cisAws\.schedule\.frequency: is required/],
    [
      {
        frequency: { hours: 1 },
        timeout: { minutes: 1 },
        initialDelay: { seconds: -1 },
      },
      /cisAws\.schedule\.initialDelay: must not be negative/,
    ],
    [
      { frequency: 'hourly', timeout: { minutes: 1 } },
      /cisAws\.schedule\.frequency: is not a duration/,
    ],
    [
      { frequency: { cron: '0 * * *' }, timeout: { minutes: 1 } },
      /cisAws\.schedule\.frequency\.cron: "0 \* \* \*" is not a cron expression: has 4 fields/,
    ],
    [
      { frequency: { cron: '61 * * * *' }, timeout: { minutes: 1 } },
      /cisAws\.schedule\.frequency\.cron: .*the minute "61" is out of range/,
    ],
    [
      { frequency: { trigger: 'sometimes' }, timeout: { minutes: 1 } },
      /cisAws\.schedule\.frequency\.trigger: the only trigger is "manual"/,
    ],
    [
      { frequency: { hours: 1 }, timeout: { minutes: 1 }, scope: 'cluster' },
      /cisAws\.schedule\.scope: must be "global" or "local", got "cluster"/,
    ],
  ])('refuses the schedule %j, naming the key', (schedule, expected) => {
    expect(problemsOf({ schedule })).toMatch(expected);
  });

  it('accepts durations, cron expressions, a manual trigger and no initial delay', () => {
    for (const schedule of [
      { frequency: 'PT6H', timeout: 'PT20M', scope: 'local' },
      { frequency: { cron: '0 */2 * * mon-fri' }, timeout: { minutes: 20 } },
      { frequency: { cron: '30 0 3 * * *' }, timeout: { minutes: 20 } },
      { frequency: { cron: '@daily' }, timeout: { minutes: 20 } },
      { frequency: { trigger: 'manual' }, timeout: { minutes: 20 } },
      {
        frequency: { hours: 1 },
        timeout: { minutes: 20 },
        initialDelay: { seconds: 0 },
      },
    ]) {
      expect({ schedule, problems: problemsOf({ schedule }) }).toEqual({
        schedule,
        problems: undefined,
      });
    }
    expect(
      readCisAwsConfig(
        new ConfigReader({
          cisAws: {
            schedule: { frequency: { cron: '0 3 * * *' }, timeout: 'PT1H' },
          },
        }),
      ).schedule,
    ).toMatchObject({
      frequency: { cron: '0 3 * * *' },
      timeout: { hours: 1 },
    });
  });

  it.each([
    [
      { aws: { endpoint: 'ftp://example.com' } },
      /cisAws\.aws\.endpoint: "ftp:\/\/example\.com" is not an http or https URL/,
    ],
    [{ aws: { endpoint: 4580 } }, /cisAws\.aws\.endpoint: expected a URL/],
    [
      { securityHub: { administratorAccountId: 402233445566 } },
      /cisAws\.securityHub\.administratorAccountId: write the account id in quotes \('402233445566'\)/,
    ],
    [
      { securityHub: { administratorAccountId: '4022-3344-5566' } },
      /cisAws\.securityHub\.administratorAccountId: expected a 12-digit AWS account id/,
    ],
    [
      { securityHub: { region: 'US East' } },
      /cisAws\.securityHub\.region: "US East" is not an AWS region name/,
    ],
    [
      { securityHub: { enabled: 'yes please' } },
      /cisAws\.securityHub\.enabled: /,
    ],
    [
      { aws: { defaultRegion: 'useast1' } },
      /cisAws\.aws\.defaultRegion: "useast1" is not an AWS region name/,
    ],
    [
      { aws: { regions: ['us-east-1', 'eu-west', 'Frankfurt'] } },
      /cisAws\.aws\.regions: not AWS region names \(like us-east-1\): "eu-west", "Frankfurt"/,
    ],
    [
      { aws: { inventory: 'region', regions: [] } },
      /cisAws\.aws\.regions: is empty/,
    ],
    [
      { aws: { inventory: 'organization' } },
      /cisAws\.aws\.inventory: must be "account" or "region", got "organization"/,
    ],
    [
      { aws: { concurrency: 65 } },
      /cisAws\.aws\.concurrency: expected a whole number from 1 to 64, got 65/,
    ],
    [
      { aws: { concurrency: 2.5 } },
      /cisAws\.aws\.concurrency: expected a whole number/,
    ],
    [{ aws: { concurrency: 'many' } }, /cisAws\.aws\.concurrency: /],
    [
      { aws: { maxAttempts: 0 } },
      /cisAws\.aws\.maxAttempts: expected a whole number from 1 to 10, got 0/,
    ],
    [
      { aws: { requestTimeoutMs: 20 } },
      /cisAws\.aws\.requestTimeoutMs: expected a whole number from 1000 to 300000, got 20/,
    ],
    [
      { maxDeliveryAge: { hours: -24 } },
      /cisAws\.maxDeliveryAge: must not be negative/,
    ],
    [
      { aws: { rolePolicyMaxAge: { hours: -1 } } },
      /cisAws\.aws\.rolePolicyMaxAge: must not be negative/,
    ],
    [
      { history: { retention: 'P0D' } },
      /cisAws\.history\.retention: must be longer than zero/,
    ],
    [
      { evidence: { historyPeriod: { days: -90 } } },
      /cisAws\.evidence\.historyPeriod: must not be negative/,
    ],
    [
      { evidence: { scope: '  ' } },
      /cisAws\.evidence\.scope: must not be blank/,
    ],
    [
      { evidence: { signingKey: 'short-secret-value' } },
      /cisAws\.evidence\.signingKey: must be at least 32 characters(?![^]*short-secret-value)/,
    ],
    [
      { exceptions: { maxDuration: 'PT0S' } },
      /cisAws\.exceptions\.maxDuration: must be longer than zero/,
    ],
    [
      { notifications: { transitions: ['fail', 'recovered'] } },
      /cisAws\.notifications\.transitions: "recovered" is not one of fail, error, recovery/,
    ],
    [
      { notifications: { unownedRecipient: 'platform-team' } },
      /cisAws\.notifications\.unownedRecipient: "platform-team" is not an entity ref/,
    ],
    [
      { aws: { concurency: 4 } },
      /cisAws\.aws\.concurency: is not a setting of the cis-aws plugin \(known under cisAws\.aws: endpoint, inventory, regions, defaultRegion, concurrency, maxAttempts, requestTimeoutMs, rolePolicyMaxAge\)/,
    ],
    [
      { securityhub: { enabled: false } },
      /cisAws\.securityhub: is not a setting of the cis-aws plugin/,
    ],
    [{ aws: 'simulator' }, /cisAws\.aws: /],
  ])('refuses %j, naming the key', (cisAws, expected) => {
    expect(problemsOf(cisAws)).toMatch(expected);
  });

  it('stops the evidence command too (readCisAwsOptions), with the same message', () => {
    expect(() =>
      readCisAwsOptions(
        new ConfigReader({ cisAws: { aws: { endpoint: 'not a url' } } }),
      ),
    ).toThrow(/cisAws\.aws\.endpoint: "not a url" is not an http or https URL/);
  });
});

describe('cronProblem', () => {
  it.each([
    '* * * * *',
    '*/15 * * * *',
    '0 0-6/2 1,15 jan-jun sun',
    '0 0 3 * * 7',
    '5/10 * * * * *',
    '@hourly',
    ' 0 3 * * MON ',
  ])('reads %j', expression => {
    expect(cronProblem(expression)).toBeUndefined();
  });

  it.each([
    ['', 'has 0 fields'],
    ['* * * * * * *', 'has 7 fields'],
    ['60 * * * *', 'the minute "60" is out of range (0-59)'],
    ['0 24 * * *', 'the hour "24" is out of range (0-23)'],
    ['0 0 0 * *', 'the day of month "0" is out of range (1-31)'],
    ['0 0 * 13 *', 'the month "13" is out of range (1-12)'],
    ['0 0 * * 8', 'the day of week "8" is out of range (0-7)'],
    ['*/0 * * * *', 'the minute "*/0" has a step of zero'],
    ['5-1 * * * *', 'the minute "5-1" is a backwards range'],
    ['1* * * * *', 'the minute "1*" has a misplaced *'],
    ['0 0 * * monday', '"monday" is not a month or day name'],
    ['-5 * * * *', 'the minute "-5" cannot be parsed'],
    ['@fortnightly', 'unknown preset @fortnightly'],
  ])('refuses %j: %s', (expression, problem) => {
    expect(cronProblem(expression)).toContain(problem);
  });
});

describe('cisAws.evidence.signingKey', () => {
  it('is read when long enough, absent otherwise, and counted among the secrets never echoed', () => {
    const key = 'k'.repeat(40);
    expect(
      readCisAwsOptions(
        new ConfigReader({ cisAws: { evidence: { signingKey: key } } }),
      ).evidence.signingKey,
    ).toBe(key);
    expect(readCisAwsOptions(new ConfigReader({})).evidence).not.toHaveProperty(
      'signingKey',
    );
    expect(
      configuredSecrets(
        new ConfigReader({ cisAws: { evidence: { signingKey: key } } }),
      ),
    ).toContain(key);
  });
});

describe('readExceptionOptions', () => {
  it('has no approvers and reminds 14 days ahead by default', () => {
    expect(readExceptionOptions(new ConfigReader({}))).toEqual({
      approvers: [],
      remindBeforeMs: 14 * DAY,
    });
  });

  it('reads approver groups as full refs and the reminder lead time', () => {
    expect(
      readExceptionOptions(
        new ConfigReader({
          cisAws: {
            exceptions: {
              approvers: ['group:security-team', 'Group:default/risk'],
              remindBefore: { days: 7 },
            },
          },
        }),
      ),
    ).toEqual({
      approvers: ['group:default/security-team', 'group:default/risk'],
      remindBeforeMs: 7 * DAY,
    });
  });

  it('refuses an approver that is not a group and a wrong lead time, naming the keys', () => {
    const readConfig = () =>
      readCisAwsConfig(
        new ConfigReader({
          cisAws: {
            exceptions: {
              approvers: ['user:default/alice', 'not a ref:'],
              remindBefore: 'soon',
            },
          },
        }),
      );
    expect(readConfig).toThrow(
      /cisAws\.exceptions\.approvers: "user:default\/alice" is not a group entity ref/,
    );
    expect(readConfig).toThrow(
      /cisAws\.exceptions\.remindBefore: is not a duration/,
    );
  });
});
