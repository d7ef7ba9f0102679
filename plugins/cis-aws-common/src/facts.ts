/**
 * What the AWS collector found out, as plain JSON-safe data that the rules read and that is kept
 * whole as evidence whatever the verdict. Times are ISO 8601 UTC strings.
 *
 * Conventions:
 * - `null` means "AWS answered, and the value is empty" (e.g. no log group configured).
 * - Something that could not be found out is an explicit state (`FAILED`, `HIDDEN`,
 *   `NOT_CHECKED`, `UNDETERMINED`), never a missing field read as false.
 */

/** One failed AWS call, kept after the collector's retries gave up. */
export interface ApiError {
  /**
   * The service's IAM prefix (`cloudtrail`, `iam`, `logs`, `sts`, `organizations`,
   * `securityhub`). Absent only in results stored before it was recorded: then it is the part of
   * `operation` before the colon.
   */
  service?: string;
  /** `service:Operation`, e.g. `cloudtrail:GetTrailStatus`, `iam:GetRole`. */
  operation: string;
  /** Absent for global services (IAM, Organizations). */
  region?: string;
  /** The AWS error code (`AccessDeniedException`, `ThrottlingException`, `TimeoutError`…). */
  code: string;
  /**
   * The HTTP status AWS answered with (403, 429, 500…). Absent when there was no answer (a
   * timeout, a connection reset) or in results stored before it was recorded.
   */
  httpStatus?: number;
  message: string;
}

/** The answer of an IAM question (trust or permission). */
export const POLICY_DECISIONS = ['ALLOWED', 'DENIED', 'UNDETERMINED'] as const;
export type PolicyDecision = (typeof POLICY_DECISIONS)[number];

/** GetTrailStatus, read in the trail's home region. */
export type TrailStatusFacts =
  | {
      state: 'READ';
      /** Where the status was read; must be the home region. */
      region: string;
      isLogging: boolean;
      /** null: CloudTrail has never delivered to CloudWatch Logs. */
      latestCloudWatchLogsDeliveryTime: string | null;
      latestCloudWatchLogsDeliveryError: string | null;
      /** S3 delivery: evidence only. It says nothing about CloudWatch Logs. */
      latestDeliveryTime: string | null;
      latestDeliveryError: string | null;
    }
  | {
      /**
       * The trail belongs to another account and this account may not read its status.
       * Which AWS error says so is unverified (TrailNotFoundException or access denied);
       * the collector decides, and keeps the error it got, if any.
       */
      state: 'HIDDEN';
      error?: ApiError;
    }
  | { state: 'FAILED'; error: ApiError };

/** Where a log group or role is, parsed from its ARN or read from AWS. */
export interface AwsLocation {
  arn: string;
  accountId: string;
  /** Empty for global resources (IAM roles). */
  region: string;
}

/** DescribeLogGroups for the group named by `CloudWatchLogsLogGroupArn`. */
export type LogGroupFacts =
  | (AwsLocation & {
      state: 'FOUND';
      name: string;
      /** null: no retention set, logs never expire. */
      retentionInDays: number | null;
    })
  | (AwsLocation & { state: 'NOT_FOUND'; name: string })
  | {
      state: 'NOT_CHECKED';
      /**
       * NO_ARN: the trail names no log group. OTHER_ACCOUNT: it is not readable from here.
       * HOME_REGION_UNREACHABLE: the trail's configuration could not be read at all (see
       * `TrailFacts.homeRegionUnreachable`).
       */
      why: 'NO_ARN' | 'OTHER_ACCOUNT' | 'HOME_REGION_UNREACHABLE';
    }
  | { state: 'FAILED'; error: ApiError };

/** An IAM policy document as read, decoded, kept as evidence of the permission decision. */
export interface PolicyDocumentEvidence {
  /** INLINE: a role policy. MANAGED: an attached managed policy (its default version). */
  kind: 'INLINE' | 'MANAGED';
  name: string;
  /** The managed policy's ARN. */
  arn?: string;
  /** The decoded JSON text. */
  document: string;
}

/** Does the role's trust policy let `cloudtrail.amazonaws.com` call `sts:AssumeRole`? */
export interface RoleTrustFacts {
  allowsCloudTrail: PolicyDecision;
  /** aws:SourceArn / aws:SourceAccount on a statement about CloudTrail: a warning. */
  hasSourceConditions: boolean;
  /** Why, in words (which statement allowed or denied, what was not understood). */
  details: string;
  /** The decoded trust policy. */
  document: string;
}

/** May the role create streams and put events on the streams CloudTrail writes? */
export type RolePermissionFacts =
  | {
      state: 'DECIDED';
      decision: PolicyDecision;
      /**
       * SIMULATION: iam:SimulatePrincipalPolicy answered (authoritative).
       * STATIC_ANALYSIS: the fallback, reading the policy documents.
       */
      decidedBy: 'SIMULATION' | 'STATIC_ANALYSIS';
      details: string;
      /** The actions and resource patterns asked about. */
      actions: string[];
      resources: string[];
      /**
       * The role's inline and attached managed policy documents, read whatever decided: they
       * are the evidence behind the decision. Partial (possibly empty) when `documentsError` is
       * set.
       */
      policies: PolicyDocumentEvidence[];
      /**
       * Reading the documents failed although the decision did not need them (SIMULATION
       * decided, or there was nothing to decide). The decision stands; the gap in the evidence
       * is the ROLE_POLICIES_NOT_READ warning. STATIC_ANALYSIS cannot decide without the
       * documents, so a failed read there is the FAILED state instead.
       */
      documentsError?: ApiError;
      /**
       * When `policies` were read from IAM (ISO 8601). A scheduled run may show documents read
       * by an earlier run while the simulation's answer has not changed, up to
       * `cisAws.aws.rolePolicyMaxAge`; absent in results saved before this was recorded.
       */
      policiesReadAt?: string;
    }
  /** Neither simulation nor reading the policies was possible. */
  | { state: 'FAILED'; errors: ApiError[] };

/** The role named by `CloudWatchLogsRoleArn`. */
export type RoleFacts =
  | (AwsLocation & {
      state: 'FOUND';
      name: string;
      trust: RoleTrustFacts;
      permission: RolePermissionFacts;
    })
  | (AwsLocation & { state: 'NOT_FOUND' })
  | {
      state: 'NOT_CHECKED';
      /**
       * NO_ARN: the trail names no role. OTHER_ACCOUNT: IAM of another account.
       * HOME_REGION_UNREACHABLE: see `TrailFacts.homeRegionUnreachable`.
       */
      why: 'NO_ARN' | 'OTHER_ACCOUNT' | 'HOME_REGION_UNREACHABLE';
    }
  /** IAM could not be read (e.g. iam:GetRole denied). A warning, not an ERROR: see the rules. */
  | { state: 'FAILED'; error: ApiError };

/**
 * One trail as seen from one account. It exists only once its configuration was read
 * (DescribeTrails): a region where that failed is an inventory error of the account.
 */
export interface TrailFacts {
  arn: string;
  name: string;
  /** The account whose collection saw this trail. */
  seenFromAccountId: string;
  /** The account that owns the trail (from its ARN); differs for organization trails. */
  ownerAccountId: string;
  homeRegion: string;
  isMultiRegion: boolean;
  isOrganizationTrail: boolean;
  /** `CloudWatchLogsLogGroupArn`; null when empty. */
  logGroupArn: string | null;
  /** `CloudWatchLogsRoleArn`; null when empty. */
  roleArn: string | null;
  status: TrailStatusFacts;
  logGroup: LogGroupFacts;
  role: RoleFacts;
  /** Every call about this trail that failed, including those that only cause a warning. */
  apiErrors: ApiError[];
  /**
   * Set when the inventory listed the trail but its home region cannot be called from this
   * account (an opt-in region not enabled for it, or a service control policy denying the
   * region): the error that said so. The trail still exists and is never dropped (contract,
   * "Data to collect", item 1), but only its ARN, name, owner and home region are known: its
   * configuration was not read, so `logGroupArn` and `roleArn` are null, `isMultiRegion` is false
   * and `isOrganizationTrail` says only whether another account owns it (a trail of another
   * account is only ever seen through an organization), and status, log group and role are not
   * checked. It is not an inventory error of the account.
   */
  homeRegionUnreachable?: ApiError;
}

/** A region that could not be inventoried. */
export interface FailedRegion {
  region: string;
  errors: ApiError[];
}

/** Everything about an account's collection except its trails. */
export interface AccountInventoryFacts {
  accountId: string;
  /** aws, aws-cn, aws-us-gov… */
  partition: string;
  /** Regions whose trails were listed successfully. */
  regionsScanned: string[];
  /** Regions not enabled for the account (opt-in regions): skipped, not an error. */
  regionsSkipped: string[];
  regionsFailed: FailedRegion[];
  /** Failed calls not tied to one region or trail (e.g. reading the organization). */
  inventoryErrors: ApiError[];
  collectedAt: string;
}

export interface AccountFacts extends AccountInventoryFacts {
  /** Every trail the account has or sees, each once (by ARN), from its home region. */
  trails: TrailFacts[];
}
