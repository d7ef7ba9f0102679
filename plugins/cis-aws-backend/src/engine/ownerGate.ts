import { AccountFacts } from '@cis-aws/plugin-cis-aws-common';

/**
 * Holds back an account that sees organization trails of other in-scope
 * accounts until those owners have been collected (their evaluation of the
 * trail is the one that counts), and releases every other account at once.
 * Waiters are indexed by owner, so each collection touches only its own
 * waiters: linear in the number of accounts.
 */
export class OwnerGate<T> {
  private readonly collected = new Set<string>();
  private readonly waitersByOwner = new Map<
    string,
    { item: T; remaining: number }[]
  >();
  private readonly pending = new Set<{ item: T; remaining: number }>();

  constructor(
    private readonly inScope: ReadonlySet<string>,
    private readonly release: (item: T) => void,
  ) {}

  /** An account's facts are in: release it, or park it until its owners are. */
  collect(facts: AccountFacts, item: T) {
    this.collected.add(facts.accountId);
    const owners = new Set(
      facts.trails
        .map(trail => trail.ownerAccountId)
        .filter(
          owner =>
            owner !== facts.accountId &&
            this.inScope.has(owner) &&
            !this.collected.has(owner),
        ),
    );
    if (owners.size === 0) {
      this.release(item);
    } else {
      const waiter = { item, remaining: owners.size };
      this.pending.add(waiter);
      for (const owner of owners) {
        this.waitersByOwner.set(owner, [
          ...(this.waitersByOwner.get(owner) ?? []),
          waiter,
        ]);
      }
    }
    for (const waiter of this.waitersByOwner.get(facts.accountId) ?? []) {
      waiter.remaining -= 1;
      if (waiter.remaining === 0) {
        this.pending.delete(waiter);
        this.release(waiter.item);
      }
    }
    this.waitersByOwner.delete(facts.accountId);
  }

  /** Releases whatever still waits (owners that were not part of this run). */
  flush() {
    for (const waiter of this.pending) this.release(waiter.item);
    this.pending.clear();
    this.waitersByOwner.clear();
  }
}
