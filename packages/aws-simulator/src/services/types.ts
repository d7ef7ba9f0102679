import { Caller } from '../identity/credentials';
import { AwsError } from '../protocols/errors';
import { JsonInput } from '../protocols/json';
import { QueryInput } from '../protocols/query';
import { RestRoute } from '../protocols/restJson';
import { ServiceName } from '../world/schema';
import { WorldState } from '../world/state';

/** Everything an operation handler needs to answer one request. */
export interface RequestContext {
  state: WorldState;
  caller: Caller;
  region: string;
  operation: string;
  requestId: string;
  /**
   * The world's clock, read once per request so relative times agree within a response (see
   * `SimulatorCore.now`).
   */
  nowMs: number;
  /** The machine's clock: what credentials expire against. */
  realNowMs: number;
}

interface ServiceBase {
  name: ServiceName;
  /** Global services (IAM, Organizations) accept any signing region. */
  global: boolean;
}

export interface QueryService extends ServiceBase {
  protocol: 'query';
  namespace: string;
  version: string;
  operations: Record<
    string,
    (ctx: RequestContext, input: QueryInput) => object | undefined
  >;
}

export interface JsonService extends ServiceBase {
  protocol: 'json';
  targetPrefix: string;
  /** awsQueryCompatible services also send x-amzn-query-error on errors. */
  queryCompatible: boolean;
  invalid: (message: string) => AwsError;
  operations: Record<string, (ctx: RequestContext, input: JsonInput) => object>;
}

export interface RestJsonService extends ServiceBase {
  protocol: 'restJson';
  routes: readonly RestRoute[];
  invalid: (message: string) => AwsError;
  operations: Record<string, (ctx: RequestContext, input: JsonInput) => object>;
}

/** Smithy RPC v2 CBOR (CloudWatch): POST /service/{service}/operation/{operation}. */
export interface CborService extends ServiceBase {
  protocol: 'rpcv2Cbor';
  /** The Smithy service shape name in the path, e.g. `GraniteServiceVersion20100801`. */
  serviceName: string;
  /** awsQueryCompatible services also send x-amzn-query-error on errors. */
  queryCompatible: boolean;
  invalid: (message: string) => AwsError;
  operations: Record<string, (ctx: RequestContext, input: JsonInput) => object>;
}

export type ServiceDefinition =
  | QueryService
  | JsonService
  | RestJsonService
  | CborService;

/** Offset paging over an already-ordered list. */
export function page<T>(
  items: T[],
  offset: number,
  size: number,
): { items: T[]; next?: number } {
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? offset + size : undefined;
  return { items: slice, ...(next !== undefined ? { next } : {}) };
}
