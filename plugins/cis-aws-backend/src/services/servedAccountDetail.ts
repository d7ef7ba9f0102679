import {
  AccountDetail,
  AccountEvaluation,
  ServedAccountEvaluation,
} from '@cis-aws/plugin-cis-aws-common';
import { trailConsoleLinks } from '../lib/consoleLinks';
import { trailSecurityHubOpinion } from '../rules';
import { StoredAccountDetail } from '../storage/EvaluationStore';

/**
 * An evaluation as the API serves it: each trail with its console links and Security Hub's
 * opinion on it, judged here so the frontend only renders. Computed when served (not stored), so
 * a result stored before a trail exception was granted or revoked is compared as it is now.
 */
export function servedEvaluation(
  evaluation: AccountEvaluation,
  securityHubRegion: string,
): ServedAccountEvaluation {
  const opinion = evaluation.securityHub;
  return {
    ...evaluation,
    trails: evaluation.trails.map(trail => ({
      ...trail,
      consoleLinks: trailConsoleLinks(
        trail,
        evaluation.inventory.partition,
        securityHubRegion,
      ),
      ...(opinion
        ? { securityHub: trailSecurityHubOpinion(trail, opinion.findings) }
        : {}),
    })),
  };
}

/** An account's stored result as the API serves it: both evaluations with their trails served. */
export function servedAccountDetail(
  stored: StoredAccountDetail,
  securityHubRegion: string,
): AccountDetail {
  const { evaluation, lastDefinitiveEvaluation, ...rest } = stored;
  return {
    ...rest,
    evaluation: servedEvaluation(evaluation, securityHubRegion),
    ...(lastDefinitiveEvaluation
      ? {
          lastDefinitiveEvaluation: servedEvaluation(
            lastDefinitiveEvaluation,
            securityHubRegion,
          ),
        }
      : {}),
  };
}
