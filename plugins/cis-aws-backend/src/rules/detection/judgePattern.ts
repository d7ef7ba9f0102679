import {
  CanonicalEventOutcome,
  DetectionCheck,
  MetricFilterFacts,
  PatternJudgement,
  PatternTestFacts,
  canonicalEventMessage,
  detectionEventKey,
  parseFilterPattern,
  filterPatternMatches,
} from '@cis-aws/plugin-cis-aws-common';

/**
 * What a metric filter's pattern does with one check's canonical events — by behaviour, never by
 * its text. CloudWatch Logs' own answer (`logs:TestMetricFilter`) is used when there is one;
 * otherwise the local implementation of the filter-pattern syntax decides. A pattern neither can
 * read is NOT_EVALUATED (with why), never guessed.
 */
export function judgePattern(
  check: DetectionCheck,
  filter: MetricFilterFacts,
  remote: PatternTestFacts | undefined,
): PatternJudgement {
  const events = [
    ...check.mustMatch.map(e => ({ e, expected: 'MATCH' as const })),
    ...check.mustNotMatch.map(e => ({ e, expected: 'NO_MATCH' as const })),
  ];
  let source: 'TestMetricFilter' | 'LOCAL';
  let matched: (eventId: string, message: string) => boolean;
  if (remote?.state === 'ANSWERED') {
    source = 'TestMetricFilter';
    const keys = new Set(remote.matchedEvents);
    matched = id => keys.has(detectionEventKey(check.id, id));
  } else {
    const parsed = parseFilterPattern(filter.filterPattern);
    if (!parsed.ok) {
      const remoteFailure =
        remote?.state === 'FAILED'
          ? `; ${remote.error.operation} failed: ${remote.error.code}`
          : '';
      return {
        state: 'NOT_EVALUATED',
        filterName: filter.filterName,
        filterPattern: filter.filterPattern,
        message: `${parsed.error.message} (at ${parsed.error.position})${remoteFailure}`,
      };
    }
    source = 'LOCAL';
    matched = (_id, message) => filterPatternMatches(parsed.pattern, message);
  }
  const outcomes: CanonicalEventOutcome[] = events.map(({ e, expected }) => ({
    eventId: e.id,
    expected,
    matched: matched(e.id, canonicalEventMessage(e)),
  }));
  const missed = outcomes
    .filter(o => o.expected === 'MATCH' && !o.matched)
    .map(o => o.eventId);
  const unrelatedMatched = outcomes
    .filter(o => o.expected === 'NO_MATCH' && o.matched)
    .map(o => o.eventId);
  return {
    state: 'JUDGED',
    filterName: filter.filterName,
    filterPattern: filter.filterPattern,
    source,
    outcomes,
    missed,
    unrelatedMatched,
    detects: missed.length === 0,
  };
}
