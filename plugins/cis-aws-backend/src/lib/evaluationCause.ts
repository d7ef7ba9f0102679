import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Why an evaluation is happening, when something other than the schedule asked for it: carried
 * through the evaluation (AsyncLocalStorage) so that what is told about its result (the owner's
 * notification, the stored cause) can say what changed and who changed it, without every layer
 * in between passing it on.
 */
export interface EvaluationCause {
  trigger: 'event';
  /** The CloudTrail event that set it off (the first of a debounced burst). */
  eventName: string;
  eventSource?: string;
  principal?: string;
  principalArn?: string;
  eventTime?: string;
  eventId?: string;
  resource?: string;
  /** How many relevant events the burst held (1 when alone). */
  eventCount: number;
  /** The other event names of the burst, in order, without repeats. */
  otherEventNames: string[];
  /** When this backend received the first event, ISO 8601. */
  receivedAt: string;
}

const storage = new AsyncLocalStorage<EvaluationCause>();

/** Runs `fn` with `cause` as the cause of what it evaluates. */
export function withEvaluationCause<T>(
  cause: EvaluationCause,
  fn: () => Promise<T>,
): Promise<T> {
  return storage.run(cause, fn);
}

/** The cause of the evaluation under way, if an event set it off. */
export function currentEvaluationCause(): EvaluationCause | undefined {
  return storage.getStore();
}

/** "StopLogging by alice" (and "+ 2 more events" for a burst). */
export function describeCause(cause: EvaluationCause): string {
  const by = cause.principal ? ` by ${cause.principal}` : '';
  const more =
    cause.eventCount > 1
      ? ` (and ${cause.eventCount - 1} more event${
          cause.eventCount > 2 ? 's' : ''
        })`
      : '';
  return `${cause.eventName}${by}${more}`;
}
