import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Fault } from './admin/faults';
import { CallCounts } from './admin/callCounter';
import { SimulatorCore } from './core';
import { createRequestListener } from './server';
import * as drift from './world/drift';
import * as driftIam from './world/driftIam';
import { createWorld, readRateLimits } from './world/load';
import { RateLimitConfig, WorldSpec } from './world/schema';
import { WorldState } from './world/state';

export { createWorld } from './world/load';
export { WorldValidationError } from './world/reader';
export { WorldState } from './world/state';
export type { TrailView } from './world/state';
export type * from './world/schema';
export { DEFAULT_RATE_LIMITS, SERVICE_NAMES } from './world/schema';
export type { Fault, FaultKind } from './admin/faults';
export type { CallCounts } from './admin/callCounter';
export {
  evaluate as evaluateIdentityPolicies,
  wildcardMatch,
} from './iam/policyEvaluator';
export type { Decision, SourcePolicy } from './iam/policyEvaluator';

export interface StartSimulatorOptions {
  /** YAML/JSON text, a plain object, or a world from createWorld(). */
  world: string | object;
  /** 0 picks a free port. Default 4580. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/** In-process equivalents of the admin API (same validation, same effects). */
export interface SimulatorAdmin {
  world(): WorldSpec;
  setWorld(input: string | object): WorldSpec;
  reset(): void;
  putAccount(id: string, account: object): void;
  deleteAccount(id: string): void;
  putTrail(account: string, name: string, trail: object): void;
  patchTrail(account: string, name: string, patch: object): void;
  deleteTrail(account: string, name: string): void;
  putLogGroup(account: string, name: string, logGroup: object): void;
  deleteLogGroup(account: string, name: string, region?: string): void;
  putRole(account: string, name: string, role: object): void;
  deleteRole(account: string, name: string): void;
  putRolePolicy(
    account: string,
    role: string,
    policyName: string,
    document: object | string,
  ): void;
  deleteRolePolicy(account: string, role: string, policyName: string): void;
  setFindings(findings: object[]): void;
  addFault(fault: object): Fault;
  faults(): Fault[];
  removeFault(id: string): boolean;
  clearFaults(): void;
  setRateLimits(config: object): RateLimitConfig;
  calls(): CallCounts;
  resetCalls(): void;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:4580 — use as the SDK `endpoint` or AWS_ENDPOINT_URL. */
  url: string;
  port: number;
  /** The live world state (spec and indexes). */
  world: WorldState;
  admin: SimulatorAdmin;
  close(): Promise<void>;
}

export async function startSimulator(
  options: StartSimulatorOptions,
): Promise<RunningSimulator> {
  const core = new SimulatorCore(createWorld(options.world));
  const server = http.createServer(createRequestListener(core));
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4580, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const state = core.state;
  const admin: SimulatorAdmin = {
    world: () => state.spec,
    setWorld: input => core.replaceWorld(input),
    reset: () => core.reset(),
    putAccount: (id, account) => void drift.putAccount(state, id, account),
    deleteAccount: id => drift.deleteAccount(state, id),
    putTrail: (account, name, trail) =>
      void drift.putTrail(state, account, name, trail),
    patchTrail: (account, name, patch) =>
      void drift.patchTrail(state, account, name, patch),
    deleteTrail: (account, name) => drift.deleteTrail(state, account, name),
    putLogGroup: (account, name, group) =>
      void drift.putLogGroup(state, account, name, group),
    deleteLogGroup: (account, name, region) =>
      drift.deleteLogGroup(state, account, name, region),
    putRole: (account, name, role) =>
      void driftIam.putRole(state, account, name, role),
    deleteRole: (account, name) => driftIam.deleteRole(state, account, name),
    putRolePolicy: (account, role, name, doc) =>
      void driftIam.putRolePolicy(state, account, role, name, doc),
    deleteRolePolicy: (account, role, name) =>
      driftIam.deleteRolePolicy(state, account, role, name),
    setFindings: findings => void drift.setFindings(state, findings, false),
    addFault: fault => core.faults.add(fault),
    faults: () => core.faults.list(),
    removeFault: id => core.faults.remove(id),
    clearFaults: () => core.faults.clear(),
    setRateLimits: config => {
      state.spec.rateLimits = readRateLimits(
        config,
        'rateLimits',
        state.spec.rateLimits,
      );
      core.limiter.reset();
      return state.spec.rateLimits;
    },
    calls: () => core.calls.snapshot(),
    resetCalls: () => core.calls.reset(),
  };
  const displayHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${displayHost}:${port}`,
    port,
    world: state,
    admin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close(err => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
