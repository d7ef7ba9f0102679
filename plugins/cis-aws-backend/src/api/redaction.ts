import { RequestHandler } from 'express';
import { redactSecretsDeep } from '../evidence/secretGuard';

/**
 * Every JSON body this router sends goes through the evidence packets' secret guard: AWS data
 * (policy documents, delivery errors, API error messages) can carry credential-like strings,
 * and the API must not serve what evidence would redact. Error bodies pass through it too.
 */
export function redactJsonResponses(
  knownSecrets: readonly string[] = [],
): RequestHandler {
  return (_req, res, next) => {
    const json = res.json.bind(res);
    res.json = body => json(redactSecretsDeep(body, knownSecrets).value);
    next();
  };
}
