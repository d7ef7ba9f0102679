import http from 'node:http';
import { SimulatorCore } from '../core';
import {
  DriftError,
  deleteAccount,
  deleteLogGroup,
  deleteTrail,
  patchTrail,
  putAccount,
  putLogGroup,
  putTrail,
  setFindings,
} from '../world/drift';
import {
  deleteRole,
  deleteRolePolicy,
  putRole,
  putRolePolicy,
} from '../world/driftIam';
import { parseWorldText, readRateLimits } from '../world/load';
import { ChangeEvent, publishChange } from './cloudTrailEvents';
import { DEFAULT_EVENTS_QUEUE } from '../services/sqs';
import { WorldValidationError } from '../world/reader';

/**
 * The admin API under /__admin/ (JSON out; JSON or YAML in). See README.md
 * for the list of endpoints and curl examples.
 */

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

type Handler = (
  core: SimulatorCore,
  ctx: AdminRequest,
) => { status?: number; body: unknown };

interface AdminRequest {
  params: string[];
  body: () => unknown;
  rawBody: string;
  query: URLSearchParams;
  /** Who made a change (x-simulator-principal or ?principal=), for its CloudTrail event. */
  principal?: string;
}

/** Publishes the CloudTrail event of a change made through the admin API (cloudTrailEvents.ts). */
function changed(
  core: SimulatorCore,
  r: AdminRequest,
  change: Omit<ChangeEvent, 'principal'>,
) {
  publishChange(core, { ...change, principal: r.principal });
}

function trailOf(core: SimulatorCore, accountId: string, name: string) {
  return core.state.account(accountId)?.spec.trails.find(t => t.name === name);
}

function trailArn(accountId: string, region: string, name: string) {
  return `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
}

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const SEG = '([^/]+)';
const routes: Route[] = [];
function on(method: string, path: string, handler: Handler): void {
  routes.push({
    method,
    pattern: new RegExp(
      `^/__admin${path.replace(/:rest/g, '(.+)').replace(/:\w+/g, SEG)}/?$`,
    ),
    handler,
  });
}

const ok = (body: unknown, status = 200) => ({ status, body });
const gone = () => ({ status: 204, body: undefined });

on('GET', '/health', core =>
  ok({
    ok: true,
    accounts: core.state.accountCount(),
    version: core.state.version,
  }),
);
on('GET', '/world', core => ok(core.state.spec));
on('PUT', '/world', (core, r) => {
  const spec = core.replaceWorld(r.rawBody);
  return ok({
    accounts: spec.accounts.length,
    findings: spec.securityHubFindings.length,
  });
});
on('POST', '/reset', core => {
  core.reset();
  return ok({ reset: true, accounts: core.state.accountCount() });
});

// The world's clock: a replay of past days sets it to each day in turn.
on('GET', '/clock', core => ok({ now: new Date(core.now()).toISOString() }));
on('PUT', '/clock', (core, r) => {
  const body = r.body() as { at?: unknown } | null;
  const at =
    body && typeof body.at === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(body.at)
      ? Date.parse(body.at)
      : Number.NaN;
  if (Number.isNaN(at)) {
    throw new HttpError(
      400,
      'body: expected {"at": "<ISO 8601 date-time>"}, the time the world\'s clock is set to',
    );
  }
  core.setClock(at);
  return ok({ now: new Date(core.now()).toISOString() });
});
on('DELETE', '/clock', core => {
  core.setClock(undefined);
  return ok({ now: new Date(core.now()).toISOString() });
});

on('GET', '/accounts', core =>
  ok(core.state.spec.accounts.map(a => ({ id: a.id, name: a.name }))),
);
on('GET', '/accounts/:id', (core, r) => {
  const account = core.state.account(r.params[0]);
  if (!account)
    throw new HttpError(404, `account ${r.params[0]} is not in the world`);
  return ok(account.spec);
});
on('PUT', '/accounts/:id', (core, r) =>
  ok(putAccount(core.state, r.params[0], r.body())),
);
on('DELETE', '/accounts/:id', (core, r) => {
  deleteAccount(core.state, r.params[0]);
  return gone();
});

on('GET', '/accounts/:id/trails/:name', (core, r) => {
  const trail = core.state
    .account(r.params[0])
    ?.spec.trails.find(t => t.name === r.params[1]);
  if (!trail)
    throw new HttpError(
      404,
      `account ${r.params[0]} has no trail "${r.params[1]}"`,
    );
  return ok(trail);
});
on('PUT', '/accounts/:id/trails/:name', (core, r) => {
  const [accountId, name] = r.params;
  const existed = Boolean(trailOf(core, accountId, name));
  const trail = putTrail(core.state, accountId, name, r.body());
  changed(core, r, {
    service: 'cloudtrail',
    eventName: existed ? 'UpdateTrail' : 'CreateTrail',
    accountId,
    region: trail.homeRegion,
    requestParameters: { name: trailArn(accountId, trail.homeRegion, name) },
  });
  return ok(trail);
});
on('PATCH', '/accounts/:id/trails/:name', (core, r) => {
  const [accountId, name] = r.params;
  const before = trailOf(core, accountId, name);
  const wasLogging = before?.status.isLogging;
  const patch = r.body();
  const trail = patchTrail(core.state, accountId, name, patch, core.now());
  const keys = Object.keys((patch ?? {}) as object);
  const names: string[] = [];
  if (wasLogging === true && trail.status.isLogging === false)
    names.push('StopLogging');
  if (wasLogging === false && trail.status.isLogging === true)
    names.push('StartLogging');
  // Configuration fields are UpdateTrail; `status` (delivery times, errors) is not an API call.
  if (keys.some(k => k !== 'isLogging' && k !== 'status'))
    names.push('UpdateTrail');
  for (const eventName of names) {
    changed(core, r, {
      service: 'cloudtrail',
      eventName,
      accountId,
      region: trail.homeRegion,
      requestParameters: { name: trailArn(accountId, trail.homeRegion, name) },
    });
  }
  return ok(trail);
});
on('DELETE', '/accounts/:id/trails/:name', (core, r) => {
  const [accountId, name] = r.params;
  const region = trailOf(core, accountId, name)?.homeRegion ?? 'us-east-1';
  deleteTrail(core.state, accountId, name);
  changed(core, r, {
    service: 'cloudtrail',
    eventName: 'DeleteTrail',
    accountId,
    region,
    requestParameters: { name: trailArn(accountId, region, name) },
  });
  return gone();
});

on('PUT', '/accounts/:id/log-groups/:rest', (core, r) => {
  const [accountId, logGroupName] = r.params;
  const existed = Boolean(
    core.state
      .account(accountId)
      ?.spec.logGroups.some(g => g.name === logGroupName),
  );
  const group = putLogGroup(core.state, accountId, logGroupName, r.body());
  changed(core, r, {
    service: 'logs',
    eventName: existed ? 'PutRetentionPolicy' : 'CreateLogGroup',
    accountId,
    region: group.region,
    requestParameters: { logGroupName },
  });
  return ok(group);
});
on('DELETE', '/accounts/:id/log-groups/:rest', (core, r) => {
  const [accountId, logGroupName] = r.params;
  const asked = r.query.get('region') ?? undefined;
  const region =
    asked ??
    core.state
      .account(accountId)
      ?.spec.logGroups.find(g => g.name === logGroupName)?.region ??
    'us-east-1';
  deleteLogGroup(core.state, accountId, logGroupName, asked);
  changed(core, r, {
    service: 'logs',
    eventName: 'DeleteLogGroup',
    accountId,
    region,
    requestParameters: { logGroupName },
  });
  return gone();
});

on('PUT', '/accounts/:id/roles/:name/policies/:policy', (core, r) => {
  const [accountId, roleName, policyName] = r.params;
  const out = putRolePolicy(
    core.state,
    accountId,
    roleName,
    policyName,
    r.body(),
  );
  changed(core, r, {
    service: 'iam',
    eventName: 'PutRolePolicy',
    accountId,
    region: 'us-east-1',
    requestParameters: { roleName, policyName },
  });
  return ok(out);
});
on('DELETE', '/accounts/:id/roles/:name/policies/:policy', (core, r) => {
  const [accountId, roleName, policyName] = r.params;
  deleteRolePolicy(core.state, accountId, roleName, policyName);
  changed(core, r, {
    service: 'iam',
    eventName: 'DeleteRolePolicy',
    accountId,
    region: 'us-east-1',
    requestParameters: { roleName, policyName },
  });
  return gone();
});
on('PUT', '/accounts/:id/roles/:name', (core, r) => {
  const [accountId, roleName] = r.params;
  const existed = Boolean(
    core.state
      .account(accountId)
      ?.spec.roles.some(role => role.name === roleName),
  );
  const out = putRole(core.state, accountId, roleName, r.body());
  changed(core, r, {
    service: 'iam',
    eventName: existed ? 'UpdateAssumeRolePolicy' : 'CreateRole',
    accountId,
    region: 'us-east-1',
    requestParameters: { roleName },
  });
  return ok(out);
});
on('DELETE', '/accounts/:id/roles/:name', (core, r) => {
  const [accountId, roleName] = r.params;
  deleteRole(core.state, accountId, roleName);
  changed(core, r, {
    service: 'iam',
    eventName: 'DeleteRole',
    accountId,
    region: 'us-east-1',
    requestParameters: { roleName },
  });
  return gone();
});

// The SQS queues (services/sqs.ts): what is on them, and emptying them.
on('GET', '/queues', core => ok(core.sqs.names()));
on('GET', '/queues/:name', (core, r) => {
  if (!core.sqs.names().includes(r.params[0]))
    throw new HttpError(404, `no queue ${r.params[0]}`);
  return ok(core.sqs.snapshot(r.params[0]));
});
on('DELETE', '/queues/:name/messages', (core, r) => {
  if (!core.sqs.names().includes(r.params[0]))
    throw new HttpError(404, `no queue ${r.params[0]}`);
  core.sqs.purge(r.params[0]);
  return gone();
});
// A CloudTrail event put on the events queue as given (e.g. a burst for a load test).
on('POST', '/events', (core, r) => {
  const body = r.body();
  const events = Array.isArray(body) ? body : [body];
  for (const event of events) {
    if (!event || typeof event !== 'object')
      throw new HttpError(
        400,
        'body: expected an event object or an array of them',
      );
    core.sqs.send(DEFAULT_EVENTS_QUEUE, JSON.stringify(event));
  }
  return ok({ queued: events.length }, 202);
});

on('GET', '/security-hub/findings', core => ok(core.state.allFindings()));
on('PUT', '/security-hub/findings', (core, r) =>
  ok({ findings: setFindings(core.state, r.body(), false) }),
);
on('POST', '/security-hub/findings', (core, r) =>
  ok({ added: setFindings(core.state, r.body(), true) }, 201),
);

on('GET', '/faults', core => ok(core.faults.list()));
on('POST', '/faults', (core, r) => ok(core.faults.add(r.body()), 201));
on('DELETE', '/faults', core => {
  core.faults.clear();
  return gone();
});
on('GET', '/faults/:id', (core, r) => {
  const fault = core.faults.get(r.params[0]);
  if (!fault) throw new HttpError(404, `no fault ${r.params[0]}`);
  return ok(fault);
});
on('DELETE', '/faults/:id', (core, r) => {
  if (!core.faults.remove(r.params[0]))
    throw new HttpError(404, `no fault ${r.params[0]}`);
  return gone();
});

on('GET', '/rate-limits', core => ok(core.state.spec.rateLimits));
on('PUT', '/rate-limits', (core, r) => {
  core.state.spec.rateLimits = readRateLimits(
    r.body(),
    'body',
    core.state.spec.rateLimits,
  );
  core.limiter.reset();
  return ok(core.state.spec.rateLimits);
});

on('GET', '/calls', core => ok(core.calls.snapshot()));
on('DELETE', '/calls', core => {
  core.calls.reset();
  return gone();
});

const ERROR_NAMES: Record<number, string> = {
  400: 'BadRequest',
  404: 'NotFound',
  409: 'Conflict',
};

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body, null, 2);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function handleAdmin(
  core: SimulatorCore,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  rawBody: string,
): void {
  const method = req.method ?? 'GET';
  let matchedPath = false;
  try {
    for (const r of routes) {
      const m = r.pattern.exec(url.pathname);
      if (!m) continue;
      matchedPath = true;
      if (r.method !== method) continue;
      const params = m.slice(1).map(p => decodeURIComponent(p));
      const body = () => {
        if (rawBody.trim() === '')
          throw new WorldValidationError('body', 'a request body is required');
        return parseWorldText(rawBody);
      };
      const header = req.headers['x-simulator-principal'];
      const out = r.handler(core, {
        params,
        body,
        rawBody,
        query: url.searchParams,
        principal:
          (typeof header === 'string' && header) ||
          url.searchParams.get('principal') ||
          undefined,
      });
      reply(res, out.status ?? 200, out.body);
      return;
    }
    if (matchedPath)
      reply(res, 405, {
        error: 'MethodNotAllowed',
        message: `${method} is not supported on ${url.pathname}`,
      });
    else
      reply(res, 404, {
        error: 'NotFound',
        message: `no admin endpoint ${method} ${url.pathname}; see the package README`,
      });
  } catch (e) {
    if (e instanceof WorldValidationError) {
      reply(res, 400, {
        error: 'ValidationError',
        message: e.message,
        path: e.path,
      });
    } else if (e instanceof DriftError || e instanceof HttpError) {
      reply(res, e.status, {
        error: ERROR_NAMES[e.status] ?? 'Error',
        message: e.message,
      });
    } else {
      process.stderr.write(
        `aws-simulator admin: ${(e as Error)?.stack ?? String(e)}\n`,
      );
      reply(res, 500, {
        error: 'InternalError',
        message: String((e as Error)?.message ?? e),
      });
    }
  }
}
