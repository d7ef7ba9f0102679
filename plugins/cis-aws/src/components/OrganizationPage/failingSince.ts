import { AccountSummary } from '@cis-aws/plugin-cis-aws-common';

/**
 * Since when a failing account has been failing, as the backend says it: its `failingSince`
 * (failure episodes, when the backend sends them), else the start of its current FAIL
 * verdict. Undefined for an account that does not fail.
 */
export function failingSinceOf(
  account: Pick<AccountSummary, 'verdict' | 'verdictSince'> & {
    failingSince?: string;
  },
): string | undefined {
  if (account.failingSince) return account.failingSince;
  return account.verdict === 'FAIL' ? account.verdictSince : undefined;
}
