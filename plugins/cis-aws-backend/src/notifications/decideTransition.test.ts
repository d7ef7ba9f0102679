import { Verdict } from '@cis-aws/plugin-cis-aws-common';
import {
  ControlVerdict,
  decideNotification,
  EMPTY_NOTIFICATION_STATE,
  NotificationState,
  stateBeforeRecords,
} from './decideTransition';
import {
  DEFAULT_NOTIFICATION_OPTIONS,
  NotificationOptions,
  NotificationTransition,
} from './options';

const HOUR_MS = 60 * 60 * 1000;

function options(
  overrides: Partial<NotificationOptions> = {},
): NotificationOptions {
  return { ...DEFAULT_NOTIFICATION_OPTIONS, ...overrides };
}

/**
 * Feeds the results one an hour, as the scheduled runs would, and says what each notified
 * (`-` for nothing).
 */
function notifiedAlong(
  verdicts: ControlVerdict[],
  opts = options(),
  start: NotificationState = EMPTY_NOTIFICATION_STATE,
): string[] {
  let state = start;
  return verdicts.map((verdict, i) => {
    const { decision, state: next } = decideNotification({
      state,
      result: {
        verdict,
        evaluatedAt: new Date(Date.UTC(2026, 0, 1) + i * HOUR_MS).toISOString(),
        firstResult: i === 0 && start === EMPTY_NOTIFICATION_STATE,
      },
      options: opts,
    });
    state = next;
    return decision ? `${decision.transition}` : '-';
  });
}

describe('decideNotification', () => {
  it('tells about FAIL at once, and once: a new reason or another FAIL is no news', () => {
    expect(notifiedAlong(['PASS', 'FAIL', 'FAIL', 'FAIL'])).toEqual([
      '-',
      'fail',
      '-',
      '-',
    ]);
  });

  it('tells nothing about one ERROR (a throttled run, a 500): it clears by the next run, with no recovery', () => {
    expect(notifiedAlong(['PASS', 'ERROR', 'PASS', 'UNKNOWN', 'PASS'])).toEqual(
      ['-', '-', '-', '-', '-'],
    );
  });

  it('tells about ERROR or UNKNOWN once it persists (two results in a row by default), once per stretch', () => {
    expect(
      notifiedAlong(['PASS', 'ERROR', 'ERROR', 'ERROR', 'UNKNOWN', 'ERROR']),
    ).toEqual(['-', '-', 'error', '-', '-', '-']);
    // ERROR and UNKNOWN together make one stretch.
    expect(notifiedAlong(['PASS', 'UNKNOWN', 'ERROR'])).toEqual([
      '-',
      '-',
      'error',
    ]);
  });

  it('recovers only from what the owner was told', () => {
    expect(
      notifiedAlong(['PASS', 'ERROR', 'ERROR', 'PASS', 'FAIL', 'EXEMPT']),
    ).toEqual(['-', '-', 'error', 'recovery', 'fail', 'recovery']);
    // The failure the owner was told about stays open through a short ERROR or UNKNOWN.
    expect(notifiedAlong(['FAIL', 'UNKNOWN', 'FAIL', 'ERROR', 'PASS'])).toEqual(
      ['fail', '-', '-', '-', 'recovery'],
    );
  });

  it('says what the owner was told before', () => {
    const told = (previous: Verdict[], now: Verdict) => {
      let state = EMPTY_NOTIFICATION_STATE;
      for (const verdict of previous) {
        state = decideNotification({
          state,
          result: {
            verdict,
            evaluatedAt: '2026-01-01T00:00:00.000Z',
            firstResult: false,
          },
          options: options(),
        }).state;
      }
      return decideNotification({
        state,
        result: {
          verdict: now,
          evaluatedAt: '2026-01-01T01:00:00.000Z',
          firstResult: false,
        },
        options: options(),
      }).decision;
    };
    expect(told(['FAIL'], 'PASS')).toEqual({
      transition: 'recovery',
      previous: 'FAIL',
    });
    expect(told(['ERROR', 'ERROR'], 'FAIL')).toEqual({
      transition: 'fail',
      previous: 'ERROR',
    });
    expect(told(['FAIL', 'UNKNOWN'], 'UNKNOWN')).toEqual({
      transition: 'error',
      previous: 'FAIL',
    });
  });

  it('counts runs and time: both conditions that are set must hold', () => {
    const errors: Verdict[] = ['PASS', 'ERROR', 'ERROR', 'ERROR', 'ERROR'];
    // One an hour: 2 results and 2 hours first holds at the third ERROR (2 h after the first).
    expect(
      notifiedAlong(
        errors,
        options({ errorAfter: { runs: 2, durationMs: 2 * HOUR_MS } }),
      ),
    ).toEqual(['-', '-', '-', 'error', '-']);
    // Time alone.
    expect(
      notifiedAlong(
        errors,
        options({ errorAfter: { runs: 1, durationMs: 3 * HOUR_MS } }),
      ),
    ).toEqual(['-', '-', '-', '-', 'error']);
    // runs: 1 is the old behaviour, at once.
    expect(notifiedAlong(errors, options({ errorAfter: { runs: 1 } }))).toEqual(
      ['-', 'error', '-', '-', '-'],
    );
  });

  it('keeps quiet about first results when notifyFirstResult is off, a stretch that began with one too', () => {
    const quiet = options({ notifyFirstResult: false });
    expect(notifiedAlong(['FAIL', 'PASS', 'FAIL'], quiet)).toEqual([
      '-',
      '-',
      'fail',
    ]);
    expect(notifiedAlong(['ERROR', 'ERROR', 'ERROR'], quiet)).toEqual([
      '-',
      '-',
      '-',
    ]);
    expect(notifiedAlong(['FAIL', 'ERROR'], options())).toEqual(['fail', '-']);
  });

  it('sends only the configured transitions, and a transition not sent is not remembered as told', () => {
    const onlyFail = options({
      transitions: new Set<NotificationTransition>(['fail']),
    });
    expect(
      notifiedAlong(
        ['PASS', 'ERROR', 'ERROR', 'PASS', 'FAIL', 'PASS'],
        onlyFail,
      ),
    ).toEqual(['-', '-', '-', '-', 'fail', '-']);
    const noFail = options({
      transitions: new Set<NotificationTransition>(['error', 'recovery']),
    });
    // The FAIL was never told, so its end is no recovery.
    expect(notifiedAlong(['FAIL', 'PASS'], noFail)).toEqual(['-', '-']);
  });

  it('takes an account evaluated before these records as told about its FAIL or ERROR', () => {
    expect(
      notifiedAlong(['FAIL', 'PASS'], options(), stateBeforeRecords('FAIL')),
    ).toEqual(['-', 'recovery']);
    expect(
      notifiedAlong(['PASS'], options(), stateBeforeRecords('UNKNOWN')),
    ).toEqual(['-']);
  });

  describe('for detection content (cis-3.x-detection: PASS, FAIL, ERROR, NOT_APPLICABLE)', () => {
    const detection = options({
      transitions: DEFAULT_NOTIFICATION_OPTIONS.detection.transitions,
      errorAfter: DEFAULT_NOTIFICATION_OPTIONS.detection.errorAfter,
    });

    it('tells PASS → FAIL at once and FAIL → PASS as resolved', () => {
      expect(
        notifiedAlong(['PASS', 'FAIL', 'FAIL', 'PASS', 'PASS'], detection),
      ).toEqual(['-', 'fail', '-', 'recovery', '-']);
    });

    it('tells ERROR only once it persists, by the same errorAfter rule', () => {
      expect(
        notifiedAlong(
          ['PASS', 'ERROR', 'PASS', 'ERROR', 'ERROR', 'ERROR'],
          detection,
        ),
      ).toEqual(['-', '-', '-', '-', 'error', '-']);
      expect(
        notifiedAlong(
          ['FAIL', 'ERROR', 'ERROR', 'PASS'],
          options({ errorAfter: { runs: 3 } }),
        ),
      ).toEqual(['fail', '-', '-', 'recovery']);
    });

    it('is silent about NOT_APPLICABLE, and keeps what the owner was told', () => {
      // Never told: N/A says nothing, nor does the PASS after it.
      expect(
        notifiedAlong(['PASS', 'NOT_APPLICABLE', 'PASS'], detection),
      ).toEqual(['-', '-', '-']);
      // Told FAIL: N/A closes nothing; FAIL again is no news; PASS resolves it.
      expect(
        notifiedAlong(
          ['FAIL', 'NOT_APPLICABLE', 'FAIL', 'NOT_APPLICABLE', 'PASS'],
          detection,
        ),
      ).toEqual(['fail', '-', '-', '-', 'recovery']);
      // N/A ends a stretch of ERRORs: one ERROR on each side of it is not two in a row.
      expect(
        notifiedAlong(['PASS', 'ERROR', 'NOT_APPLICABLE', 'ERROR'], detection),
      ).toEqual(['-', '-', '-', '-']);
    });

    it('sends only the configured transitions', () => {
      expect(
        notifiedAlong(
          ['PASS', 'FAIL', 'PASS'],
          options({ transitions: new Set<NotificationTransition>(['fail']) }),
        ),
      ).toEqual(['-', 'fail', '-']);
    });
  });
});
