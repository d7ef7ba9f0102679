/**
 * Verdicts, reason codes and warning codes of CIS AWS Foundations v1.2 control 2.4, exactly as
 * named in the product contract (docs/cis-2.4-evaluation.md), with the plain-English texts the
 * frontend shows. Additions to the contract's names are marked "Addition" and say why.
 */

/** Every verdict a trail or an account can have. */
export const VERDICTS = ['PASS', 'FAIL', 'ERROR', 'UNKNOWN', 'EXEMPT'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The contract's order for entities, worst first: FAIL, ERROR, UNKNOWN, EXEMPT, PASS. */
export const VERDICT_SEVERITY_ORDER: readonly Verdict[] = [
  'FAIL',
  'ERROR',
  'UNKNOWN',
  'EXEMPT',
  'PASS',
];

/** Higher is worse. PASS is 0, FAIL is 4. */
export function verdictSeverity(verdict: Verdict): number {
  return (
    VERDICT_SEVERITY_ORDER.length - 1 - VERDICT_SEVERITY_ORDER.indexOf(verdict)
  );
}

/** The worst of some verdicts, or undefined when there are none (no verdict is not PASS). */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict | undefined {
  let worst: Verdict | undefined;
  for (const verdict of verdicts) {
    if (
      worst === undefined ||
      verdictSeverity(verdict) > verdictSeverity(worst)
    ) {
      worst = verdict;
    }
  }
  return worst;
}

/** Why a trail has its verdict. The order is the contract's table: first match wins. */
export const TRAIL_REASON_CODES = [
  'API_ERROR',
  'FOREIGN_ORG_TRAIL',
  'NO_LOG_GROUP',
  'NO_ROLE',
  'LOG_GROUP_NOT_FOUND',
  'ROLE_NOT_FOUND',
  'ROLE_NOT_TRUSTED',
  'ROLE_CANNOT_WRITE',
  'NOT_LOGGING',
  'NEVER_DELIVERED',
  'DELIVERY_STALE',
  // Addition: a trail-level exception applies (the underlying reason stays in underlyingReason).
  'EXCEPTION',
  // Addition: the contract's "UNKNOWN with the reason the region could not be read" ("Data to
  // collect", item 1), for a trail whose home region this account cannot call (an opt-in region
  // not enabled, an SCP denying it) and that takes no owner's evaluation. Decided before the
  // table's rules: nothing about the trail could be read.
  'HOME_REGION_UNREACHABLE',
] as const;
export type TrailReasonCode = (typeof TRAIL_REASON_CODES)[number];

/** Why an account has its verdict, in the order of the contract's account rules. */
export const ACCOUNT_REASON_CODES = [
  'EXCEPTION',
  'NO_TRAILS',
  // Addition: rule 3 of the contract ("any trail in scope fails") has no code of its own.
  'TRAIL_FAILED',
  'INCOMPLETE_INVENTORY',
  // Addition: the INCOMPLETE_INVENTORY of an account whose reader role AWS refused to let the
  // portal assume (sts:AssumeRole AccessDenied). Nothing could be read at all, and the fix is
  // the account owner's (deploy the role, trust the portal), not a retry: lists and owner
  // notifications need to say so without reading the evaluation's detail.
  'READER_ROLE_DENIED',
  // Addition: rule 5 ("any trail is UNKNOWN or ERROR") has no code of its own.
  'TRAIL_UNDETERMINED',
  // Addition: the account has trails but trail-level exceptions took every one out of scope.
  'ALL_TRAILS_EXEMPT',
] as const;
export type AccountReasonCode = (typeof ACCOUNT_REASON_CODES)[number];

export type ReasonCode = TrailReasonCode | AccountReasonCode;

/** Facts worth showing that never change a verdict. */
export const WARNING_CODES = [
  'DELIVERY_ERROR_WITH_FRESH_DELIVERY',
  'LOG_GROUP_OTHER_REGION',
  'LOG_GROUP_OTHER_ACCOUNT',
  'TRUST_HAS_SOURCE_CONDITIONS',
  'ROLE_CHECK_INCOMPLETE',
  'NO_RETENTION',
  // Addition: the log group could not be looked at (another account's), so its existence and
  // retention are unconfirmed; delivery freshness carries the verdict, as for the role.
  'LOG_GROUP_NOT_CHECKED',
  // Addition (account level): a trail failed, so the account is FAIL, but some regions or calls
  // could not be read either; without it the incompleteness would be invisible behind the FAIL.
  'INVENTORY_INCOMPLETE',
  // Addition: the role's policy documents could not be read although its permission decision did
  // not need them (IAM's simulation decided), so the evidence lacks them (contract: keep every
  // collected field as evidence). Not ROLE_CHECK_INCOMPLETE: the check itself is complete.
  'ROLE_POLICIES_NOT_READ',
  // Addition: the contract's "organization id unreadable so an organization trail's o-<orgid>_*
  // streams went unchecked" (a kind of role check that could not be completed). Its own code
  // because the fix is the reader role's (organizations:DescribeOrganization), not the trail's,
  // and because the role check itself may look complete: only the account's own streams were
  // asked about. Delivery freshness carries the verdict.
  'ORGANIZATION_STREAMS_NOT_CHECKED',
  // Addition: an organization trail took its owner's last definitive evaluation because the
  // owner's latest run could not judge it (a throttled or failing owner account): the verdict is
  // the owner's earlier one, not a fresh reading, and says so.
  'OWNER_EVALUATION_STALE',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/** What the UI shows for a code: a short title and one sentence a non-expert understands. */
export interface CodeDescription {
  title: string;
  explanation: string;
}

export const VERDICT_DESCRIPTIONS: Record<
  Verdict | 'NOT_MAPPED',
  CodeDescription
> = {
  PASS: {
    title: 'Passing',
    explanation:
      'CloudTrail events reach CloudWatch Logs and everything checked is in order.',
  },
  FAIL: {
    title: 'Failing',
    explanation: 'CloudTrail events do not reliably reach CloudWatch Logs.',
  },
  ERROR: {
    title: 'Could not be checked',
    explanation:
      'Some AWS calls failed, so no verdict is given rather than a wrong one.',
  },
  UNKNOWN: {
    title: 'Unknown',
    explanation: 'Not enough could be seen from this account to decide.',
  },
  EXEMPT: {
    title: 'Exempt',
    explanation:
      'An approved exception applies; the underlying result is still shown.',
  },
  NOT_MAPPED: {
    title: 'Not mapped',
    explanation:
      'No AWS account is mapped to this entity, so there is nothing to evaluate.',
  },
};

export const REASON_DESCRIPTIONS: Record<ReasonCode, CodeDescription> = {
  API_ERROR: {
    title: 'AWS call failed',
    explanation:
      'A call needed to check this trail failed (access denied, throttled or timed out), so it was not judged.',
  },
  FOREIGN_ORG_TRAIL: {
    title: 'Organization trail of another account',
    explanation:
      'This organization trail belongs to an account that is not evaluated here, and its status is hidden from this account.',
  },
  HOME_REGION_UNREACHABLE: {
    title: "Trail's home region cannot be read",
    explanation:
      "The trail's home region cannot be called from this account (a region not enabled for it, or denied by a service control policy), so the trail could not be checked from here.",
  },
  NO_LOG_GROUP: {
    title: 'No log group configured',
    explanation:
      'The trail is not set up to send its events to any CloudWatch Logs log group.',
  },
  NO_ROLE: {
    title: 'No delivery role configured',
    explanation:
      'The trail names no IAM role, so CloudTrail has no permission to write the logs.',
  },
  LOG_GROUP_NOT_FOUND: {
    title: 'Log group does not exist',
    explanation:
      'The trail points at a CloudWatch Logs log group that has been deleted or never existed.',
  },
  ROLE_NOT_FOUND: {
    title: 'Delivery role does not exist',
    explanation:
      'The IAM role the trail uses to write logs has been deleted or never existed.',
  },
  ROLE_NOT_TRUSTED: {
    title: 'CloudTrail cannot use the role',
    explanation:
      "The role's trust policy does not allow the CloudTrail service to assume it.",
  },
  ROLE_CANNOT_WRITE: {
    title: 'Role cannot write to the log group',
    explanation:
      "The role's permissions do not allow creating log streams or putting log events in the log group.",
  },
  NOT_LOGGING: {
    title: 'Trail is stopped',
    explanation:
      'Logging is turned off for this trail, so no events are recorded at all.',
  },
  NEVER_DELIVERED: {
    title: 'Nothing ever delivered',
    explanation:
      'CloudTrail has never delivered a single event to CloudWatch Logs for this trail.',
  },
  DELIVERY_STALE: {
    title: 'Delivery has stopped',
    explanation:
      'The last delivery to CloudWatch Logs is older than the allowed age.',
  },
  EXCEPTION: {
    title: 'Exception approved',
    explanation:
      'An approved, unexpired exception applies; the result without it is still shown.',
  },
  NO_TRAILS: {
    title: 'No trails',
    explanation:
      'The account has no CloudTrail trail and sees none from its organization.',
  },
  TRAIL_FAILED: {
    title: 'A trail is failing',
    explanation:
      'At least one trail of the account does not deliver to CloudWatch Logs correctly.',
  },
  INCOMPLETE_INVENTORY: {
    title: 'Some regions could not be read',
    explanation:
      'Listing the trails failed in some region or call, so a failing trail could be hidden there.',
  },
  READER_ROLE_DENIED: {
    title: 'The reader role could not be assumed',
    explanation:
      'AWS refused to let the portal assume its read-only role in this account (missing role or a trust policy without the portal), so nothing could be checked.',
  },
  TRAIL_UNDETERMINED: {
    title: 'A trail could not be judged',
    explanation:
      'No trail fails, but at least one could not be checked or was not visible enough.',
  },
  ALL_TRAILS_EXEMPT: {
    title: 'Every trail is exempt',
    explanation:
      'Each trail of the account is covered by an approved exception.',
  },
};

export const WARNING_DESCRIPTIONS: Record<WarningCode, CodeDescription> = {
  DELIVERY_ERROR_WITH_FRESH_DELIVERY: {
    title: 'Delivery error reported',
    explanation:
      'CloudTrail reports a delivery error even though a recent delivery succeeded; it may be intermittent.',
  },
  LOG_GROUP_OTHER_REGION: {
    title: 'Log group in another region',
    explanation: "The log group is not in the trail's home region.",
  },
  LOG_GROUP_OTHER_ACCOUNT: {
    title: 'Log group in another account',
    explanation:
      'The log group belongs to a different AWS account than the trail.',
  },
  TRUST_HAS_SOURCE_CONDITIONS: {
    title: 'Unsupported trust conditions',
    explanation:
      "The role's trust policy uses aws:SourceArn or aws:SourceAccount, which AWS says this role does not support.",
  },
  ROLE_CHECK_INCOMPLETE: {
    title: 'Role could not be fully checked',
    explanation:
      "The role's trust or permissions could not be read or decided; recent deliveries decide the verdict instead.",
  },
  NO_RETENTION: {
    title: 'Logs kept forever',
    explanation:
      'The log group has no retention period, so logs are never deleted and costs grow.',
  },
  LOG_GROUP_NOT_CHECKED: {
    title: 'Log group not checked',
    explanation:
      'The log group could not be looked at from this account; recent deliveries decide the verdict instead.',
  },
  INVENTORY_INCOMPLETE: {
    title: 'Some regions could not be read',
    explanation:
      'Besides the failure shown, some regions or calls could not be read.',
  },
  ROLE_POLICIES_NOT_READ: {
    title: 'Role policies not in the evidence',
    explanation:
      "The role's policy documents could not be read, so the evidence lacks them; the permission result does not depend on them.",
  },
  ORGANIZATION_STREAMS_NOT_CHECKED: {
    title: 'Organization log streams not checked',
    explanation:
      "The organization's id could not be read (organizations:DescribeOrganization failed), so whether the role may write the member accounts' o-<organization id>_* log streams was not checked; recent deliveries decide the verdict instead.",
  },
  OWNER_EVALUATION_STALE: {
    title: "Owner's earlier evaluation",
    explanation:
      "The account that owns this organization trail could not be read in its latest run, so the trail keeps that owner's last definitive result until it can be read again.",
  },
};
