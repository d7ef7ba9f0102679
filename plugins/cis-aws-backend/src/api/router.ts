import {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AccountsListResponse,
  AccountSummary,
  AWS_ACCOUNT_ID_ANNOTATION,
  cisAwsEvaluatePermission,
  EntityResultResponse,
  HistoryResponse,
  MappingProblem,
  OwnerSummary,
  OwnersResponse,
  parseAccountAnnotation,
} from '@cis-aws/plugin-cis-aws-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { aggregateEntity } from '../rules';
import { EvaluationEngine } from '../service/EvaluationEngine';
import {
  EvaluationStore,
  ExceptionStore,
  listAllAccounts,
} from '../storage/EvaluationStore';
import { CisAwsOptions } from '../service/options';
import { CatalogAccess } from './access';
import { createEvidenceRouter } from './evidenceRoutes';
import { createExceptionRoutes } from './exceptionRoutes';
import { consoleLinksFor } from './consoleLinks';
import {
  accountsQuerySchema,
  historyQuerySchema,
  parseAccountId,
  parseInput,
  runsQuerySchema,
} from './validation';

/** How many levels of child groups a group's aggregate reaches down. */
const MAX_GROUP_DEPTH = 10;

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  store: EvaluationStore;
  engine: EvaluationEngine;
  logger: LoggerService;
  exceptions: ExceptionStore;
  options: Pick<
    CisAwsOptions,
    | 'historyRetentionMs'
    | 'maxExceptionDurationMs'
    | 'securityHub'
    | 'evidence'
    | 'maxDeliveryAgeMs'
  >;
  /** Configured secrets (backend keys, static tokens, AWS keys) never to appear in evidence. */
  knownSecrets?: readonly string[];
  /** The clock of exception validity; tests pin it. */
  now?: () => Date;
}

/**
 * `/api/cis-aws/v1`: every route needs a signed-in user or a service; what a
 * caller sees is what the catalog lets that caller read (an account whose
 * entity is unreadable is answered like an unknown one: 404).
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, store, engine } = options;
  const securityHubRegion = options.options.securityHub.region;
  const access = new CatalogAccess(catalog);
  const router = Router();
  router.use(express.json());
  router.use(
    createExceptionRoutes({
      httpAuth,
      permissions,
      access,
      store,
      exceptions: options.exceptions,
      engine,
      logger: options.logger,
      maxDurationMs: options.options.maxExceptionDurationMs,
      now: options.now,
    }),
  );
  router.use(
    createEvidenceRouter({
      httpAuth,
      access,
      store,
      exceptions: options.exceptions,
      options: options.options,
      logger: options.logger,
      knownSecrets: options.knownSecrets,
      now: options.now,
    }),
  );

  const credentialsOf = (req: Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  async function readableAccount(req: Request, accountId: string) {
    return access.readableAccount(store, accountId, await credentialsOf(req));
  }

  async function authorizeEvaluation(credentials: BackstageCredentials) {
    const [decision] = await permissions.authorize(
      [{ permission: cisAwsEvaluatePermission }],
      {
        credentials,
      },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not run an evaluation (${cisAwsEvaluatePermission.name})`,
      );
    }
  }

  router.get('/v1/accounts', async (req, res) => {
    const query = parseInput(accountsQuerySchema, req.query);
    const credentials = await credentialsOf(req);
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const page = await store.listAccounts({
      verdicts: query.verdict,
      ownerRefs: query.owner,
      entityRefs: query.entityRef,
      systemRefs: query.system,
      search: query.search,
      orderBy: query.orderBy && {
        field: query.orderBy,
        direction: query.order ?? 'asc',
      },
      offset,
      limit,
      readableEntityRefs: await access.readableAccountEntityRefs(credentials),
    });
    const body: AccountsListResponse = { ...page, offset, limit };
    res.json(body);
  });

  /** Every owner's accounts by verdict, worst first: the platform team's ranking. */
  router.get('/v1/owners', async (req, res) => {
    const credentials = await credentialsOf(req);
    const readable = await access.readableAccountEntityRefs(credentials);
    const byOwner = new Map<string, OwnerSummary>();
    for (const account of await listAllAccounts(store, {
      readableEntityRefs: readable,
    })) {
      const key = account.ownerRef ?? '';
      const summary = byOwner.get(key) ?? {
        ...(account.ownerRef ? { ownerRef: account.ownerRef } : {}),
        totalCount: 0,
        totals: { PASS: 0, FAIL: 0, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
      };
      summary.totalCount += 1;
      summary.totals[account.verdict] += 1;
      byOwner.set(key, summary);
    }
    const owners = [...byOwner.values()].sort(
      (a, b) =>
        b.totals.FAIL - a.totals.FAIL ||
        b.totals.ERROR - a.totals.ERROR ||
        (a.ownerRef ?? '~').localeCompare(b.ownerRef ?? '~'),
    );
    const body: OwnersResponse = { owners };
    res.json(body);
  });

  router.get('/v1/accounts/:accountId', async (req, res) => {
    const accountId = parseAccountId(req.params.accountId);
    const stored = await readableAccount(req, accountId);
    res.json({
      ...stored,
      consoleLinks: consoleLinksFor(stored.evaluation, securityHubRegion),
    });
  });

  router.get('/v1/accounts/:accountId/history', async (req, res) => {
    const accountId = parseAccountId(req.params.accountId);
    const query = parseInput(historyQuerySchema, req.query);
    await readableAccount(req, accountId);
    const changes = await store.getHistory(accountId, {
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    });
    const body: HistoryResponse = {
      accountId,
      ...(query.from ? { from: new Date(query.from).toISOString() } : {}),
      ...(query.to ? { to: new Date(query.to).toISOString() } : {}),
      changes,
      retentionDays: Math.floor(
        options.options.historyRetentionMs / 86_400_000,
      ),
    };
    res.json(body);
  });

  router.post('/v1/accounts/:accountId/evaluate', async (req, res) => {
    const accountId = parseAccountId(req.params.accountId);
    const credentials = await credentialsOf(req);
    const mapping = await engine.findMapping(accountId);
    if (!mapping || !(await access.canRead(mapping.entityRef, credentials))) {
      throw new NotFoundError(`AWS account ${accountId} is not in the catalog`);
    }
    await authorizeEvaluation(credentials);
    await engine.evaluateOne(accountId);
    const stored = (await store.getAccount(accountId))!;
    res.json({
      ...stored,
      consoleLinks: consoleLinksFor(stored.evaluation, securityHubRegion),
    });
  });

  router.get('/v1/entities/:kind/:namespace/:name', async (req, res) => {
    const { kind, namespace, name } = req.params;
    const entityRef = stringifyEntityRef({ kind, namespace, name });
    const credentials = await credentialsOf(req);
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef}`);
    }
    const carriers = [entity, ...(await relatedAccountEntities(entity))];
    const problems: MappingProblem[] = [];
    const accountIds = new Set<string>();
    for (const carrier of carriers) {
      const value = carrier.metadata.annotations?.[AWS_ACCOUNT_ID_ANNOTATION];
      if (value === undefined) continue;
      const parsed = parseAccountAnnotation(value);
      if (parsed.ok) parsed.accountIds.forEach(id => accountIds.add(id));
      else {
        problems.push({
          entityRef: stringifyEntityRef(carrier),
          annotation: AWS_ACCOUNT_ID_ANNOTATION,
          value,
          message: parsed.message,
        });
      }
    }
    const ids = [...accountIds];
    // An empty accountIds filter would not filter at all: no ids, no accounts.
    const accounts: AccountSummary[] =
      ids.length > 0 ? await listAllAccounts(store, { accountIds: ids }) : [];
    const aggregate = aggregateEntity(
      accounts.map(account => ({
        accountId: account.accountId,
        verdict: account.verdict,
      })),
    );
    const evaluated = new Set(accounts.map(account => account.accountId));
    let verdict: EntityResultResponse['verdict'] = aggregate.verdict;
    if (accountIds.size === 0) verdict = 'NOT_MAPPED';
    else if (accounts.length === 0) verdict = 'PENDING';
    const body: EntityResultResponse = {
      entityRef,
      verdict,
      counts: aggregate.counts,
      accounts,
      pendingAccountIds: ids.filter(id => !evaluated.has(id)).sort(),
      problems,
    };
    res.json(body);

    /**
     * The account-carrying entities a system (its parts), a user (what it owns) or a group (what
     * it and every group below it own) stands for: a department's card covers its teams.
     */
    async function relatedAccountEntities(of: Entity): Promise<Entity[]> {
      const ofKind = of.kind.toLocaleLowerCase('en-US');
      let filter: Record<string, string | string[]>;
      if (ofKind === 'system') filter = { 'relations.partOf': entityRef };
      else if (ofKind === 'user') filter = { 'relations.ownedBy': entityRef };
      else if (ofKind === 'group') {
        filter = { 'relations.ownedBy': await groupAndDescendants(entityRef) };
      } else return [];
      const { items } = await catalog.getEntities(
        {
          filter: {
            ...filter,
            [`metadata.annotations.${AWS_ACCOUNT_ID_ANNOTATION}`]:
              CATALOG_FILTER_EXISTS,
          },
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.annotations',
          ],
        },
        { credentials },
      );
      return items;
    }

    /** The group and its descendants (childOf, level by level; a cycle or depth stops it). */
    async function groupAndDescendants(groupRef: string): Promise<string[]> {
      const seen = new Set([groupRef]);
      let level = [groupRef];
      for (
        let depth = 0;
        depth < MAX_GROUP_DEPTH && level.length > 0;
        depth++
      ) {
        const { items } = await catalog.getEntities(
          {
            filter: { kind: 'Group', 'relations.childOf': level },
            fields: ['kind', 'metadata.name', 'metadata.namespace'],
          },
          { credentials },
        );
        level = items.map(stringifyEntityRef).filter(ref => !seen.has(ref));
        level.forEach(ref => seen.add(ref));
      }
      return [...seen];
    }
  });

  /** Evaluates every account now; answers with the run record when it is done. */
  router.post('/v1/runs', async (req, res) => {
    const credentials = await credentialsOf(req);
    await authorizeEvaluation(credentials);
    const run = await engine.runAll({ trigger: 'manual' });
    res.status(201).json(run);
  });

  router.get('/v1/runs', async (req, res) => {
    const query = parseInput(runsQuerySchema, req.query);
    await credentialsOf(req);
    res.json({ runs: await store.listRuns(query.limit ?? 20) });
  });

  return router;
}
