import { Verdict } from '@cis-aws/plugin-cis-aws-common';
import { NotificationOptions, NotificationTransition } from './options';

const GOOD: readonly Verdict[] = ['PASS', 'EXEMPT'];
const BAD: readonly Verdict[] = ['FAIL', 'ERROR'];

/** An account's verdict change, as the store records it. */
export interface AccountVerdictChange {
  /** Absent for the account's first result ever. */
  from?: Verdict;
  to: Verdict;
}

/** What to tell an owner about a verdict change. */
export interface NotificationDecision {
  transition: NotificationTransition;
  /**
   * The verdict before the change, looking through UNKNOWN (undefined for a
   * first result, or when what came before UNKNOWN is no longer known).
   */
  previous?: Verdict;
}

/**
 * Whether a change of an account's verdict is worth telling its owner about,
 * and as what; undefined when it is not.
 *
 * - Into FAIL or ERROR, from anything else (ERROR → FAIL and FAIL → ERROR
 *   included: the owner's notification then says what is true now). A first
 *   result ever counts unless `notifyFirstResult` is off.
 * - A recovery: from FAIL or ERROR into PASS or EXEMPT.
 *
 * The same verdict with a new reason (the store records that as a change
 * too) notifies nothing: the verdict did not change, and the notification's
 * link leads to the current reasons.
 *
 * UNKNOWN is transparent. Going into it says nothing: it means "not enough
 * could be seen to decide" (an unreadable trail, an organization trail of an
 * account not evaluated here), nothing the owner can fix, and it often clears
 * on the next run. Leaving it is judged against the verdict before it
 * (`verdictBeforeUnknown`): FAIL → UNKNOWN → PASS is a recovery that closes
 * the failure the owner was told about, and FAIL → UNKNOWN → FAIL is no news.
 */
export function decideTransition(
  change: AccountVerdictChange,
  options: Pick<
    NotificationOptions,
    'enabled' | 'transitions' | 'notifyFirstResult'
  >,
  verdictBeforeUnknown?: Verdict,
): NotificationDecision | undefined {
  if (!options.enabled || change.from === change.to) return undefined;
  // Seen through UNKNOWN: the verdict the account had before it.
  const previous =
    change.from === 'UNKNOWN' ? verdictBeforeUnknown : change.from;
  const transition = classify(change.to, previous);
  if (!transition || !options.transitions.has(transition)) return undefined;
  if (change.from === undefined && !options.notifyFirstResult) {
    return undefined;
  }
  return { transition, previous };
}

function classify(
  to: Verdict,
  previous: Verdict | undefined,
): NotificationTransition | undefined {
  if (to === previous) return undefined;
  if (to === 'FAIL') return 'fail';
  if (to === 'ERROR') return 'error';
  if (GOOD.includes(to) && previous && BAD.includes(previous)) {
    return 'recovery';
  }
  return undefined;
}

/** Whether deciding `change` needs the verdict the account had before UNKNOWN. */
export function needsVerdictBeforeUnknown(
  change: AccountVerdictChange,
): boolean {
  return change.from === 'UNKNOWN' && change.to !== 'UNKNOWN';
}
