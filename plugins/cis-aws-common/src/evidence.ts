/**
 * The audit evidence packet of one account at one time: what an auditor needs to accept control
 * 2.4 for that account without screenshots. `GET /v1/accounts/{accountId}/evidence` serves it as
 * JSON (this shape, `schema` versioned) or as Markdown rendered from it.
 *
 * Everything in it comes from stored evaluations and history; producing a packet makes no AWS
 * call. No credential, token or secret is ever part of it.
 */
import type { ComplianceException, ExceptionAuditEvent } from './exceptions';
import type { AccountDetectionResult } from './detection/types';
import type {
  LogGroupFacts,
  PolicyDocumentEvidence,
  TrailStatusFacts,
} from './facts';
import type {
  AccountMapping,
  ConsoleLinks,
  FailureEpisode,
  VerdictChange,
} from './api';
import type { SecurityHubOpinion } from './results';
import type { Verdict } from './verdicts';

/** Bumped on any change that is not a pure addition of optional fields. */
export const EVIDENCE_SCHEMA = 'cis-aws-evidence/v1';

export const EVIDENCE_FORMATS = ['json', 'md'] as const;
export type EvidenceFormat = (typeof EVIDENCE_FORMATS)[number];

export interface EvidenceControl {
  framework: 'CIS AWS Foundations Benchmark v1.2';
  id: '2.4';
  title: string;
  securityHubControlId: 'CloudTrail.5';
  /** The organization's control statement (`cisAws.evidence.controlStatement`). */
  statement: string;
  /** The scope definition (`cisAws.evidence.scope`). */
  scope: string;
  /**
   * The oldest last CloudWatch Logs delivery a passing trail may have (`cisAws.maxDeliveryAge`),
   * in hours: what "delivery is current" meant for this packet.
   */
  maxDeliveryAgeHours?: number;
}

/** One trail's chain: trail → role → log group → delivery, as verified. */
export interface EvidenceTrail {
  arn: string;
  name: string;
  ownerAccountId: string;
  homeRegion: string;
  isMultiRegion: boolean;
  isOrganizationTrail: boolean;
  verdict: Verdict;
  reason?: string;
  detail?: string;
  /** The verdict without exceptions. */
  underlyingVerdict: Verdict;
  /** CloudWatchLogsLogGroupArn / CloudWatchLogsRoleArn as configured on the trail. */
  cloudWatchLogsLogGroupArn: string | null;
  cloudWatchLogsRoleArn: string | null;
  /** GetTrailStatus: logging, last CloudWatch Logs delivery and error. */
  deliveryStatus: TrailStatusFacts;
  /** The log group: name, ARN, retention. */
  logGroup: LogGroupFacts;
  role:
    | {
        state: 'FOUND';
        arn: string;
        /** The decoded trust policy document. */
        trustPolicy: string;
        trustsCloudTrail: string;
        /** The permission decision (simulation or static analysis), and why. */
        permission: string;
        /** Inline and attached managed policy documents, decoded. */
        permissionPolicies: PolicyDocumentEvidence[];
      }
    | {
        state: 'NOT_FOUND' | 'NOT_CHECKED' | 'FAILED';
        arn?: string;
        detail: string;
      };
  /** Set when the organization trail's verdict is its owner account's. */
  inheritedFrom?: { accountId: string };
  /** The trail-level exception in force, if any. */
  exemptedBy?: ComplianceException;
  consoleLinks: ConsoleLinks;
  /**
   * For an organization trail whose verdict is its owner's (`inheritedFrom`): the trail's chain
   * (trail, role, log group, delivery) as evaluated in the owner account at the packet's time,
   * embedded with the digest of that evaluation, so the packet stands on its own.
   */
  organizationTrail?: EvidenceOrganizationTrail;
}

/** The organization trail as its owner account's evaluation saw it. */
export interface EvidenceOrganizationTrail {
  ownerAccountId: string;
  /**
   * The owner's evaluation current at the packet's time (`evaluatedAt`), and the owner's chained
   * evaluation record in force then (`seq`, `hash`): that evaluation, or an earlier one with the
   * same verdicts and reasons. Absent when the owner had not been evaluated.
   */
  evaluation?: { evaluatedAt: string; seq: number; hash: string };
  /** The trail in the owner's evaluation; absent when that evaluation did not see it. */
  trail?: Omit<EvidenceTrail, 'organizationTrail'>;
  /** Why the owner's view is missing, in words. */
  missing?: string;
}

/**
 * What makes a packet checkable: the evidence chain it was built from, and its own digest.
 * Hashes are SHA-256 (hex) over RFC 8785 canonical JSON; `cis-aws-evidence verify` and
 * `POST /v1/evidence/verify` re-check them against the store.
 */
export interface EvidenceIntegrity {
  /** How hashes and digests are computed, in words. */
  method: string;
  /** The version of the chain's link definition. */
  chain: string;
  /** The account's latest chained row at or before `asOf`: the chain head the packet reflects. */
  chainHead?: { seq: number; hash: string; table: string; at: string };
  /**
   * The chained evaluation record in force at `asOf`: `result` is that evaluation, or the
   * account's current result made after it that changed no verdict or reason (an evaluation is
   * chained when it changes something, and the first of each UTC day).
   */
  evaluationRecord?: { seq: number; hash: string };
  /**
   * SHA-256 of the packet's canonical JSON without `integrity.packetDigest` and
   * `integrity.signature`.
   */
  packetDigest: string;
  /** HMAC-SHA256 of `packetDigest` with the configured signing key, when one is configured. */
  signature?: { algorithm: 'HMAC-SHA256'; keyId: string; value: string };
}

/** One day's verification of the account (the last evaluation kept for that UTC day). */
export interface EvidenceVerification {
  /** YYYY-MM-DD, UTC. */
  date: string;
  evaluatedAt: string;
  verdict: Verdict;
  reason?: string;
}

export interface EvidencePacket {
  schema: typeof EVIDENCE_SCHEMA;
  control: EvidenceControl;
  account: AccountMapping;
  /** The time the packet describes (the `at` asked for; default: when it was produced). */
  asOf: string;
  /**
   * The evaluation the packet shows: the latest at or before `asOf`. Absent when the account
   * had not been evaluated by then (the packet then says so and carries history only).
   */
  result?: {
    evaluatedAt: string;
    verdict: Verdict;
    reason?: string;
    /** The reason in plain words. */
    reasonText?: string;
    detail?: string;
    underlyingVerdict: Verdict;
    underlyingReason?: string;
    /** Warnings in plain words, with their codes. */
    warnings: { code: string; detail: string; trailArn?: string }[];
    /** Regions scanned, skipped (not enabled) and failed. */
    inventory: {
      partition: string;
      regionsScanned: string[];
      regionsSkipped: string[];
      regionsFailed: string[];
    };
  };
  /** Since when the account has had the verdict shown, from its history. */
  verdictSince?: string;
  /**
   * Start of the account's failure episode open at `asOf` (contract "Failure age"): kept
   * through ERROR, UNKNOWN and EXEMPT results. Absent when none was open.
   */
  failingSince?: string;
  trails: EvidenceTrail[];
  /** Security Hub's CloudTrail.5 findings at that evaluation: the second opinion. */
  securityHub?: SecurityHubOpinion;
  /** The verification history over `period`. */
  history: {
    period: { from: string; to: string };
    /** Account and trail verdict changes in the period, oldest first. */
    changes: VerdictChange[];
    /** One retained verification per day in the period, oldest first. */
    verifications: EvidenceVerification[];
    /**
     * The account's and its trails' failure episodes that overlap the period, as they stood
     * at `asOf` (one that ended later is open here), oldest first. Absent in packets produced
     * before episodes were kept.
     */
    episodes?: FailureEpisode[];
  };
  /** Exceptions in force at `asOf` (account or trail). */
  activeExceptions: ComplianceException[];
  /** Every exception of the account created before `asOf`, in force or not, and their audit trail. */
  exceptions: ComplianceException[];
  exceptionEvents: ExceptionAuditEvent[];
  produced: {
    at: string;
    /** The user or service the packet was produced for (an entity ref or a subject). */
    by: string;
    /** The software that produced it, with its version. */
    generator: string;
    /**
     * How many credential-like strings were replaced by `[redacted]` before the packet left
     * the backend (normally 0).
     */
    redactions?: number;
  };
  /** The chain head and digest of the packet (absent only in packets of older versions). */
  integrity?: EvidenceIntegrity;
  /**
   * Detection content (control `cis-3.x-detection`, CIS 3.x on the integrated log groups), beside
   * the 2.4 verdict and never folded into it. Absent when detection is not evaluated.
   */
  detection?: EvidenceDetection;
}

/** The detection section of a packet, as it stood at `asOf`. */
export interface EvidenceDetection {
  /**
   * The detection result in force at `asOf`, with every check's judged patterns and their test
   * events (why a pattern passed). Only the latest result and the last definitive one are kept:
   * absent when neither had been made by `asOf`.
   */
  result?: AccountDetectionResult;
  /** Changes of the detection verdict or reason in the packet's period, up to `asOf`. */
  changes: {
    from?: string;
    to: string;
    reason?: string;
    changedAt: string;
    runId?: string;
  }[];
  /** Detection failure episodes overlapping the period, as they stood at `asOf`. */
  episodes: { startedAt: string; reason?: string; endedAt?: string }[];
}
