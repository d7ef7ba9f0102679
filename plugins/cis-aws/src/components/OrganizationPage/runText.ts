import { EvaluationRun, VERDICTS } from '@cis-aws/plugin-cis-aws-common';

export const OUTCOMES: Record<EvaluationRun['status'], string> = {
  queued: 'is queued',
  running: 'is running',
  succeeded: 'finished',
  completed_with_errors: 'finished with errors',
  failed: 'failed',
  timed_out: 'stopped at its timeout',
  abandoned: 'was abandoned (its backend replica went away)',
};

/** A run's verdict counts, in verdict order: "5 PASS, 5 FAIL, 1 ERROR". */
export function verdictCounts(run: EvaluationRun): string {
  return VERDICTS.filter(v => (run.verdicts?.[v] ?? 0) > 0)
    .map(v => `${run.verdicts[v]} ${v}`)
    .join(', ');
}

/** How a finished run ended, with its counts: never a bare "succeeded" hiding errors. */
export function runOutcomeText(run: EvaluationRun): string {
  const counts = verdictCounts(run);
  const skipped =
    (run.accountsSkipped ?? 0) > 0 ? `, ${run.accountsSkipped} skipped` : '';
  const apiErrors = Object.values(run.apiErrors ?? {}).reduce(
    (sum, n) => sum + n,
    0,
  );
  return `The evaluation run ${OUTCOMES[run.status]}: ${
    run.accountsEvaluated
  } of ${run.accountsTotal} accounts evaluated${
    counts ? ` (${counts})` : ''
  }${skipped}${apiErrors > 0 ? `; ${apiErrors} failed AWS calls` : ''}${
    run.errors.length > 0 ? `; ${run.errors.length} run-level problems` : ''
  }.`;
}
