import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import {
  EvaluationRun,
  RunRequestResponse,
  Verdict,
} from '@cis-aws/plugin-cis-aws-common';
import { AwsClientFactory, CallCounter } from '../aws/clients';
import type {
  ClaimedAccount,
  DatabaseRunCoordination,
} from '../storage/runCoordination';
import { EvaluationStore, listAllAccounts } from '../storage/EvaluationStore';
import { AccountGate } from './AccountGate';
import { SecurityHubRead } from './awsReads';
import { catalogProblems, EvaluationEngine } from './EvaluationEngine';

/** An abort this close to the run's deadline is its timeout, not a shutdown. */
const DEADLINE_TOLERANCE_MS = 10_000;

/** What {@link RunCoordinator} is made of. */
export interface RunCoordinatorDeps {
  engine: Pick<
    EvaluationEngine,
    'readCatalog' | 'evaluateBatch' | 'readSecurityHubOpinions'
  >;
  gate: AccountGate;
  runs: DatabaseRunCoordination;
  store: Pick<EvaluationStore, 'updateMappings' | 'listAccounts'>;
  aws: AwsClientFactory;
  logger: LoggerService;
  options: {
    batchSize: number;
    leaseDurationMs: number;
    heartbeatMs: number;
    /** The full run's deadline after it starts (`cisAws.schedule.timeout`). */
    fullRunTimeoutMs: number;
    /** The new-accounts run's deadline after it starts. */
    newAccountsTimeoutMs: number;
  };
  /** Asks the scheduler to run the full-run task now (`scheduler.triggerTask`). */
  triggerFullRun: () => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs evaluations as work any replica can pick up, so that a run survives the replica that
 * started it:
 *
 * - A run's accounts are queued in the database (`cis_aws_run_accounts`) when it starts.
 * - Workers — the replica that started the run, and every replica's periodic worker task —
 *   claim them in batches of `batchSize`, renew their claims every `heartbeatMs`, and evaluate
 *   each account through the {@link AccountGate}. A claim not renewed for `leaseDurationMs` (its
 *   replica died) goes back to the queue and another replica evaluates those accounts.
 * - Whoever finishes a run's last account closes its record with the counts; a run past its
 *   deadline that nobody closed (the replica that started it went away) is closed as
 *   `abandoned` by the next replica that sweeps.
 *
 * Organization trails: members take their owner's evaluation. Within a batch the engine waits
 * for the owner; across batches (possibly on another replica) a member takes the owner's stored
 * evaluation — from this run if the owner's batch was saved first, else from its previous run.
 * A member whose owner is part of the run but has no stored evaluation of the trail yet (a first
 * run) is deferred once, to the end of the queue, so that it is judged on its owner's result
 * rather than UNKNOWN; if the owner still has none then (it could not be read), the member is
 * judged as a single pass would judge it.
 */
export class RunCoordinator {
  private readonly securityHub = new Map<string, Promise<SecurityHubRead>>();
  private readonly inScope = new Map<string, Promise<ReadonlySet<string>>>();
  private readonly sleep: (ms: number) => Promise<void>;

  static create(deps: RunCoordinatorDeps) {
    return new RunCoordinator(deps);
  }

  private constructor(private readonly deps: RunCoordinatorDeps) {
    this.sleep =
      deps.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
  }

  /**
   * A full run on request (`POST /v1/runs`): the run record is created here, `queued`, so its id
   * can be answered at once; the scheduler's full-run task starts it. When a full run is already
   * queued or running, that run is the answer (`alreadyActive`).
   */
  async requestFullRun(): Promise<RunRequestResponse> {
    const { runs, gate, logger } = this.deps;
    const active = await runs.findActiveFullRun();
    if (active) {
      return { runId: active.id, status: active.status, alreadyActive: true };
    }
    const runId = await runs.createRun({
      trigger: 'manual',
      status: 'queued',
      replica: gate.replicaId,
    });
    // Not awaited: the scheduler may run the task in this call (the test scheduler does). A
    // task already running picks the queued run up when its current one ends.
    this.deps.triggerFullRun().catch(error =>
      logger
        .child({ runId })
        .info('the full-run task could not be triggered now', {
          error: toError(error).message,
        }),
    );
    return { runId, status: 'queued', alreadyActive: false };
  }

  /**
   * The full-run task: starts the queued manual runs, or a scheduled run when none is queued,
   * and works on each until it is done. `signal` (the scheduler's): once aborted no account is
   * started; a run past its deadline is closed as `timed_out`, one the replica leaves because it
   * shuts down stays running for the other replicas.
   */
  async runScheduled(signal?: AbortSignal): Promise<void> {
    const { runs, gate } = this.deps;
    let runId = await runs.claimQueuedRun(gate.replicaId);
    if (!runId) {
      const active = await runs.findActiveFullRun();
      if (active) {
        // Still going (started by a replica that went away, or a long one): help it finish.
        await this.drain(active.id, signal);
        return;
      }
      runId = await runs.createRun({
        trigger: 'schedule',
        status: 'running',
        replica: gate.replicaId,
      });
    }
    for (; runId; runId = await runs.claimQueuedRun(gate.replicaId)) {
      await this.start(runId, {
        onlyUnevaluated: false,
        timeoutMs: this.deps.options.fullRunTimeoutMs,
      });
      await this.drain(runId, signal);
      if (signal?.aborted) return;
    }
  }

  /** The new-accounts task: a run of the accounts of the catalog that have no result yet. */
  async runNewAccounts(signal?: AbortSignal): Promise<void> {
    const { runs, gate } = this.deps;
    const catalog = await this.deps.engine.readCatalog();
    await this.deps.store.updateMappings(catalog.mappings);
    const known = new Set(
      (await listAllAccounts(this.deps.store)).map(item => item.accountId),
    );
    // Accounts a run has queued already get their result from that run.
    const queued = await runs.activeAccountIds();
    const mappings = catalog.mappings.filter(
      m => !known.has(m.accountId) && !queued.has(m.accountId),
    );
    if (mappings.length === 0 || signal?.aborted) return;
    const runId = await runs.createRun({
      trigger: 'new-accounts',
      status: 'running',
      replica: gate.replicaId,
    });
    await runs.startRun(runId, {
      mappings,
      inScope: catalog.mappings.map(m => m.accountId),
      deadlineAt: new Date(Date.now() + this.deps.options.newAccountsTimeoutMs),
      errors: catalogProblems(catalog),
    });
    await this.drain(runId, signal);
  }

  /**
   * Every replica's worker task: closes what is stale, starts a queued run, then evaluates
   * queued accounts of any running run, batch after batch, until there are none or `signal`
   * aborts.
   */
  async work(signal?: AbortSignal): Promise<void> {
    await this.sweep();
    // A run asked for and not started yet (the full-run task may be busy, or not due on any
    // replica yet: triggerTask does not wake a task still in its initial delay) starts here.
    const queued = await this.deps.runs.claimQueuedRun(
      this.deps.gate.replicaId,
    );
    if (queued) {
      await this.start(queued, {
        onlyUnevaluated: false,
        timeoutMs: this.deps.options.fullRunTimeoutMs,
      });
    }
    while (!signal?.aborted) {
      const done = await this.claimAndEvaluate(undefined, signal);
      if (!done) return;
    }
  }

  /** Claims stuck in a dead replica go back to the queue; runs that cannot finish are closed. */
  async sweep() {
    const { leaseDurationMs } = this.deps.options;
    const swept = await this.deps.runs.sweep({
      graceMs: leaseDurationMs,
      queuedForMs: Math.max(this.deps.options.fullRunTimeoutMs, 60_000),
    });
    if (swept.requeued > 0 || swept.abandoned.length > 0) {
      this.deps.logger.info('took over work of replicas that went away', {
        requeuedAccounts: swept.requeued,
        abandonedRuns: swept.abandoned.join(', '),
      });
    }
    for (const runId of swept.abandoned) this.forget(runId);
  }

  private async start(
    runId: string,
    options: { onlyUnevaluated: boolean; timeoutMs: number },
  ) {
    const catalog = await this.deps.engine.readCatalog();
    await this.deps.store.updateMappings(catalog.mappings);
    await this.deps.runs.startRun(runId, {
      mappings: catalog.mappings,
      inScope: catalog.mappings.map(m => m.accountId),
      deadlineAt: new Date(Date.now() + options.timeoutMs),
      errors: catalogProblems(catalog),
    });
    this.deps.logger
      .child({ runId })
      .info('evaluation run started', { accounts: catalog.mappings.length });
  }

  /**
   * Works on one run until it is closed. When no account is left to claim but other replicas
   * still hold some, waits for them (their claims expire if they died, and are taken over here).
   */
  private async drain(runId: string, signal?: AbortSignal): Promise<void> {
    const { runs, logger } = this.deps;
    while (!signal?.aborted) {
      const claimedSome = await this.claimAndEvaluate(runId, signal);
      if (claimedSome) continue;
      const closed = await runs.closeIfDone(runId);
      if (closed) {
        this.finished(closed);
        return;
      }
      const run = await runs.getRun(runId);
      if (!run || (run.status !== 'running' && run.status !== 'queued')) {
        this.forget(runId);
        return;
      }
      if (await this.pastDeadline(runId, 0)) {
        await this.timedOut(runId);
        return;
      }
      await this.sleep(Math.min(this.deps.options.heartbeatMs, 1000));
      await this.sweep();
    }
    // Aborted at the timeout, the run ends here (the scheduler's timeout and the run's deadline
    // are the same duration, counted from nearly the same moment). Aborted before (this replica
    // shuts down), the other replicas finish it.
    if (await this.pastDeadline(runId, DEADLINE_TOLERANCE_MS)) {
      await this.timedOut(runId);
    } else {
      logger
        .child({ runId })
        .info('left the run to the other replicas (this one stops)');
    }
  }

  private async pastDeadline(runId: string, toleranceMs: number) {
    const deadline = await this.deps.runs.deadlineOf(runId);
    return (
      deadline !== undefined &&
      new Date(deadline).getTime() <= Date.now() + toleranceMs
    );
  }

  private async timedOut(runId: string) {
    const closed = await this.deps.runs.closeRun(runId, 'timed_out', [
      'stopped at its timeout: accounts not evaluated by then are counted as skipped',
    ]);
    if (closed) this.finished(closed);
  }

  /** One batch of `runId` (or of any running run); false when there was nothing to claim. */
  private async claimAndEvaluate(
    runId: string | undefined,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const { runs, gate, options } = this.deps;
    const token = randomUUID();
    const claimed = await runs.claimBatch({
      holder: gate.replicaId,
      token,
      size: options.batchSize,
      ttlMs: options.leaseDurationMs,
      runId,
    });
    if (claimed.length === 0) return false;
    const batchRunId = claimed[0].runId;
    const heartbeat = setInterval(() => {
      runs
        .renewClaims(batchRunId, token, options.leaseDurationMs)
        .catch(error =>
          this.deps.logger.warn('renewing run claims failed', toError(error)),
        );
    }, options.heartbeatMs);
    heartbeat.unref?.();
    try {
      await this.evaluateClaimed(batchRunId, claimed, token, signal);
    } finally {
      clearInterval(heartbeat);
    }
    const closed = await runs.closeIfDone(batchRunId);
    if (closed) this.finished(closed);
    return true;
  }

  private async evaluateClaimed(
    runId: string,
    claimed: ClaimedAccount[],
    token: string,
    signal?: AbortSignal,
  ) {
    const { runs, gate, engine, logger } = this.deps;
    const held = await gate.acquire(
      claimed.map(c => c.mapping.accountId),
      `run ${runId}`,
      runId,
    );
    for (const { accountId, holder } of held.refused) {
      // Being evaluated right now by someone else: that evaluation's result is as fresh.
      await runs.skipAccount(
        runId,
        accountId,
        token,
        `being evaluated by ${holder}`,
      );
    }
    const mine = new Set(held.accountIds);
    const mappings = claimed
      .map(c => c.mapping)
      .filter(m => mine.has(m.accountId));
    const counter = new CallCounter();
    const errors: string[] = [];
    let saved = new Map<string, Verdict>();
    let deferred: string[] = [];
    try {
      if (mappings.length > 0) {
        const batch = await engine.evaluateBatch({
          runId,
          mappings,
          inScope: await this.inScopeOf(runId),
          aws: this.deps.aws.withCounter(counter),
          securityHub: this.securityHubOf(runId),
          signal,
          defer: {
            runAccounts: new Set(await runs.runAccountIds(runId)),
            deferrable: new Set(
              claimed.filter(c => c.deferrable).map(c => c.mapping.accountId),
            ),
          },
        });
        saved = batch.saved;
        deferred = batch.deferred;
        errors.push(...batch.errors);
      }
    } catch (error) {
      logger
        .child({ runId })
        .error('evaluating a batch failed', toError(error));
      errors.push(`evaluating a batch failed: ${toError(error).message}`);
    } finally {
      const notSaved: string[] = [];
      // Members whose organization trail owner is still to be evaluated in this run: after it.
      await runs.defer(runId, deferred, token);
      for (const mapping of mappings) {
        const verdict = saved.get(mapping.accountId);
        if (deferred.includes(mapping.accountId)) continue;
        if (verdict) {
          await runs.finishAccount(runId, mapping.accountId, token, verdict);
        } else {
          notSaved.push(mapping.accountId);
        }
      }
      if (signal?.aborted) {
        // Dropped before saving: back to the queue for whoever works on the run next.
        await runs.requeue(runId, notSaved, token);
      } else {
        for (const accountId of notSaved) {
          await runs.skipAccount(
            runId,
            accountId,
            token,
            'not evaluated: the batch failed',
          );
        }
      }
      await gate.release(held);
      await runs.addToRun(runId, {
        calls: counter.toJSON(),
        apiErrors: counter.errorsJSON(),
        errors,
      });
    }
  }

  private inScopeOf(runId: string): Promise<ReadonlySet<string>> {
    let found = this.inScope.get(runId);
    if (!found) {
      found = this.deps.runs.inScope(runId).then(ids => new Set(ids));
      // Whoever awaits it gets its failure; a batch that never comes (aborted, shut down) must
      // not leave it rejecting unheard (e.g. the database closed under it).
      found.catch(() => {});
      this.inScope.set(runId, found);
    }
    return found;
  }

  /** Security Hub is read once per run and replica; its calls count in the run's record. */
  private securityHubOf(runId: string): Promise<SecurityHubRead> {
    let found = this.securityHub.get(runId);
    if (!found) {
      const counter = new CallCounter();
      found = this.deps.engine
        .readSecurityHubOpinions(this.deps.aws.withCounter(counter))
        .then(async read => {
          await this.deps.runs.addToRun(runId, {
            calls: counter.toJSON(),
            apiErrors: counter.errorsJSON(),
            errors: read.errors,
          });
          return read;
        });
      // As in inScopeOf: awaited by the batches, never left rejecting unheard.
      found.catch(() => {});
      this.securityHub.set(runId, found);
    }
    return found;
  }

  private finished(run: EvaluationRun) {
    this.forget(run.id);
    this.deps.logger.child({ runId: run.id }).info('evaluation run finished', {
      trigger: run.trigger,
      status: run.status,
      accountsEvaluated: run.accountsEvaluated,
      accountsSkipped: run.accountsSkipped,
      verdicts: JSON.stringify(run.verdicts),
      awsCalls: Object.values(run.calls).reduce((a, b) => a + b, 0),
    });
  }

  private forget(runId: string) {
    this.securityHub.delete(runId);
    this.inScope.delete(runId);
  }
}
