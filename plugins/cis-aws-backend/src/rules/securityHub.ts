import type {
  AccountEvaluation,
  SecurityHubFindingSummary,
  SecurityHubOpinion,
  SecurityHubStatus,
  TrailEvaluation,
  TrailSecurityHubOpinion,
  Verdict,
} from '@cis-aws/plugin-cis-aws-common';

/**
 * Security Hub's CloudTrail.5 findings as a second opinion. Nothing here changes a verdict: the
 * opinion is attached beside it, with whether both agree.
 */

export const CLOUDTRAIL_5_SECURITY_CONTROL_ID = 'CloudTrail.5';

/** Where `SecurityControlId` is absent (GovCloud, China), these generators mean the control. */
export const CLOUDTRAIL_5_GENERATOR_IDS: readonly string[] = [
  'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/2.4',
  'security-control/CloudTrail.5',
];

/**
 * The fields of an ASFF finding these helpers read. Structurally compatible with the SDK's
 * `AwsSecurityFinding`, which the collector passes as is; the SDK is not imported here.
 */
export interface SecurityHubFindingInput {
  Id?: string;
  AwsAccountId?: string;
  GeneratorId?: string;
  Region?: string;
  UpdatedAt?: string;
  RecordState?: string;
  Compliance?: { Status?: string; SecurityControlId?: string };
  Resources?: ReadonlyArray<{ Type?: string; Id?: string; Region?: string }>;
}

/** PASSED → PASS, FAILED → FAIL; WARNING, NOT_AVAILABLE or nothing → UNKNOWN. */
export function mapComplianceStatus(
  status: string | undefined,
): SecurityHubStatus {
  if (status === 'PASSED') {
    return 'PASS';
  }
  return status === 'FAILED' ? 'FAIL' : 'UNKNOWN';
}

/** How a finding is recognised as CloudTrail.5, or undefined when it is another control. */
export function matchCloudTrail5(
  finding: SecurityHubFindingInput,
): SecurityHubFindingSummary['matchedBy'] | undefined {
  const controlId = finding.Compliance?.SecurityControlId;
  if (controlId) {
    return controlId === CLOUDTRAIL_5_SECURITY_CONTROL_ID
      ? 'SECURITY_CONTROL_ID'
      : undefined;
  }
  return finding.GeneratorId &&
    CLOUDTRAIL_5_GENERATOR_IDS.includes(finding.GeneratorId)
    ? 'GENERATOR_ID'
    : undefined;
}

/**
 * The active CloudTrail.5 findings, one per account and trail: the newest `UpdatedAt` wins
 * (on a tie the first one read stays). Archived findings are ignored; so are findings without
 * an id or account, which cannot be attributed.
 */
export function selectCloudTrail5Findings(
  findings: Iterable<SecurityHubFindingInput>,
): SecurityHubFindingSummary[] {
  const newest = new Map<string, SecurityHubFindingSummary>();
  for (const finding of findings) {
    const matchedBy = matchCloudTrail5(finding);
    if (
      finding.RecordState !== 'ACTIVE' ||
      !matchedBy ||
      !finding.Id ||
      !finding.AwsAccountId
    ) {
      continue;
    }
    const summary = summarise(
      finding,
      finding.Id,
      finding.AwsAccountId,
      matchedBy,
    );
    // Without a trail resource nothing says two findings are about the same trail.
    const key = `${summary.accountId}|${
      summary.trailArn ?? `finding:${summary.findingId}`
    }`;
    const known = newest.get(key);
    if (!known || updatedAtMs(summary) > updatedAtMs(known)) {
      newest.set(key, summary);
    }
  }
  return [...newest.values()];
}

function summarise(
  finding: SecurityHubFindingInput,
  findingId: string,
  accountId: string,
  matchedBy: SecurityHubFindingSummary['matchedBy'],
): SecurityHubFindingSummary {
  const resource =
    finding.Resources?.find(r => r.Type === 'AwsCloudTrailTrail') ??
    finding.Resources?.[0];
  return {
    findingId,
    accountId,
    trailArn: resource?.Id,
    region: resource?.Region ?? finding.Region,
    status: mapComplianceStatus(finding.Compliance?.Status),
    complianceStatus: finding.Compliance?.Status,
    updatedAt: finding.UpdatedAt ?? '',
    matchedBy,
  };
}

/** An unreadable or missing time sorts as the oldest. */
function updatedAtMs(summary: SecurityHubFindingSummary): number {
  const ms = Date.parse(summary.updatedAt);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/**
 * De-duplicated findings grouped by account, built once per run: each account's opinion then
 * reads its own few findings instead of filtering every finding of the organization (which made
 * a run quadratic in the number of accounts).
 */
export interface FindingsByAccount {
  /** The account's findings, in the order they were selected; empty when it has none. */
  of(accountId: string): readonly SecurityHubFindingSummary[];
  /** How many findings there are, over all accounts. */
  readonly size: number;
}

export function indexFindingsByAccount(
  findings: readonly SecurityHubFindingSummary[],
): FindingsByAccount {
  const byAccount = new Map<string, SecurityHubFindingSummary[]>();
  for (const finding of findings) {
    const list = byAccount.get(finding.accountId);
    if (list) list.push(finding);
    else byAccount.set(finding.accountId, [finding]);
  }
  return {
    of: accountId => byAccount.get(accountId) ?? [],
    size: findings.length,
  };
}

/** Whether Security Hub's status agrees with our verdict; null unless both are PASS or FAIL. */
function agreement(status: SecurityHubStatus, ours: Verdict): boolean | null {
  const comparable =
    status !== 'UNKNOWN' && (ours === 'PASS' || ours === 'FAIL');
  return comparable ? status === ours : null;
}

/**
 * Security Hub's opinion on one account, from de-duplicated findings (of any accounts).
 * Findings about trails the account no longer has are ignored (they outlive a deleted trail).
 * The account's status: FAIL if any counted finding fails, else UNKNOWN if any is unknown or
 * there is none, else PASS. `agrees` compares with our verdict *without* exceptions (Security
 * Hub knows nothing of them) and is null unless both sides are PASS or FAIL.
 */
export function securityHubOpinion(
  evaluation: Pick<
    AccountEvaluation,
    'accountId' | 'underlyingVerdict' | 'trails'
  >,
  findings: readonly SecurityHubFindingSummary[],
): SecurityHubOpinion {
  const trailArns = new Set(evaluation.trails.map(trail => trail.trailArn));
  const counted: SecurityHubFindingSummary[] = [];
  const ignored: SecurityHubFindingSummary[] = [];
  for (const finding of findings) {
    if (finding.accountId !== evaluation.accountId) continue;
    if (!finding.trailArn || trailArns.has(finding.trailArn)) {
      counted.push(finding);
    } else {
      ignored.push(finding);
    }
  }

  let status: SecurityHubStatus = 'PASS';
  if (counted.some(finding => finding.status === 'FAIL')) {
    status = 'FAIL';
  } else if (
    counted.length === 0 ||
    counted.some(finding => finding.status === 'UNKNOWN')
  ) {
    status = 'UNKNOWN';
  }

  return {
    status,
    agrees: agreement(status, evaluation.underlyingVerdict),
    findings: counted,
    ignoredFindings: ignored,
  };
}

/**
 * Security Hub's opinion on one trail, the only place it is judged (the UI shows it as it is).
 * - The finding is the account's counted finding whose resource is this trail's ARN (findings
 *   are de-duplicated by account and trail, so there is at most one); none: UNKNOWN.
 * - Compared with the trail's *underlying* verdict, as the account's opinion is: Security Hub
 *   knows nothing of our exceptions, so an exempt trail that fails underneath agrees with a
 *   FAILED finding. An organization trail inherited from its owner compares the owner's
 *   verdict, which is this trail's.
 * - `agrees` is null unless both sides are PASS or FAIL: no finding, WARNING / NOT_AVAILABLE,
 *   or our ERROR / UNKNOWN cannot be compared.
 */
export function trailSecurityHubOpinion(
  trail: Pick<TrailEvaluation, 'trailArn' | 'underlyingVerdict'>,
  accountFindings: readonly SecurityHubFindingSummary[],
): TrailSecurityHubOpinion {
  const finding = accountFindings.find(f => f.trailArn === trail.trailArn);
  const status = finding?.status ?? 'UNKNOWN';
  return {
    status,
    comparedWith: trail.underlyingVerdict,
    agrees: agreement(status, trail.underlyingVerdict),
    ...(finding ? { finding } : {}),
  };
}

/** The evaluation with Security Hub's opinion beside it; verdicts are left exactly as they were. */
export function withSecurityHubOpinion(
  evaluation: AccountEvaluation,
  findings: readonly SecurityHubFindingSummary[],
): AccountEvaluation {
  return {
    ...evaluation,
    securityHub: securityHubOpinion(evaluation, findings),
  };
}
