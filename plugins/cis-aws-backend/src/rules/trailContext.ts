import type { TrailEvaluation } from '@cis-aws/plugin-cis-aws-common';

/** The contract's default `maxDeliveryAge`: 24 hours. */
export const DEFAULT_MAX_DELIVERY_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * What the trail rules and the trail warnings read besides the facts. Its own file so that both
 * can name it without importing each other.
 */
export interface TrailEvaluationContext {
  now: Date;
  /** A delivery exactly this old still counts as fresh; one millisecond older is stale. */
  maxDeliveryAgeMs: number;
  /** The accounts this product evaluates. */
  inScopeAccountIds: ReadonlySet<string>;
  /** The owner account's evaluation of an organization trail, once it has been evaluated. */
  ownerEvaluation?: (trailArn: string) => TrailEvaluation | undefined;
  /**
   * The owner account's last definitive (PASS or FAIL underneath) evaluation of an organization
   * trail from an earlier run, and when it was made: what the trail takes when the owner's latest
   * run could not judge it (a throttled owner must not turn every member UNKNOWN), if it is no
   * older than `maxDeliveryAgeMs`.
   */
  ownerLastDefinitive?: (
    trailArn: string,
  ) => { evaluation: TrailEvaluation; evaluatedAt: string } | undefined;
}
