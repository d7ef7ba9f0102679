import { BackstageCredentials } from '@backstage/backend-plugin-api';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import type { DiagnosticsService } from '../services/DiagnosticsService';
import { noQuerySchema, parseInput } from './validation';

export interface DiagnosticsRoutesOptions {
  credentialsOf(req: Request): Promise<{ credentials: BackstageCredentials }>;
  /** Absent in a router built without it (unit tests of the other routes): no route then. */
  diagnostics?: DiagnosticsService;
}

/**
 * `GET /v1/diagnostics`: whether Security Hub's administrator (and how many CloudTrail.5
 * findings it sees), Organizations and each account's reader role are reachable. Signed-in
 * callers only; the service answers 403 unless the caller may run evaluations (admins), since
 * it makes AWS calls.
 */
export function createDiagnosticsRoutes({
  credentialsOf,
  diagnostics,
}: DiagnosticsRoutesOptions): express.Router {
  const router = Router();
  if (!diagnostics) return router;

  router.get('/v1/diagnostics', async (req, res) => {
    parseInput(noQuerySchema, req.query);
    const report = await diagnostics.getDiagnostics(await credentialsOf(req));
    res.set('Cache-Control', 'no-store').json(report);
  });

  return router;
}
