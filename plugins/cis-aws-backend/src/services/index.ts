import {
  AuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EvidenceOptions } from '../evidence/buildEvidencePacket';
import { EvaluationEngine } from '../engine/EvaluationEngine';
import {
  EvaluationStore,
  EvidenceChainStore,
  ExceptionStore,
} from '../storage/EvaluationStore';
import {
  AccountResultsService,
  DefaultAccountResultsService,
} from './AccountResultsService';
import { CatalogAccess } from './CatalogAccess';
import {
  DefaultEntityResultsService,
  EntityResultsService,
} from './EntityResultsService';
import {
  DefaultEvaluationService,
  EvaluationService,
  EvaluationServiceDeps,
} from './EvaluationService';
import { DefaultEvidenceService, EvidenceService } from './EvidenceService';
import {
  DefaultDetectionResultsService,
  DetectionResultsService,
} from './DetectionResultsService';
import type { ControlResultStore } from '../storage/ControlResultStore';
import { DefaultExceptionService, ExceptionService } from './ExceptionService';
import { DefaultFreshnessService, FreshnessService } from './FreshnessService';
import type { EvaluationCauseStore } from '../storage/evaluationCauses';
import {
  DefaultOwnerRankingService,
  OwnerRankingService,
} from './OwnerRankingService';
import { DefaultTrendService, TrendService } from './TrendService';

export type { AccountResultsService } from './AccountResultsService';
export type { EntityResultsService } from './EntityResultsService';
export type { EvaluationService } from './EvaluationService';
export type { EvidenceService } from './EvidenceService';
export type { DetectionResultsService } from './DetectionResultsService';
export type { ExceptionService } from './ExceptionService';
export type { OwnerRankingService } from './OwnerRankingService';
export type { FreshnessService } from './FreshnessService';
export type { TrendService } from './TrendService';

/** The services behind the HTTP API, one per concern. */
export interface ApiServices {
  accounts: AccountResultsService;
  entities: EntityResultsService;
  owners: OwnerRankingService;
  evaluations: EvaluationService;
  exceptions: ExceptionService;
  evidence: EvidenceService;
  freshness: FreshnessService;
  trends: TrendService;
  detection: DetectionResultsService;
}

/** Builds the API's services over the store, the engine and the catalog. */
export function createApiServices(deps: {
  catalog: CatalogService;
  permissions: PermissionsService;
  /** Who the caller is and which groups they belong to: exception requests and approvals. */
  userInfo: UserInfoService;
  /** Lets callers the catalog lets read everything share one list of account entities. */
  auth?: AuthService;
  logger: LoggerService;
  store: EvaluationStore & ExceptionStore & EvidenceChainStore;
  /** Results of the controls besides 2.4 (detection content). */
  controls: Pick<
    ControlResultStore,
    | 'getControlResult'
    | 'getControlHistory'
    | 'listControlEpisodes'
    | 'countControlVerdicts'
  >;
  /** `evaluateOne` through the account gate (AccountGate.gatedEngine). */
  engine: Pick<EvaluationEngine, 'readCatalog' | 'evaluateOne'>;
  runner: EvaluationServiceDeps['runner'];
  runs: EvaluationServiceDeps['runs'];
  options: EvidenceOptions & {
    historyRetentionMs: number;
    maxExceptionDurationMs: number;
    /** `cisAws.evaluate.minInterval`; default a minute. */
    evaluateMinIntervalMs?: number;
    /** `cisAws.detection.enabled`; default true. */
    detection?: { enabled: boolean };
  };
  /** The full run's schedule (period when not cron, and in words), for "next check". */
  schedule?: { frequencyMs?: number; description: string };
  /** cisAws.exceptions.approvers and remindBefore. */
  exceptionOptions: { approvers: readonly string[]; remindBeforeMs: number };
  knownSecrets?: readonly string[];
  /** The CloudTrail events behind event-driven evaluations; none when absent. */
  causes?: Pick<EvaluationCauseStore, 'listCauses'>;
  /** The regular check as people say it (lib/scheduleLabel). Default: "scheduled check". */
  checkLabel?: string;
  now?: () => Date;
}): ApiServices {
  const { catalog, permissions, logger, store, engine, options, now } = deps;
  const { runner, runs } = deps;
  const access = CatalogAccess.create({
    catalog,
    permissions,
    auth: deps.auth,
    store,
  });
  const securityHubRegion = options.securityHub.region;
  const detectionEnabled = options.detection?.enabled ?? true;
  return {
    accounts: DefaultAccountResultsService.create({
      store,
      access,
      userInfo: deps.userInfo,
      securityHubRegion,
      historyRetentionMs: options.historyRetentionMs,
      detectionEnabled,
      controls: deps.controls,
    }),
    entities: DefaultEntityResultsService.create({
      catalog,
      access,
      store,
      detectionEnabled,
      controls: deps.controls,
    }),
    detection: DefaultDetectionResultsService.create({
      store,
      controls: deps.controls,
      access,
      enabled: detectionEnabled,
    }),
    owners: DefaultOwnerRankingService.create({
      store,
      access,
      detectionEnabled,
      now,
    }),
    trends: DefaultTrendService.create({ catalog, access, store, now }),
    evaluations: DefaultEvaluationService.create({
      engine,
      runner,
      runs,
      store,
      access,
      permissions,
      userInfo: deps.userInfo,
      logger,
      securityHubRegion,
      minIntervalMs: options.evaluateMinIntervalMs ?? 60_000,
      schedule: deps.schedule ?? { description: 'on its schedule' },
      now,
    }),
    exceptions: DefaultExceptionService.create({
      store,
      exceptions: store,
      engine,
      access,
      permissions,
      userInfo: deps.userInfo,
      logger,
      maxDurationMs: options.maxExceptionDurationMs,
      approvers: deps.exceptionOptions.approvers,
      remindBeforeMs: deps.exceptionOptions.remindBeforeMs,
      now,
    }),
    freshness: DefaultFreshnessService.create({
      store,
      access,
      causes: deps.causes ?? { listCauses: async () => [] },
      checkLabel: deps.checkLabel ?? 'scheduled check',
    }),
    evidence: DefaultEvidenceService.create({
      store,
      exceptions: store,
      access,
      options,
      logger,
      knownSecrets: deps.knownSecrets,
      ...(detectionEnabled ? { controls: deps.controls } : {}),
      now,
    }),
  };
}
