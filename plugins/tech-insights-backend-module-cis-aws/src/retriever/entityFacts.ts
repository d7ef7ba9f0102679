import { InputError } from '@backstage/errors';
import {
  AccountSummary,
  DETECTION_CHECK_IDS,
  DETECTION_VERDICTS,
  DetectionVerdict,
  EntityResultResponse,
  Verdict,
  VERDICTS,
  worstDetectionVerdict,
} from '@cis-aws/plugin-cis-aws-common';
import { DateTime } from 'luxon';
import {
  CIS_AWS_VERDICT_FACT_VALUES,
  MAX_LISTED_ACCOUNTS,
  CisAwsDetectionVerdictFact,
  CisAwsFacts,
  CisAwsVerdictFact,
} from './schema';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Whole and fractional days from `since` to `now`, to two decimals (about a
 * quarter of an hour): a check compares it with a number of days, and more
 * digits would only make every fact row differ. Never negative, so a clock a
 * little behind the backend's does not make a failure younger than new.
 */
export function ageInDays(since: DateTime, now: DateTime): number {
  const days = now.diff(since).toMillis() / DAY_MS;
  return days > 0 ? Math.round(days * 100) / 100 : 0;
}

/**
 * When the longest-failing account started failing: the earliest start of an
 * open failure episode (`failingSince`, contract "Failure age"), never the
 * time of the last verdict change, so an ERROR run in the middle of a failure
 * or an exception granted and revoked does not make a week-old failure look
 * new. An account that is EXEMPT now is left out while the exception holds
 * (its episode keeps its start and counts again once the exception ends); an
 * ERROR or UNKNOWN one inside an episode counts (it was not shown to be
 * fixed). Undefined when no episode is open.
 */
export function oldestFailureSince(
  accounts: readonly Pick<AccountSummary, 'verdict' | 'failingSince'>[],
): DateTime | undefined {
  let oldest: DateTime | undefined;
  for (const account of accounts) {
    if (account.verdict === 'EXEMPT' || !account.failingSince) continue;
    const since = DateTime.fromISO(account.failingSince, { zone: 'utc' });
    if (oldest === undefined || since < oldest) oldest = since;
  }
  return oldest;
}

function countVerdict(accounts: readonly { verdict: Verdict }[], v: Verdict) {
  return accounts.filter(account => account.verdict === v).length;
}

/** What fails the "every account passes" check, worst first. */
const NOT_PASSING: readonly Verdict[] = ['FAIL', 'ERROR', 'UNKNOWN'];

/**
 * The facts of one entity from its result in the cis-aws API. Counted from
 * the accounts themselves (each distinct account once, as the API lists
 * them); accounts mapped but not evaluated yet count as pending. The oldest
 * failure's age is 0 when nothing fails: a number rather than null, so that a
 * check like "less than 7 days" holds for an entity with no failure (a
 * json-rules-engine numeric operator is false for null).
 */
export function entityFacts(
  result: EntityResultResponse,
  now: DateTime,
): CisAwsFacts {
  const { accounts, pendingAccountIds } = result;
  const oldest = oldestFailureSince(accounts);
  return {
    cisAwsVerdict: result.verdict,
    cisAwsAccounts: accounts.length + pendingAccountIds.length,
    cisAwsFailingAccounts: countVerdict(accounts, 'FAIL'),
    cisAwsErroringAccounts: countVerdict(accounts, 'ERROR'),
    cisAwsUnknownAccounts: countVerdict(accounts, 'UNKNOWN'),
    cisAwsExemptAccounts: countVerdict(accounts, 'EXEMPT'),
    cisAwsPendingAccounts: pendingAccountIds.length,
    cisAwsOldestFailureDays: oldest ? ageInDays(oldest, now) : 0,
    cisAwsNotPassingAccountRefs: listedRefs(
      accounts.filter(a => NOT_PASSING.includes(a.verdict)),
    ),
    cisAwsFailingAccountRefs: listedRefs(
      accounts.filter(a => a.verdict === 'FAIL'),
    ),
    ...detectionFacts(result),
  };
}

type DetectionFacts = Pick<
  CisAwsFacts,
  | 'cisAwsDetectionVerdict'
  | 'cisAwsDetectionFailingAccounts'
  | 'cisAwsDetectionErroringAccounts'
  | 'cisAwsDetectionNotEvaluatedAccounts'
  | 'cisAwsDetectionFailingChecks'
  | 'cisAwsDetectionFailingAccountRefs'
>;

/** What fails the detection check, worst first. */
const DETECTION_NOT_PASSING: readonly DetectionVerdict[] = ['FAIL', 'ERROR'];

/**
 * The detection content facts of an entity (control `cis-3.x-detection`, detection-content.md),
 * from its accounts' `detection` summaries, beside the 2.4 facts and never mixed into them. The
 * entity's status is the worst of its accounts' (FAIL, ERROR, PASS, NOT_APPLICABLE). An account
 * without a summary (detection turned off, not evaluated yet, or the account itself still
 * pending) is counted as not evaluated and judged neither way; when no account has one the
 * verdict is NOT_EVALUATED. A stale ERROR (an older definitive result kept behind it) counts as
 * the ERROR it is now, as the 2.4 facts count a stale account.
 */
export function detectionFacts(result: EntityResultResponse): DetectionFacts {
  const evaluated = result.accounts.filter(a => a.detection !== undefined);
  const verdictOf = (a: AccountSummary) => a.detection!.verdict;
  const worst = worstDetectionVerdict(evaluated.map(verdictOf));
  let verdict: CisAwsDetectionVerdictFact;
  if (worst) verdict = worst;
  else if (result.verdict === 'NOT_MAPPED') verdict = 'NOT_MAPPED';
  else verdict = 'NOT_EVALUATED';
  const notPassing = evaluated.filter(a =>
    DETECTION_NOT_PASSING.includes(verdictOf(a)),
  );
  const failingChecks = new Set<string>(
    notPassing.flatMap(a => a.detection!.failingChecks),
  );
  return {
    cisAwsDetectionVerdict: verdict,
    cisAwsDetectionFailingAccounts: evaluated.filter(
      a => verdictOf(a) === 'FAIL',
    ).length,
    cisAwsDetectionErroringAccounts: evaluated.filter(
      a => verdictOf(a) === 'ERROR',
    ).length,
    cisAwsDetectionNotEvaluatedAccounts:
      result.accounts.length -
      evaluated.length +
      result.pendingAccountIds.length,
    cisAwsDetectionFailingChecks: DETECTION_CHECK_IDS.filter(id =>
      failingChecks.has(id),
    ),
    cisAwsDetectionFailingAccountRefs: [...notPassing]
      .sort(
        (a, b) =>
          DETECTION_NOT_PASSING.indexOf(verdictOf(a)) -
            DETECTION_NOT_PASSING.indexOf(verdictOf(b)) ||
          Date.parse(detectionSince(a)) - Date.parse(detectionSince(b)) ||
          a.entityRef.localeCompare(b.entityRef),
      )
      .slice(0, MAX_LISTED_ACCOUNTS)
      .map(a => a.entityRef),
  };
}

/** Since when an account's detection has been failing (its episode), or when it was evaluated. */
function detectionSince(account: AccountSummary): string {
  return account.detection!.failingSince ?? account.detection!.evaluatedAt;
}

/**
 * The entity refs of some accounts, worst verdict first, then the one in its verdict longest,
 * at most MAX_LISTED_ACCOUNTS: what a scorecard links under a failed check.
 */
export function listedRefs(
  accounts: readonly Pick<
    AccountSummary,
    'entityRef' | 'verdict' | 'verdictSince'
  >[],
): string[] {
  return [...accounts]
    .sort(
      (a, b) =>
        NOT_PASSING.indexOf(a.verdict) - NOT_PASSING.indexOf(b.verdict) ||
        Date.parse(a.verdictSince) - Date.parse(b.verdictSince) ||
        a.entityRef.localeCompare(b.entityRef),
    )
    .slice(0, MAX_LISTED_ACCOUNTS)
    .map(a => a.entityRef);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isVerdict(value: unknown): value is Verdict {
  return VERDICTS.includes(value as Verdict);
}

/** The parts of an account's `detection` summary the facts are made of. */
function isDetectionSummary(value: unknown): boolean {
  return (
    isRecord(value) &&
    DETECTION_VERDICTS.includes(value.verdict as DetectionVerdict) &&
    Array.isArray(value.failingChecks) &&
    value.failingChecks.every(id => typeof id === 'string') &&
    typeof value.evaluatedAt === 'string' &&
    DateTime.fromISO(value.evaluatedAt).isValid &&
    (value.failingSince === undefined ||
      (typeof value.failingSince === 'string' &&
        DateTime.fromISO(value.failingSince).isValid))
  );
}

/**
 * Checks that a response body has the parts of an EntityResultResponse the
 * facts are made of, and throws an InputError saying what is wrong
 * otherwise: a fact computed from a body of another shape (another version
 * of the API, a proxy's error page) would be a wrong fact, and no fact is
 * better than a wrong one.
 */
export function parseEntityResult(body: unknown): EntityResultResponse {
  if (!isRecord(body)) {
    throw new InputError('the CIS 2.4 entity result is not a JSON object');
  }
  if (
    !CIS_AWS_VERDICT_FACT_VALUES.includes(body.verdict as CisAwsVerdictFact)
  ) {
    throw new InputError(
      `the CIS 2.4 entity result has an unknown verdict ${JSON.stringify(
        body.verdict,
      )}`,
    );
  }
  const { accounts, pendingAccountIds } = body;
  if (!Array.isArray(accounts)) {
    throw new InputError('the CIS 2.4 entity result has no accounts list');
  }
  accounts.forEach((account: unknown, index) => {
    if (
      !isRecord(account) ||
      typeof account.accountId !== 'string' ||
      !isVerdict(account.verdict) ||
      typeof account.verdictSince !== 'string' ||
      !DateTime.fromISO(account.verdictSince).isValid ||
      (account.failingSince !== undefined &&
        (typeof account.failingSince !== 'string' ||
          !DateTime.fromISO(account.failingSince).isValid))
    ) {
      throw new InputError(
        `the CIS 2.4 entity result's account #${
          index + 1
        } lacks an account id, a verdict or a valid verdictSince (or has an invalid failingSince)`,
      );
    }
    if (
      account.detection !== undefined &&
      !isDetectionSummary(account.detection)
    ) {
      throw new InputError(
        `the CIS 2.4 entity result's account #${
          index + 1
        } has a detection summary without a known verdict, a list of failing checks or a valid evaluatedAt`,
      );
    }
  });
  if (
    !Array.isArray(pendingAccountIds) ||
    !pendingAccountIds.every(id => typeof id === 'string')
  ) {
    throw new InputError(
      'the CIS 2.4 entity result has no list of pending account ids',
    );
  }
  return body as unknown as EntityResultResponse;
}
