import http from 'node:http';
import { AwsError } from './errors';
import { jsonErrorBody, jsonErrorHeaders, toJsonBody } from './json';
import { encodeCbor } from './cbor';
import { queryError, queryResponse } from './query';
import { restJsonErrorBody, restJsonErrorHeaders } from './restJson';
import { ServiceDefinition } from '../services/types';

/** Writes results and errors in the wire format of the service's protocol. */

const CBOR_HEADERS = { 'smithy-protocol': 'rpc-v2-cbor' };

export function send(
  res: http.ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendResult(
  res: http.ServerResponse,
  service: ServiceDefinition,
  operation: string,
  result: object | undefined,
  requestId: string,
): void {
  const headers = { 'x-amzn-RequestId': requestId };
  if (service.protocol === 'query') {
    send(
      res,
      200,
      'text/xml',
      queryResponse(operation, service.namespace, result, requestId),
      headers,
    );
  } else if (service.protocol === 'rpcv2Cbor') {
    send(res, 200, 'application/cbor', encodeCbor(result ?? {}), {
      ...headers,
      ...CBOR_HEADERS,
    });
  } else if (service.protocol === 'json') {
    send(
      res,
      200,
      'application/x-amz-json-1.1',
      toJsonBody(result ?? {}),
      headers,
    );
  } else {
    send(res, 200, 'application/json', toJsonBody(result ?? {}), headers);
  }
}

export function sendError(
  res: http.ServerResponse,
  service: ServiceDefinition | undefined,
  error: AwsError,
  requestId: string,
): void {
  const headers = { 'x-amzn-RequestId': requestId };
  if (service?.protocol === 'query') {
    send(
      res,
      error.status,
      'text/xml',
      queryError(error, service.namespace, requestId),
      headers,
    );
  } else if (service?.protocol === 'rpcv2Cbor') {
    send(
      res,
      error.status,
      'application/cbor',
      encodeCbor({ __type: error.code, message: error.message }),
      {
        ...headers,
        ...CBOR_HEADERS,
        ...jsonErrorHeaders(error, service.queryCompatible),
      },
    );
  } else if (service?.protocol === 'restJson') {
    send(res, error.status, 'application/json', restJsonErrorBody(error), {
      ...headers,
      ...restJsonErrorHeaders(error),
    });
  } else {
    const compatible = service?.protocol === 'json' && service.queryCompatible;
    send(
      res,
      error.status,
      'application/x-amz-json-1.1',
      jsonErrorBody(error),
      { ...headers, ...jsonErrorHeaders(error, compatible) },
    );
  }
}
