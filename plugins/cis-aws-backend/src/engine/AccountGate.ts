import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, toError } from '@backstage/errors';
import type { DatabaseRunCoordination } from '../storage/runCoordination';
import type { EvaluationEngine } from './EvaluationEngine';

/** What {@link AccountGate} is made of. */
export interface AccountGateDeps {
  leases: Pick<
    DatabaseRunCoordination,
    'acquireLease' | 'renewLeases' | 'releaseLease' | 'getLease'
  >;
  engine: Pick<EvaluationEngine, 'readCatalog' | 'evaluateOne'>;
  logger: LoggerService;
  /** Names this replica in every lease it takes. */
  replicaId: string;
  /** A lease not renewed for this long is free for anyone. */
  leaseDurationMs: number;
  /** How often held leases are renewed (at most half of leaseDurationMs). */
  heartbeatMs: number;
  /** How long a request for one account waits for an evaluation under way. */
  accountWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Leases taken together, renewed and released with one token. */
export interface HeldAccounts {
  token: string;
  /** The accounts taken. */
  accountIds: string[];
  /** The accounts someone else holds, and who. */
  refused: { accountId: string; holder: string }[];
}

const POLL_MS = 500;

/**
 * The per-account gate: at most one evaluation of an AWS account at a time across every replica
 * sharing the database, whoever asks for it — the scheduled full run, the new-accounts run, a
 * manual full run (all through RunCoordinator), a request for one account (`evaluateAccount`),
 * an exception granted or revoked (the same), and event-driven evaluations (call
 * `evaluateAccount`).
 *
 * A lease is a row of `cis_aws_account_leases` naming its holder (replica id and purpose) and
 * expiring after `leaseDurationMs`; this gate renews the leases it holds every `heartbeatMs`, so
 * a killed replica's accounts are free again within `leaseDurationMs`.
 *
 * Who is refused does what fits: a full run skips an account held by someone else (it is being
 * evaluated right now; the run records it as skipped); a request for one account waits up to
 * `accountWaitMs` for the evaluation under way, then evaluates the account itself (its answer is
 * then fresh, and reflects anything the request changed, such as an exception), or answers 409
 * naming the holder when the wait runs out.
 */
export class AccountGate {
  private readonly live = new Set<string>();
  private timer?: ReturnType<typeof setInterval>;
  private readonly sleep: (ms: number) => Promise<void>;

  static create(deps: AccountGateDeps): AccountGate {
    return new AccountGate(deps);
  }

  private constructor(private readonly deps: AccountGateDeps) {
    this.sleep =
      deps.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
  }

  get replicaId() {
    return this.deps.replicaId;
  }

  /** Takes every account that nobody else holds, for `purpose` (e.g. `run <id>`). */
  async acquire(
    accountIds: string[],
    purpose: string,
    runId?: string,
  ): Promise<HeldAccounts> {
    const token = randomUUID();
    const holder = `${this.deps.replicaId} ${purpose}`.slice(0, 255);
    const taken: string[] = [];
    const refused: HeldAccounts['refused'] = [];
    this.hold(token);
    for (const accountId of accountIds) {
      const ok = await this.deps.leases.acquireLease({
        accountId,
        holder,
        token,
        runId,
        ttlMs: this.deps.leaseDurationMs,
      });
      if (ok) {
        taken.push(accountId);
      } else {
        const lease = await this.deps.leases.getLease(accountId);
        refused.push({
          accountId,
          holder: lease?.holder ?? 'another evaluation',
        });
      }
    }
    if (taken.length === 0) {
      this.live.delete(token);
      if (this.live.size === 0) this.stopHeartbeat();
    }
    return { token, accountIds: taken, refused };
  }

  /** Frees accounts taken with `token` (all of them when `accountIds` is not given). */
  async release(held: HeldAccounts, accountIds = held.accountIds) {
    for (const accountId of accountIds) {
      try {
        await this.deps.leases.releaseLease(accountId, held.token);
      } catch (error) {
        // It expires on its own; nothing else to do.
        this.deps.logger
          .child({ accountId })
          .warn('releasing an account lease failed', toError(error));
      }
    }
    if (accountIds.length === held.accountIds.length) {
      this.live.delete(held.token);
      if (this.live.size === 0) this.stopHeartbeat();
    }
  }

  /**
   * Runs `fn` holding the account's lease. When another evaluation holds it, waits up to
   * `accountWaitMs` for it to end; then throws a ConflictError (409) naming the holder.
   */
  async withAccount<T>(
    accountId: string,
    purpose: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    const deadline = Date.now() + this.deps.accountWaitMs;
    for (;;) {
      const held = await this.acquire([accountId], purpose);
      if (held.accountIds.length === 1) {
        try {
          return await fn();
        } finally {
          await this.release(held);
        }
      }
      if (Date.now() >= deadline) {
        throw new ConflictError(
          `AWS account ${accountId} is being evaluated right now (${held.refused[0]?.holder}); ` +
            'its result will be stored when that evaluation ends. Try again in a minute.',
        );
      }
      await this.sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
    }
  }

  /**
   * Evaluates one account now through the gate and stores the result (see the class comment for
   * what happens when it is being evaluated already). The entry point for evaluations triggered
   * by a person or by an event. `read.catalog`: the catalog as the caller read it already.
   */
  async evaluateAccount(
    accountId: string,
    options: {
      purpose: string;
      catalog?: Parameters<EvaluationEngine['evaluateOne']>[1];
    },
  ): ReturnType<EvaluationEngine['evaluateOne']> {
    return this.withAccount(accountId, options.purpose, () =>
      this.deps.engine.evaluateOne(accountId, options.catalog),
    );
  }

  /**
   * The engine as a request sees it: the same catalog, and `evaluateOne` through the gate. Hand
   * it to services that evaluate one account on request.
   */
  gatedEngine(
    purpose: string,
  ): Pick<EvaluationEngine, 'readCatalog' | 'evaluateOne'> {
    return {
      readCatalog: () => this.deps.engine.readCatalog(),
      evaluateOne: (accountId, read) =>
        this.evaluateAccount(accountId, { purpose, catalog: read }),
    };
  }

  private hold(token: string) {
    this.live.add(token);
    if (!this.timer) {
      this.timer = setInterval(() => {
        this.deps.leases
          .renewLeases([...this.live], this.deps.leaseDurationMs)
          .catch(error =>
            this.deps.logger.warn(
              'renewing account leases failed',
              toError(error),
            ),
          );
      }, this.deps.heartbeatMs);
      this.timer.unref?.();
    }
  }

  private stopHeartbeat() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops renewing (on shutdown): what is still held expires on its own. */
  close() {
    this.live.clear();
    this.stopHeartbeat();
  }
}
