import type { IncomingHttpHeaders } from 'node:http';

/**
 * What the simulator takes from a SigV4-signed request: the access key id and
 * the credential scope (date, region, service). Signatures are NOT verified.
 */
export interface SigV4Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  sessionToken?: string;
}

const CREDENTIAL =
  /Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/;

function header(
  headers: IncomingHttpHeaders,
  name: string,
): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Reads the scope from the Authorization header, or from a presigned URL's query. */
export function parseSigV4(
  headers: IncomingHttpHeaders,
  query?: URLSearchParams,
): SigV4Scope | undefined {
  const auth = header(headers, 'authorization');
  let match =
    auth && auth.startsWith('AWS4-HMAC-SHA256') ? CREDENTIAL.exec(auth) : null;
  let sessionToken = header(headers, 'x-amz-security-token');
  if (!match && query?.get('X-Amz-Credential')) {
    match = CREDENTIAL.exec(`Credential=${query.get('X-Amz-Credential')}`);
    sessionToken =
      sessionToken ?? query.get('X-Amz-Security-Token') ?? undefined;
  }
  if (!match) return undefined;
  return {
    accessKeyId: match[1],
    date: match[2],
    region: match[3],
    service: match[4],
    ...(sessionToken ? { sessionToken } : {}),
  };
}
