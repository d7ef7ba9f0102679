import { CallCounter } from './admin/callCounter';
import { FaultRegistry } from './admin/faults';
import { RateLimiter } from './admin/rateLimits';
import { createWorld } from './world/load';
import { WorldSpec } from './world/schema';
import { WorldState } from './world/state';

/**
 * The simulator's moving parts, shared by the AWS endpoint and the admin API:
 * the live world, the world it started with, faults, rate limits and counters.
 */
export class SimulatorCore {
  readonly state: WorldState;
  readonly faults = new FaultRegistry();
  readonly calls = new CallCounter();
  readonly limiter: RateLimiter;
  private readonly initial: WorldSpec;

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

  /** Back to the world the simulator started with; faults and rate-limit buckets are cleared too. */
  reset(): void {
    this.state.replace(structuredClone(this.initial));
    this.faults.clear();
    this.limiter.reset();
  }
}
