import {
  worstVerdict,
  type AccountVerdict,
  type EntityVerdict,
  type EntityVerdictValue,
} from '@cis-aws/plugin-cis-aws-common';

/**
 * The verdict of a catalog entity mapped to some accounts (a system, a component): the worst of
 * its accounts in the contract's order FAIL, ERROR, UNKNOWN, EXEMPT, PASS. No account at all
 * is NOT_MAPPED, which is not PASS.
 */
export function aggregateEntity(
  accounts: readonly AccountVerdict[],
): EntityVerdict {
  const unique = uniqueAccounts(accounts);
  const counts = emptyCounts();
  for (const account of unique) {
    counts[account.verdict] += 1;
  }
  if (unique.length === 0) {
    counts.NOT_MAPPED = 1;
  }
  return {
    verdict: worstVerdict(unique.map(a => a.verdict)) ?? 'NOT_MAPPED',
    counts,
    accounts: unique,
  };
}

/**
 * The verdict and counts of an entity whose distinct accounts were counted per verdict (by the
 * database): the same judgement as {@link aggregateEntity}, without the list of accounts.
 */
export function aggregateCounts(
  totals: Readonly<Record<AccountVerdict['verdict'], number>>,
): Pick<EntityVerdict, 'verdict' | 'counts'> {
  const counts = { ...emptyCounts(), ...totals, NOT_MAPPED: 0 };
  const present = (Object.keys(totals) as AccountVerdict['verdict'][]).filter(
    verdict => totals[verdict] > 0,
  );
  if (present.length === 0) counts.NOT_MAPPED = 1;
  return { verdict: worstVerdict(present) ?? 'NOT_MAPPED', counts };
}

/**
 * The verdict of an entity made of others (a group, a team): the worst over the distinct
 * accounts of its children, so an account shared by two systems counts once. Children that map
 * to no account add to NOT_MAPPED; with no account anywhere below, the group is NOT_MAPPED.
 */
export function combineEntityVerdicts(
  children: readonly EntityVerdict[],
): EntityVerdict {
  const combined = aggregateEntity(children.flatMap(child => child.accounts));
  const notMapped = children.reduce(
    (sum, child) => sum + child.counts.NOT_MAPPED,
    0,
  );
  // A group with no children at all is itself the one entity without an account.
  combined.counts.NOT_MAPPED = children.length === 0 ? 1 : notMapped;
  return combined;
}

/** One entry per account; if an account appears twice, its worse verdict is kept. */
function uniqueAccounts(accounts: readonly AccountVerdict[]): AccountVerdict[] {
  const byId = new Map<string, AccountVerdict>();
  for (const account of accounts) {
    const known = byId.get(account.accountId);
    const verdict = known
      ? worstVerdict([known.verdict, account.verdict])
      : account.verdict;
    byId.set(account.accountId, {
      accountId: account.accountId,
      verdict: verdict ?? account.verdict,
    });
  }
  return [...byId.values()];
}

function emptyCounts(): Record<EntityVerdictValue, number> {
  return { FAIL: 0, ERROR: 0, UNKNOWN: 0, EXEMPT: 0, PASS: 0, NOT_MAPPED: 0 };
}
