import { DetectionVerdict, Verdict } from '@cis-aws/plugin-cis-aws-common';
import type { NotificationState } from '../storage/notificationStates';
import {
  NotificationOptions,
  NotificationTransition,
  PersistenceThreshold,
} from './options';

/** A verdict the owner can be told about as bad. */
export type NotifiedVerdict = NonNullable<NotificationState['notified']>;

export type { NotificationState };

export const EMPTY_NOTIFICATION_STATE: NotificationState = {
  undecidedResults: 0,
  undecidedFromFirstResult: false,
};

/** A verdict of any control: CIS 2.4's, or detection's (which adds NOT_APPLICABLE). */
export type ControlVerdict = Verdict | DetectionVerdict;

/** One saved result of an account (for one control), as the notifier sees it. */
export interface SavedResult {
  verdict: ControlVerdict;
  evaluatedAt: string;
  /** The account had no result before this one. */
  firstResult: boolean;
}

/** What to tell an owner. */
export interface NotificationDecision {
  transition: NotificationTransition;
  /** The bad verdict a recovery recovers from, or the one the owner was told before. */
  previous?: NotifiedVerdict;
}

const UNDECIDED: readonly Verdict[] = ['ERROR', 'UNKNOWN'];

/**
 * Whether a saved result is worth telling the account's owner about, and what to remember.
 * Called for every saved result, changed or not, in order (it counts results).
 *
 * - FAIL notifies at once, unless the owner was already told it fails (a new reason under FAIL,
 *   or FAIL → UNKNOWN → FAIL, is no news). A first result counts unless `notifyFirstResult` is
 *   off.
 * - ERROR and UNKNOWN notify only when they persist (`errorAfter`: that many results in a row,
 *   and that long since the first of them), once per stretch, whichever of the two it is now:
 *   one throttled run, a 500 or a connection reset must not tell the owner anything, nor then
 *   that it "recovered". A stretch that began with the account's first result counts as a
 *   first result.
 * - A recovery (PASS or EXEMPT) notifies only when the owner was told about the failure or the
 *   error it recovers from: nothing else was announced, so nothing needs closing.
 * - NOT_APPLICABLE (detection: no trail delivers to a log group, which 2.4 already tells) is
 *   silent: it keeps what the owner was told, so a later FAIL is no news and a later PASS
 *   closes what is open; it ends a stretch of results that could not decide.
 * A transition missing from `transitions` is neither sent nor remembered as told. The same rules
 * serve every control; each has its own state (and its own notification).
 */
export function decideNotification(input: {
  state: NotificationState;
  result: SavedResult;
  options: Pick<
    NotificationOptions,
    'transitions' | 'notifyFirstResult' | 'errorAfter'
  >;
}): { decision?: NotificationDecision; state: NotificationState } {
  const { state, result, options } = input;
  const send = (transition: NotificationTransition) =>
    options.transitions.has(transition);

  if (result.verdict === 'PASS' || result.verdict === 'EXEMPT') {
    const next = { ...EMPTY_NOTIFICATION_STATE };
    return state.notified && send('recovery')
      ? {
          decision: { transition: 'recovery', previous: state.notified },
          state: next,
        }
      : { state: next };
  }

  if (result.verdict === 'FAIL') {
    const quiet = result.firstResult && !options.notifyFirstResult;
    const next: NotificationState = {
      ...EMPTY_NOTIFICATION_STATE,
      notified: state.notified,
    };
    if (state.notified === 'FAIL' || quiet || !send('fail')) {
      return { state: next };
    }
    return {
      decision: { transition: 'fail', previous: state.notified },
      state: { ...next, notified: 'FAIL' },
    };
  }

  if (result.verdict === 'NOT_APPLICABLE') {
    return {
      state: { ...EMPTY_NOTIFICATION_STATE, notified: state.notified },
    };
  }

  // ERROR or UNKNOWN: one more result that could not decide.
  const next: NotificationState = {
    notified: state.notified,
    undecidedResults: state.undecidedResults + 1,
    undecidedSince: state.undecidedSince ?? result.evaluatedAt,
    undecidedFromFirstResult:
      state.undecidedResults === 0
        ? result.firstResult
        : state.undecidedFromFirstResult,
  };
  const alreadyTold =
    state.notified !== undefined && UNDECIDED.includes(state.notified);
  const quiet = next.undecidedFromFirstResult && !options.notifyFirstResult;
  if (
    alreadyTold ||
    quiet ||
    !send('error') ||
    !persists(next, result, options.errorAfter)
  ) {
    return { state: next };
  }
  return {
    decision: { transition: 'error', previous: state.notified },
    state: { ...next, notified: result.verdict as NotifiedVerdict },
  };
}

function persists(
  state: NotificationState,
  result: SavedResult,
  threshold: PersistenceThreshold,
): boolean {
  if (state.undecidedResults < threshold.runs) return false;
  if (threshold.durationMs === undefined) return true;
  const lasted =
    Date.parse(result.evaluatedAt) - Date.parse(state.undecidedSince!);
  return lasted >= threshold.durationMs;
}

/**
 * The state of an account the notifier has no record of: one evaluated before this state was
 * kept, when every change into FAIL or ERROR was told at once, or one never evaluated.
 */
export function stateBeforeRecords(
  previousVerdict: Verdict | undefined,
): NotificationState {
  return previousVerdict === 'FAIL' || previousVerdict === 'ERROR'
    ? { ...EMPTY_NOTIFICATION_STATE, notified: previousVerdict }
    : { ...EMPTY_NOTIFICATION_STATE };
}
