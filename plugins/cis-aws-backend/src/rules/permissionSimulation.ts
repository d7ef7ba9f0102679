import { combinePolicyAnalyses, type PolicyAnalysis } from './iamPolicy';

/** The fields of an iam:SimulatePrincipalPolicy result read here (the SDK's EvaluationResult). */
export interface SimulationResultInput {
  EvalActionName?: string;
  EvalResourceName?: string;
  /** allowed | explicitDeny | implicitDeny */
  EvalDecision?: string;
  MissingContextValues?: string[];
}

/**
 * The authoritative answer, when SimulatePrincipalPolicy may be called. A decision reached
 * while context values were missing depends on conditions the simulation could not evaluate:
 * UNDETERMINED, not DENIED.
 */
export function permissionFromSimulation(
  results: readonly SimulationResultInput[],
): PolicyAnalysis {
  const { decision, details } = combinePolicyAnalyses(
    results.map((result): PolicyAnalysis => {
      const what = `${result.EvalActionName ?? '?'} on ${
        result.EvalResourceName ?? '?'
      }: ${result.EvalDecision ?? 'no decision'}`;
      const missing = result.MissingContextValues ?? [];
      if (result.EvalDecision === 'allowed') {
        return { decision: 'ALLOWED', details: what };
      }
      if (
        (result.EvalDecision === 'explicitDeny' ||
          result.EvalDecision === 'implicitDeny') &&
        missing.length === 0
      ) {
        return { decision: 'DENIED', details: what };
      }
      const because =
        missing.length > 0 ? ` (missing context: ${missing.join(', ')})` : '';
      return { decision: 'UNDETERMINED', details: `${what}${because}` };
    }),
  );
  return { decision, details };
}
