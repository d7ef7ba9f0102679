import { REASON_DESCRIPTIONS, ReasonCode } from './verdicts';

/**
 * Reason codes in plain words, shared by the UI and the owner notifications so
 * both say the same thing about an account.
 */

/** A reason code in plain words ("Role cannot write to the log group"), or the code itself. */
export function reasonTitle(code: string | undefined): string | undefined {
  if (!code) return undefined;
  return REASON_DESCRIPTIONS[code as ReasonCode]?.title ?? code;
}

/** The one-sentence explanation of a reason code, or undefined for an unknown code. */
export function reasonExplanation(
  code: string | undefined,
): string | undefined {
  if (!code) return undefined;
  return REASON_DESCRIPTIONS[code as ReasonCode]?.explanation;
}

/**
 * The reason codes that say best why an account has its verdict: the reasons
 * of its failing trails when it fails because of them (`ROLE_CANNOT_WRITE`),
 * else the account's own reason (`NO_TRAILS`).
 */
export function accountReasonCodes(account: {
  reason?: string;
  trailReasons?: string[];
}): string[] {
  const trailReasons = account.trailReasons ?? [];
  if (trailReasons.length > 0 && account.reason?.startsWith('TRAIL_')) {
    return trailReasons;
  }
  return account.reason ? [account.reason] : [];
}

/**
 * Why an account has its verdict, in plain words, from its summary: the
 * reasons of its failing trails when it fails because of them ("Role cannot
 * write to the log group"), else the account's own reason ("No trails").
 */
export function accountReasonTitle(account: {
  reason?: string;
  trailReasons?: string[];
}): string | undefined {
  const codes = accountReasonCodes(account);
  if (codes.length === 0) return undefined;
  return codes.map(code => reasonTitle(code)).join('; ');
}
