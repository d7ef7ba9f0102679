import {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AccountExceptionsResponse,
  AccountSummary,
  cisAwsExceptionManagePermission,
  ComplianceException,
  exceptionStatus,
  ExceptionListItem,
  ExceptionsListResponse,
} from '@cis-aws/plugin-cis-aws-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { EvaluationEngine } from '../service/EvaluationEngine';
import {
  EvaluationStore,
  ExceptionStore,
  listAllAccounts,
} from '../storage/EvaluationStore';
import { CatalogAccess } from './access';
import { principalName } from './principal';
import {
  createExceptionSchema,
  exceptionsQuerySchema,
  parseAccountId,
  parseInput,
  revokeExceptionSchema,
} from './validation';

export interface ExceptionRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  access: CatalogAccess;
  store: EvaluationStore;
  exceptions: ExceptionStore;
  engine: Pick<EvaluationEngine, 'findMapping' | 'evaluateOne'>;
  logger: LoggerService;
  maxDurationMs: number;
  now?: () => Date;
}

/**
 * Exceptions: anyone who may read an account sees its exceptions and their audit trail;
 * granting and revoking need `cis-aws.exception.manage`. After either, the account is evaluated
 * again at once, so it shows EXEMPT (or stops) without waiting for the next run.
 */
export function createExceptionRoutes(
  options: ExceptionRoutesOptions,
): express.Router {
  const { httpAuth, permissions, access, store, exceptions, engine, logger } =
    options;
  const now = options.now ?? (() => new Date());
  const router = Router();

  const credentialsOf = (req: Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /** The account's catalog entity, if the caller may read it; else 404. */
  async function readableAccountRef(
    credentials: BackstageCredentials,
    accountId: string,
  ): Promise<string> {
    const entityRef =
      (await store.getAccount(accountId))?.entityRef ??
      (await engine.findMapping(accountId))?.entityRef;
    if (!entityRef || !(await access.canRead(entityRef, credentials))) {
      throw new NotFoundError(`AWS account ${accountId} is not in the catalog`);
    }
    return entityRef;
  }

  async function authorizeManage(credentials: BackstageCredentials) {
    const [decision] = await permissions.authorize(
      [{ permission: cisAwsExceptionManagePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not grant or revoke exceptions (${cisAwsExceptionManagePermission.name})`,
      );
    }
  }

  /** A new or revoked exception applies (or stops) at once; a failed evaluation is its own ERROR. */
  async function reevaluate(accountId: string) {
    try {
      await engine.evaluateOne(accountId);
    } catch (error) {
      logger.warn(
        `CIS 2.4: re-evaluating ${accountId} after an exception change failed: ${
          (error as Error).message
        }`,
      );
    }
  }

  function listItem(
    exception: ComplianceException,
    account?: Pick<AccountSummary, 'entityRef' | 'title' | 'ownerRef'>,
  ): ExceptionListItem {
    return {
      ...exception,
      status: exceptionStatus(exception, now()),
      ...(account?.entityRef ? { entityRef: account.entityRef } : {}),
      ...(account?.title ? { title: account.title } : {}),
      ...(account?.ownerRef ? { ownerRef: account.ownerRef } : {}),
    };
  }

  router.get('/v1/accounts/:accountId/exceptions', async (req, res) => {
    const accountId = parseAccountId(req.params.accountId);
    const credentials = await credentialsOf(req);
    await readableAccountRef(credentials, accountId);
    const account = await store.getAccount(accountId);
    const body: AccountExceptionsResponse = {
      accountId,
      items: (await exceptions.listExceptions({ accountIds: [accountId] })).map(
        e => listItem(e, account),
      ),
      events: await exceptions.listExceptionEvents(accountId),
    };
    res.json(body);
  });

  router.post('/v1/accounts/:accountId/exceptions', async (req, res) => {
    const accountId = parseAccountId(req.params.accountId);
    const credentials = await credentialsOf(req);
    await readableAccountRef(credentials, accountId);
    await authorizeManage(credentials);
    const input = parseInput(createExceptionSchema, req.body ?? {});

    const createdAt = now();
    const expiresAt = Date.parse(input.expiresAt);
    if (expiresAt <= createdAt.getTime()) {
      throw new InputError('expiresAt must be in the future');
    }
    if (expiresAt - createdAt.getTime() > options.maxDurationMs) {
      const days = Math.floor(options.maxDurationMs / 86_400_000);
      throw new InputError(
        `expiresAt is too far ahead: an exception lasts at most ${days} days (cisAws.exceptions.maxDuration)`,
      );
    }
    const account = await store.getAccount(accountId);
    if (
      input.trailArn &&
      account &&
      !account.evaluation.trails.some(t => t.trailArn === input.trailArn)
    ) {
      throw new InputError(
        `AWS account ${accountId} has no trail ${input.trailArn} in its latest evaluation`,
      );
    }

    const actor = principalName(credentials);
    const exception = await exceptions.createException({
      accountId,
      trailArn: input.trailArn,
      reason: input.reason,
      approvedBy: input.approvedBy ?? actor,
      expiresAt: new Date(expiresAt).toISOString(),
      ticketUrl: input.ticketUrl,
      createdBy: actor,
      createdAt: createdAt.toISOString(),
    });
    logger.info(
      `CIS 2.4: ${actor} granted exception ${exception.id} for ${accountId}${
        exception.trailArn ? ` trail ${exception.trailArn}` : ''
      } until ${exception.expiresAt}`,
    );
    await reevaluate(accountId);
    res
      .status(201)
      .json(listItem(exception, await store.getAccount(accountId)));
  });

  router.post('/v1/exceptions/:exceptionId/revoke', async (req, res) => {
    const credentials = await credentialsOf(req);
    const existing = await exceptions.getException(req.params.exceptionId);
    if (!existing) {
      throw new NotFoundError(`No exception ${req.params.exceptionId}`);
    }
    await readableAccountRef(credentials, existing.accountId).catch(() => {
      throw new NotFoundError(`No exception ${req.params.exceptionId}`);
    });
    await authorizeManage(credentials);
    const input = parseInput(revokeExceptionSchema, req.body ?? {});
    const actor = principalName(credentials);
    const revoked = await exceptions.revokeException(existing.id, {
      actor,
      at: now().toISOString(),
      reason: input.reason,
    });
    if (!revoked) {
      throw new NotFoundError(`No exception ${existing.id}`);
    }
    logger.info(
      `CIS 2.4: ${actor} revoked exception ${revoked.id} of ${revoked.accountId}`,
    );
    await reevaluate(revoked.accountId);
    res.json(listItem(revoked, await store.getAccount(revoked.accountId)));
  });

  /** The exceptions of every account the caller may read: the organization page's list. */
  router.get('/v1/exceptions', async (req, res) => {
    const query = parseInput(exceptionsQuerySchema, req.query);
    const credentials = await credentialsOf(req);
    const readable = await access.readableAccountEntityRefs(credentials);
    const accounts = new Map(
      (await listAllAccounts(store, { readableEntityRefs: readable })).map(
        account => [account.accountId, account],
      ),
    );
    const found = await exceptions.listExceptions({
      accountIds: [...accounts.keys()],
      ...(query.status === 'ALL' ? {} : { activeAt: now() }),
    });
    const body: ExceptionsListResponse = {
      items: found.map(e => listItem(e, accounts.get(e.accountId))),
    };
    res.json(body);
  });

  return router;
}
