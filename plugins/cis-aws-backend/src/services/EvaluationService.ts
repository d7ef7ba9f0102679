import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  AccountDetail,
  cisAwsEvaluatePermission,
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

/** Evaluations a person asks for, and the record of every run. */
export interface EvaluationService {
  /**
   * Evaluates one account now and answers with its fresh result: 404 when the catalog does not
   * name it or the caller may not read its entity, then 403 without `cis-aws.account.evaluate`.
   * Through the account gate: an evaluation of the account under way is waited for
   * (`cisAws.runs.accountWait`), then 409 if it is still going.
   */
  evaluateAccount(
    accountId: string,
    options: { credentials: BackstageCredentials },
  ): Promise<AccountDetail>;

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
  logger: LoggerService;
  securityHubRegion: string;
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
    await this.authorize(credentials);
    const { outcome } = await engine.evaluateOne(accountId, { catalog });
    this.deps.logger.child({ accountId }).info('evaluated on demand', {
      actor: principalName(credentials),
      verdict: outcome.summary.verdict,
    });
    const stored = await store.getAccount(accountId);
    if (!stored) {
      throw new NotFoundError(`No CIS 2.4 result for AWS account ${accountId}`);
    }
    return servedAccountDetail(stored, this.deps.securityHubRegion);
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

  private authorize(credentials: BackstageCredentials) {
    return requirePermission(
      this.deps.permissions,
      credentials,
      cisAwsEvaluatePermission,
      'run an evaluation',
    );
  }
}
