import type {
  AccountFacts,
  ComplianceException,
  TrailFacts,
} from '@cis-aws/plugin-cis-aws-common';
import { evaluateAccount } from './evaluateAccount';
import { evaluateTrail } from './evaluateTrail';
import {
  ACCOUNT,
  HOUR_MS,
  MANAGEMENT_ACCOUNT,
  NOW,
  aContext,
  aFoundLogGroup,
  aHealthyTrail,
  aReadStatus,
  anAccount,
  anApiError,
  anException,
  anOrganizationTrailSeenFromMember,
  before,
  trailArn,
} from './__fixtures__/facts';

const stoppedTrail = (name = 'stopped') =>
  aHealthyTrail({
    arn: trailArn(name),
    name,
    status: aReadStatus({ isLogging: false }),
  });

/** Evaluates the account's trails as the engine would, then the account. */
function evaluate(facts: AccountFacts, exceptions: ComplianceException[] = []) {
  const trails = facts.trails.map(trail => evaluateTrail(trail, aContext()));
  return evaluateAccount(facts, trails, exceptions, NOW);
}

function accountWith(...trails: TrailFacts[]): AccountFacts {
  return anAccount({ trails });
}

describe('evaluateAccount', () => {
  it('an account whose every trail passes passes', () => {
    const result = evaluate(
      accountWith(aHealthyTrail(), aHealthyTrail({ arn: trailArn('second') })),
    );
    expect(result).toMatchObject({
      verdict: 'PASS',
      underlyingVerdict: 'PASS',
      warnings: [],
    });
    expect(result.reason).toBeUndefined();
  });

  it('keeps the inventory and the time of evaluation as evidence', () => {
    const facts = anAccount();
    const result = evaluate(facts);
    expect(result.evaluatedAt).toBe(NOW.toISOString());
    expect(result.inventory).toEqual({
      accountId: ACCOUNT,
      partition: 'aws',
      regionsScanned: facts.regionsScanned,
      regionsSkipped: facts.regionsSkipped,
      regionsFailed: [],
      inventoryErrors: [],
      collectedAt: facts.collectedAt,
    });
  });

  it('an account that has and sees no trail at all fails NO_TRAILS', () => {
    expect(evaluate(accountWith())).toMatchObject({
      verdict: 'FAIL',
      reason: 'NO_TRAILS',
    });
  });

  it('no trail seen while a region could not be read is INCOMPLETE_INVENTORY, not NO_TRAILS', () => {
    const facts = anAccount({
      trails: [],
      regionsFailed: [
        {
          region: 'eu-west-1',
          errors: [
            anApiError({
              region: 'eu-west-1',
              operation: 'cloudtrail:DescribeTrails',
            }),
          ],
        },
      ],
    });
    expect(evaluate(facts)).toMatchObject({
      verdict: 'ERROR',
      reason: 'INCOMPLETE_INVENTORY',
    });
  });

  it('any failing trail in scope fails the account', () => {
    const result = evaluate(accountWith(aHealthyTrail(), stoppedTrail()));
    expect(result).toMatchObject({ verdict: 'FAIL', reason: 'TRAIL_FAILED' });
    expect(result.detail).toContain(trailArn('stopped'));
  });

  it('a failing trail fails the account even when some region could not be read, with INVENTORY_INCOMPLETE', () => {
    const facts = anAccount({
      trails: [stoppedTrail()],
      regionsFailed: [{ region: 'eu-west-1', errors: [anApiError()] }],
    });
    const result = evaluate(facts);
    expect(result).toMatchObject({ verdict: 'FAIL', reason: 'TRAIL_FAILED' });
    expect(result.warnings.map(w => w.code)).toEqual(['INVENTORY_INCOMPLETE']);
  });

  it('a region that could not be read, with nothing failing, is ERROR INCOMPLETE_INVENTORY', () => {
    const facts = anAccount({
      regionsFailed: [
        {
          region: 'eu-west-1',
          errors: [
            anApiError({
              operation: 'cloudtrail:ListTrails',
              code: 'ThrottlingException',
              httpStatus: 400,
            }),
          ],
        },
      ],
    });
    const result = evaluate(facts);
    expect(result).toMatchObject({
      verdict: 'ERROR',
      reason: 'INCOMPLETE_INVENTORY',
    });
    expect(result.detail).toBe(
      'could not read eu-west-1: cloudtrail:ListTrails ThrottlingException (HTTP 400)',
    );
  });

  it('an inventory call that could not be read, with nothing failing, is ERROR INCOMPLETE_INVENTORY', () => {
    const facts = anAccount({
      inventoryErrors: [
        anApiError({
          operation: 'organizations:DescribeOrganization',
          region: undefined,
        }),
      ],
    });
    expect(evaluate(facts)).toMatchObject({
      verdict: 'ERROR',
      reason: 'INCOMPLETE_INVENTORY',
    });
  });

  it('a reader role AWS refuses is ERROR READER_ROLE_DENIED, a refinement of INCOMPLETE_INVENTORY', () => {
    const denied = anAccount({
      trails: [],
      inventoryErrors: [
        anApiError({
          operation: 'sts:AssumeRole',
          code: 'AccessDenied',
          region: undefined,
        }),
      ],
    });
    expect(evaluate(denied)).toMatchObject({
      verdict: 'ERROR',
      reason: 'READER_ROLE_DENIED',
      detail: 'could not read sts:AssumeRole AccessDenied',
      warnings: [],
    });
    // A throttled AssumeRole is just an unreadable call.
    const throttled = anAccount({
      trails: [],
      inventoryErrors: [
        anApiError({
          operation: 'sts:AssumeRole',
          code: 'Throttling',
          region: undefined,
        }),
      ],
    });
    expect(evaluate(throttled).reason).toBe('INCOMPLETE_INVENTORY');
  });

  it('INCOMPLETE_INVENTORY comes before an undetermined trail', () => {
    const facts = anAccount({
      trails: [
        aHealthyTrail({ status: { state: 'FAILED', error: anApiError() } }),
      ],
      regionsFailed: [{ region: 'eu-west-1', errors: [anApiError()] }],
    });
    expect(evaluate(facts).reason).toBe('INCOMPLETE_INVENTORY');
  });

  it('a trail in ERROR makes the account UNKNOWN when nothing failed', () => {
    const result = evaluate(
      accountWith(
        aHealthyTrail(),
        aHealthyTrail({
          arn: trailArn('b'),
          status: { state: 'FAILED', error: anApiError() },
        }),
      ),
    );
    expect(result).toMatchObject({
      verdict: 'UNKNOWN',
      reason: 'TRAIL_UNDETERMINED',
    });
  });

  it('an UNKNOWN organization trail makes the account UNKNOWN when nothing failed', () => {
    expect(
      evaluate(
        accountWith(aHealthyTrail(), anOrganizationTrailSeenFromMember()),
      ),
    ).toMatchObject({ verdict: 'UNKNOWN', reason: 'TRAIL_UNDETERMINED' });
  });

  it('an API error on one trail never hides another trail that fails', () => {
    const result = evaluate(
      accountWith(
        aHealthyTrail({ status: { state: 'FAILED', error: anApiError() } }),
        stoppedTrail(),
      ),
    );
    expect(result).toMatchObject({ verdict: 'FAIL', reason: 'TRAIL_FAILED' });
    expect(result.trails.map(t => t.verdict)).toEqual(['ERROR', 'FAIL']);
  });

  it('a region that is not enabled for the account is skipped, not an error', () => {
    const facts = anAccount({
      regionsSkipped: ['af-south-1', 'me-south-1', 'ap-east-1'],
    });
    expect(evaluate(facts).verdict).toBe('PASS');
  });

  it('a trail passed twice (seen in several regions) is counted once', () => {
    const trail = evaluateTrail(aHealthyTrail(), aContext());
    const result = evaluateAccount(anAccount(), [trail, { ...trail }], [], NOW);
    expect(result.trails).toHaveLength(1);
  });

  it("the warnings of the account's trails are the account's warnings", () => {
    const trail = aHealthyTrail({
      logGroup: aFoundLogGroup({ retentionInDays: null }),
    });
    expect(evaluate(accountWith(trail)).warnings).toEqual([
      { code: 'NO_RETENTION', detail: expect.any(String), trailArn: trail.arn },
    ]);
  });

  describe('exceptions', () => {
    it('an account exception makes the account EXEMPT and keeps the underlying FAIL visible', () => {
      const exception = anException();
      const result = evaluate(accountWith(stoppedTrail()), [exception]);
      expect(result).toMatchObject({
        verdict: 'EXEMPT',
        reason: 'EXCEPTION',
        underlyingVerdict: 'FAIL',
        underlyingReason: 'TRAIL_FAILED',
        exception,
      });
      expect(result.trails[0]).toMatchObject({
        verdict: 'FAIL',
        reason: 'NOT_LOGGING',
      });
    });

    it('an expired exception no longer exempts', () => {
      const result = evaluate(accountWith(stoppedTrail()), [
        anException({ expiresAt: before(HOUR_MS) }),
      ]);
      expect(result.verdict).toBe('FAIL');
      expect(result.exception).toBeUndefined();
    });

    it('an exception stops applying at the very instant it expires', () => {
      const result = evaluate(accountWith(stoppedTrail()), [
        anException({ expiresAt: NOW.toISOString() }),
      ]);
      expect(result.verdict).toBe('FAIL');
    });

    it('a revoked exception no longer exempts', () => {
      const result = evaluate(accountWith(stoppedTrail()), [
        anException({ revokedAt: before(HOUR_MS) }),
      ]);
      expect(result.verdict).toBe('FAIL');
    });

    it("another account's exception does not exempt this one", () => {
      const result = evaluate(accountWith(stoppedTrail()), [
        anException({ accountId: '444444444444' }),
      ]);
      expect(result.verdict).toBe('FAIL');
      expect(result.exceptions).toEqual([]);
    });

    it('every exception naming the account is kept as evidence, expired ones too', () => {
      const expired = anException({ id: 'old', expiresAt: before(HOUR_MS) });
      const active = anException({ id: 'new' });
      expect(
        evaluate(accountWith(stoppedTrail()), [expired, active]).exceptions,
      ).toEqual([expired, active]);
    });

    it('a trail-level exception takes only that trail out of scope', () => {
      const stopped = stoppedTrail();
      const exception = anException({ trailArn: stopped.arn });
      const result = evaluate(accountWith(aHealthyTrail(), stopped), [
        exception,
      ]);
      expect(result).toMatchObject({
        verdict: 'PASS',
        underlyingVerdict: 'PASS',
      });
      expect(result.trails[0]).toMatchObject({ verdict: 'PASS' });
      expect(result.trails[1]).toMatchObject({
        verdict: 'EXEMPT',
        reason: 'EXCEPTION',
        underlyingVerdict: 'FAIL',
        underlyingReason: 'NOT_LOGGING',
        exemptedBy: exception,
      });
    });

    it('a trail-level exception leaves the other trails of the account judged', () => {
      const exempted = aHealthyTrail({ arn: trailArn('exempted') });
      const result = evaluate(accountWith(exempted, stoppedTrail()), [
        anException({ trailArn: exempted.arn }),
      ]);
      expect(result).toMatchObject({ verdict: 'FAIL', reason: 'TRAIL_FAILED' });
    });

    it('an account whose only trail is exempted is EXEMPT ALL_TRAILS_EXEMPT, not PASS', () => {
      const stopped = stoppedTrail();
      const result = evaluate(accountWith(stopped), [
        anException({ trailArn: stopped.arn }),
      ]);
      expect(result).toMatchObject({
        verdict: 'EXEMPT',
        reason: 'ALL_TRAILS_EXEMPT',
      });
    });

    it("an exempted trail's warnings are not the account's", () => {
      const trail = aHealthyTrail({
        logGroup: aFoundLogGroup({ retentionInDays: null }),
      });
      expect(
        evaluate(accountWith(trail, aHealthyTrail({ arn: trailArn('b') })), [
          anException({ trailArn: trail.arn }),
        ]).warnings,
      ).toEqual([]);
    });

    it('an exception on an organization trail, recorded on its owner, covers the member accounts that see it', () => {
      const orgTrail = anOrganizationTrailSeenFromMember();
      const result = evaluate(accountWith(aHealthyTrail(), orgTrail), [
        anException({ accountId: MANAGEMENT_ACCOUNT, trailArn: orgTrail.arn }),
      ]);
      expect(result.verdict).toBe('PASS');
      expect(result.trails[1]).toMatchObject({
        verdict: 'EXEMPT',
        underlyingVerdict: 'UNKNOWN',
      });
    });

    it('an exception on an organization trail recorded on one member account covers that member only', () => {
      const orgTrail = anOrganizationTrailSeenFromMember();
      const exception = anException({ trailArn: orgTrail.arn });
      const otherMember = '555555555555';
      const seenByOther = { ...orgTrail, seenFromAccountId: otherMember };
      const mine = evaluate(accountWith(aHealthyTrail(), orgTrail), [
        exception,
      ]);
      const theirs = evaluate(
        anAccount({ accountId: otherMember, trails: [seenByOther] }),
        [exception],
      );
      expect(mine.trails[1].verdict).toBe('EXEMPT');
      expect(theirs.trails[0].verdict).toBe('UNKNOWN');
    });

    it('an exception that is not yet approved does not apply', () => {
      const result = evaluate(accountWith(stoppedTrail()), [
        anException({
          approvedAt: new Date(NOW.getTime() + HOUR_MS).toISOString(),
        }),
      ]);
      expect(result.verdict).toBe('FAIL');
    });

    it('a pending or rejected exception never applies, but is kept as evidence', () => {
      for (const state of ['PENDING', 'REJECTED'] as const) {
        const exception = anException({
          state,
          approvedBy: undefined,
          approvedAt: undefined,
        });
        const result = evaluate(accountWith(stoppedTrail()), [exception]);
        expect(result.verdict).toBe('FAIL');
        expect(result.exception).toBeUndefined();
        expect(result.exceptions).toEqual([exception]);
      }
    });
  });

  describe('transient faults do not flap the account (issue 12)', () => {
    it('a trail that fails from read facts fails the account although another call of it failed', () => {
      const staleBesideFailedLookup = aHealthyTrail({
        status: aReadStatus({
          latestCloudWatchLogsDeliveryTime: before(30 * HOUR_MS),
        }),
        logGroup: {
          state: 'FAILED',
          error: anApiError({
            operation: 'logs:DescribeLogGroups',
            code: 'InternalFailure',
            httpStatus: 500,
          }),
        },
      });
      expect(evaluate(accountWith(staleBesideFailedLookup))).toMatchObject({
        verdict: 'FAIL',
        reason: 'TRAIL_FAILED',
      });
    });

    it("a member whose organization trail takes its throttled owner's last definitive PASS passes, with the warning", () => {
      const member = anOrganizationTrailSeenFromMember();
      const ownerPass = {
        ...evaluateTrail(aHealthyTrail(), aContext()),
        trailArn: member.arn,
      };
      const ownerError = {
        ...evaluateTrail(
          aHealthyTrail({
            status: {
              state: 'FAILED',
              error: anApiError({ code: 'ThrottlingException' }),
            },
          }),
          aContext(),
        ),
        trailArn: member.arn,
      };
      const trail = evaluateTrail(
        member,
        aContext({
          inScopeAccountIds: new Set([ACCOUNT, MANAGEMENT_ACCOUNT]),
          ownerEvaluation: () => ownerError,
          ownerLastDefinitive: () => ({
            evaluation: ownerPass,
            evaluatedAt: before(HOUR_MS),
          }),
        }),
      );
      const result = evaluateAccount(accountWith(member), [trail], [], NOW);
      expect(result.verdict).toBe('PASS');
      expect(result.warnings.map(w => w.code)).toContain(
        'OWNER_EVALUATION_STALE',
      );
    });

    it('a trail homed in a region the account cannot call makes it UNKNOWN, not ERROR INCOMPLETE_INVENTORY', () => {
      const regionDisabled = anApiError({
        operation: 'cloudtrail:DescribeTrails',
        region: 'ap-east-1',
        code: 'UnrecognizedClientException',
      });
      const unreachable = anOrganizationTrailSeenFromMember({
        homeRegion: 'ap-east-1',
        logGroupArn: null,
        roleArn: null,
        status: { state: 'HIDDEN', error: regionDisabled },
        logGroup: { state: 'NOT_CHECKED', why: 'HOME_REGION_UNREACHABLE' },
        role: { state: 'NOT_CHECKED', why: 'HOME_REGION_UNREACHABLE' },
        homeRegionUnreachable: regionDisabled,
      });
      const result = evaluate(
        anAccount({
          trails: [unreachable],
          regionsScanned: ['us-east-1'],
          regionsSkipped: ['ap-east-1'],
        }),
      );
      expect(result).toMatchObject({
        verdict: 'UNKNOWN',
        reason: 'TRAIL_UNDETERMINED',
      });
      expect(result.trails[0].reason).toBe('HOME_REGION_UNREACHABLE');
    });
  });
});
