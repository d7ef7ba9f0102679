import {
  accountContext,
  readAccount,
  readLogGroup,
  worldContextOf,
} from './accounts';
import { checkFindingIds, readFinding } from './findings';
import { PlainObject, WorldValidationError, isPlainObject } from './reader';
import { AccountSpec, TrailSpec, TrailStatusSpec } from './schema';
import { WorldState } from './state';
import { resolveTime } from './time';
import { readTrail } from './trails';

/**
 * Drift: small, validated changes to a running world (what the admin API
 * exposes). Every change goes through the same readers as the world file.
 */
export class DriftError extends Error {
  constructor(readonly status: 404 | 409 | 400, message: string) {
    super(message);
    this.name = 'DriftError';
  }
}

export function requireAccount(state: WorldState, id: string): AccountSpec {
  const account = state.account(id)?.spec;
  if (!account) throw new DriftError(404, `account ${id} is not in the world`);
  return account;
}

function ctxFor(state: WorldState, account: AccountSpec) {
  return accountContext(
    worldContextOf(state.spec),
    account.id,
    account.optInRegions,
  );
}

export function withName(
  body: unknown,
  name: string,
  what: string,
): PlainObject {
  if (!isPlainObject(body))
    throw new WorldValidationError(
      'body',
      `expected a JSON object describing the ${what}`,
    );
  if (body.name !== undefined && body.name !== name) {
    throw new WorldValidationError(
      'body.name',
      `"${String(
        body.name,
      )}" does not match the ${what} name in the path ("${name}")`,
    );
  }
  return { ...body, name };
}

export function putAccount(
  state: WorldState,
  id: string,
  body: unknown,
): AccountSpec {
  if (!isPlainObject(body))
    throw new WorldValidationError(
      'body',
      'expected a JSON object describing the account',
    );
  const account = readAccount(
    { ...body, id: body.id ?? id },
    'body',
    worldContextOf(state.spec),
  );
  if (account.id !== id)
    throw new WorldValidationError(
      'body.id',
      `${account.id} does not match the account id in the path (${id})`,
    );
  const accounts = state.spec.accounts;
  const i = accounts.findIndex(a => a.id === id);
  if (i >= 0) accounts[i] = account;
  else accounts.push(account);
  state.reindexAccount(id);
  return account;
}

export function deleteAccount(state: WorldState, id: string): void {
  requireAccount(state, id);
  const spec = state.spec;
  const roles: Array<[string | null | undefined, string]> = [
    [
      spec.organization?.managementAccount,
      "the organization's management account",
    ],
    [spec.callerAccount, 'the callerAccount'],
    [spec.securityHub.administratorAccount, 'the Security Hub administrator'],
  ];
  for (const [holder, what] of roles) {
    if (holder === id)
      throw new DriftError(
        409,
        `account ${id} is ${what}; PUT a new world to change that`,
      );
  }
  spec.accounts = spec.accounts.filter(a => a.id !== id);
  spec.securityHubFindings = spec.securityHubFindings.filter(
    f => f.account !== id,
  );
  state.reindexAccount(id);
  state.rebuildFindings();
}

function replaceTrail(
  state: WorldState,
  account: AccountSpec,
  trail: TrailSpec,
): void {
  const i = account.trails.findIndex(t => t.name === trail.name);
  if (i >= 0) account.trails[i] = trail;
  else account.trails.push(trail);
  state.reindexAccount(account.id);
}

export function putTrail(
  state: WorldState,
  accountId: string,
  name: string,
  body: unknown,
): TrailSpec {
  const account = requireAccount(state, accountId);
  const trail = readTrail(
    withName(body, name, 'trail'),
    'body',
    ctxFor(state, account),
  );
  replaceTrail(state, account, trail);
  return trail;
}

const DELIVERY_TIMES = [
  'latestDeliveryTime',
  'latestCloudWatchLogsDeliveryTime',
  'latestDigestDeliveryTime',
] as const;

/** A relative time ("-5m") keeps moving; freeze it at its current value. */
function freeze(
  status: TrailStatusSpec,
  key: (typeof DELIVERY_TIMES)[number],
  nowMs: number,
): void {
  const spec = status[key];
  if (spec && /^[+-]/.test(spec))
    status[key] = new Date(resolveTime(spec, nowMs)).toISOString();
}

/**
 * Merge-patch of a trail. Shorthands: top-level `isLogging`, `logGroup` /
 * `role` (name or null). Stopping a trail records StopLoggingTime and freezes
 * its delivery times; removing the log group freezes the CloudWatch Logs time.
 */
export function patchTrail(
  state: WorldState,
  accountId: string,
  name: string,
  patch: unknown,
  /** The world's clock: when a stop or start happens. */
  nowMs: number = Date.now(),
): TrailSpec {
  const account = requireAccount(state, accountId);
  const base = account.trails.find(t => t.name === name);
  if (!base)
    throw new DriftError(404, `account ${accountId} has no trail "${name}"`);
  if (!isPlainObject(patch))
    throw new WorldValidationError(
      'body',
      'expected a JSON object (a merge patch of the trail)',
    );
  const { isLogging, status: statusPatch, ...rest } = patch;
  if (
    statusPatch !== undefined &&
    statusPatch !== null &&
    !isPlainObject(statusPatch)
  ) {
    throw new WorldValidationError('body.status', 'expected an object');
  }
  const status: PlainObject = { ...base.status, ...(statusPatch ?? {}) };
  if (isLogging !== undefined) status.isLogging = isLogging;
  const explicit = (key: string) =>
    isPlainObject(statusPatch) && key in statusPatch;
  if (base.status.isLogging && status.isLogging === false) {
    if (!explicit('stopLoggingTime'))
      status.stopLoggingTime = new Date(nowMs).toISOString();
    for (const key of DELIVERY_TIMES)
      if (!explicit(key))
        freeze(status as unknown as TrailStatusSpec, key, nowMs);
  }
  if (
    !base.status.isLogging &&
    status.isLogging === true &&
    !explicit('startLoggingTime')
  ) {
    status.startLoggingTime = new Date(nowMs).toISOString();
  }
  const merged: PlainObject = { ...base, ...rest, status };
  for (const [short, arnKey] of [
    ['logGroup', 'logGroupArn'],
    ['role', 'roleArn'],
  ] as const) {
    if (short in rest && !(arnKey in rest)) delete merged[arnKey];
  }
  const removesLogGroup =
    ('logGroup' in rest && rest.logGroup === null) ||
    ('logGroupArn' in rest && rest.logGroupArn === null);
  if (removesLogGroup && !explicit('latestCloudWatchLogsDeliveryTime')) {
    freeze(
      status as unknown as TrailStatusSpec,
      'latestCloudWatchLogsDeliveryTime',
      nowMs,
    );
  }
  if (merged.name !== name)
    throw new WorldValidationError(
      'body.name',
      'renaming a trail is not supported; delete and put',
    );
  const trail = readTrail(merged, 'body', ctxFor(state, account));
  replaceTrail(state, account, trail);
  return trail;
}

export function deleteTrail(
  state: WorldState,
  accountId: string,
  name: string,
): void {
  const account = requireAccount(state, accountId);
  if (!account.trails.some(t => t.name === name))
    throw new DriftError(404, `account ${accountId} has no trail "${name}"`);
  account.trails = account.trails.filter(t => t.name !== name);
  state.reindexAccount(accountId);
}

export function putLogGroup(
  state: WorldState,
  accountId: string,
  name: string,
  body: unknown,
) {
  const account = requireAccount(state, accountId);
  const group = readLogGroup(
    withName(body ?? {}, name, 'log group'),
    'body',
    ctxFor(state, account),
  );
  const i = account.logGroups.findIndex(
    g => g.name === name && g.region === group.region,
  );
  if (i >= 0) account.logGroups[i] = group;
  else account.logGroups.push(group);
  state.reindexAccount(accountId);
  return group;
}

export function deleteLogGroup(
  state: WorldState,
  accountId: string,
  name: string,
  region?: string,
): void {
  const account = requireAccount(state, accountId);
  const matches = account.logGroups.filter(
    g => g.name === name && (!region || g.region === region),
  );
  if (matches.length === 0)
    throw new DriftError(
      404,
      `account ${accountId} has no log group "${name}"${
        region ? ` in ${region}` : ''
      }`,
    );
  if (matches.length > 1)
    throw new DriftError(
      400,
      `log group "${name}" exists in several regions; add ?region=`,
    );
  account.logGroups = account.logGroups.filter(g => g !== matches[0]);
  state.reindexAccount(accountId);
}

/** Replaces (`append: false`) or extends the Security Hub findings. */
export function setFindings(
  state: WorldState,
  body: unknown,
  append: boolean,
): number {
  const list = Array.isArray(body) ? body : [body];
  const byId = new Map(state.spec.accounts.map(a => [a.id, a]));
  const offset = append ? state.spec.securityHubFindings.length : 0;
  const read = list.map((v, i) =>
    readFinding(v, `body[${i}]`, offset + i, byId, state.spec.partition),
  );
  const findings = append ? [...state.spec.securityHubFindings, ...read] : read;
  checkFindingIds(findings, 'securityHubFindings');
  state.spec.securityHubFindings = findings;
  state.rebuildFindings();
  return read.length;
}
