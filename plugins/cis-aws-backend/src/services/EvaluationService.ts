import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CustomErrorBase, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AccountDetail,
  AccountMapping,
  cisAwsEvaluatePermission,
  EvaluationAccess,
  EvaluationRun,
  RunRequestResponse,
} from '@cis-aws/plugin-cis-aws-common';
import type { RunCoordinator } from '../engine/RunCoordinator';
import type { DatabaseRunCoordination } from '../storage/runCoordination';
import { EvaluationEngine } from '../engine/EvaluationEngine';
import { EvaluationStore } from '../storage/EvaluationStore';
import { servedAccountDetail } from './servedAccountDetail';
import { CatalogAccess } from './CatalogAccess';
import { requirePermission } from './permissions';
import { principalName } from './principal';
import { callerOwns } from './ownership';

/**
 * 429: an owner asked to evaluate an account sooner than `cisAws.evaluate.minInterval` after its
 * latest evaluation. The route answers with Retry-After.
 */
export class TooManyRequestsError extends CustomErrorBase {
  name = 'TooManyRequestsError' as const;
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** Evaluations a person asks for, and the record of every run. */
export interface EvaluationService {
  /**
   * Evaluates one account now and answers with its fresh result: 404 when the catalog does not
   * name it or the caller may not read its entity, then 403 unless the caller holds
   * `cis-aws.account.evaluate` or owns the account through the catalog; an owner without the
   * permission gets 429 when the account was evaluated less than `cisAws.evaluate.minInterval`
   * ago.
   * Through the account gate: an evaluation of the account under way is waited for
   * (`cisAws.runs.accountWait`), then 409 if it is still going.
   */
  evaluateAccount(
    accountId: string,
    options: { credentials: BackstageCredentials },
  ): Promise<AccountDetail>;

  /**
   * Whether the caller may evaluate the account now, why, and when the scheduled run checks it
   * next: what the UI says instead of a button that would fail. 404 like `evaluateAccount`.
   */
  getEvaluationAccess(
    accountId: string,
    options: { credentials: BackstageCredentials },
  ): Promise<EvaluationAccess>;

  /**
   * Asks for a full run now (403 without the permission): the queued run, or the full run
   * already queued or running. The scheduler's task runs it; follow it with `getRun`.
   */
  requestRun(options: {
    credentials: BackstageCredentials;
  }): Promise<RunRequestResponse>;

  /** One run, with its counts so far while it is going; 404 when there is no such run. */
  getRun(runId: string): Promise<EvaluationRun>;

  /** The latest runs, newest first. */
  listRuns(limit: number): Promise<{ runs: EvaluationRun[] }>;
}

/** What {@link DefaultEvaluationService} is made of. */
export interface EvaluationServiceDeps {
  /** `evaluateOne` through the account gate (AccountGate.gatedEngine). */
  engine: Pick<EvaluationEngine, 'readCatalog' | 'evaluateOne'>;
  runner: Pick<RunCoordinator, 'requestFullRun'>;
  runs: Pick<DatabaseRunCoordination, 'getRun' | 'listRuns'>;
  store: Pick<EvaluationStore, 'getAccount'>;
  access: CatalogAccess;
  permissions: PermissionsService;
  /** Who the caller is and which groups they belong to: owners may evaluate their accounts. */
  userInfo: UserInfoService;
  logger: LoggerService;
  securityHubRegion: string;
  /** `cisAws.evaluate.minInterval`: an owner's re-checks of one account, at most this often. */
  minIntervalMs: number;
  /** The full run's schedule: its period when it has one (not cron), and in words. */
  schedule: { frequencyMs?: number; description: string };
  now?: () => Date;
}

export class DefaultEvaluationService implements EvaluationService {
  static create(deps: EvaluationServiceDeps): EvaluationService {
    return new DefaultEvaluationService(deps);
  }

  private constructor(private readonly deps: EvaluationServiceDeps) {}

  async evaluateAccount(
    accountId: string,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<AccountDetail> {
    const { engine, store, access } = this.deps;
    // The catalog is streamed once: for the check here and for the evaluation.
    const catalog = await engine.readCatalog();
    const mapping = catalog.mappings.find(m => m.accountId === accountId);
    await access.requireReadable(mapping?.entityRef, accountId, credentials);
    const decision = await this.decide(accountId, mapping, credentials);
    if (decision.basis === 'NOT_OWNER') {
      throw new NotAllowedError(decision.message);
    }
    if (decision.basis === 'RATE_LIMITED') {
      throw new TooManyRequestsError(
        decision.message,
        Math.max(
          1,
          Math.ceil((Date.parse(decision.retryAt!) - this.now().getTime()) / 1000),
        ),
      );
    }
    const { outcome } = await engine.evaluateOne(accountId, { catalog });
    this.deps.logger.child({ accountId }).info('evaluated on demand', {
      actor: principalName(credentials),
      as: decision.basis === 'OWNER' ? 'owner' : 'permission holder',
      verdict: outcome.summary.verdict,
    });
    const stored = await store.getAccount(accountId);
    if (!stored) {
      throw new NotFoundError(`No CIS 2.4 result for AWS account ${accountId}`);
    }
    return servedAccountDetail(stored, this.deps.securityHubRegion);
  }

  async getEvaluationAccess(
    accountId: string,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<EvaluationAccess> {
    const catalog = await this.deps.engine.readCatalog();
    const mapping = catalog.mappings.find(m => m.accountId === accountId);
    await this.deps.access.requireReadable(
      mapping?.entityRef,
      accountId,
      credentials,
    );
    const [decision, nextScheduledAt] = await Promise.all([
      this.decide(accountId, mapping, credentials),
      this.nextScheduledAt(),
    ]);
    return {
      ...decision,
      ...(nextScheduledAt ? { nextScheduledAt } : {}),
      schedule: this.deps.schedule.description,
    };
  }

  async requestRun({
    credentials,
  }: {
    credentials: BackstageCredentials;
  }): Promise<RunRequestResponse> {
    await this.authorize(credentials);
    const requested = await this.deps.runner.requestFullRun();
    this.deps.logger.child({ runId: requested.runId }).info('run requested', {
      actor: principalName(credentials),
      alreadyActive: requested.alreadyActive,
    });
    return requested;
  }

  async getRun(runId: string): Promise<EvaluationRun> {
    const run = await this.deps.runs.getRun(runId);
    if (!run) throw new NotFoundError(`No evaluation run ${runId}`);
    return run;
  }

  async listRuns(limit: number): Promise<{ runs: EvaluationRun[] }> {
    return { runs: await this.deps.runs.listRuns(limit) };
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * The one judgement of who may evaluate an account now: a holder of the permission always;
   * an owner through the catalog once `minIntervalMs` has passed since its latest evaluation
   * (whatever made it: a run, another request, an exception decision); nobody else.
   */
  private async decide(
    accountId: string,
    mapping: AccountMapping | undefined,
    credentials: BackstageCredentials,
  ): Promise<Omit<EvaluationAccess, 'schedule' | 'nextScheduledAt'>> {
    const [permitted] = await this.deps.permissions.authorize(
      [{ permission: cisAwsEvaluatePermission }],
      { credentials },
    );
    if (permitted.result === AuthorizeResult.ALLOW) {
      return {
        accountId,
        allowed: true,
        basis: 'PERMISSION',
        message: 'You may evaluate any account you can see.',
      };
    }
    if (!(await callerOwns(this.deps.userInfo, credentials, mapping?.ownerRef))) {
      return {
        accountId,
        allowed: false,
        basis: 'NOT_OWNER',
        message: mapping?.ownerRef
          ? `Only the owners of this account (${mapping.ownerRef}) or holders of ${cisAwsEvaluatePermission.name} may evaluate it now.`
          : `This account has no owner in the catalog; only holders of ${cisAwsEvaluatePermission.name} may evaluate it now.`,
      };
    }
    const stored = await this.deps.store.getAccount(accountId);
    const retryAt = stored
      ? Date.parse(stored.evaluatedAt) + this.deps.minIntervalMs
      : Number.NaN;
    if (retryAt > this.now().getTime()) {
      const seconds = Math.ceil((retryAt - this.now().getTime()) / 1000);
      return {
        accountId,
        allowed: false,
        basis: 'RATE_LIMITED',
        message: `This account was evaluated moments ago; owners may evaluate it again in ${seconds} s (once every ${Math.round(
          this.deps.minIntervalMs / 1000,
        )} s per account).`,
        retryAt: new Date(retryAt).toISOString(),
      };
    }
    return {
      accountId,
      allowed: true,
      basis: 'OWNER',
      message: 'You own this account, so you may evaluate it now.',
    };
  }

  /** The latest scheduled run's start plus the schedule's period, when both are known. */
  private async nextScheduledAt(): Promise<string | undefined> {
    const { frequencyMs } = this.deps.schedule;
    if (!frequencyMs) return undefined;
    const runs = await this.deps.runs.listRuns(20);
    const latest = runs.find(run => run.trigger === 'schedule');
    if (!latest) return undefined;
    const started = Date.parse(latest.startedAt);
    if (Number.isNaN(started)) return undefined;
    // A run missed (the backend was down) is not in the past: the next one is ahead.
    const periods = Math.max(
      1,
      Math.ceil((this.now().getTime() - started) / frequencyMs),
    );
    return new Date(started + periods * frequencyMs).toISOString();
  }

  private authorize(credentials: BackstageCredentials) {
    return requirePermission(
      this.deps.permissions,
      credentials,
      cisAwsEvaluatePermission,
      'run an evaluation',
    );
  }
}
