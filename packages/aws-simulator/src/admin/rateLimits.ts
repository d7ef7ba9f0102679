import { RateLimitConfig, ServiceName } from '../world/schema';

/**
 * Token buckets per (service, account[, region]). Each request takes one
 * token; tokens refill continuously at ratePerSecond up to burst. The config
 * is read on every call, so a new world or PUT /__admin/rate-limits applies at once.
 */
interface Bucket {
  tokens: number;
  last: number;
}

export class RateLimiter {
  private buckets = new Map<string, Bucket>();

  constructor(private readonly config: () => RateLimitConfig) {}

  /** True when the request may proceed, false when it is throttled. */
  take(
    service: ServiceName,
    account: string,
    region: string,
    nowMs: number = Date.now(),
  ): boolean {
    const { enabled, services } = this.config();
    if (!enabled) return true;
    const rule = services[service];
    const key =
      rule.scope === 'account-region'
        ? `${service}|${account}|${region}`
        : `${service}|${account}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: rule.burst, last: nowMs };
      this.buckets.set(key, bucket);
    } else {
      const refill = ((nowMs - bucket.last) / 1000) * rule.ratePerSecond;
      bucket.tokens = Math.min(rule.burst, bucket.tokens + refill);
      bucket.last = nowMs;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  reset(): void {
    this.buckets.clear();
  }
}
