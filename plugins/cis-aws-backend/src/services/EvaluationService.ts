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
} from '@cis-aws/plugin-cis-aws-common';
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
   */
  evaluateAccount(
    accountId: string,
    options: { credentials: BackstageCredentials },
  ): Promise<AccountDetail>;

  /** Evaluates every account now (403 without the permission); the finished run. */
  runAll(options: {
    credentials: BackstageCredentials;
  }): Promise<EvaluationRun>;

  /** The latest runs, newest first. */
  listRuns(limit: number): Promise<{ runs: EvaluationRun[] }>;
}

/** What {@link DefaultEvaluationService} is made of. */
export interface EvaluationServiceDeps {
  engine: Pick<EvaluationEngine, 'readCatalog' | 'evaluateOne' | 'runAll'>;
  store: Pick<EvaluationStore, 'getAccount' | 'listRuns'>;
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

  async runAll({
    credentials,
  }: {
    credentials: BackstageCredentials;
  }): Promise<EvaluationRun> {
    await this.authorize(credentials);
    const run = await this.deps.engine.runAll({ trigger: 'manual' });
    if (!run) throw new Error('The evaluation run left no run record');
    return run;
  }

  async listRuns(limit: number): Promise<{ runs: EvaluationRun[] }> {
    return { runs: await this.deps.store.listRuns(limit) };
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
