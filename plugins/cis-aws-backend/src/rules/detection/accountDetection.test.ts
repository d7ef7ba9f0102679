import {
  DetectionCheckResult,
  LogGroupDetectionResult,
  worstDetectionVerdict,
} from '@cis-aws/plugin-cis-aws-common';
import { accountDetection } from './accountDetection';

function check(
  verdict: DetectionCheckResult['verdict'],
  reason?: DetectionCheckResult['reason'],
): DetectionCheckResult {
  return {
    checkId: '3.3',
    verdict,
    ...(reason ? { reason } : {}),
    detail: '',
    judgements: [],
    warnings: [],
    errors: [],
  };
}

function group(
  name: string,
  result: DetectionCheckResult,
): LogGroupDetectionResult {
  return {
    logGroup: {
      accountId: '111122223333',
      region: 'us-east-1',
      name,
      arn: `arn:aws:logs:us-east-1:111122223333:log-group:${name}`,
    },
    checks: [result],
  };
}

describe('accountDetection', () => {
  it('no integrated in-scope trail: NOT_APPLICABLE', () => {
    expect(accountDetection([], ['3.3'])).toEqual([
      expect.objectContaining({
        verdict: 'NOT_APPLICABLE',
        reason: 'NO_INTEGRATED_TRAIL',
      }),
    ]);
  });

  it("passes when one log group passes, naming it (own trail's or the organization's)", () => {
    const [r] = accountDetection(
      [group('own', check('FAIL', 'NO_FILTER')), group('org', check('PASS'))],
      ['3.3'],
    );
    expect(r).toMatchObject({ verdict: 'PASS', logGroup: { name: 'org' } });
  });

  it('an ERROR wins over a FAIL: the unread group might have passed', () => {
    const [r] = accountDetection(
      [
        group('a', check('FAIL', 'NO_FILTER')),
        group('b', check('ERROR', 'API_ERROR')),
      ],
      ['3.3'],
    );
    expect(r).toMatchObject({ verdict: 'ERROR', logGroup: { name: 'b' } });
  });

  it('among FAILs, the one that got furthest along the chain', () => {
    const [r] = accountDetection(
      [
        group('a', check('FAIL', 'NO_FILTER')),
        group('b', check('FAIL', 'NO_CONFIRMED_SUBSCRIBER')),
        group('c', check('FAIL', 'NO_ALARM')),
      ],
      ['3.3'],
    );
    expect(r).toMatchObject({
      reason: 'NO_CONFIRMED_SUBSCRIBER',
      logGroup: { name: 'b' },
    });
  });

  it("the account's status is the worst of its checks", () => {
    expect(worstDetectionVerdict(['PASS', 'ERROR', 'PASS'])).toBe('ERROR');
    expect(worstDetectionVerdict(['ERROR', 'FAIL'])).toBe('FAIL');
    expect(worstDetectionVerdict(['NOT_APPLICABLE', 'PASS'])).toBe('PASS');
    expect(worstDetectionVerdict([])).toBeUndefined();
  });
});
