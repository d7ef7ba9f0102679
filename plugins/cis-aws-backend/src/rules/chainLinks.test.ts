import { judgeChainLinks } from './chainLinks';
import { evaluateTrail } from './evaluateTrail';
import {
  aContext,
  aFoundRole,
  aHealthyTrail,
  aPermission,
  before,
  HOUR_MS,
  NOW,
} from './__fixtures__/facts';

const CONTEXT = { now: NOW, maxDeliveryAgeMs: 24 * HOUR_MS };

describe('judgeChainLinks', () => {
  it('judges every link of a healthy trail OK', () => {
    const links = judgeChainLinks(aHealthyTrail(), CONTEXT);
    expect(Object.values(links).map(l => l.status)).toEqual([
      'OK',
      'OK',
      'OK',
      'OK',
      'OK',
    ]);
  });

  it('ROLE_CANNOT_WRITE with a six-day-old delivery: the write link and the delivery link are both broken, each for its own reason', () => {
    const healthy = aHealthyTrail();
    const facts = aHealthyTrail({
      role: aFoundRole({ permission: aPermission({ decision: 'DENIED' }) }),
      status: {
        ...(healthy.status as Extract<typeof healthy.status, { state: 'READ' }>),
        latestCloudWatchLogsDeliveryTime: before(6 * 24 * HOUR_MS),
        latestCloudWatchLogsDeliveryError: 'AccessDeniedException',
      },
    });
    const evaluation = evaluateTrail(facts, aContext());
    expect(evaluation.reason).toBe('ROLE_CANNOT_WRITE');
    expect(evaluation.links?.roleCanWrite).toEqual({
      status: 'BROKEN',
      summary: 'The role may not write to the log group.',
    });
    expect(evaluation.links?.roleTrust.status).toBe('OK');
    expect(evaluation.links?.recentDelivery).toEqual({
      status: 'BROKEN',
      summary:
        'The last delivery was 6 days ago, older than the 24 hours allowed.',
    });
  });

  it('a fresh delivery with an error reported is a warning, a hidden status is unchecked', () => {
    const healthy = aHealthyTrail();
    const read = healthy.status as Extract<
      typeof healthy.status,
      { state: 'READ' }
    >;
    expect(
      judgeChainLinks(
        aHealthyTrail({
          status: { ...read, latestCloudWatchLogsDeliveryError: 'Throttled' },
        }),
        CONTEXT,
      ).recentDelivery.status,
    ).toBe('WARNING');
    expect(
      judgeChainLinks(aHealthyTrail({ status: { state: 'HIDDEN' } as never }), CONTEXT)
        .trailLogging.status,
    ).toBe('UNCHECKED');
  });
});
