import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AccountDetectionResult,
  AccountFacts,
  DetectionCheckId,
  LogGroupDetectionResult,
  LogGroupRef,
} from '@cis-aws/plugin-cis-aws-common';
import { AwsClientFactory } from '../aws/clients';
import {
  DetectionClients,
  DetectionCollection,
  sdkDetectionClients,
} from '../aws/detection';
import { toApiError } from '../aws/errors';
import { DETECTION_CONTROL } from '../rules/controls';
import {
  accountDetectionResult,
  detectionScope,
  evaluateLogGroupDetection,
  unreadLogGroupResult,
} from '../rules/detection';
import {
  ControlResultStore,
  SavedControlResult,
} from '../storage/ControlResultStore';

/** What listings keep of a detection result besides verdict, reason and times. */
export interface DetectionListingSummary {
  failingChecks: DetectionCheckId[];
  inheritedFrom?: string;
}

export interface DetectionEvaluatorDeps {
  store: ControlResultStore;
  logger: LoggerService;
  options: {
    checks: readonly DetectionCheckId[];
    testMetricFilter: boolean;
  };
  now?: () => Date;
}

/** One run's (or batch's) evaluation of detection content; see {@link DetectionEvaluator.startRun}. */
export class DetectionRun {
  private readonly collection: DetectionCollection;
  private readonly clients = new Map<string, Promise<DetectionClients>>();
  private readonly groups = new Map<string, Promise<LogGroupDetectionResult>>();

  constructor(
    private readonly deps: DetectionEvaluatorDeps,
    private readonly aws: AwsClientFactory,
    private readonly now: () => Date,
  ) {
    this.collection = DetectionCollection.create({
      checkIds: deps.options.checks,
      testMetricFilter: deps.options.testMetricFilter,
      now,
    });
  }

  /** The account's detection result from its collected trails. Never throws for AWS. */
  async evaluate(
    facts: AccountFacts,
    inScope: ReadonlySet<string>,
    runId?: string,
  ): Promise<AccountDetectionResult> {
    const scope = detectionScope(facts);
    const refs = [
      ...scope.own,
      ...scope.organization.map(entry => entry.logGroup),
    ];
    const results = await Promise.all(
      refs.map(
        async ref => [ref.arn, await this.logGroup(ref, inScope)] as const,
      ),
    );
    return accountDetectionResult({
      accountId: facts.accountId,
      checkIds: this.deps.options.checks,
      scope,
      logGroups: new Map(results),
      evaluatedAt: this.now().toISOString(),
      runId,
    });
  }

  /** Evaluates and saves; `skip()` true (the run was aborted) drops the result unsaved. */
  async evaluateAndSave(
    facts: AccountFacts,
    inScope: ReadonlySet<string>,
    options: { runId?: string; skip?: () => boolean } = {},
  ): Promise<SavedControlResult<AccountDetectionResult> | undefined> {
    const result = await this.evaluate(facts, inScope, options.runId);
    if (options.skip?.()) return undefined;
    const outcome = await this.deps.store.saveControlResult<
      AccountDetectionResult,
      DetectionListingSummary
    >(DETECTION_CONTROL, {
      accountId: result.accountId,
      controlId: DETECTION_CONTROL.id,
      verdict: result.verdict,
      ...(result.reason ? { reason: result.reason } : {}),
      summary: {
        failingChecks: result.failingChecks,
        ...(result.inheritedFrom
          ? { inheritedFrom: result.inheritedFrom }
          : {}),
      },
      result,
      evaluatedAt: result.evaluatedAt,
      ...(result.runId ? { runId: result.runId } : {}),
    });
    this.deps.logger
      .child({ accountId: result.accountId, runId: options.runId })
      .info('detection evaluated', {
        verdict: result.verdict,
        reason: result.reason,
      });
    return { controlId: DETECTION_CONTROL.id, outcome, result };
  }

  private logGroup(
    ref: LogGroupRef,
    inScope: ReadonlySet<string>,
  ): Promise<LogGroupDetectionResult> {
    let result = this.groups.get(ref.arn);
    if (!result) {
      result = this.readLogGroup(ref, inScope);
      this.groups.set(ref.arn, result);
    }
    return result;
  }

  private async readLogGroup(
    ref: LogGroupRef,
    inScope: ReadonlySet<string>,
  ): Promise<LogGroupDetectionResult> {
    const { checks } = this.deps.options;
    if (!inScope.has(ref.accountId)) {
      // Its reader role is only assumed in accounts the catalog names.
      return unreadLogGroupResult(
        ref,
        checks,
        {
          service: 'logs',
          operation: 'logs:DescribeMetricFilters',
          region: ref.region,
          code: 'AccountNotInScope',
          message: `account ${ref.accountId} is not in the catalog, so its log groups are not read`,
        },
        `${ref.name} is in account ${ref.accountId}, which is not evaluated (not in the catalog): its detection content is not read`,
      );
    }
    let clients: DetectionClients;
    try {
      clients = await this.clientsOf(ref.accountId);
    } catch (error) {
      const apiError = toApiError('sts:AssumeRole', error);
      return unreadLogGroupResult(
        ref,
        checks,
        apiError,
        `the reader role of account ${ref.accountId} could not be used: ${apiError.code}`,
      );
    }
    const facts = await this.collection.logGroup(clients, ref);
    return evaluateLogGroupDetection(facts, checks);
  }

  private clientsOf(accountId: string): Promise<DetectionClients> {
    let clients = this.clients.get(accountId);
    if (!clients) {
      clients = this.aws.forAccount(accountId).then(sdkDetectionClients);
      this.clients.set(accountId, clients);
    }
    return clients;
  }
}

/**
 * The `cis-3.x-detection` control (detection-content.md), evaluated beside 2.4 from the same
 * collected trails: which log groups decide it (rules/detection/accountScope.ts), their metric
 * filters, alarms, topics and pattern tests (aws/detection.ts, read with the owner's role of
 * each group), the pure judgement, and the result saved per account and control.
 */
export class DetectionEvaluator {
  private readonly now: () => Date;

  private constructor(private readonly deps: DetectionEvaluatorDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  static create(deps: DetectionEvaluatorDeps): DetectionEvaluator {
    return new DetectionEvaluator(deps);
  }

  /**
   * One run's (or batch's) evaluation: every log group's facts are read once, however many
   * trails and accounts share the group.
   */
  startRun(aws: AwsClientFactory): DetectionRun {
    return new DetectionRun(this.deps, aws, this.now);
  }
}
