import { HttpAuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { AccountResultsService } from '../services/AccountResultsService';
import { EntityResultsService } from '../services/EntityResultsService';
import {
  EvaluationService,
  TooManyRequestsError,
} from '../services/EvaluationService';
import { EvidenceService } from '../services/EvidenceService';
import { ExceptionService } from '../services/ExceptionService';
import { OwnerRankingService } from '../services/OwnerRankingService';
import type { TrendService } from '../services/TrendService';
import type { DiagnosticsService } from '../services/DiagnosticsService';
import type { FreshnessService } from '../services/FreshnessService';
import type { DetectionResultsService } from '../services/DetectionResultsService';
import { NotFoundError } from '@backstage/errors';
import { createFreshnessRoutes } from './freshnessRoutes';
import { createDiagnosticsRoutes } from './diagnosticsRoutes';
import { createEvidenceRoutes, VERIFY_BODY_LIMIT } from './evidenceRoutes';
import { createExceptionRoutes } from './exceptionRoutes';
import { redactJsonResponses } from './redaction';
import {
  accountsQuerySchema,
  entityQuerySchema,
  historyQuerySchema,
  noQuerySchema,
  ownersQuerySchema,
  parseAccountId,
  parseEntityRefParams,
  parseInput,
  parseRunId,
  runsQuerySchema,
  trendsQuerySchema,
} from './validation';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  accounts: AccountResultsService;
  entities: EntityResultsService;
  owners: OwnerRankingService;
  evaluations: EvaluationService;
  exceptions: ExceptionService;
  evidence: EvidenceService;
  freshness: FreshnessService;
  trends: TrendService;
  /** Configured secrets (backend keys, static tokens, AWS keys) never to appear in a response. */
  knownSecrets?: readonly string[];
  /** `GET /v1/diagnostics` (admins); without it that route is absent. */
  diagnostics?: DiagnosticsService;
  /** Accounts' detection results (control `cis-3.x-detection`). */
  detection?: DetectionResultsService;
}

/**
 * `/api/cis-aws/v1`: every route needs a signed-in user or a service; what a caller sees is what
 * the catalog lets that caller read (an account whose entity is unreadable is answered like an
 * unknown one: 404). A route parses its input, takes the caller's credentials and calls one
 * service method; the services hold the rules.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, accounts, entities, owners, evaluations, trends } = options;
  const router = Router();
  router.use(redactJsonResponses(options.knownSecrets));
  // Evidence packets sent back to be verified are larger than any other body.
  router.use('/v1/evidence/verify', express.json({ limit: VERIFY_BODY_LIMIT }));
  router.use(express.json());

  const credentialsOf = async (req: Request) => ({
    credentials: await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    }),
  });

  router.use(createExceptionRoutes({ credentialsOf, ...options }));
  router.use(createEvidenceRoutes({ credentialsOf, ...options }));
  router.use(createDiagnosticsRoutes({ credentialsOf, ...options }));
  router.use(createFreshnessRoutes({ credentialsOf, ...options }));

  router.get('/v1/accounts', async (req, res) => {
    const query = parseInput(accountsQuerySchema, req.query);
    const page = await accounts.listAccounts(
      {
        verdicts: query.verdict,
        detectionVerdicts: query.detection,
        ownerRefs: query.owner,
        noOwner: query.noOwner,
        mine: query.mine,
        entityRefs: query.entityRef,
        systemRefs: query.system,
        search: query.search,
        orderBy: query.orderBy && {
          field: query.orderBy,
          direction: query.order ?? 'asc',
        },
        offset: query.offset,
        limit: query.limit,
      },
      await credentialsOf(req),
    );
    res.json(page);
  });

  /** The owners' ranking, with failure age and the time to fix within `from`..`to`. */
  router.get('/v1/owners', async (req, res) => {
    const query = parseInput(ownersQuerySchema, req.query);
    res.json(
      await owners.rankOwners(
        { from: query.from, to: query.to },
        await credentialsOf(req),
      ),
    );
  });

  /** Per UTC day, accounts per verdict and the compliant share (organization or one entity). */
  router.get('/v1/trends', async (req, res) => {
    const query = parseInput(trendsQuerySchema, req.query);
    res.json(
      await trends.getTrend(
        { entityRef: query.entityRef, from: query.from, to: query.to },
        await credentialsOf(req),
      ),
    );
  });

  router.get('/v1/systems', async (req, res) => {
    parseInput(noQuerySchema, req.query);
    res.json(await owners.rankSystems(await credentialsOf(req)));
  });

  router.get('/v1/accounts/:accountId', async (req, res) => {
    const accountId = parseAccountId(req.params.accountId);
    parseInput(noQuerySchema, req.query);
    res.json(await accounts.getAccount(accountId, await credentialsOf(req)));
  });

  /** The account's detection result (detection-content.md); 404 until it was evaluated. */
  router.get(
    '/v1/accounts/:accountId/controls/cis-3.x-detection',
    async (req, res) => {
      const accountId = parseAccountId(req.params.accountId);
      parseInput(noQuerySchema, req.query);
      const { credentials } = await credentialsOf(req);
      if (!options.detection) {
        throw new NotFoundError('Detection results are not served here');
      }
      res.json(
        await options.detection.getAccountDetection(accountId, {
          credentials,
        }),
      );
    },
  );

  router.get('/v1/accounts/:accountId/history', async (req, res) => {
    const accountId = parseAccountId(req.params.accountId);
    const query = parseInput(historyQuerySchema, req.query);
    const range = {
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    };
    res.json(
      await accounts.getHistory(accountId, range, await credentialsOf(req)),
    );
  });

  router.post('/v1/accounts/:accountId/evaluate', async (req, res) => {
    const accountId = parseAccountId(req.params.accountId);
    parseInput(noQuerySchema, req.query);
    try {
      res.json(
        await evaluations.evaluateAccount(accountId, await credentialsOf(req)),
      );
    } catch (error) {
      // Backstage's error middleware knows no 429: answered here, in its body shape.
      if (!(error instanceof TooManyRequestsError)) throw error;
      res
        .status(429)
        .set('Retry-After', String(error.retryAfterSeconds))
        .json({
          error: { name: error.name, message: error.message },
          request: { method: req.method, url: req.originalUrl },
          response: { statusCode: 429 },
        });
    }
  });

  router.get('/v1/accounts/:accountId/evaluation-access', async (req, res) => {
    const accountId = parseAccountId(req.params.accountId);
    parseInput(noQuerySchema, req.query);
    res.json(
      await evaluations.getEvaluationAccess(
        accountId,
        await credentialsOf(req),
      ),
    );
  });

  router.get('/v1/entities/:kind/:namespace/:name', async (req, res) => {
    const entityRef = stringifyEntityRef(parseEntityRefParams(req.params));
    const page = parseInput(entityQuerySchema, req.query);
    res.json(
      await entities.getEntityResult(entityRef, {
        ...(await credentialsOf(req)),
        page,
      }),
    );
  });

  /**
   * Asks for a full run now: 202 with the run's id at once (the scheduler's task runs it, on any
   * replica); follow it with GET /v1/runs/{runId}.
   */
  router.post('/v1/runs', async (req, res) => {
    parseInput(noQuerySchema, req.query);
    const requested = await evaluations.requestRun(await credentialsOf(req));
    res
      .status(202)
      .location(`v1/runs/${encodeURIComponent(requested.runId)}`)
      .json(requested);
  });

  router.get('/v1/runs/:runId', async (req, res) => {
    const runId = parseRunId(req.params.runId);
    parseInput(noQuerySchema, req.query);
    await credentialsOf(req);
    res.json(await evaluations.getRun(runId));
  });

  router.get('/v1/runs', async (req, res) => {
    const query = parseInput(runsQuerySchema, req.query);
    await credentialsOf(req);
    res.json(await evaluations.listRuns(query.limit ?? 20));
  });

  return router;
}
