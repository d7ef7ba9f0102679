import { Verdict, VERDICTS } from '@cis-aws/plugin-cis-aws-common';
import { decideTransition } from './decideTransition';
import {
  DEFAULT_NOTIFICATION_OPTIONS,
  NotificationOptions,
  NotificationTransition,
} from './options';

function options(
  overrides: Partial<NotificationOptions> = {},
): NotificationOptions {
  return { ...DEFAULT_NOTIFICATION_OPTIONS, ...overrides };
}

const transition = (
  from: Verdict | undefined,
  to: Verdict,
  opts = options(),
  verdictBeforeUnknown?: Verdict,
) => decideTransition({ from, to }, opts, verdictBeforeUnknown)?.transition;

describe('decideTransition', () => {
  /** Every change between two different verdicts, and what it notifies by default. */
  const EXPECTED: Record<string, NotificationTransition | undefined> = {
    'PASS→FAIL': 'fail',
    'PASS→ERROR': 'error',
    'PASS→UNKNOWN': undefined,
    'PASS→EXEMPT': undefined,
    'FAIL→PASS': 'recovery',
    'FAIL→ERROR': 'error',
    'FAIL→UNKNOWN': undefined,
    'FAIL→EXEMPT': 'recovery',
    'ERROR→PASS': 'recovery',
    'ERROR→FAIL': 'fail',
    'ERROR→UNKNOWN': undefined,
    'ERROR→EXEMPT': 'recovery',
    'UNKNOWN→PASS': undefined,
    'UNKNOWN→FAIL': 'fail',
    'UNKNOWN→ERROR': 'error',
    'UNKNOWN→EXEMPT': undefined,
    'EXEMPT→PASS': undefined,
    'EXEMPT→FAIL': 'fail',
    'EXEMPT→ERROR': 'error',
    'EXEMPT→UNKNOWN': undefined,
  };

  it.each(
    VERDICTS.flatMap(from =>
      VERDICTS.filter(to => to !== from).map(to => [`${from}→${to}`] as const),
    ),
  )('%s', name => {
    const [from, to] = name.split('→') as [Verdict, Verdict];
    expect(transition(from, to)).toBe(EXPECTED[name]);
  });

  it('says nothing when the verdict stays (a new reason under the same verdict)', () => {
    for (const verdict of VERDICTS) {
      expect(transition(verdict, verdict)).toBeUndefined();
    }
  });

  it('tells about a first result that fails or errors, not one that passes', () => {
    expect(transition(undefined, 'FAIL')).toBe('fail');
    expect(transition(undefined, 'ERROR')).toBe('error');
    expect(transition(undefined, 'PASS')).toBeUndefined();
    expect(transition(undefined, 'EXEMPT')).toBeUndefined();
    expect(transition(undefined, 'UNKNOWN')).toBeUndefined();
  });

  it('keeps quiet about first results when notifyFirstResult is off', () => {
    const opts = options({ notifyFirstResult: false });
    expect(transition(undefined, 'FAIL', opts)).toBeUndefined();
    expect(transition(undefined, 'ERROR', opts)).toBeUndefined();
    expect(transition('PASS', 'FAIL', opts)).toBe('fail');
  });

  it('sends only the configured transitions', () => {
    const opts = options({ transitions: new Set(['fail']) });
    expect(transition('PASS', 'FAIL', opts)).toBe('fail');
    expect(transition('PASS', 'ERROR', opts)).toBeUndefined();
    expect(transition('FAIL', 'PASS', opts)).toBeUndefined();
  });

  it('sends nothing when notifications are off', () => {
    expect(
      transition('PASS', 'FAIL', options({ enabled: false })),
    ).toBeUndefined();
  });

  describe('through UNKNOWN', () => {
    it('counts leaving UNKNOWN for PASS as a recovery when the account failed before it', () => {
      expect(
        decideTransition({ from: 'UNKNOWN', to: 'PASS' }, options(), 'FAIL'),
      ).toEqual({ transition: 'recovery', previous: 'FAIL' });
      expect(transition('UNKNOWN', 'EXEMPT', options(), 'ERROR')).toBe(
        'recovery',
      );
    });

    it('says nothing when the account was fine before UNKNOWN, or nobody knows', () => {
      expect(transition('UNKNOWN', 'PASS', options(), 'PASS')).toBeUndefined();
      expect(
        transition('UNKNOWN', 'PASS', options(), undefined),
      ).toBeUndefined();
    });

    it('says nothing when the account is back to the failure it had before UNKNOWN', () => {
      expect(transition('UNKNOWN', 'FAIL', options(), 'FAIL')).toBeUndefined();
      expect(
        transition('UNKNOWN', 'ERROR', options(), 'ERROR'),
      ).toBeUndefined();
      expect(transition('UNKNOWN', 'FAIL', options(), 'ERROR')).toBe('fail');
    });
  });

  it('names the verdict before the change', () => {
    expect(decideTransition({ from: 'ERROR', to: 'PASS' }, options())).toEqual({
      transition: 'recovery',
      previous: 'ERROR',
    });
    expect(decideTransition({ to: 'FAIL' }, options())).toEqual({
      transition: 'fail',
      previous: undefined,
    });
  });
});
