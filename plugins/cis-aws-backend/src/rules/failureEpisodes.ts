/**
 * Failure episodes (contract "Failure age"): one judgement, used by the store as each
 * evaluation is saved and (as a frozen copy) by the migration that derived episodes from the
 * history kept before.
 *
 * An episode of an account, or of one trail, starts with its first FAIL after a PASS (or after
 * no result) and ends only with a definitive PASS. ERROR and UNKNOWN do not end it (the account
 * was not shown to be fixed), and neither does an exception: the verdict judged here is the
 * underlying one, without exceptions, and an underlying EXEMPT (every trail exempt) holds too.
 */
import {
  AccountEvaluation,
  Verdict,
} from '@cis-aws/plugin-cis-aws-common';

/** What one result does to an episode: open one (or keep it open), close it, or hold. */
export type EpisodeStep = 'fail' | 'pass' | 'hold';

export function episodeStep(underlyingVerdict: Verdict): EpisodeStep {
  if (underlyingVerdict === 'FAIL') return 'fail';
  if (underlyingVerdict === 'PASS') return 'pass';
  return 'hold';
}

/** The key of an episode: the account's ('' trail) or a trail's. */
export interface EpisodeSubject {
  /** Absent for the account itself. */
  trailArn?: string;
  step: EpisodeStep;
  /** The underlying reason, kept with an episode that opens. */
  reason?: string;
}

/**
 * The account's subject and one per trail, each with what this evaluation does to its episode.
 * A trail not in the evaluation is not judged (it may be in a region that could not be read),
 * so its episode, if any, stays as it is.
 */
export function episodeSubjects(evaluation: AccountEvaluation): EpisodeSubject[] {
  return [
    {
      step: episodeStep(evaluation.underlyingVerdict ?? evaluation.verdict),
      reason: evaluation.underlyingReason ?? evaluation.reason,
    },
    ...evaluation.trails.map(trail => ({
      trailArn: trail.trailArn,
      step: episodeStep(trail.underlyingVerdict ?? trail.verdict),
      reason: trail.underlyingReason ?? trail.reason,
    })),
  ];
}

/** What the store must write for one subject, given whether it has an open episode. */
export type EpisodeAction = 'open' | 'close' | 'none';

export function episodeAction(step: EpisodeStep, hasOpen: boolean): EpisodeAction {
  if (step === 'fail' && !hasOpen) return 'open';
  if (step === 'pass' && hasOpen) return 'close';
  return 'none';
}
