import {
  PolicyDecision,
  PolicyDocumentEvidence,
} from '@cis-aws/plugin-cis-aws-common';

/**
 * The policy documents of a role as last read from IAM, with the simulation's answer at the time.
 *
 * Why documents may be reused: they are the evidence behind the permission decision, not the
 * decision. iam:SimulatePrincipalPolicy is asked on every run and decides; the documents cost three
 * calls per role (list inline, read each, list attached — more with managed policies), which is
 * 30 % of a healthy account's calls. IAM offers no cheap marker of an inline policy change
 * (GetRole's RoleLastUsed moves whenever CloudTrail uses the role), so the simulation's answer is
 * the marker: the documents are read again as soon as the simulation decides differently, or
 * matches a statement of a policy that is not among them, and in any case after a maximum age.
 * What a reused read can miss is an edit that changes nothing the simulation answers; the
 * evaluation then shows documents as old as the maximum age, and says when they were read.
 */
export interface RememberedPolicies {
  policies: PolicyDocumentEvidence[];
  /** When the documents were read from IAM (ISO 8601). */
  readAt: string;
  /** The simulation's decision and details when the documents were last found current. */
  decision: PolicyDecision;
  details: string;
}

/** What a remembered read is about: the role, and the log group its permission was asked for. */
export interface RolePolicyTarget {
  roleArn: string;
  logGroupArn: string | null;
}

/** Where documents are found again on a miss of the memory, e.g. the stored evaluation. */
export type RememberedPoliciesSource = (
  target: RolePolicyTarget,
) => Promise<RememberedPolicies | undefined>;

export interface RolePolicyReuse {
  memory: RolePolicyMemory;
  /** 0: read the documents on every evaluation. */
  maxAgeMs: number;
}

const key = ({ roleArn, logGroupArn }: RolePolicyTarget) =>
  `${roleArn}\n${logGroupArn ?? ''}`;

/**
 * The last complete read of each role's documents, in memory for the engine's lifetime, with a
 * fallback (the stored evaluations) after a restart or when another instance of the backend ran
 * the last evaluation. Bounded: past `maxEntries` the oldest are forgotten (their next
 * evaluation reads them from the fallback or from IAM).
 */
export class RolePolicyMemory {
  private readonly entries = new Map<string, RememberedPolicies>();

  private constructor(
    private readonly fallback: RememberedPoliciesSource | undefined,
    private readonly maxEntries: number,
  ) {}

  static create(
    options: { fallback?: RememberedPoliciesSource; maxEntries?: number } = {},
  ) {
    return new RolePolicyMemory(options.fallback, options.maxEntries ?? 25_000);
  }

  async recall(
    target: RolePolicyTarget,
  ): Promise<RememberedPolicies | undefined> {
    const known = this.entries.get(key(target));
    if (known) return known;
    const found = await this.fallback?.(target).catch(() => undefined);
    if (found) this.remember(target, found);
    return found;
  }

  remember(target: RolePolicyTarget, read: RememberedPolicies) {
    const k = key(target);
    this.entries.delete(k);
    this.entries.set(k, read);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

/**
 * Whether documents read at `readAt` may still be shown at `now`. Each role's documents expire
 * after a fixed share of `maxAgeMs` between three quarters and all of it, derived from its ARN:
 * an organization whose roles were all read in one run spreads their re-reads over the runs of
 * the last quarter instead of re-reading every role in one run.
 */
export function isWithinMaxAge(
  roleArn: string,
  readAt: string,
  now: Date,
  maxAgeMs: number,
): boolean {
  const read = Date.parse(readAt);
  if (Number.isNaN(read) || maxAgeMs <= 0) return false;
  const age = now.getTime() - read;
  return age >= 0 && age < maxAgeMs * (0.75 + 0.25 * unitHash(roleArn));
}

/** A stable number in [0, 1) from a text (FNV-1a). */
function unitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 2 ** 32;
}
