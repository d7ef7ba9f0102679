import {
  apiErrorCodeText,
  isExceptionActive,
  type AccountEvaluation,
  type AccountFacts,
  type AccountInventoryFacts,
  type AccountReasonCode,
  type ComplianceException,
  type EvaluationWarning,
  type TrailEvaluation,
  type Verdict,
} from '@cis-aws/plugin-cis-aws-common';

interface AccountOutcome {
  verdict: Verdict;
  reason?: AccountReasonCode;
  detail?: string;
}

/**
 * The verdict of one account (contract, "Verdict for one account"), from its collected facts,
 * the evaluations of its trails (one per `facts.trails` entry, from `evaluateTrail`), and the
 * exceptions on record. Pure: `now` decides which exceptions are in force.
 */
export function evaluateAccount(
  facts: AccountFacts,
  trailEvaluations: readonly TrailEvaluation[],
  exceptions: readonly ComplianceException[],
  now: Date,
): AccountEvaluation {
  const inventory: AccountInventoryFacts = {
    accountId: facts.accountId,
    partition: facts.partition,
    regionsScanned: facts.regionsScanned,
    regionsSkipped: facts.regionsSkipped,
    regionsFailed: facts.regionsFailed,
    inventoryErrors: facts.inventoryErrors,
    collectedAt: facts.collectedAt,
  };
  const relevantExceptions = exceptions.filter(
    ex =>
      ex.accountId === facts.accountId || isAboutTrail(ex, trailEvaluations),
  );
  const active = relevantExceptions.filter(ex => isExceptionActive(ex, now));

  const trails = uniqueByArn(trailEvaluations).map(trail =>
    applyTrailException(trail, facts.accountId, active),
  );
  const underlying = underlyingOutcome(facts, trails);
  const accountException = latestExpiring(
    active.filter(ex => ex.accountId === facts.accountId && !ex.trailArn),
  );

  const outcome: AccountOutcome = accountException
    ? {
        verdict: 'EXEMPT',
        reason: 'EXCEPTION',
        detail: `${accountException.id}: ${accountException.reason}`,
      }
    : underlying;

  return {
    accountId: facts.accountId,
    verdict: outcome.verdict,
    reason: outcome.reason,
    detail: outcome.detail,
    underlyingVerdict: underlying.verdict,
    underlyingReason: underlying.reason,
    trails,
    warnings: accountWarnings(facts, trails, underlying),
    evaluatedAt: now.toISOString(),
    exception: accountException,
    exceptions: relevantExceptions,
    inventory,
  };
}

/** Rules 2 to 6 of the contract; rule 1 (the account exception) is applied on top. */
function underlyingOutcome(
  facts: AccountFacts,
  trails: readonly TrailEvaluation[],
): AccountOutcome {
  const inventoryComplete =
    facts.regionsFailed.length === 0 && facts.inventoryErrors.length === 0;
  const incomplete: AccountOutcome = {
    verdict: 'ERROR',
    reason: readerRoleDenied(facts)
      ? 'READER_ROLE_DENIED'
      : 'INCOMPLETE_INVENTORY',
    detail: describeIncompleteInventory(facts),
  };

  if (trails.length === 0) {
    // "has and sees no trail at all" is only known when every region was read: a trail may sit
    // in the region that failed, and an API failure must never turn into a FAIL.
    return inventoryComplete
      ? {
          verdict: 'FAIL',
          reason: 'NO_TRAILS',
          detail: `no trail in ${facts.regionsScanned.length} regions`,
        }
      : incomplete;
  }

  // Trails exempted by a trail-level exception are out of scope.
  const inScope = trails.filter(trail => trail.verdict !== 'EXEMPT');
  const failing = inScope.filter(trail => trail.verdict === 'FAIL');
  if (failing.length > 0) {
    // A known failing trail fails the account whatever else could not be read.
    return {
      verdict: 'FAIL',
      reason: 'TRAIL_FAILED',
      detail: describeTrails(failing),
    };
  }
  if (!inventoryComplete) {
    return incomplete;
  }
  const undetermined = inScope.filter(
    trail => trail.verdict === 'ERROR' || trail.verdict === 'UNKNOWN',
  );
  if (undetermined.length > 0) {
    return {
      verdict: 'UNKNOWN',
      reason: 'TRAIL_UNDETERMINED',
      detail: describeTrails(undetermined),
    };
  }
  if (inScope.length === 0) {
    // Not PASS: nothing was shown to pass, every trail rests on an exception.
    return {
      verdict: 'EXEMPT',
      reason: 'ALL_TRAILS_EXEMPT',
      detail: describeTrails(trails),
    };
  }
  return { verdict: 'PASS' };
}

/**
 * A trail-level exception applies to a trail when it names that trail and either this account
 * or the trail's owner (an exception on an organization trail, recorded on its owner, covers
 * every member account that sees it).
 */
function applyTrailException(
  trail: TrailEvaluation,
  accountId: string,
  active: readonly ComplianceException[],
): TrailEvaluation {
  const exception = latestExpiring(
    active.filter(
      ex =>
        ex.trailArn === trail.trailArn &&
        (ex.accountId === accountId ||
          ex.accountId === trail.facts.ownerAccountId),
    ),
  );
  if (!exception) {
    return trail;
  }
  return {
    ...trail,
    verdict: 'EXEMPT',
    reason: 'EXCEPTION',
    exemptedBy: exception,
  };
}

function isAboutTrail(
  exception: ComplianceException,
  trails: readonly TrailEvaluation[],
): boolean {
  return (
    exception.trailArn !== undefined &&
    trails.some(trail => trail.trailArn === exception.trailArn)
  );
}

/** Of several exceptions in force, the one that lasts longest is the one shown. */
function latestExpiring(
  exceptions: readonly ComplianceException[],
): ComplianceException | undefined {
  return [...exceptions].sort(
    (a, b) => Date.parse(b.expiresAt) - Date.parse(a.expiresAt),
  )[0];
}

/** A trail is counted once even if the caller passed it twice (e.g. seen in several regions). */
function uniqueByArn(trails: readonly TrailEvaluation[]): TrailEvaluation[] {
  const seen = new Set<string>();
  return trails.filter(trail => {
    if (seen.has(trail.trailArn)) {
      return false;
    }
    seen.add(trail.trailArn);
    return true;
  });
}

function accountWarnings(
  facts: AccountFacts,
  trails: readonly TrailEvaluation[],
  underlying: AccountOutcome,
): EvaluationWarning[] {
  const warnings = trails
    .filter(trail => trail.verdict !== 'EXEMPT')
    .flatMap(trail => trail.warnings);
  const inventoryComplete =
    facts.regionsFailed.length === 0 && facts.inventoryErrors.length === 0;
  if (
    !inventoryComplete &&
    underlying.reason !== 'INCOMPLETE_INVENTORY' &&
    underlying.reason !== 'READER_ROLE_DENIED'
  ) {
    warnings.push({
      code: 'INVENTORY_INCOMPLETE',
      detail: describeIncompleteInventory(facts),
    });
  }
  return warnings;
}

/** AWS refused the reader role (a deviation, see READER_ROLE_DENIED in verdicts.ts). */
function readerRoleDenied(facts: AccountFacts): boolean {
  return [
    ...facts.inventoryErrors,
    ...facts.regionsFailed.flatMap(failed => failed.errors),
  ].some(
    error =>
      error.operation === 'sts:AssumeRole' && /AccessDenied/i.test(error.code),
  );
}

function describeIncompleteInventory(facts: AccountFacts): string {
  const parts = [
    ...facts.regionsFailed.map(
      failed =>
        `${failed.region}: ${failed.errors
          .map(e => `${e.operation} ${apiErrorCodeText(e)}`)
          .join(', ')}`,
    ),
    ...facts.inventoryErrors.map(e => `${e.operation} ${apiErrorCodeText(e)}`),
  ];
  return `could not read ${parts.join('; ')}`;
}

function describeTrails(trails: readonly TrailEvaluation[]): string {
  return trails
    .map(trail => `${trail.trailArn} (${trail.reason ?? trail.verdict})`)
    .join(', ');
}
