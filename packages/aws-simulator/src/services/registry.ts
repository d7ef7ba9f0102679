import http from 'node:http';
import { JsonInput } from '../protocols/json';
import { QueryInput } from '../protocols/query';
import { matchRoute } from '../protocols/restJson';
import { cloudtrail } from './cloudtrail';
import { iam } from './iam';
import { logs } from './logs';
import { organizations } from './organizations';
import { securityhub } from './securityhub';
import { sts } from './sts';
import {
  JsonService,
  QueryService,
  RestJsonService,
  ServiceDefinition,
} from './types';

/**
 * Which service and operation a request is for, decided by protocol:
 * X-Amz-Target → JSON 1.1; a form body (or GET ?Action=) → awsQuery, the
 * service taken from the SigV4 scope or the Version parameter; otherwise
 * method + path → REST-JSON.
 */

const JSON_SERVICES = new Map<string, JsonService>(
  [cloudtrail, logs, organizations].map(s => [s.targetPrefix, s]),
);
const QUERY_SERVICES = new Map<string, QueryService>(
  [sts, iam].flatMap(
    s =>
      [
        [s.name, s],
        [s.version, s],
      ] as Array<[string, QueryService]>,
  ),
);
const REST_SERVICES: RestJsonService[] = [securityhub];

export interface Routed {
  service: ServiceDefinition;
  operation: string;
  input: () => QueryInput | JsonInput;
}

export function route(
  req: http.IncomingMessage,
  url: URL,
  body: string,
  scopeService: string | undefined,
): Routed | undefined {
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
