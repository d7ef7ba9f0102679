import { BackstageCredentials } from '@backstage/backend-plugin-api';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import type { FreshnessService } from '../services/FreshnessService';
import { noQuerySchema, parseAccountId, parseInput } from './validation';

export interface FreshnessRoutesOptions {
  credentialsOf(req: Request): Promise<{ credentials: BackstageCredentials }>;
  freshness: FreshnessService;
}

/**
 * `GET /v1/accounts/{accountId}/freshness`: how the account's current result came about (a
 * CloudTrail event, with its name, principal and time, or the regular check) and its latest
 * event-driven evaluations. Readable like the account itself (404 otherwise).
 */
export function createFreshnessRoutes({
  credentialsOf,
  freshness,
}: FreshnessRoutesOptions): express.Router {
  const router = Router();
  router.get('/v1/accounts/:accountId/freshness', async (req, res) => {
    const accountId = parseAccountId(req.params.accountId);
    parseInput(noQuerySchema, req.query);
    res.json(await freshness.getFreshness(accountId, await credentialsOf(req)));
  });
  return router;
}
