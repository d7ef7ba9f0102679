import { ControlId } from '@cis-aws/plugin-cis-aws-common';
import { EpisodeStep } from './failureEpisodes';

/**
 * The controls evaluated per account besides CIS 2.4 (whose tables, verdicts and rules stay as
 * they are), and how the store reads their verdicts. Results are kept per account AND control
 * (storage/ControlResultStore.ts): history, failure episodes and the last definitive result are
 * shared by every control.
 *
 * A further control is:
 * 1. its id in `CONTROL_IDS` and its result types in the common package;
 * 2. a folder of pure rules (`rules/<control>/`) from collected facts to its result;
 * 3. a collector in `aws/` (errors as data);
 * 4. an entry in `CONTROLS` below, and an evaluator in `engine/` that collects, judges and
 *    saves through `ControlResultStore` (as `engine/DetectionEvaluator.ts` does).
 */
export interface ControlDefinition {
  id: Exclude<ControlId, 'cis-2.4'>;
  /** Kept as the last definitive result; the others (ERROR) never replace it. */
  definitiveVerdicts: readonly string[];
  /** Opens a failure episode (or keeps it open). */
  failVerdicts: readonly string[];
  /** Closes an open failure episode. Any other verdict holds it as it is. */
  passVerdicts: readonly string[];
}

export const DETECTION_CONTROL: ControlDefinition = {
  id: 'cis-3.x-detection',
  // NOT_APPLICABLE is an answer (no trail delivers to a log group), not a failure to read.
  definitiveVerdicts: ['PASS', 'FAIL', 'NOT_APPLICABLE'],
  failVerdicts: ['FAIL'],
  passVerdicts: ['PASS'],
};

export const CONTROLS: Record<ControlDefinition['id'], ControlDefinition> = {
  'cis-3.x-detection': DETECTION_CONTROL,
};

export function isDefinitiveControlVerdict(
  control: ControlDefinition,
  verdict: string,
): boolean {
  return control.definitiveVerdicts.includes(verdict);
}

/** What a result does to the control's failure episode (as `episodeStep` does for 2.4). */
export function controlEpisodeStep(
  control: ControlDefinition,
  verdict: string,
): EpisodeStep {
  if (control.failVerdicts.includes(verdict)) return 'fail';
  if (control.passVerdicts.includes(verdict)) return 'pass';
  return 'hold';
}
