/** A run record as stored, read back as the API's EvaluationRun. */
import { EvaluationRun } from '@cis-aws/plugin-cis-aws-common';
import { RunRow, readOptionalTimestamp, readTimestamp } from './tables';

// Records, not arrays, so that the compiler flags a trigger or status added to the API type.
const TRIGGERS: Record<EvaluationRun['trigger'], true> = {
  schedule: true,
  'new-accounts': true,
  manual: true,
};
const STATUSES: Record<EvaluationRun['status'], true> = {
  queued: true,
  running: true,
  succeeded: true,
  completed_with_errors: true,
  failed: true,
  timed_out: true,
  abandoned: true,
};

function oneOf<T extends string>(
  allowed: Record<T, true>,
  value: string,
  what: string,
): T {
  const found = (Object.keys(allowed) as T[]).find(
    candidate => candidate === value,
  );
  if (found === undefined) {
    throw new TypeError(`Unknown run ${what} in the database: ${value}`);
  }
  return found;
}

export function runFromRow(row: RunRow): EvaluationRun {
  return {
    id: row.id,
    trigger: oneOf(TRIGGERS, row.trigger, 'trigger'),
    startedAt: readTimestamp(row.started_at),
    finishedAt: readOptionalTimestamp(row.finished_at),
    status: oneOf(STATUSES, row.status, 'status'),
    // PostgreSQL returns integers as numbers, but be safe with drivers that return strings.
    accountsTotal: Number(row.accounts_total),
    accountsEvaluated: Number(row.accounts_evaluated),
    accountsErrored: Number(row.accounts_errored),
    accountsSkipped: Number(row.accounts_skipped ?? 0),
    verdicts: row.verdicts
      ? (JSON.parse(row.verdicts) as EvaluationRun['verdicts'])
      : {},
    calls: JSON.parse(row.calls) as Record<string, number>,
    apiErrors: row.api_errors
      ? (JSON.parse(row.api_errors) as Record<string, number>)
      : {},
    errors: JSON.parse(row.errors) as string[],
    ...(row.replica ? { replica: row.replica } : {}),
  };
}
