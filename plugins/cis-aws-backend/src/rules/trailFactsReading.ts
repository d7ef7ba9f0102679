import type { TrailFacts } from '@cis-aws/plugin-cis-aws-common';

/** Small readings of trail facts shared by the rules and the warnings. */

/** An organization trail of another account, seen from a member account. */
export function isForeignTrail(facts: TrailFacts): boolean {
  return facts.ownerAccountId !== facts.seenFromAccountId;
}

/** AWS's empty: null, or a string of nothing but spaces. */
export function isBlank(value: string | null): boolean {
  return value === null || value.trim() === '';
}

/** Milliseconds since the last CloudWatch Logs delivery; NaN when the time is unreadable. */
export function deliveryAgeMs(time: string, now: Date): number {
  return now.getTime() - Date.parse(time);
}
