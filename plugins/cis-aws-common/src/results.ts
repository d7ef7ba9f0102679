/**
 * The results of evaluating control 2.4, as they cross the wire (JSON): per trail, per account,
 * and per catalog entity.
 */
import type { ComplianceException } from './exceptions';
import type { AccountInventoryFacts, TrailFacts } from './facts';
import type {
  AccountReasonCode,
  TrailReasonCode,
  Verdict,
  WarningCode,
} from './verdicts';

/** Something worth showing that does not change the verdict. */
export interface EvaluationWarning {
  code: WarningCode;
  /** The specifics, e.g. "log group in eu-west-1, trail home region us-east-1". */
  detail: string;
  /** The trail concerned, when there is one. */
  trailArn?: string;
}

/**
 * One link of a trail's chain as judged on its own (contract "Verdict for one trail": every link
 * is judged and shown, whichever rule decided the verdict). OK: holds. BROKEN: definitely does
 * not. WARNING: holds, with something to look at, or could not be fully checked. UNCHECKED: not
 * readable from here (hidden, another account, not configured upstream).
 */
export type ChainLinkStatus = 'OK' | 'BROKEN' | 'WARNING' | 'UNCHECKED';

export interface ChainLinkJudgement {
  status: ChainLinkStatus;
  /** One plain sentence for people, no ARNs or codes. */
  summary: string;
}

/** The five links of a trail's chain, each judged by the rules (src/rules/chainLinks.ts). */
export interface TrailChainLinks {
  trailLogging: ChainLinkJudgement;
  logGroup: ChainLinkJudgement;
  roleTrust: ChainLinkJudgement;
  roleCanWrite: ChainLinkJudgement;
  recentDelivery: ChainLinkJudgement;
}

export interface TrailEvaluation {
  trailArn: string;
  /**
   * Each link of the chain judged on its own, from the same facts and at the same time as the
   * verdict. Absent in results stored before links were judged.
   */
  links?: TrailChainLinks;
  verdict: Verdict;
  /** Absent only when the verdict is PASS. EXCEPTION when a trail-level exception applies. */
  reason?: TrailReasonCode;
  /** The specifics of the reason, e.g. which call failed or how old the last delivery is. */
  detail?: string;
  /** The verdict without any exception (equal to `verdict` when none applies). */
  underlyingVerdict: Verdict;
  underlyingReason?: TrailReasonCode;
  warnings: EvaluationWarning[];
  /** Everything collected about the trail from this account, whatever the verdict. */
  facts: TrailFacts;
  /** The trail-level exception that makes this trail EXEMPT. */
  exemptedBy?: ComplianceException;
  /**
   * Set when this is an organization trail of another account in scope: the verdict, reason
   * and warnings are that owner's evaluation, `facts` stay what this account saw.
   */
  inheritedFrom?: {
    accountId: string;
    /**
     * Set when the owner's latest run could not judge the trail (ERROR or UNKNOWN, or no reading
     * at all) and its last definitive evaluation of it was taken instead: when that was made.
     * The OWNER_EVALUATION_STALE warning says so.
     */
    evaluatedAt?: string;
  };
}

/** Security Hub's CloudTrail.5 status, mapped to our verdict vocabulary. */
export type SecurityHubStatus = 'PASS' | 'FAIL' | 'UNKNOWN';

/** One Security Hub finding kept after de-duplication. */
export interface SecurityHubFindingSummary {
  findingId: string;
  accountId: string;
  /** The trail ARN (the finding's resource id), when the finding names one. */
  trailArn?: string;
  region?: string;
  status: SecurityHubStatus;
  /** PASSED / FAILED / WARNING / NOT_AVAILABLE, or absent, as Security Hub sent it. */
  complianceStatus?: string;
  updatedAt: string;
  matchedBy: 'SECURITY_CONTROL_ID' | 'GENERATOR_ID';
}

/** Security Hub's opinion on the account: a second opinion, never the verdict. */
export interface SecurityHubOpinion {
  status: SecurityHubStatus;
  /** null when either side has no definitive PASS/FAIL to compare. */
  agrees: boolean | null;
  /** The findings the status is made of. */
  findings: SecurityHubFindingSummary[];
  /**
   * Findings about trails this account no longer has or sees (findings survive a deleted trail
   * for days): kept as evidence, not counted.
   */
  ignoredFindings: SecurityHubFindingSummary[];
}

/**
 * Security Hub's opinion on one trail, as the backend judged it (`trailSecurityHubOpinion` of the
 * backend's rules): the UI shows it as it is.
 */
export interface TrailSecurityHubOpinion {
  /** The status of its CloudTrail.5 finding for the trail; UNKNOWN when it has none. */
  status: SecurityHubStatus;
  /**
   * Our verdict it is compared with: the trail's underlying verdict. Security Hub knows nothing
   * of our exceptions, so an exempt trail is compared by what it would be without the exception.
   */
  comparedWith: Verdict;
  /** null unless both sides are PASS or FAIL (no finding, WARNING, ERROR, UNKNOWN…). */
  agrees: boolean | null;
  /** The finding, when Security Hub has one for this trail. */
  finding?: SecurityHubFindingSummary;
}

export interface AccountEvaluation {
  accountId: string;
  verdict: Verdict;
  /** Absent only when the verdict is PASS. */
  reason?: AccountReasonCode;
  detail?: string;
  /** What the verdict would be without an account-level exception. */
  underlyingVerdict: Verdict;
  underlyingReason?: AccountReasonCode;
  /** Every trail the account has or sees, once each, including exempt ones. */
  trails: TrailEvaluation[];
  /** Account-level warnings and those of the trails in scope. */
  warnings: EvaluationWarning[];
  evaluatedAt: string;
  /** The account-level exception that makes the account EXEMPT. */
  exception?: ComplianceException;
  /** Every exception naming this account or one of its trails, in force or not: evidence. */
  exceptions: ComplianceException[];
  /** Regions scanned, skipped and failed, and inventory errors: evidence. */
  inventory: AccountInventoryFacts;
  securityHub?: SecurityHubOpinion;
}

/** An entity's verdict: a verdict, or no verdict at all because no account is mapped. */
export type EntityVerdictValue = Verdict | 'NOT_MAPPED';

/** The account a verdict belongs to, as needed to aggregate. */
export interface AccountVerdict {
  accountId: string;
  verdict: Verdict;
}

/** The aggregate for a system, a group, a team: the worst of its accounts. */
export interface EntityVerdict {
  verdict: EntityVerdictValue;
  /**
   * How many distinct accounts have each verdict; NOT_MAPPED counts the entities (this one or
   * those below it) that map to no account.
   */
  counts: Record<EntityVerdictValue, number>;
  /** Each distinct account once, with the verdict counted for it. */
  accounts: AccountVerdict[];
}
