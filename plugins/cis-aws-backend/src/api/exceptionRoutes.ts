import { BackstageCredentials } from '@backstage/backend-plugin-api';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { ExceptionService } from '../services/ExceptionService';
import {
  approveExceptionSchema,
  createExceptionSchema,
  exceptionsQuerySchema,
  noQuerySchema,
  parseAccountId,
  parseExceptionId,
  parseInput,
  rejectExceptionSchema,
  revokeExceptionSchema,
} from './validation';

export interface ExceptionRoutesOptions {
  credentialsOf(req: Request): Promise<{ credentials: BackstageCredentials }>;
  exceptions: ExceptionService;
}

/** Exceptions: list an account's, list every readable one, request, approve, reject, revoke. */
export function createExceptionRoutes({
  credentialsOf,
  exceptions,
}: ExceptionRoutesOptions): express.Router {
  const router = Router();

  router.get('/v1/accounts/:accountId/exceptions', async (req, res) => {
    const accountId = parseAccountId(req.params.accountId);
    parseInput(noQuerySchema, req.query);
    res.json(
      await exceptions.listAccountExceptions(
        accountId,
        await credentialsOf(req),
      ),
    );
  });

  router.post('/v1/accounts/:accountId/exceptions', async (req, res) => {
    const accountId = parseAccountId(req.params.accountId);
    parseInput(noQuerySchema, req.query);
    const { approvedBy: _never, ...input } = parseInput(
      createExceptionSchema,
      req.body ?? {},
    );
    const created = await exceptions.request(
      accountId,
      { ...input, expiresAt: new Date(input.expiresAt) },
      await credentialsOf(req),
    );
    res.status(201).json(created);
  });

  router.post('/v1/exceptions/:exceptionId/approve', async (req, res) => {
    const exceptionId = parseExceptionId(req.params.exceptionId);
    parseInput(noQuerySchema, req.query);
    const input = parseInput(approveExceptionSchema, req.body ?? {});
    res.json(
      await exceptions.decide(
        exceptionId,
        'APPROVED',
        input,
        await credentialsOf(req),
      ),
    );
  });

  router.post('/v1/exceptions/:exceptionId/reject', async (req, res) => {
    const exceptionId = parseExceptionId(req.params.exceptionId);
    parseInput(noQuerySchema, req.query);
    const input = parseInput(rejectExceptionSchema, req.body ?? {});
    res.json(
      await exceptions.decide(
        exceptionId,
        'REJECTED',
        input,
        await credentialsOf(req),
      ),
    );
  });

  router.post('/v1/exceptions/:exceptionId/revoke', async (req, res) => {
    const exceptionId = parseExceptionId(req.params.exceptionId);
    parseInput(noQuerySchema, req.query);
    const input = parseInput(revokeExceptionSchema, req.body ?? {});
    res.json(
      await exceptions.revoke(exceptionId, input, await credentialsOf(req)),
    );
  });

  /** The exceptions of every account the caller may read: the organization page's list. */
  router.get('/v1/exceptions', async (req, res) => {
    const query = parseInput(exceptionsQuerySchema, req.query);
    res.json(
      await exceptions.listExceptions(
        query.status ?? 'ACTIVE',
        await credentialsOf(req),
      ),
    );
  });

  return router;
}
