import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import {
  CloudTrailChange,
  mapCloudTrailEvent,
} from '../rules/cloudTrailEvents';
import { EvaluationCause, withEvaluationCause } from '../lib/evaluationCause';
import type { AccountGate } from './AccountGate';
import type { EvaluationEngine } from './EvaluationEngine';

/** What {@link EventReevaluator} is made of. */
export interface EventReevaluatorDeps {
  gate: Pick<AccountGate, 'evaluateAccount'>;
  engine: Pick<EvaluationEngine, 'readCatalog'>;
  logger: LoggerService;
  /** Events for one account arriving within this long of the first are evaluated together. */
  debounceMs: number;
  now?: () => Date;
}

interface Pending {
  first: CloudTrailChange;
  names: string[];
  count: number;
  receivedAt: Date;
  timer: ReturnType<typeof setTimeout>;
}

/** What happened to one event handed to {@link EventReevaluator.onEvent}. */
export type EventHandling =
  | { handled: 'scheduled'; accountId: string }
  | { handled: 'ignored'; reason: string };

/**
 * Re-evaluates an account soon after a CloudTrail event says something that CIS 2.4 depends on
 * changed in it. Events come from the events system (the SQS module or the HTTP ingress, see
 * docs/events.md); each is mapped to its account (rules/cloudTrailEvents), events for accounts
 * outside the catalog and irrelevant events are ignored, and a burst for one account is debounced:
 * the first event starts a timer of `debounceMs`, later ones join it, and one evaluation follows —
 * through the account gate (`AccountGate.evaluateAccount`), so it never overlaps another
 * evaluation of the account on any replica. The evaluation carries the first event as its cause
 * (lib/evaluationCause), which the stored cause and the owner's notification name.
 */
export class EventReevaluator {
  private readonly pending = new Map<string, Pending>();
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;
  private readonly now: () => Date;

  static create(deps: EventReevaluatorDeps): EventReevaluator {
    return new EventReevaluator(deps);
  }

  private constructor(private readonly deps: EventReevaluatorDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** For `EventsService.subscribe`: one event's payload. Never throws. */
  readonly onEvent = async (event: {
    eventPayload: unknown;
  }): Promise<EventHandling> => {
    const mapped = mapCloudTrailEvent(event.eventPayload);
    if (mapped.kind === 'ignored') {
      this.deps.logger.debug(`CloudTrail event ignored: ${mapped.reason}`);
      return { handled: 'ignored', reason: mapped.reason };
    }
    const { change } = mapped;
    const joining = this.pending.get(change.accountId);
    if (joining) {
      joining.count += 1;
      if (!joining.names.includes(change.eventName))
        joining.names.push(change.eventName);
      return { handled: 'scheduled', accountId: change.accountId };
    }
    let inCatalog: boolean;
    try {
      const catalog = await this.deps.engine.readCatalog();
      inCatalog = catalog.mappings.some(m => m.accountId === change.accountId);
    } catch (error) {
      this.deps.logger.warn(
        'could not read the catalog for a CloudTrail event; the next scheduled run checks the account',
        { accountId: change.accountId, error: toError(error).message },
      );
      return { handled: 'ignored', reason: 'catalog unreadable' };
    }
    if (!inCatalog) {
      return {
        handled: 'ignored',
        reason: `account ${change.accountId} is not in the catalog`,
      };
    }
    // Another event of the burst may have joined while the catalog was read.
    const raced = this.pending.get(change.accountId);
    if (raced) {
      raced.count += 1;
      if (!raced.names.includes(change.eventName))
        raced.names.push(change.eventName);
      return { handled: 'scheduled', accountId: change.accountId };
    }
    if (this.closed) return { handled: 'ignored', reason: 'shutting down' };
    const timer = setTimeout(
      () => this.fire(change.accountId),
      this.deps.debounceMs,
    );
    this.pending.set(change.accountId, {
      first: change,
      names: [change.eventName],
      count: 1,
      receivedAt: this.now(),
      timer,
    });
    this.deps.logger.info('CloudTrail change seen; re-evaluating soon', {
      accountId: change.accountId,
      eventName: change.eventName,
      principal: change.principal ?? 'unknown',
      debounceMs: this.deps.debounceMs,
    });
    return { handled: 'scheduled', accountId: change.accountId };
  };

  /** Accounts waiting for their debounce to end. */
  pendingAccounts(): string[] {
    return [...this.pending.keys()];
  }

  /** Resolves when every evaluation started so far has ended (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
    }
  }

  /** Drops what is still waiting (on shutdown); the next scheduled run covers those accounts. */
  close() {
    this.closed = true;
    for (const pending of this.pending.values()) clearTimeout(pending.timer);
    this.pending.clear();
  }

  private fire(accountId: string) {
    const pending = this.pending.get(accountId);
    if (!pending) return;
    this.pending.delete(accountId);
    const { first } = pending;
    const cause: EvaluationCause = {
      trigger: 'event',
      eventName: first.eventName,
      eventSource: first.eventSource,
      principal: first.principal,
      principalArn: first.principalArn,
      eventTime: first.eventTime,
      eventId: first.eventId,
      resource: first.resource,
      eventCount: pending.count,
      otherEventNames: pending.names.filter(n => n !== first.eventName),
      receivedAt: pending.receivedAt.toISOString(),
    };
    const logger = this.deps.logger.child({ accountId });
    const work = withEvaluationCause(cause, () =>
      this.deps.gate.evaluateAccount(accountId, {
        purpose: `event ${first.eventName}`,
      }),
    ).then(
      ({ outcome }) =>
        logger.info('re-evaluated after a CloudTrail change', {
          eventName: first.eventName,
          events: pending.count,
          verdict: outcome.summary.verdict,
        }),
      error =>
        // E.g. 409 after waiting for an evaluation under way: that evaluation read the
        // account after the change, or the next scheduled run will.
        logger.warn('event-driven re-evaluation did not run', {
          eventName: first.eventName,
          error: toError(error).message,
        }),
    );
    this.running.add(work);
    work.finally(() => this.running.delete(work));
  }
}
