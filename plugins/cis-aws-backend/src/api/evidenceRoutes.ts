import { BackstageCredentials } from '@backstage/backend-plugin-api';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { EvidenceService } from '../services/EvidenceService';
import {
  evidenceQuerySchema,
  evidenceVerifySchema,
  noQuerySchema,
  parseAccountId,
  parseInput,
} from './validation';

/** The largest packet `POST /v1/evidence/verify` accepts. */
export const VERIFY_BODY_LIMIT = '10mb';

export interface EvidenceRoutesOptions {
  credentialsOf(req: Request): Promise<{ credentials: BackstageCredentials }>;
  evidence: EvidenceService;
}

/**
 * `GET /v1/accounts/:accountId/evidence?format=json|md&at=ISO`: the audit evidence packet of an
 * account, as a download. `POST /v1/evidence/verify`: re-checks a packet or the evidence chains.
 */
export function createEvidenceRoutes({
  credentialsOf,
  evidence,
}: EvidenceRoutesOptions): express.Router {
  const router = Router();

  router.get('/v1/accounts/:accountId/evidence', async (req, res) => {
    const accountId = parseAccountId(req.params.accountId);
    const query = parseInput(evidenceQuerySchema, req.query);
    const download = await evidence.producePacket(
      accountId,
      {
        format: query.format ?? 'json',
        at: query.at ? new Date(query.at) : undefined,
      },
      await credentialsOf(req),
    );
    res
      .status(200)
      .set('Content-Type', download.contentType)
      .set('Content-Disposition', `attachment; filename="${download.fileName}"`)
      .set('Cache-Control', 'no-store')
      .send(download.body);
  });

  // Re-checks a packet (the body's `packet`), or every chain the caller may read (no packet).
  // Reading evidence is reading the account: the same catalog access as the packet itself.
  // A packet is larger than other bodies: createRouter mounts this parser before its default
  // one too (a parser skips a body already parsed).
  router.post(
    '/v1/evidence/verify',
    express.json({ limit: VERIFY_BODY_LIMIT }),
    async (req, res) => {
      parseInput(noQuerySchema, req.query);
      const body = parseInput(evidenceVerifySchema, req.body ?? {});
      const report = await evidence.verify(
        { packet: body.packet },
        await credentialsOf(req),
      );
      res.status(200).json(report);
    },
  );

  return router;
}
