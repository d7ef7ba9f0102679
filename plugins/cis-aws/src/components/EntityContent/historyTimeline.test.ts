import { VerdictChange } from '@cis-aws/plugin-cis-aws-common';
import {
  changeReason,
  historyTrails,
  timelineEntries,
} from './historyTimeline';

const A = 'arn:aws:cloudtrail:us-east-1:404455667788:trail/b-trail';
const B = 'arn:aws:cloudtrail:us-east-1:401122334455:trail/a-org-trail';
const change = (
  changedAt: string,
  to: VerdictChange['to'],
  extra: Partial<VerdictChange> = {},
): VerdictChange => ({ accountId: '404455667788', changedAt, to, ...extra });

const changes = [
  change('2026-10-27T06:00:00Z', 'PASS'),
  change('2026-10-27T06:00:00Z', 'PASS', { trailArn: A }),
  change('2026-11-18T14:00:00Z', 'FAIL', {
    trailArn: A,
    from: 'PASS',
    reason: 'NO_LOG_GROUP',
  }),
  change('2026-11-18T14:00:00Z', 'FAIL', {
    from: 'PASS',
    reason: 'TRAIL_FAILED',
  }),
];

describe('the history timeline', () => {
  it("shows the account's changes, one trail's, or every trail's, newest first", () => {
    expect(timelineEntries(changes, 'account')).toEqual([
      changes[3],
      changes[0],
    ]);
    expect(timelineEntries(changes, { trailArn: A })).toEqual([
      changes[2],
      changes[1],
    ]);
    expect(timelineEntries(changes, 'trails')).toEqual([
      changes[2],
      changes[1],
    ]);
    expect(timelineEntries(changes, { trailArn: B })).toEqual([]);
  });

  it('keeps changes of the same instant in recorded order, last recorded on top', () => {
    const sameTime = [
      change('2026-11-18T14:00:00Z', 'FAIL', { from: 'PASS' }),
      change('2026-11-18T14:00:00Z', 'ERROR', { from: 'FAIL' }),
    ];
    expect(timelineEntries(sameTime, 'account')).toEqual([
      sameTime[1],
      sameTime[0],
    ]);
  });

  it('lists the trails of the changes and of the latest evaluation once each, by name', () => {
    expect(historyTrails(changes, [B, A])).toEqual([
      { arn: B, name: 'a-org-trail' },
      { arn: A, name: 'b-trail' },
    ]);
  });

  it('says why in plain words', () => {
    expect(changeReason(changes[2])).toEqual({
      title: 'No log group configured',
      explanation:
        'The trail is not set up to send its events to any CloudWatch Logs log group.',
    });
    expect(changeReason(changes[0]).title).toBe(
      'Every trail delivers to CloudWatch Logs',
    );
    expect(changeReason(changes[1]).title).toBe(
      'The trail delivers to CloudWatch Logs',
    );
  });
});
