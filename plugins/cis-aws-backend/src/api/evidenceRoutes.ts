import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { EVIDENCE_FORMATS } from '@cis-aws/plugin-cis-aws-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { EvidenceOptions } from '../evidence/buildEvidencePacket';
import {
  EVIDENCE_CONTENT_TYPES,
  evidenceFileName,
  produceEvidencePacket,
  serializeEvidence,
} from '../evidence/produceEvidence';
import { EvaluationStore, ExceptionStore } from '../storage/EvaluationStore';
import { CatalogAccess } from './access';
import { principalName } from './principal';
import { isoTime, parseAccountId, parseInput } from './validation';

export const evidenceQuerySchema = z
  .object({
    format: z.enum(EVIDENCE_FORMATS).optional(),
    at: isoTime.optional(),
  })
  .strict();

export interface EvidenceRouterOptions {
  httpAuth: HttpAuthService;
  access: CatalogAccess;
  store: EvaluationStore;
  exceptions: ExceptionStore;
  /** `readCisAwsOptions(config)` (its evidence, securityHub and maxDeliveryAgeMs). */
  options: EvidenceOptions;
  logger: LoggerService;
  /** Configured secrets never to echo: `configuredSecrets(config)`. */
  knownSecrets?: readonly string[];
  /** The clock; tests pin it. */
  now?: () => Date;
}

/**
 * `GET /v1/accounts/:accountId/evidence?format=json|md&at=ISO`: the audit evidence packet of an
 * account, as a download. Like every account route, an account whose catalog entity the caller
 * may not read is answered as unknown (404).
 */
export function createEvidenceRouter(
  routerOptions: EvidenceRouterOptions,
): express.Router {
  const { httpAuth, access, store, exceptions, options, logger, knownSecrets } =
    routerOptions;
  const now = routerOptions.now ?? (() => new Date());
  const router = Router();

  router.get('/v1/accounts/:accountId/evidence', async (req, res) => {
    const accountId = parseAccountId(req.params.accountId);
    const query = parseInput(evidenceQuerySchema, req.query);
    const producedAt = now();
    const asOf = query.at ? new Date(query.at) : producedAt;
    if (asOf.getTime() > producedAt.getTime()) {
      throw new InputError(
        `Invalid request: at: ${query.at} is in the future; evidence can only describe the past`,
      );
    }
    const format = query.format ?? 'json';
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const stored = await access.readableAccount(store, accountId, credentials);

    const packet = await produceEvidencePacket(
      { store, exceptions, options, knownSecrets },
      {
        mapping: stored,
        current: stored,
        asOf,
        producedAt,
        producedBy: principalName(credentials),
      },
    );
    const { body, redactions } = serializeEvidence(
      packet,
      format,
      knownSecrets,
    );
    const total = (packet.produced.redactions ?? 0) + redactions;
    if (total > 0) {
      // The count only: what was redacted must not reach the logs either.
      logger.warn(
        `Evidence packet of AWS account ${accountId}: ${total} credential-like strings redacted`,
      );
    }
    res
      .status(200)
      .set('Content-Type', EVIDENCE_CONTENT_TYPES[format])
      .set(
        'Content-Disposition',
        `attachment; filename="${evidenceFileName(accountId, asOf, format)}"`,
      )
      .set('Cache-Control', 'no-store')
      .send(body);
  });

  return router;
}
