import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { NotFoundError, toError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AccountEvaluation,
  AccountFacts,
  AccountMapping,
  ComplianceException,
  EvaluationRun,
  TrailEvaluation,
  Verdict,
} from '@cis-aws/plugin-cis-aws-common';
import { AwsClientFactory, CallCounter } from '../aws/clients';
import {
  CatalogAccounts,
  readCatalogAccounts,
} from '../catalog/accountMapping';
import {
  evaluateAccount,
  evaluateTrail,
  FindingsByAccount,
  withSecurityHubOpinion,
  type TrailEvaluationContext,
} from '../rules';
import {
  EvaluationStore,
  listAllAccounts,
  SaveOutcome,
} from '../storage/EvaluationStore';
import { forEachWithConcurrency } from '@cis-aws/plugin-cis-aws-node';
import { OwnerGate } from './ownerGate';
import { OwnerHistory } from './ownerHistory';
import {
  collectAccount,
  readSecurityHubOpinions,
  SecurityHubRead,
  storedRolePolicies,
} from './awsReads';
import { RolePolicyMemory } from '../aws/rolePolicyMemory';
import type { CisAwsOptions } from '../config';
import { DetectionEvaluator, DetectionRun } from './DetectionEvaluator';
import type {
  ControlResultStore,
  SavedControlResult,
} from '../storage/ControlResultStore';

/**
 * Where exceptions come from (the store). Every exception is listed, in force or not: the rules
 * decide which apply at evaluation time, so an expired one stops applying on its own, and the
 * others stay in the evaluation as evidence.
 */
export interface ExceptionSource {
  listExceptions(query?: {
    accountIds?: string[];
  }): Promise<ComplianceException[]>;
}

/** Told about every saved result, e.g. to notify owners of changes. */
export type ResultListener = (
  outcome: SaveOutcome,
  mapping: AccountMapping,
) => Promise<void>;

/** Told about every saved result of a control besides 2.4 (e.g. to notify the owner). */
export type ControlResultListener = (
  saved: SavedControlResult,
  mapping: AccountMapping,
) => Promise<void>;

/** Problems of the catalog's account annotations, as run-level errors. */
export function catalogProblems(catalog: CatalogAccounts): string[] {
  return catalog.problems.map(p => `${p.entityRef}: ${p.message}`);
}

export interface RunOptions {
  trigger: EvaluationRun['trigger'];
  /** Only accounts that have no result yet (new in the catalog). */
  onlyUnevaluated?: boolean;
}

/**
 * Evaluates CIS 2.4 for the accounts of the catalog: reads which accounts
 * there are, collects facts from AWS with bounded concurrency, applies the
 * rules, adds Security Hub's opinion, and stores each result. One account's
 * failure is that account's ERROR; nothing stops the others.
 */
export class EvaluationEngine {
  private readonly listeners: ResultListener[] = [];
  private readonly controlListeners: ControlResultListener[] = [];
  /** The roles' policy documents as last read, shown again while current (see RolePolicyMemory). */
  private readonly rolePolicies: RolePolicyMemory;

  private constructor(
    private readonly deps: {
      aws: AwsClientFactory;
      store: EvaluationStore;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      exceptions: ExceptionSource;
      options: CisAwsOptions;
      now: () => Date;
      detection?: DetectionEvaluator;
    },
  ) {
    this.rolePolicies = RolePolicyMemory.create({
      fallback: storedRolePolicies(deps.store),
    });
  }

  static create(deps: {
    aws: AwsClientFactory;
    store: EvaluationStore;
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    options: CisAwsOptions;
    exceptions?: ExceptionSource;
    now?: () => Date;
    /**
     * Where the controls besides 2.4 are saved: with it, and `cisAws.detection.enabled`, the
     * detection control (`cis-3.x-detection`) is evaluated beside 2.4 from the same collected
     * trails.
     */
    controls?: ControlResultStore;
  }) {
    const { controls, ...rest } = deps;
    return new EvaluationEngine({
      ...rest,
      detection:
        controls && deps.options.detection.enabled
          ? DetectionEvaluator.create({
              store: controls,
              logger: deps.logger,
              options: deps.options.detection,
              now: deps.now,
            })
          : undefined,
      exceptions: deps.exceptions ?? { listExceptions: async () => [] },
      now: deps.now ?? (() => new Date()),
    });
  }

  onResult(listener: ResultListener) {
    this.listeners.push(listener);
  }

  /** Every saved result of the controls besides 2.4 (`cis-3.x-detection`). */
  onControlResult(listener: ControlResultListener) {
    this.controlListeners.push(listener);
  }

  /**
   * Evaluates every account of the catalog (or only the new ones) in this process, in one batch,
   * with a run record. Outside the account gate: the plugin runs evaluations through
   * `RunCoordinator`; this serves tests and tools that own the database alone.
   */
  async runAll(run: RunOptions): Promise<EvaluationRun | undefined> {
    const { store, logger } = this.deps;
    const catalogAccounts = await this.readCatalog();
    let mappings = catalogAccounts.mappings;
    await store.updateMappings(mappings);
    if (run.onlyUnevaluated) {
      const known = new Set(
        (await listAllAccounts(store)).map(item => item.accountId),
      );
      mappings = mappings.filter(m => !known.has(m.accountId));
      if (mappings.length === 0) return undefined;
    }

    const runId = await store.startRun(run.trigger, mappings.length);
    const counter = new CallCounter();
    const errors = catalogProblems(catalogAccounts);
    let evaluated = 0;
    let errored = 0;
    try {
      const aws = this.deps.aws.withCounter(counter);
      const batch = await this.evaluateBatch({
        runId,
        mappings,
        inScope: new Set(catalogAccounts.mappings.map(m => m.accountId)),
        aws,
        securityHub: this.readSecurityHub(aws),
      });
      errors.push(...batch.errors);
      evaluated = batch.saved.size;
      // One batch: no account is deferred (there is no later batch to wait for).
      errored = [...batch.saved.values()].filter(v => v === 'ERROR').length;
      await store.finishRun(runId, {
        status: 'succeeded',
        accountsEvaluated: evaluated,
        accountsErrored: errored,
        calls: counter.toJSON(),
        errors,
      });
    } catch (error) {
      logger.child({ runId }).error('evaluation run failed', toError(error));
      await store.finishRun(runId, {
        status: 'failed',
        accountsEvaluated: evaluated,
        accountsErrored: errored,
        calls: counter.toJSON(),
        errors: [...errors, toError(error).message],
      });
      throw error;
    }
    return (await store.listRuns(1)).find(r => r.id === runId);
  }

  /**
   * Evaluates a batch of a run's accounts and saves each result as soon as it is known; the
   * verdict of each account saved. Organization trails take their owner's evaluation: an owner in
   * the batch is waited for (OwnerGate); an in-scope owner outside the batch (evaluated in another
   * batch, possibly by another replica, or not part of the run) is taken from the store
   * (`adoptStoredOwnerTrails`): the owner's result of this run when its batch was saved first,
   * else its previous one — never a guess.
   *
   * `signal`: once aborted, no further account is started and an account whose facts come in
   * after it is dropped, not saved (half a run's results are never mistaken for a whole one's:
   * the account keeps its previous result and the run records it as skipped).
   */
  async evaluateBatch(input: {
    runId: string;
    mappings: AccountMapping[];
    inScope: ReadonlySet<string>;
    /** A factory counting into the batch's counter. */
    aws: AwsClientFactory;
    securityHub: Promise<SecurityHubRead>;
    signal?: AbortSignal;
    /**
     * Every account of the run and those of the batch that may be put back: an account seeing
     * an organization trail whose owner is part of the run, but neither in this batch nor with
     * a stored evaluation of that trail (the run's first evaluation of it is still to come, in
     * another batch), is returned as `deferred` instead of being judged without its owner.
     */
    defer?: {
      runAccounts: ReadonlySet<string>;
      deferrable: ReadonlySet<string>;
    };
  }): Promise<{
    saved: Map<string, Verdict>;
    deferred: string[];
    errors: string[];
  }> {
    const { logger } = this.deps;
    const { runId, mappings, inScope, aws, securityHub, signal } = input;
    const saved = new Map<string, Verdict>();
    const deferred: string[] = [];
    const errors: string[] = [];
    const runAccounts = new Set(mappings.map(m => m.accountId));
    const exceptions = await this.deps.exceptions.listExceptions({
      accountIds: [...runAccounts],
    });
    // Every account is evaluated and saved as soon as its facts are in — or, when it sees an
    // owner's trail of this batch, once that owner's are — while the rest are still collected.
    const ownTrails = new Map<string, TrailEvaluation>();
    const ownerHistory = new OwnerHistory(this.deps.store);
    // Saves run while the rest is still collected and are awaited together at the end. Each is
    // marked handled the moment it starts: one that rejects meanwhile (the database went away)
    // must not be an unhandled rejection, which ends a Node process; allSettled below still
    // sees it and the batch fails with it.
    const saves: Promise<void>[] = [];
    const started = (save: Promise<void>) => {
      save.catch(() => {});
      saves.push(save);
    };
    let securityHubRead: SecurityHubRead | undefined;
    const securityHubErrors = securityHub.then(read => {
      securityHubRead = read;
      errors.push(...read.errors);
    });
    securityHubErrors.catch(() => {});
    const detection = this.deps.detection?.startRun(aws);
    const gate = new OwnerGate<{
      mapping: AccountMapping;
      facts: AccountFacts;
    }>(inScope, ({ mapping, facts }) => {
      if (signal?.aborted) return;
      const evaluation = this.evaluate(
        facts,
        inScope,
        { latest: arn => ownTrails.get(arn), history: ownerHistory },
        exceptions,
      );
      // Until Security Hub has been read (GetFindings: ~3 pages/s, so a
      // while for thousands of accounts), results wait as compact JSON —
      // a few KB each instead of their object graph.
      const parked = securityHubRead
        ? { evaluation }
        : { json: JSON.stringify(evaluation) };
      started(
        this.saveWithOpinion(mapping, parked, securityHub, runId).then(
          final => {
            saved.set(mapping.accountId, final.verdict);
            logger
              .child({ accountId: mapping.accountId, runId })
              .info('evaluated', {
                verdict: final.verdict,
                reason: final.reason,
              });
          },
        ),
      );
    });

    let collecting: { error: unknown } | undefined;
    try {
      await forEachWithConcurrency(
        mappings,
        this.deps.options.concurrency,
        async mapping => {
          if (signal?.aborted) return;
          const facts = await this.collect(aws, mapping.accountId, inScope);
          if (signal?.aborted) return;
          await this.adoptStoredOwnerTrails(
            facts,
            inScope,
            runAccounts,
            ownTrails,
          );
          await ownerHistory.load(facts, inScope);
          if (
            input.defer?.deferrable.has(mapping.accountId) &&
            facts.trails.some(
              trail =>
                trail.ownerAccountId !== facts.accountId &&
                inScope.has(trail.ownerAccountId) &&
                !runAccounts.has(trail.ownerAccountId) &&
                input.defer!.runAccounts.has(trail.ownerAccountId) &&
                !ownTrails.has(trail.arn),
            )
          ) {
            deferred.push(mapping.accountId);
            return;
          }
          if (detection) {
            started(
              this.saveDetection(
                detection,
                mapping,
                facts,
                inScope,
                runId,
                signal,
              ),
            );
          }
          for (const trail of facts.trails) {
            if (
              trail.isOrganizationTrail &&
              trail.ownerAccountId === facts.accountId
            ) {
              ownTrails.set(
                trail.arn,
                evaluateTrail(
                  trail,
                  this.trailContext(inScope, () => undefined),
                ),
              );
            }
          }
          gate.collect(facts, { mapping, facts });
        },
      );
      gate.flush();
    } catch (error) {
      collecting = { error };
    }
    // Every save started is waited for, even when collecting failed (e.g. the database went
    // away): none is left to reject with nobody listening.
    const settled = await Promise.allSettled([...saves, securityHubErrors]);
    if (collecting) throw collecting.error;
    const failed = settled.find(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    if (failed) throw failed.reason;
    return { saved, deferred, errors };
  }

  /** Security Hub's opinions, read through `aws` (once per run and replica, by its caller). */
  readSecurityHubOpinions(aws: AwsClientFactory): Promise<SecurityHubRead> {
    return this.readSecurityHub(aws);
  }

  /** Where the catalog puts an account, or undefined when it names no such account. */
  async findMapping(accountId: string): Promise<AccountMapping | undefined> {
    const { mappings } = await this.readCatalog();
    return mappings.find(m => m.accountId === accountId);
  }

  /**
   * Every account the catalog names, read with the plugin's own credentials: a request that
   * must check an account before evaluating it reads the catalog once and hands it to
   * `evaluateOne`.
   */
  async readCatalog(): Promise<CatalogAccounts> {
    return readCatalogAccounts(
      this.deps.catalog,
      await this.serviceCredentials(),
    );
  }

  /**
   * Evaluates one account now and stores the result. `catalog`: the catalog as the caller
   * already read it (`readCatalog`), so it is not streamed a second time.
   */
  async evaluateOne(accountId: string, read?: { catalog?: CatalogAccounts }) {
    const catalogAccounts = read?.catalog ?? (await this.readCatalog());
    const mapping = catalogAccounts.mappings.find(
      m => m.accountId === accountId,
    );
    if (!mapping) {
      throw new NotFoundError(`AWS account ${accountId} is not in the catalog`);
    }
    const inScope = new Set(catalogAccounts.mappings.map(m => m.accountId));
    const counter = new CallCounter();
    const aws = this.deps.aws.withCounter(counter);
    const [facts, findings, exceptions] = await Promise.all([
      this.collect(aws, accountId, inScope),
      this.readSecurityHub(aws, accountId),
      this.deps.exceptions.listExceptions({ accountIds: [accountId] }),
    ]);
    // An organization trail of another account takes that owner's stored evaluation.
    const ownerTrails = new Map<string, TrailEvaluation>();
    await this.adoptStoredOwnerTrails(facts, inScope, new Set(), ownerTrails);
    const ownerHistory = new OwnerHistory(this.deps.store);
    await ownerHistory.load(facts, inScope);
    const evaluation = this.evaluate(
      facts,
      inScope,
      { latest: arn => ownerTrails.get(arn), history: ownerHistory },
      exceptions,
      findings.findings,
    );
    const outcome = await this.save(mapping, evaluation);
    const detection = this.deps.detection?.startRun(aws);
    if (detection) await this.saveDetection(detection, mapping, facts, inScope);
    return { outcome, calls: counter.toJSON() };
  }

  /**
   * An organization trail whose owner is in scope but not part of this run (a new-accounts run
   * evaluates only the new members; an on-demand evaluation only one account) takes the owner's
   * stored evaluation; without it the member could only say UNKNOWN until the next full run.
   */
  private async adoptStoredOwnerTrails(
    facts: AccountFacts,
    inScope: ReadonlySet<string>,
    runAccounts: ReadonlySet<string>,
    ownTrails: Map<string, TrailEvaluation>,
  ) {
    const owners = new Map<string, AccountEvaluation | undefined>();
    for (const trail of facts.trails) {
      const owner = trail.ownerAccountId;
      if (
        owner === facts.accountId ||
        !inScope.has(owner) ||
        runAccounts.has(owner) ||
        ownTrails.has(trail.arn)
      ) {
        continue;
      }
      if (!owners.has(owner)) {
        owners.set(
          owner,
          (await this.deps.store.getAccount(owner))?.evaluation,
        );
      }
      const found = owners
        .get(owner)
        ?.trails.find(t => t.trailArn === trail.arn && !t.inheritedFrom);
      if (found) ownTrails.set(trail.arn, found);
    }
  }

  private async serviceCredentials(): Promise<BackstageCredentials> {
    return this.deps.auth.getOwnServiceCredentials();
  }

  private trailContext(
    inScope: ReadonlySet<string>,
    owner: (arn: string) => TrailEvaluation | undefined,
    history?: OwnerHistory,
  ): TrailEvaluationContext {
    return {
      now: this.deps.now(),
      maxDeliveryAgeMs: this.deps.options.maxDeliveryAgeMs,
      inScopeAccountIds: inScope,
      ownerEvaluation: owner,
      ownerLastDefinitive: history && (arn => history.lastDefinitive(arn)),
    };
  }

  private evaluate(
    facts: AccountFacts,
    inScope: ReadonlySet<string>,
    owners: {
      latest: (arn: string) => TrailEvaluation | undefined;
      history: OwnerHistory;
    },
    exceptions: ComplianceException[],
    findings?: FindingsByAccount,
  ): AccountEvaluation {
    const context = this.trailContext(inScope, owners.latest, owners.history);
    const trails = facts.trails.map(trail => evaluateTrail(trail, context));
    const evaluation = evaluateAccount(facts, trails, exceptions, context.now);
    return findings
      ? withSecurityHubOpinion(evaluation, findings.of(facts.accountId))
      : evaluation;
  }

  private collect(
    aws: AwsClientFactory,
    accountId: string,
    inScope: ReadonlySet<string>,
  ) {
    const { options, now, logger } = this.deps;
    return collectAccount({
      aws,
      accountId,
      inScope,
      options,
      now,
      logger,
      rolePolicies: this.rolePolicies,
    });
  }

  private readSecurityHub(aws: AwsClientFactory, onlyAccountId?: string) {
    return readSecurityHubOpinions({
      aws,
      options: this.deps.options,
      onlyAccountId,
    });
  }

  private async saveWithOpinion(
    mapping: AccountMapping,
    parked: { evaluation?: AccountEvaluation; json?: string },
    securityHub: Promise<{ findings?: FindingsByAccount }>,
    runId: string,
  ): Promise<AccountEvaluation> {
    const { findings } = await securityHub;
    const evaluation: AccountEvaluation =
      parked.evaluation ?? JSON.parse(parked.json!);
    const final = findings
      ? withSecurityHubOpinion(evaluation, findings.of(mapping.accountId))
      : evaluation;
    await this.save(mapping, final, runId);
    return final;
  }

  /** The account's detection result, saved unless the run was aborted meanwhile. */
  private async saveDetection(
    detection: DetectionRun,
    mapping: AccountMapping,
    facts: AccountFacts,
    inScope: ReadonlySet<string>,
    runId?: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const saved = await detection.evaluateAndSave(facts, inScope, {
      runId,
      skip: () => signal?.aborted ?? false,
    });
    if (!saved) return;
    for (const listener of this.controlListeners) {
      try {
        await listener(saved, mapping);
      } catch (error) {
        this.deps.logger
          .child({ accountId: mapping.accountId, controlId: saved.controlId })
          .warn('a control result listener failed', toError(error));
      }
    }
  }

  private async save(
    mapping: AccountMapping,
    evaluation: AccountEvaluation,
    runId?: string,
  ) {
    const outcome = await this.deps.store.saveResult({
      mapping,
      evaluation,
      runId,
    });
    for (const listener of this.listeners) {
      try {
        await listener(outcome, mapping);
      } catch (error) {
        this.deps.logger
          .child({ accountId: mapping.accountId })
          .warn('a result listener failed', toError(error));
      }
    }
    return outcome;
  }
}
