import {
  DetectionCheckResult,
  LogGroupDetectionResult,
  LogGroupRef,
} from '@cis-aws/plugin-cis-aws-common';
import {
  ACCOUNT,
  MANAGEMENT_ACCOUNT,
  REGION,
  aHealthyTrail,
  aReadStatus,
  anAccount,
  anApiError,
  anOrganizationTrailSeenFromMember,
} from '../__fixtures__/facts';
import {
  accountDetectionResult,
  detectionScope,
  unreadLogGroupResult,
} from './accountScope';

const OWN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:CloudTrail/Default`;
const ORG = `arn:aws:logs:${REGION}:${MANAGEMENT_ACCOUNT}:log-group:org-trail`;

function check(
  checkId: '3.3' | '3.4',
  verdict: DetectionCheckResult['verdict'],
  reason?: DetectionCheckResult['reason'],
): DetectionCheckResult {
  return {
    checkId,
    verdict,
    ...(reason ? { reason } : {}),
    detail: `${verdict} ${reason ?? ''}`,
    judgements: [],
    warnings: [],
    errors: [],
  };
}

function group(
  arn: string,
  checks: DetectionCheckResult[],
): LogGroupDetectionResult {
  const [, , , region, accountId, , name] = arn.split(':');
  return { logGroup: { accountId, region, name, arn }, checks };
}

const result = (
  facts: ReturnType<typeof anAccount>,
  groups: LogGroupDetectionResult[],
) =>
  accountDetectionResult({
    accountId: facts.accountId,
    checkIds: ['3.3', '3.4'],
    scope: detectionScope(facts),
    logGroups: new Map(groups.map(g => [g.logGroup.arn, g])),
    evaluatedAt: '2026-12-07T00:00:00.000Z',
    runId: 'run-1',
  });

describe('detectionScope', () => {
  it('takes the log groups of multi-region trails that log, own and organization, once each', () => {
    const scope = detectionScope(
      anAccount({
        trails: [
          aHealthyTrail(),
          aHealthyTrail({
            arn: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/copy',
          }),
          anOrganizationTrailSeenFromMember(),
        ],
      }),
    );
    expect(scope.own.map(g => g.arn)).toEqual([OWN]);
    expect(scope.own[0]).toEqual({
      accountId: ACCOUNT,
      region: REGION,
      name: 'CloudTrail/Default',
      arn: OWN,
    });
    expect(scope.organization).toEqual([
      {
        ownerAccountId: MANAGEMENT_ACCOUNT,
        logGroup: expect.objectContaining({ arn: ORG, name: 'org-trail' }),
      },
    ]);
    expect(scope.gaps).toEqual([]);
  });

  it('leaves out single-region, stopped and log-group-less trails, and unreachable home regions', () => {
    const scope = detectionScope(
      anAccount({
        trails: [
          aHealthyTrail({ isMultiRegion: false }),
          aHealthyTrail({ status: aReadStatus({ isLogging: false }) }),
          aHealthyTrail({ logGroupArn: null }),
          aHealthyTrail({ homeRegionUnreachable: anApiError() }),
        ],
      }),
    );
    expect(scope.own).toEqual([]);
    expect(scope.organization).toEqual([]);
  });

  it('counts a trail whose status could not be read (its group is there whatever the status)', () => {
    const scope = detectionScope(
      anAccount({
        trails: [
          aHealthyTrail({ status: { state: 'FAILED', error: anApiError() } }),
        ],
      }),
    );
    expect(scope.own.map(g => g.arn)).toEqual([OWN]);
  });
});

describe('accountDetectionResult', () => {
  it('a member covered only by the organization trail takes the owner group’s result', () => {
    const facts = anAccount({ trails: [anOrganizationTrailSeenFromMember()] });
    const r = result(facts, [
      group(ORG, [check('3.3', 'PASS'), check('3.4', 'FAIL', 'NO_ALARM')]),
    ]);
    expect(r).toMatchObject({
      accountId: ACCOUNT,
      controlId: 'cis-3.x-detection',
      verdict: 'FAIL',
      reason: 'NO_ALARM',
      failingChecks: ['3.4'],
      inheritedFrom: MANAGEMENT_ACCOUNT,
      runId: 'run-1',
    });
  });

  it('a member with its own trail passes a check either group passes, and inherits nothing', () => {
    const facts = anAccount({
      trails: [aHealthyTrail(), anOrganizationTrailSeenFromMember()],
    });
    const r = result(facts, [
      group(OWN, [check('3.3', 'FAIL', 'NO_FILTER'), check('3.4', 'PASS')]),
      group(ORG, [check('3.3', 'PASS'), check('3.4', 'FAIL', 'NO_FILTER')]),
    ]);
    expect(r.verdict).toBe('PASS');
    expect(r.reason).toBeUndefined();
    expect(r.failingChecks).toEqual([]);
    expect(r.inheritedFrom).toBeUndefined();
    expect(r.checks.map(c => c.logGroup?.arn)).toEqual([ORG, OWN]);
  });

  it('the account verdict is the worst of its checks, its reason that of the first check with it', () => {
    const facts = anAccount();
    const r = result(facts, [
      group(OWN, [
        check('3.3', 'ERROR', 'API_ERROR'),
        check('3.4', 'FAIL', 'NO_CONFIRMED_SUBSCRIBER'),
      ]),
    ]);
    expect(r.verdict).toBe('FAIL');
    expect(r.reason).toBe('NO_CONFIRMED_SUBSCRIBER');
    expect(r.failingChecks).toEqual(['3.3', '3.4']);
  });

  it('without an integrated trail: NOT_APPLICABLE NO_INTEGRATED_TRAIL', () => {
    const r = result(anAccount({ trails: [] }), []);
    expect(r.verdict).toBe('NOT_APPLICABLE');
    expect(r.reason).toBe('NO_INTEGRATED_TRAIL');
    expect(r.failingChecks).toEqual([]);
  });

  it('trails that could not be listed: ERROR instead of NOT_APPLICABLE, and a FAIL is not proven', () => {
    const gap = anApiError({
      operation: 'cloudtrail:ListTrails',
      code: 'AccessDenied',
    });
    const none = result(
      anAccount({
        trails: [],
        regionsFailed: [{ region: REGION, errors: [gap] }],
      }),
      [],
    );
    expect(none.verdict).toBe('ERROR');
    expect(none.reason).toBe('API_ERROR');
    expect(none.checks[0].errors).toEqual([gap]);

    const some = result(
      anAccount({ regionsFailed: [{ region: 'eu-west-1', errors: [gap] }] }),
      [group(OWN, [check('3.3', 'PASS'), check('3.4', 'FAIL', 'NO_ALARM')])],
    );
    expect(some.checks.map(c => [c.verdict, c.reason])).toEqual([
      ['PASS', undefined],
      ['ERROR', 'API_ERROR'],
    ]);
  });

  it('a log group that could not be read at all is an ERROR of every check', () => {
    const ref: LogGroupRef = {
      accountId: MANAGEMENT_ACCOUNT,
      region: REGION,
      name: 'org-trail',
      arn: ORG,
    };
    const unread = unreadLogGroupResult(
      ref,
      ['3.3', '3.4'],
      anApiError({ operation: 'sts:AssumeRole' }),
      'the role could not be assumed',
    );
    const r = result(
      anAccount({ trails: [anOrganizationTrailSeenFromMember()] }),
      [unread],
    );
    expect(r.verdict).toBe('ERROR');
    expect(r.checks.every(c => c.reason === 'API_ERROR')).toBe(true);
    expect(r.inheritedFrom).toBe(MANAGEMENT_ACCOUNT);
  });
});
