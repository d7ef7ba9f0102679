import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { handleAdmin } from './admin/routes';
import { Fault } from './admin/faults';
import { SimulatorCore } from './core';
import { Caller, resolveCaller } from './identity/credentials';
import {
  AwsError,
  Protocol,
  accessDenied,
  deniedByScp,
  expiredToken,
  invalidToken,
  missingAuthentication,
  serverError,
  throttled,
  unknownOperation,
} from './protocols/errors';
import { send, sendError, sendResult } from './protocols/respond';
import { parseSigV4 } from './protocols/sigv4';
import { Routed, route } from './services/registry';
import { SQS_TARGET_PREFIX, handleSqs, sendSqs } from './services/sqs';

/**
 * The HTTP front door: `/__admin/*` goes to the admin API; everything else is
 * an AWS request, routed by protocol (X-Amz-Target → JSON 1.1, form body →
 * awsQuery, method + path → REST-JSON), then: identify the caller from the
 * SigV4 credential, count the call, apply faults, check the region is enabled
 * for the caller, take a rate-limit token, run the operation, serialize.
 */

const MAX_BODY_BYTES = 16 * 1024 * 1024;

function faultError(
  fault: Fault,
  protocol: Protocol,
  routed: Routed,
  caller: Caller,
): AwsError {
  switch (fault.kind) {
    case 'throttle':
      return throttled(routed.service.name);
    case 'accessDenied':
      return accessDenied(
        protocol,
        caller.arn,
        `${routed.service.name}:${routed.operation}`,
      );
    case 'scpDenied':
      return deniedByScp(
        protocol,
        caller.arn,
        `${routed.service.name}:${routed.operation}`,
      );
    case 'serverError':
      return serverError(fault.status ?? 500);
    default:
      return invalidToken(protocol);
  }
}

async function handleAws(
  core: SimulatorCore,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  raw: Buffer,
) {
  const requestId = randomUUID();
  const scope = parseSigV4(req.headers, url.searchParams);
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith(SQS_TARGET_PREFIX)) {
    await handleSqsRequest(core, req, res, raw, scope, target, requestId);
    return;
  }
  const routed = route(req, url, raw, scope?.service);
  if (!routed) {
    const what = req.headers['x-amz-target'] ?? `${req.method} ${url.pathname}`;
    sendError(
      res,
      undefined,
      new AwsError(
        'UnknownOperationException',
        `The simulator has no operation for ${what}`,
        404,
      ),
      requestId,
    );
    return;
  }
  const { service, operation } = routed;
  try {
    if (!scope) throw missingAuthentication(service.protocol);
    const caller = resolveCaller(
      core.state,
      scope.accessKeyId,
      scope.sessionToken,
      Date.now(),
    );
    core.calls.record(
      'problem' in caller ? 'unknown' : caller.accountId,
      service.name,
      operation,
    );
    if ('problem' in caller) {
      throw caller.problem === 'expired'
        ? expiredToken(service.protocol)
        : invalidToken(service.protocol);
    }
    const fired = core.faults.fire({
      account: caller.accountId,
      service: service.name,
      operation,
      region: scope.region,
    });
    const delay = fired.reduce(
      (sum, f) => sum + (f.kind === 'latency' ? f.latencyMs ?? 0 : 0),
      0,
    );
    if (delay > 0) await new Promise(resolve => setTimeout(resolve, delay));
    const failing = fired.find(f => f.kind !== 'latency');
    if (failing?.kind === 'connectionReset') {
      req.socket.destroy();
      return;
    }
    if (failing) throw faultError(failing, service.protocol, routed, caller);
    if (
      !service.global &&
      !core.state.isRegionEnabled(caller.accountId, scope.region)
    ) {
      throw invalidToken(service.protocol);
    }
    const realNowMs = Date.now();
    const nowMs = core.now();
    if (
      !core.limiter.take(
        service.name,
        caller.accountId,
        scope.region,
        realNowMs,
      )
    )
      throw throttled(service.name);
    const handler = service.operations[operation] as
      | ((ctx: unknown, input: unknown) => object | undefined)
      | undefined;
    if (!handler) throw unknownOperation(service.protocol, operation);
    const ctx = {
      state: core.state,
      caller,
      region: scope.region,
      operation,
      requestId,
      nowMs,
      realNowMs,
    };
    sendResult(
      res,
      service,
      operation,
      handler(ctx, routed.input()),
      requestId,
    );
  } catch (e) {
    const error = e instanceof AwsError ? e : serverError(500);
    if (!(e instanceof AwsError)) {
      process.stderr.write(
        `aws-simulator: ${service.name}:${operation} failed: ${
          (e as Error)?.stack ?? String(e)
        }\n`,
      );
    }
    core.calls.recordError(error.code);
    sendError(res, service, error, requestId);
  }
}

/**
 * SQS (AWS JSON 1.0): the caller is identified like any other, and the call counted; then the
 * operation runs asynchronously (a long-polling ReceiveMessage waits for a message).
 */
async function handleSqsRequest(
  core: SimulatorCore,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  raw: Buffer,
  scope: ReturnType<typeof parseSigV4>,
  target: string,
  requestId: string,
) {
  const operation = target.slice(SQS_TARGET_PREFIX.length);
  try {
    if (!scope) throw missingAuthentication('json');
    const caller = resolveCaller(
      core.state,
      scope.accessKeyId,
      scope.sessionToken,
      Date.now(),
    );
    core.calls.record(
      'problem' in caller ? 'unknown' : caller.accountId,
      'sqs',
      operation,
    );
    if ('problem' in caller) {
      throw caller.problem === 'expired'
        ? expiredToken('json')
        : invalidToken('json');
    }
    let input: Record<string, unknown>;
    try {
      const text = raw.toString('utf8');
      input = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new AwsError(
        'com.amazonaws.sqs#InvalidParameterValue',
        'The request body is not valid JSON.',
        400,
        { queryCode: 'InvalidParameterValue' },
      );
    }
    sendSqs(
      res,
      await handleSqs(core.sqs, operation, input, req, caller.accountId),
      requestId,
    );
  } catch (e) {
    const error = e instanceof AwsError ? e : serverError(500);
    if (!(e instanceof AwsError)) {
      process.stderr.write(
        `aws-simulator: sqs:${operation} failed: ${
          (e as Error)?.stack ?? String(e)
        }\n`,
      );
    }
    core.calls.recordError(error.code);
    sendSqs(res, error, requestId);
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createRequestListener(
  core: SimulatorCore,
): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    readBody(req)
      .then(body => {
        if (body === undefined) {
          send(
            res,
            413,
            'application/json',
            JSON.stringify({ message: 'Request body too large' }),
          );
        } else if (
          url.pathname === '/__admin' ||
          url.pathname.startsWith('/__admin/')
        ) {
          handleAdmin(core, req, res, url, body.toString('utf8'));
        } else {
          return handleAws(core, req, res, url, body);
        }
        return undefined;
      })
      .catch(e => {
        process.stderr.write(
          `aws-simulator: request failed: ${
            (e as Error)?.stack ?? String(e)
          }\n`,
        );
        send(
          res,
          500,
          'application/json',
          JSON.stringify({ message: 'Internal simulator error' }),
        );
      });
  };
}
