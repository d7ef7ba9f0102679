import http from 'node:http';
import { JsonInput } from '../protocols/json';
import { QueryInput } from '../protocols/query';
import { matchRoute } from '../protocols/restJson';
import { AwsError } from '../protocols/errors';
import { CborError, decodeCbor } from '../protocols/cbor';
import { cloudtrail } from './cloudtrail';
import { cloudwatch, cloudwatchJson, cloudwatchQuery } from './cloudwatch';
import { iam } from './iam';
import { logs } from './logs';
import { organizations } from './organizations';
import { securityhub } from './securityhub';
import { sns } from './sns';
import { sts } from './sts';
import {
  CborService,
  JsonService,
  QueryService,
  RestJsonService,
  ServiceDefinition,
} from './types';

/**
 * Which service and operation a request is for, decided by protocol:
 * X-Amz-Target → JSON 1.1 (1.0 for CloudWatch); a form body (or GET ?Action=) → awsQuery, the
 * service taken from the SigV4 scope or the Version parameter; otherwise
 * method + path → REST-JSON.
 */

const JSON_SERVICES = new Map<string, JsonService>(
  [cloudtrail, logs, organizations, cloudwatchJson].map(s => [
    s.targetPrefix,
    s,
  ]),
);
const QUERY_SERVICES = new Map<string, QueryService>(
  [sts, iam, cloudwatchQuery, sns].flatMap(
    s =>
      [
        [s.name, s],
        [s.version, s],
      ] as Array<[string, QueryService]>,
  ),
);
const REST_SERVICES: RestJsonService[] = [securityhub];
const CBOR_SERVICES = new Map<string, CborService>(
  [cloudwatch].map(s => [s.serviceName, s]),
);
const CBOR_PATH = /^\/service\/([^/]+)\/operation\/([^/]+)$/;

function cborInput(raw: Buffer, service: CborService): JsonInput {
  let body: unknown;
  try {
    body = decodeCbor(raw) ?? {};
  } catch (e) {
    throw new AwsError(
      'SerializationException',
      `The request body is not valid CBOR: ${
        e instanceof CborError ? e.message : String(e)
      }`,
      400,
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new AwsError(
      'SerializationException',
      'Expected a CBOR map as the request body.',
      400,
    );
  return new JsonInput(body as Record<string, unknown>, service.invalid);
}

export interface Routed {
  service: ServiceDefinition;
  operation: string;
  input: () => QueryInput | JsonInput;
}

export function route(
  req: http.IncomingMessage,
  url: URL,
  raw: Buffer,
  scopeService: string | undefined,
): Routed | undefined {
  const body = raw.toString('utf8');
  if (req.headers['smithy-protocol'] === 'rpc-v2-cbor') {
    const m = CBOR_PATH.exec(url.pathname);
    const service = m ? CBOR_SERVICES.get(m[1]) : undefined;
    if (!m || !service) return undefined;
    return {
      service,
      operation: m[2],
      input: () => cborInput(raw, service),
    };
  }
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    const dot = target.lastIndexOf('.');
    const service = JSON_SERVICES.get(target.slice(0, dot));
    if (!service) return undefined;
    return {
      service,
      operation: target.slice(dot + 1),
      input: () => JsonInput.parse(body, service.invalid),
    };
  }
  const contentType = req.headers['content-type'] ?? '';
  if (
    contentType.includes('x-www-form-urlencoded') ||
    (req.method === 'GET' && url.searchParams.has('Action'))
  ) {
    const input = QueryInput.parse(body, url.searchParams);
    const service =
      QUERY_SERVICES.get(scopeService ?? '') ??
      QUERY_SERVICES.get(input.version ?? '');
    if (!service || !input.action) return undefined;
    return { service, operation: input.action, input: () => input };
  }
  for (const service of REST_SERVICES) {
    const r = matchRoute(service.routes, req.method ?? 'GET', url.pathname);
    if (r)
      return {
        service,
        operation: r.operation,
        input: () => JsonInput.parse(body, service.invalid),
      };
  }
  return undefined;
}
