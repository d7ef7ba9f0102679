import { randomUUID } from 'node:crypto';
import { ObjectReader, optionalAccountId } from '../world/reader';
import { SERVICE_NAMES, ServiceName } from '../world/schema';

/**
 * Injected faults. A fault applies to requests matching all of its filters
 * (account, service, operation, region; an omitted filter matches all), with
 * an optional `probability` (0..1) and `count` (fire N times, then vanish).
 */
export const FAULT_KINDS = [
  'latency',
  'throttle',
  'accessDenied',
  'serverError',
  'connectionReset',
  'regionDisabled',
  'scpDenied',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  id: string;
  kind: FaultKind;
  account?: string;
  service?: ServiceName;
  operation?: string;
  region?: string;
  probability?: number;
  /** Remaining applications; undefined = unlimited. */
  count?: number;
  /** latency: added delay in milliseconds. */
  latencyMs?: number;
  /** serverError: 500 (InternalFailure, default) or 503 (ServiceUnavailable). */
  status?: 500 | 503;
  applied: number;
  createdAt: string;
}

export interface FaultTarget {
  account: string;
  service: ServiceName;
  operation: string;
  region: string;
}

export class FaultRegistry {
  private faults: Fault[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  /** Validates and adds a fault; throws WorldValidationError on bad input. */
  add(input: unknown): Fault {
    const r = ObjectReader.of(input, 'body');
    const kind = r.oneOf('kind', FAULT_KINDS);
    const fault: Fault = {
      id: randomUUID(),
      kind,
      applied: 0,
      createdAt: new Date().toISOString(),
    };
    const account = optionalAccountId(r, 'account');
    if (account) fault.account = account;
    if (r.has('service')) fault.service = r.oneOf('service', SERVICE_NAMES);
    const operation = r.optionalString('operation');
    if (operation) fault.operation = operation;
    const region = r.optionalString('region');
    if (region) fault.region = region;
    const probability = r.optionalNumber('probability', 0, 1, false);
    if (probability !== undefined) fault.probability = probability;
    const count = r.optionalNumber('count', 1, Number.MAX_SAFE_INTEGER);
    if (count !== undefined) fault.count = count;
    if (kind === 'latency') {
      if (r.has('ms') && r.has('latencyMs'))
        r.fail('ms', 'give either ms or latencyMs');
      const ms =
        r.optionalNumber('latencyMs', 0, 600_000) ??
        r.optionalNumber('ms', 0, 600_000);
      if (ms === undefined)
        r.fail('latencyMs', 'a latency fault needs latencyMs (or ms)');
      fault.latencyMs = ms;
    }
    if (kind === 'serverError') {
      const status = r.optionalNumber('status', 500, 503);
      if (status !== undefined && status !== 500 && status !== 503)
        r.fail('status', 'expected 500 or 503');
      fault.status = (status ?? 500) as 500 | 503;
    }
    r.done();
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults;
  }

  get(id: string): Fault | undefined {
    return this.faults.find(f => f.id === id);
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter(f => f.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  /** The faults that fire for this request; counts are consumed. */
  fire(target: FaultTarget): Fault[] {
    if (this.faults.length === 0) return [];
    const fired: Fault[] = [];
    for (const f of this.faults) {
      if (f.account && f.account !== target.account) continue;
      if (f.service && f.service !== target.service) continue;
      if (f.operation && f.operation !== target.operation) continue;
      if (f.region && f.region !== target.region) continue;
      if (f.probability !== undefined && this.random() >= f.probability)
        continue;
      f.applied++;
      if (f.count !== undefined) f.count--;
      fired.push(f);
    }
    if (fired.some(f => f.count === 0))
      this.faults = this.faults.filter(f => f.count !== 0);
    return fired;
  }
}
