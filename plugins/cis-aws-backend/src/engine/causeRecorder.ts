import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { currentEvaluationCause } from '../lib/evaluationCause';
import type { EvaluationCauseStore } from '../storage/evaluationCauses';
import type { ResultListener } from './EvaluationEngine';

/**
 * A result listener (`EvaluationEngine.onResult`) that keeps the CloudTrail event behind each
 * event-driven evaluation with the evaluation's time and verdict; results of other evaluations
 * (schedule, manual, new accounts) have no cause and are left alone.
 */
export function causeRecorder(deps: {
  causes: Pick<EvaluationCauseStore, 'recordCause'>;
  logger: LoggerService;
}): ResultListener {
  return async (outcome, mapping) => {
    const cause = currentEvaluationCause();
    if (!cause || outcome.outdated) return;
    try {
      await deps.causes.recordCause({
        ...cause,
        accountId: mapping.accountId,
        evaluatedAt: outcome.summary.evaluatedAt,
        verdict: outcome.summary.verdict,
      });
    } catch (error) {
      deps.logger
        .child({ accountId: mapping.accountId })
        .warn('could not keep the event behind an evaluation', toError(error));
    }
  };
}
