import {
  DETECTION_CHECKS,
  detectionCheck,
  detectionEventKey,
} from '@cis-aws/plugin-cis-aws-common';
import { judgePattern } from './judgePattern';

const filter = (filterPattern: string) => ({
  filterName: 'f',
  filterPattern,
  metricTransformations: [
    { metricName: 'm', metricNamespace: 'CISBenchmark', metricValue: '1' },
  ],
});

function judge(checkId: Parameters<typeof detectionCheck>[0], pattern: string) {
  return judgePattern(detectionCheck(checkId), filter(pattern), undefined);
}

/**
 * The pattern cases every public tool gets wrong because it compares text: judged here by what
 * the pattern does with the canonical events.
 */
describe('judging a pattern by behaviour', () => {
  it.each(DETECTION_CHECKS.map(c => [c.id, c] as const))(
    "%s: the benchmark's own pattern detects every event and nothing unrelated",
    (_id, check) => {
      const j = judgePattern(check, filter(check.benchmarkPattern), undefined);
      expect(j).toMatchObject({
        state: 'JUDGED',
        source: 'LOCAL',
        detects: true,
        missed: [],
        unrelatedMatched: [],
      });
    },
  );

  it('passes the same pattern with other spacing', () => {
    expect(
      judge(
        '3.5',
        '{($.eventName=CreateTrail)||($.eventName=UpdateTrail)||($.eventName=DeleteTrail)||($.eventName=StartLogging)||($.eventName=StopLogging)}',
      ),
    ).toMatchObject({ detects: true, unrelatedMatched: [] });
    expect(
      judge(
        '3.3',
        '{\n  $.userIdentity.type="Root"\n  && $.userIdentity.invokedBy NOT EXISTS\n  && $.eventType!="AwsServiceEvent"\n}',
      ),
    ).toMatchObject({ detects: true, unrelatedMatched: [] });
  });

  it('passes the terms in another order, quoted or not', () => {
    expect(
      judge(
        '3.5',
        '{ ($.eventName = "StopLogging") || ($.eventName = "StartLogging") || ($.eventName = "DeleteTrail") || ($.eventName = "UpdateTrail") || ($.eventName = "CreateTrail") }',
      ),
    ).toMatchObject({ detects: true });
    expect(
      judge(
        '3.3',
        '{ ($.eventType != "AwsServiceEvent") && ($.userIdentity.invokedBy NOT EXISTS) && ($.userIdentity.type = "Root") }',
      ),
    ).toMatchObject({ detects: true, unrelatedMatched: [] });
  });

  it('passes a correct pattern written differently: one wildcard for a family of names', () => {
    // every name of 3.5 except the reads: *Trail and *Logging
    expect(
      judge(
        '3.5',
        '{ ($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = *Trail) || ($.eventName = *Logging)) }',
      ),
    ).toMatchObject({ detects: true, unrelatedMatched: [] });
  });

  it('passes a pattern with an extra exclusion that keeps every canonical event', () => {
    // a team muted its own automation role on purpose
    expect(
      judge(
        '3.4',
        `{ (${detectionCheck('3.4')
          .mustMatch.map(e => `$.eventName = ${e.id}`)
          .join(
            ' || ',
          )}) && $.userIdentity.arn != "arn:aws:sts::111122223333:assumed-role/provisioner/*" }`,
      ),
    ).toMatchObject({ detects: true, missed: [] });
  });

  it('fails a typo in an event name, naming the missed event', () => {
    expect(
      judge(
        '3.5',
        '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLoging) }',
      ),
    ).toMatchObject({ detects: false, missed: ['StopLogging'] });
  });

  it('fails a typo that a string comparison would pass: && for ||', () => {
    // contains every event name, in order, as the regular expressions of public tools want
    expect(
      judge(
        '3.5',
        '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) && ($.eventName = StopLogging) }',
      ),
    ).toMatchObject({
      detects: false,
      missed: ['StartLogging', 'StopLogging'],
    });
  });

  it('fails a case typo that a case-insensitive comparison would pass', () => {
    expect(
      judge(
        '3.3',
        '{ $.userIdentity.type = "root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
      ),
    ).toMatchObject({
      detects: false,
      missed: ['root-console-sign-in', 'root-api-call'],
    });
  });

  it('NOT EXISTS matters: without it, root use by an AWS service is matched too (noisy)', () => {
    const j = judge(
      '3.3',
      '{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }',
    );
    expect(j).toMatchObject({
      detects: true,
      unrelatedMatched: ['root-call-by-aws-service'],
    });
  });

  it('EXISTS written the wrong way round misses every root use', () => {
    expect(
      judge(
        '3.3',
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy IS NULL && $.eventType != "AwsServiceEvent" }',
      ),
    ).toMatchObject({ detects: false });
  });

  it('a catch-all pattern detects, and says what else it matches', () => {
    const j = judge('3.5', '{ $.eventSource = cloudtrail.amazonaws.com }');
    expect(j).toMatchObject({
      detects: true,
      unrelatedMatched: ['DescribeTrails', 'GetTrailStatus', 'LookupEvents'],
    });
  });

  it('keeps every test event with what happened to it, as evidence', () => {
    const j = judge('3.5', detectionCheck('3.5').benchmarkPattern);
    if (j.state !== 'JUDGED') throw new Error('expected a judgement');
    expect(j.outcomes).toContainEqual({
      eventId: 'StopLogging',
      expected: 'MATCH',
      matched: true,
    });
    expect(j.outcomes).toContainEqual({
      eventId: 'DescribeTrails',
      expected: 'NO_MATCH',
      matched: false,
    });
    expect(j.outcomes).toHaveLength(8);
  });

  it("takes CloudWatch Logs' own answer over the local evaluator", () => {
    // the remote answer says only CreateTrail matched: it decides, whatever the text says
    const j = judgePattern(
      detectionCheck('3.5'),
      filter(detectionCheck('3.5').benchmarkPattern),
      {
        state: 'ANSWERED',
        matchedEvents: [detectionEventKey('3.5', 'CreateTrail')],
      },
    );
    expect(j).toMatchObject({
      source: 'TestMetricFilter',
      detects: false,
      missed: ['UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'],
    });
  });

  it('evaluates locally when TestMetricFilter failed', () => {
    const j = judgePattern(
      detectionCheck('3.5'),
      filter(detectionCheck('3.5').benchmarkPattern),
      {
        state: 'FAILED',
        error: {
          operation: 'logs:TestMetricFilter',
          code: 'AccessDeniedException',
          message: 'no',
        },
      },
    );
    expect(j).toMatchObject({ source: 'LOCAL', detects: true });
  });

  it('a pattern nobody could read is not evaluated, never guessed', () => {
    expect(judge('3.5', '%StopLogging%')).toMatchObject({
      state: 'NOT_EVALUATED',
      message: expect.stringContaining('not supported'),
    });
  });
});
