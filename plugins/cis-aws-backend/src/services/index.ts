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
import { DefaultExceptionService, ExceptionService } from './ExceptionService';
import {
  DefaultOwnerRankingService,
  OwnerRankingService,
} from './OwnerRankingService';
import { DefaultTrendService, TrendService } from './TrendService';

export type { AccountResultsService } from './AccountResultsService';
export type { EntityResultsService } from './EntityResultsService';
export type { EvaluationService } from './EvaluationService';
export type { EvidenceService } from './EvidenceService';
export type { ExceptionService } from './ExceptionService';
export type { OwnerRankingService } from './OwnerRankingService';
export type { TrendService } from './TrendService';

/** The services behind the HTTP API, one per concern. */
export interface ApiServices {
  accounts: AccountResultsService;
  entities: EntityResultsService;
  owners: OwnerRankingService;
  evaluations: EvaluationService;
  exceptions: ExceptionService;
  evidence: EvidenceService;
  trends: TrendService;
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
  /** `evaluateOne` through the account gate (AccountGate.gatedEngine). */
  engine: Pick<EvaluationEngine, 'readCatalog' | 'evaluateOne'>;
  runner: EvaluationServiceDeps['runner'];
  runs: EvaluationServiceDeps['runs'];
  options: EvidenceOptions & {
    historyRetentionMs: number;
    maxExceptionDurationMs: number;
  };
  /** cisAws.exceptions.approvers and remindBefore. */
  exceptionOptions: { approvers: readonly string[]; remindBeforeMs: number };
  knownSecrets?: readonly string[];
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
  return {
    accounts: DefaultAccountResultsService.create({
      store,
      access,
      securityHubRegion,
      historyRetentionMs: options.historyRetentionMs,
    }),
    entities: DefaultEntityResultsService.create({ catalog, store }),
    owners: DefaultOwnerRankingService.create({ store, access }),
    trends: DefaultTrendService.create({ catalog, access, store, now }),
    evaluations: DefaultEvaluationService.create({
      engine,
      runner,
      runs,
      store,
      access,
      permissions,
      logger,
      securityHubRegion,
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
    evidence: DefaultEvidenceService.create({
      store,
      exceptions: store,
      access,
      options,
      logger,
      knownSecrets: deps.knownSecrets,
      now,
    }),
  };
}
