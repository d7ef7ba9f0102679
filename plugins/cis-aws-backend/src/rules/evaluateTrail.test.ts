import type {
  TrailEvaluation,
  WarningCode,
} from '@cis-aws/plugin-cis-aws-common';
import { evaluateTrail } from './evaluateTrail';
import {
  ACCOUNT,
  HOUR_MS,
  MANAGEMENT_ACCOUNT,
  aContext,
  aFoundRole,
  aHealthyTrail,
  aPermission,
  aReadStatus,
  aTrust,
  anApiError,
  anOrganizationTrailSeenFromMember,
  before,
  trailArn,
} from './__fixtures__/facts';

const codes = (evaluation: TrailEvaluation): WarningCode[] =>
  evaluation.warnings.map(w => w.code);

describe('evaluateTrail', () => {
  it('a healthy trail that delivered five minutes ago passes, with no reason and no warnings', () => {
    const result = evaluateTrail(aHealthyTrail(), aContext());
    expect(result).toMatchObject({
      verdict: 'PASS',
      underlyingVerdict: 'PASS',
      warnings: [],
    });
    expect(result.reason).toBeUndefined();
  });

  it('keeps every collected fact as evidence whatever the verdict', () => {
    const facts = aHealthyTrail({ status: aReadStatus({ isLogging: false }) });
    expect(evaluateTrail(facts, aContext()).facts).toEqual(facts);
  });

  describe('ERROR API_ERROR: a needed call failed', () => {
    it('an access-denied call is ERROR, never FAIL', () => {
      const result = evaluateTrail(
        aHealthyTrail({ status: { state: 'FAILED', error: anApiError() } }),
        aContext(),
      );
      expect(result).toMatchObject({ verdict: 'ERROR', reason: 'API_ERROR' });
      expect(result.detail).toContain('AccessDeniedException');
    });

    it('names the failed call with its code, HTTP status and message', () => {
      const error = anApiError({
        service: 'cloudtrail',
        code: 'InternalFailure',
        httpStatus: 500,
        message: 'unknown error',
      });
      const result = evaluateTrail(
        aHealthyTrail({ status: { state: 'FAILED', error } }),
        aContext(),
      );
      expect(result.detail).toBe(
        'cloudtrail:GetTrailStatus failed: InternalFailure (HTTP 500): unknown error',
      );
    });

    it('a throttled status call is ERROR even for a trail that would otherwise pass', () => {
      const error = anApiError({
        code: 'ThrottlingException',
        message: 'Rate exceeded',
      });
      const result = evaluateTrail(
        aHealthyTrail({ status: { state: 'FAILED', error } }),
        aContext(),
      );
      expect(result.verdict).toBe('ERROR');
    });

    it('a failed log group lookup is ERROR, never LOG_GROUP_NOT_FOUND', () => {
      const error = anApiError({
        operation: 'logs:DescribeLogGroups',
        code: 'TimeoutError',
      });
      const result = evaluateTrail(
        aHealthyTrail({ logGroup: { state: 'FAILED', error } }),
        aContext(),
      );
      expect(result).toMatchObject({ verdict: 'ERROR', reason: 'API_ERROR' });
    });

    it('a hidden status of a trail this account owns is ERROR, not FOREIGN_ORG_TRAIL', () => {
      const result = evaluateTrail(
        aHealthyTrail({ status: { state: 'HIDDEN' } }),
        aContext(),
      );
      expect(result).toMatchObject({ verdict: 'ERROR', reason: 'API_ERROR' });
    });

    it('an unreadable delivery time is ERROR, never PASS', () => {
      const facts = aHealthyTrail({
        status: aReadStatus({ latestCloudWatchLogsDeliveryTime: 'yesterday' }),
      });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'ERROR',
        reason: 'API_ERROR',
      });
    });
  });

  describe('a FAIL decided from facts that were read stands despite an unrelated failed call', () => {
    const serverError = (operation: string) =>
      anApiError({
        operation,
        service: operation.split(':')[0],
        code: 'InternalFailure',
        httpStatus: 500,
        message: 'unknown error',
      });

    it('no log group configured is FAIL NO_LOG_GROUP although GetTrailStatus failed', () => {
      const facts = aHealthyTrail({
        logGroupArn: null,
        logGroup: { state: 'NOT_CHECKED', why: 'NO_ARN' },
        status: {
          state: 'FAILED',
          error: serverError('cloudtrail:GetTrailStatus'),
        },
      });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'FAIL',
        reason: 'NO_LOG_GROUP',
        underlyingVerdict: 'FAIL',
      });
    });

    it('no log group configured stays FAIL NO_LOG_GROUP although DescribeLogGroups answered 500', () => {
      // What a 500 on DescribeLogGroups did to the trail: it must not flap to ERROR.
      const facts = aHealthyTrail({
        logGroupArn: null,
        logGroup: {
          state: 'FAILED',
          error: serverError('logs:DescribeLogGroups'),
        },
      });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'FAIL',
        reason: 'NO_LOG_GROUP',
      });
    });

    it('a stopped trail is FAIL NOT_LOGGING although the log group lookup failed', () => {
      const facts = aHealthyTrail({
        status: aReadStatus({ isLogging: false }),
        logGroup: {
          state: 'FAILED',
          error: serverError('logs:DescribeLogGroups'),
        },
      });
      const result = evaluateTrail(facts, aContext());
      expect(result).toMatchObject({ verdict: 'FAIL', reason: 'NOT_LOGGING' });
      // The failed call is still there, as evidence.
      expect(result.facts.logGroup.state).toBe('FAILED');
    });

    it('a deleted log group is FAIL LOG_GROUP_NOT_FOUND although GetTrailStatus was throttled', () => {
      const facts = aHealthyTrail({
        logGroup: {
          state: 'NOT_FOUND',
          arn: 'arn:aws:logs:us-east-1:111111111111:log-group:gone',
          accountId: ACCOUNT,
          region: 'us-east-1',
          name: 'gone',
        },
        status: {
          state: 'FAILED',
          error: anApiError({ code: 'ThrottlingException' }),
        },
      });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'FAIL',
        reason: 'LOG_GROUP_NOT_FOUND',
      });
    });

    it('a stale delivery is FAIL DELIVERY_STALE although the log group lookup timed out', () => {
      const facts = aHealthyTrail({
        status: aReadStatus({
          latestCloudWatchLogsDeliveryTime: before(30 * HOUR_MS),
        }),
        logGroup: {
          state: 'FAILED',
          error: anApiError({
            operation: 'logs:DescribeLogGroups',
            code: 'TimeoutError',
          }),
        },
      });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'FAIL',
        reason: 'DELIVERY_STALE',
      });
    });

    it('with no FAIL that could be read, the failed call is ERROR API_ERROR, never PASS', () => {
      // Everything read passes, but the missing log group answer could have been a FAIL.
      const facts = aHealthyTrail({
        logGroup: {
          state: 'FAILED',
          error: serverError('logs:DescribeLogGroups'),
        },
      });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'ERROR',
        reason: 'API_ERROR',
      });
    });

    it('an unreadable delivery time beside a stopped trail is FAIL NOT_LOGGING', () => {
      const facts = aHealthyTrail({
        status: aReadStatus({
          isLogging: false,
          latestCloudWatchLogsDeliveryTime: 'yesterday',
        }),
      });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'FAIL',
        reason: 'NOT_LOGGING',
      });
    });

    it('a hidden organization trail of an account out of scope stays UNKNOWN (or ERROR), never FAIL from its configuration', () => {
      const facts = anOrganizationTrailSeenFromMember({ logGroupArn: null });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'UNKNOWN',
        reason: 'FOREIGN_ORG_TRAIL',
      });
      const withFailedCall = anOrganizationTrailSeenFromMember({
        logGroupArn: null,
        logGroup: {
          state: 'FAILED',
          error: serverError('logs:DescribeLogGroups'),
        },
      });
      expect(evaluateTrail(withFailedCall, aContext())).toMatchObject({
        verdict: 'ERROR',
        reason: 'API_ERROR',
      });
    });
  });

  describe('organization trails of another account', () => {
    const ownerFails: TrailEvaluation = {
      ...evaluateTrail(
        aHealthyTrail({
          role: {
            state: 'NOT_FOUND',
            arn: 'arn:aws:iam::999999999999:role/gone',
            accountId: MANAGEMENT_ACCOUNT,
            region: '',
          },
        }),
        aContext(),
      ),
      trailArn: anOrganizationTrailSeenFromMember().arn,
    };
    const inScope = new Set([ACCOUNT, MANAGEMENT_ACCOUNT]);

    it("an organization trail seen from a member account takes the owner's verdict", () => {
      const member = anOrganizationTrailSeenFromMember();
      const result = evaluateTrail(
        member,
        aContext({
          inScopeAccountIds: inScope,
          ownerEvaluation: arn => (arn === member.arn ? ownerFails : undefined),
        }),
      );
      expect(result).toMatchObject({
        verdict: 'FAIL',
        reason: 'ROLE_NOT_FOUND',
        inheritedFrom: { accountId: MANAGEMENT_ACCOUNT },
      });
      expect(result.facts).toBe(member);
    });

    it("takes the owner's PASS although the member cannot read the status, log group or role", () => {
      const member = anOrganizationTrailSeenFromMember();
      const ownerPasses = {
        ...evaluateTrail(aHealthyTrail(), aContext()),
        trailArn: member.arn,
      };
      const result = evaluateTrail(
        member,
        aContext({
          inScopeAccountIds: inScope,
          ownerEvaluation: () => ownerPasses,
        }),
      );
      expect(result.verdict).toBe('PASS');
    });

    it('an organization trail owned by an account out of scope is UNKNOWN, never FAIL', () => {
      // The member sees no log group ARN either: NO_LOG_GROUP must not apply to a hidden trail.
      const member = anOrganizationTrailSeenFromMember({ logGroupArn: null });
      const result = evaluateTrail(
        member,
        aContext({ ownerEvaluation: () => ownerFails }),
      );
      expect(result).toMatchObject({
        verdict: 'UNKNOWN',
        reason: 'FOREIGN_ORG_TRAIL',
      });
      expect(result.inheritedFrom).toBeUndefined();
    });

    it('an organization trail whose owner is in scope but not evaluated yet is UNKNOWN, not FAIL', () => {
      const result = evaluateTrail(
        anOrganizationTrailSeenFromMember(),
        aContext({
          inScopeAccountIds: inScope,
          ownerEvaluation: () => undefined,
        }),
      );
      expect(result).toMatchObject({
        verdict: 'UNKNOWN',
        reason: 'FOREIGN_ORG_TRAIL',
      });
    });

    it('an organization trail out of scope whose status is readable is judged on what this account sees', () => {
      const member = anOrganizationTrailSeenFromMember({
        status: aReadStatus({
          latestCloudWatchLogsDeliveryTime: before(30 * HOUR_MS),
        }),
      });
      const result = evaluateTrail(member, aContext());
      expect(result).toMatchObject({
        verdict: 'FAIL',
        reason: 'DELIVERY_STALE',
      });
      expect(codes(result)).toEqual([
        'LOG_GROUP_NOT_CHECKED',
        'ROLE_CHECK_INCOMPLETE',
      ]);
    });
  });

  describe('an owner whose latest run could not judge its organization trail', () => {
    const member = anOrganizationTrailSeenFromMember();
    const inScope = new Set([ACCOUNT, MANAGEMENT_ACCOUNT]);
    const ownerTrail = (facts: Parameters<typeof aHealthyTrail>[0]) => ({
      ...evaluateTrail(
        aHealthyTrail({ ...facts, ownerAccountId: MANAGEMENT_ACCOUNT }),
        aContext(),
      ),
      trailArn: member.arn,
    });
    const ownerThrottled = ownerTrail({
      seenFromAccountId: MANAGEMENT_ACCOUNT,
      status: {
        state: 'FAILED',
        error: anApiError({ code: 'ThrottlingException' }),
      },
    });
    const ownerPassed = ownerTrail({ seenFromAccountId: MANAGEMENT_ACCOUNT });
    const lastDefinitive = {
      evaluation: ownerPassed,
      evaluatedAt: before(HOUR_MS),
    };

    it("takes the owner's last definitive PASS when the owner was throttled, and says so", () => {
      expect(ownerThrottled.verdict).toBe('ERROR');
      const result = evaluateTrail(
        member,
        aContext({
          inScopeAccountIds: inScope,
          ownerEvaluation: () => ownerThrottled,
          ownerLastDefinitive: () => lastDefinitive,
        }),
      );
      expect(result).toMatchObject({
        verdict: 'PASS',
        inheritedFrom: {
          accountId: MANAGEMENT_ACCOUNT,
          evaluatedAt: before(HOUR_MS),
        },
      });
      // The owner's own warnings come along; the stale one is added last.
      expect(codes(result).at(-1)).toBe('OWNER_EVALUATION_STALE');
      expect(result.warnings.at(-1)?.detail).toContain('ThrottlingException');
      expect(result.facts).toBe(member);
    });

    it("takes the owner's last definitive FAIL when the owner's collection failed altogether", () => {
      const ownerFailed = {
        evaluation: ownerTrail({
          seenFromAccountId: MANAGEMENT_ACCOUNT,
          status: aReadStatus({ isLogging: false }),
        }),
        evaluatedAt: before(2 * HOUR_MS),
      };
      const result = evaluateTrail(
        member,
        aContext({
          inScopeAccountIds: inScope,
          ownerEvaluation: () => undefined,
          ownerLastDefinitive: () => ownerFailed,
        }),
      );
      expect(result).toMatchObject({ verdict: 'FAIL', reason: 'NOT_LOGGING' });
      expect(result.warnings.at(-1)?.detail).toContain('no evaluation of it');
    });

    it("prefers the owner's latest definitive evaluation over an earlier one", () => {
      const ownerNowFails = ownerTrail({
        seenFromAccountId: MANAGEMENT_ACCOUNT,
        status: aReadStatus({ isLogging: false }),
      });
      const result = evaluateTrail(
        member,
        aContext({
          inScopeAccountIds: inScope,
          ownerEvaluation: () => ownerNowFails,
          ownerLastDefinitive: () => lastDefinitive,
        }),
      );
      expect(result).toMatchObject({ verdict: 'FAIL', reason: 'NOT_LOGGING' });
      expect(result.inheritedFrom).toEqual({ accountId: MANAGEMENT_ACCOUNT });
      expect(codes(result)).not.toContain('OWNER_EVALUATION_STALE');
    });

    it("takes the owner's ERROR once its last definitive evaluation is older than maxDeliveryAge", () => {
      const result = evaluateTrail(
        member,
        aContext({
          inScopeAccountIds: inScope,
          ownerEvaluation: () => ownerThrottled,
          ownerLastDefinitive: () => ({
            evaluation: ownerPassed,
            evaluatedAt: before(24 * HOUR_MS + 1),
          }),
        }),
      );
      expect(result).toMatchObject({ verdict: 'ERROR', reason: 'API_ERROR' });
      expect(codes(result)).not.toContain('OWNER_EVALUATION_STALE');
    });

    it("takes the owner's ERROR as it is when the owner never had a definitive evaluation", () => {
      const result = evaluateTrail(
        member,
        aContext({
          inScopeAccountIds: inScope,
          ownerEvaluation: () => ownerThrottled,
          ownerLastDefinitive: () => undefined,
        }),
      );
      expect(result).toMatchObject({ verdict: 'ERROR', reason: 'API_ERROR' });
    });
  });

  describe('a trail whose home region this account cannot call', () => {
    const regionDisabled = anApiError({
      operation: 'cloudtrail:DescribeTrails',
      region: 'ap-east-1',
      code: 'UnrecognizedClientException',
      httpStatus: 400,
      message: 'The security token included in the request is invalid.',
    });
    const unreachable = (owner: string) =>
      aHealthyTrail({
        arn: trailArn('org', owner, 'ap-east-1'),
        name: 'org',
        ownerAccountId: owner,
        homeRegion: 'ap-east-1',
        isMultiRegion: false,
        isOrganizationTrail: owner !== ACCOUNT,
        logGroupArn: null,
        roleArn: null,
        status: { state: 'HIDDEN', error: regionDisabled },
        logGroup: { state: 'NOT_CHECKED', why: 'HOME_REGION_UNREACHABLE' },
        role: { state: 'NOT_CHECKED', why: 'HOME_REGION_UNREACHABLE' },
        homeRegionUnreachable: regionDisabled,
      });

    it("an organization trail whose owner is in scope takes the owner's evaluation", () => {
      const member = unreachable(MANAGEMENT_ACCOUNT);
      const owner = {
        ...evaluateTrail(aHealthyTrail(), aContext()),
        trailArn: member.arn,
      };
      const result = evaluateTrail(
        member,
        aContext({
          inScopeAccountIds: new Set([ACCOUNT, MANAGEMENT_ACCOUNT]),
          ownerEvaluation: () => owner,
        }),
      );
      expect(result).toMatchObject({
        verdict: 'PASS',
        inheritedFrom: { accountId: MANAGEMENT_ACCOUNT },
      });
    });

    it('is UNKNOWN HOME_REGION_UNREACHABLE naming the region and the error, never FAIL NO_LOG_GROUP', () => {
      for (const trail of [
        unreachable(MANAGEMENT_ACCOUNT),
        unreachable(ACCOUNT),
      ]) {
        const result = evaluateTrail(trail, aContext());
        expect(result).toMatchObject({
          verdict: 'UNKNOWN',
          reason: 'HOME_REGION_UNREACHABLE',
        });
        expect(result.detail).toContain('ap-east-1');
        expect(result.detail).toContain('UnrecognizedClientException');
        expect(result.warnings).toEqual([]);
      }
    });

    it('is UNKNOWN when the owner is in scope but has no evaluation of the trail', () => {
      const result = evaluateTrail(
        unreachable(MANAGEMENT_ACCOUNT),
        aContext({
          inScopeAccountIds: new Set([ACCOUNT, MANAGEMENT_ACCOUNT]),
          ownerEvaluation: () => undefined,
        }),
      );
      expect(result.reason).toBe('HOME_REGION_UNREACHABLE');
    });
  });

  describe('FAIL rules, in the order of the contract', () => {
    it('a trail without a log group fails NO_LOG_GROUP', () => {
      const facts = aHealthyTrail({
        logGroupArn: null,
        logGroup: { state: 'NOT_CHECKED', why: 'NO_ARN' },
      });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'FAIL',
        reason: 'NO_LOG_GROUP',
      });
    });

    it('an empty-string log group ARN counts as no log group', () => {
      const facts = aHealthyTrail({
        logGroupArn: '',
        logGroup: { state: 'NOT_CHECKED', why: 'NO_ARN' },
      });
      expect(evaluateTrail(facts, aContext()).reason).toBe('NO_LOG_GROUP');
    });

    it('the first matching rule wins: no log group and not logging reports NO_LOG_GROUP', () => {
      const facts = aHealthyTrail({
        logGroupArn: null,
        logGroup: { state: 'NOT_CHECKED', why: 'NO_ARN' },
        status: aReadStatus({
          isLogging: false,
          latestCloudWatchLogsDeliveryTime: null,
        }),
      });
      expect(evaluateTrail(facts, aContext()).reason).toBe('NO_LOG_GROUP');
    });

    it('the first matching rule wins: neither log group nor role reports NO_LOG_GROUP', () => {
      const facts = aHealthyTrail({
        logGroupArn: null,
        logGroup: { state: 'NOT_CHECKED', why: 'NO_ARN' },
        roleArn: null,
        role: { state: 'NOT_CHECKED', why: 'NO_ARN' },
      });
      expect(evaluateTrail(facts, aContext()).reason).toBe('NO_LOG_GROUP');
    });

    it('a trail with a log group but no role fails NO_ROLE', () => {
      const facts = aHealthyTrail({
        roleArn: null,
        role: { state: 'NOT_CHECKED', why: 'NO_ARN' },
      });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'FAIL',
        reason: 'NO_ROLE',
      });
    });

    it('the first matching rule wins: no role and a deleted log group reports NO_ROLE', () => {
      const facts = aHealthyTrail({
        roleArn: null,
        role: { state: 'NOT_CHECKED', why: 'NO_ARN' },
        logGroup: {
          state: 'NOT_FOUND',
          arn: 'arn:aws:logs:us-east-1:111111111111:log-group:gone',
          accountId: ACCOUNT,
          region: 'us-east-1',
          name: 'gone',
        },
      });
      expect(evaluateTrail(facts, aContext()).reason).toBe('NO_ROLE');
    });

    it('a trail whose log group was deleted fails LOG_GROUP_NOT_FOUND even though it delivered minutes ago', () => {
      const facts = aHealthyTrail({
        logGroup: {
          state: 'NOT_FOUND',
          arn: 'arn:aws:logs:us-east-1:111111111111:log-group:CloudTrail/Default',
          accountId: ACCOUNT,
          region: 'us-east-1',
          name: 'CloudTrail/Default',
        },
      });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'FAIL',
        reason: 'LOG_GROUP_NOT_FOUND',
      });
    });

    it('the first matching rule wins: a deleted log group and a deleted role report LOG_GROUP_NOT_FOUND', () => {
      const facts = aHealthyTrail({
        logGroup: {
          state: 'NOT_FOUND',
          arn: 'arn:aws:logs:us-east-1:111111111111:log-group:x',
          accountId: ACCOUNT,
          region: 'us-east-1',
          name: 'x',
        },
        role: {
          state: 'NOT_FOUND',
          arn: 'arn:aws:iam::111111111111:role/x',
          accountId: ACCOUNT,
          region: '',
        },
      });
      expect(evaluateTrail(facts, aContext()).reason).toBe(
        'LOG_GROUP_NOT_FOUND',
      );
    });

    it('a trail whose role was deleted fails ROLE_NOT_FOUND even though the log group ARN is set', () => {
      const facts = aHealthyTrail({
        role: {
          state: 'NOT_FOUND',
          arn: 'arn:aws:iam::111111111111:role/x',
          accountId: ACCOUNT,
          region: '',
        },
      });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'FAIL',
        reason: 'ROLE_NOT_FOUND',
      });
    });

    it('a role whose trust policy does not let CloudTrail assume it fails ROLE_NOT_TRUSTED', () => {
      const facts = aHealthyTrail({
        role: aFoundRole({ trust: aTrust({ allowsCloudTrail: 'DENIED' }) }),
      });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'FAIL',
        reason: 'ROLE_NOT_TRUSTED',
      });
    });

    it('the first matching rule wins: an untrusted role that also cannot write reports ROLE_NOT_TRUSTED', () => {
      const role = aFoundRole({
        trust: aTrust({ allowsCloudTrail: 'DENIED' }),
        permission: aPermission({ decision: 'DENIED' }),
      });
      expect(evaluateTrail(aHealthyTrail({ role }), aContext()).reason).toBe(
        'ROLE_NOT_TRUSTED',
      );
    });

    it('a role definitely not allowed to write to the log group fails ROLE_CANNOT_WRITE', () => {
      const role = aFoundRole({
        permission: aPermission({
          decision: 'DENIED',
          decidedBy: 'STATIC_ANALYSIS',
        }),
      });
      const result = evaluateTrail(aHealthyTrail({ role }), aContext());
      expect(result).toMatchObject({
        verdict: 'FAIL',
        reason: 'ROLE_CANNOT_WRITE',
      });
      expect(result.detail).toContain('STATIC_ANALYSIS');
    });

    it('the first matching rule wins: a role that cannot write on a stopped trail reports ROLE_CANNOT_WRITE', () => {
      const role = aFoundRole({
        permission: aPermission({ decision: 'DENIED' }),
      });
      const facts = aHealthyTrail({
        role,
        status: aReadStatus({ isLogging: false }),
      });
      expect(evaluateTrail(facts, aContext()).reason).toBe('ROLE_CANNOT_WRITE');
    });

    it('a stopped trail fails NOT_LOGGING even with a fresh delivery', () => {
      const facts = aHealthyTrail({
        status: aReadStatus({ isLogging: false }),
      });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'FAIL',
        reason: 'NOT_LOGGING',
      });
    });

    it('the first matching rule wins: a stopped trail that never delivered reports NOT_LOGGING', () => {
      const facts = aHealthyTrail({
        status: aReadStatus({
          isLogging: false,
          latestCloudWatchLogsDeliveryTime: null,
        }),
      });
      expect(evaluateTrail(facts, aContext()).reason).toBe('NOT_LOGGING');
    });

    it('a trail without any CloudWatch Logs delivery time fails NEVER_DELIVERED', () => {
      const facts = aHealthyTrail({
        status: aReadStatus({ latestCloudWatchLogsDeliveryTime: null }),
      });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'FAIL',
        reason: 'NEVER_DELIVERED',
      });
    });

    it('a recent S3 delivery does not count as a CloudWatch Logs delivery', () => {
      const facts = aHealthyTrail({
        status: aReadStatus({
          latestCloudWatchLogsDeliveryTime: before(48 * HOUR_MS),
          latestDeliveryTime: before(60_000),
        }),
      });
      expect(evaluateTrail(facts, aContext()).reason).toBe('DELIVERY_STALE');
    });
  });

  describe('DELIVERY_STALE and the maxDeliveryAge boundary', () => {
    const deliveredAgo = (ms: number) =>
      aHealthyTrail({
        status: aReadStatus({ latestCloudWatchLogsDeliveryTime: before(ms) }),
      });

    it('a last delivery older than maxDeliveryAge fails DELIVERY_STALE', () => {
      expect(
        evaluateTrail(deliveredAgo(25 * HOUR_MS), aContext()),
      ).toMatchObject({ verdict: 'FAIL', reason: 'DELIVERY_STALE' });
    });

    it('a delivery exactly maxDeliveryAge old still passes ("older than" is strict)', () => {
      expect(
        evaluateTrail(deliveredAgo(24 * HOUR_MS), aContext()).verdict,
      ).toBe('PASS');
    });

    it('a delivery one millisecond older than maxDeliveryAge fails', () => {
      expect(
        evaluateTrail(deliveredAgo(24 * HOUR_MS + 1), aContext()).reason,
      ).toBe('DELIVERY_STALE');
    });

    it('maxDeliveryAge is configurable', () => {
      expect(
        evaluateTrail(
          deliveredAgo(2 * HOUR_MS),
          aContext({ maxDeliveryAgeMs: HOUR_MS }),
        ).reason,
      ).toBe('DELIVERY_STALE');
    });
  });
});
