/**
 * Which verdicts a new evaluation changes, compared with the evaluation it replaces, and how a
 * change is kept in the history table.
 */
import {
  AccountEvaluation,
  VerdictChange,
} from '@cis-aws/plugin-cis-aws-common';
import {
  VerdictChangeRow,
  optionalVerdict,
  orUndefined,
  readTimestamp,
  readVerdict,
  toIsoUtc,
} from './tables';

/** A verdict as the history last recorded it. */
export interface LastKnownVerdict {
  verdict: VerdictChange['to'];
  reason?: string;
}

export interface VerdictDiff {
  accountChange?: VerdictChange;
  trailChanges: VerdictChange[];
}

/**
 * The account's change when its verdict or reason differs from the stored one (or is its
 * first), and one change per trail whose verdict or reason differs from that trail's in the
 * previous evaluation, matched by ARN. A trail seen for the first time changes from nothing.
 * A new reason under the same verdict is drift too (a stopped trail whose delivery then goes
 * stale): it is recorded, with `from` equal to `to`.
 *
 * A trail that is in the previous evaluation but not in this one is NOT recorded: it may have
 * been deleted, or its region may simply not have been readable this time (the account is then
 * ERROR and says so). Its last verdict stays in the history, and when it comes back its change
 * is recorded from that verdict (`lastKnownTrails`, read from the history), so the history says
 * it recovered (or still fails) rather than that it appeared; no change at all when it comes
 * back as it was. Only a trail the history never saw changes from nothing.
 */
export function diffVerdicts(input: {
  previous?: AccountEvaluation;
  next: AccountEvaluation;
  runId?: string;
  /** The last recorded verdict of trails that are not in `previous`, by ARN. */
  lastKnownTrails?: ReadonlyMap<string, LastKnownVerdict>;
}): VerdictDiff {
  const { previous, next, runId, lastKnownTrails } = input;
  const changedAt = toIsoUtc(next.evaluatedAt);
  const accountId = next.accountId;

  const accountChange: VerdictChange | undefined =
    previous?.verdict === next.verdict && previous?.reason === next.reason
      ? undefined
      : {
          accountId,
          from: previous?.verdict,
          to: next.verdict,
          reason: next.reason,
          changedAt,
          runId,
        };

  const previousTrails = new Map<string, LastKnownVerdict>(lastKnownTrails);
  for (const trail of previous?.trails ?? []) {
    previousTrails.set(trail.trailArn, trail);
  }
  const trailChanges: VerdictChange[] = [];
  for (const trail of next.trails) {
    const before = previousTrails.get(trail.trailArn);
    if (before?.verdict !== trail.verdict || before?.reason !== trail.reason) {
      trailChanges.push({
        accountId,
        trailArn: trail.trailArn,
        from: before?.verdict,
        to: trail.verdict,
        reason: trail.reason,
        changedAt,
        runId,
      });
    }
  }
  return { accountChange, trailChanges };
}

export function changeToRow(change: VerdictChange): VerdictChangeRow {
  return {
    account_id: change.accountId,
    trail_arn: change.trailArn ?? null,
    from_verdict: change.from ?? null,
    to_verdict: change.to,
    reason: change.reason ?? null,
    changed_at: toIsoUtc(change.changedAt),
    run_id: change.runId ?? null,
  };
}

export function changeFromRow(row: VerdictChangeRow): VerdictChange {
  return {
    accountId: row.account_id,
    trailArn: orUndefined(row.trail_arn),
    from: optionalVerdict(row.from_verdict),
    to: readVerdict(row.to_verdict),
    reason: orUndefined(row.reason),
    changedAt: readTimestamp(row.changed_at),
    runId: orUndefined(row.run_id),
  };
}
