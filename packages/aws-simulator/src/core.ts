import { CallCounter } from './admin/callCounter';
import { FaultRegistry } from './admin/faults';
import { RateLimiter } from './admin/rateLimits';
import { createWorld } from './world/load';
import { WorldSpec } from './world/schema';
import { WorldState } from './world/state';
import { SqsQueues } from './services/sqs';

/**
 * The simulator's moving parts, shared by the AWS endpoint and the admin API:
 * the live world, the world it started with, faults, rate limits and counters.
 */
export class SimulatorCore {
  readonly state: WorldState;
  readonly faults = new FaultRegistry();
  readonly calls = new CallCounter();
  readonly limiter: RateLimiter;
  /** SQS queues; the admin API's changes put their CloudTrail events on `cis-aws-cloudtrail`. */
  readonly sqs = new SqsQueues();
  private readonly initial: WorldSpec;
  /** How far the world's clock is from the machine's (`PUT /__admin/clock`); 0: real time. */
  private clockOffsetMs = 0;

  constructor(world: WorldSpec) {
    this.initial = structuredClone(world);
    this.state = new WorldState(structuredClone(world));
    this.limiter = new RateLimiter(() => this.state.spec.rateLimits);
  }

  /** Replaces the world (YAML/JSON text or object); validation errors throw. */
  replaceWorld(input: string | object): WorldSpec {
    const spec = createWorld(input);
    this.state.replace(spec);
    this.limiter.reset();
    return spec;
  }

  /**
   * The world's "now", in epoch milliseconds: what its relative times (`-4m`) resolve against
   * and when drift happens. The machine's clock unless set to another time, which then runs on
   * from there (a replay of past days sets it to each day in turn). Credentials expire on the
   * machine's clock whatever this says: they belong to the caller, not to the world.
   */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Sets the world's clock to `atMs` (running on from there), or back to real time. */
  setClock(atMs: number | undefined): void {
    this.clockOffsetMs = atMs === undefined ? 0 : atMs - Date.now();
  }

  /** Back to the world the simulator started with; faults and rate-limit buckets are cleared too. */
  reset(): void {
    this.state.replace(structuredClone(this.initial));
    this.faults.clear();
    this.limiter.reset();
    this.sqs.purgeAll();
    this.clockOffsetMs = 0;
  }
}
