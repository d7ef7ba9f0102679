import type {
  TrailEvaluation,
  WarningCode,
} from '@cis-aws/plugin-cis-aws-common';
import { evaluateTrail } from './evaluateTrail';
import {
  HOUR_MS,
  aContext,
  aFoundLogGroup,
  aFoundRole,
  aHealthyTrail,
  aPermission,
  aReadStatus,
  aTrust,
  anApiError,
  before,
} from './__fixtures__/facts';

const codes = (evaluation: TrailEvaluation): WarningCode[] =>
  evaluation.warnings.map(w => w.code);

describe('trail warnings', () => {
  describe('a role check that could not be completed is a warning; delivery freshness carries the verdict', () => {
    const iamDenied = {
      state: 'FAILED' as const,
      error: anApiError({ operation: 'iam:GetRole', region: undefined }),
    };

    it('an IAM read denied with a fresh delivery passes with ROLE_CHECK_INCOMPLETE', () => {
      const result = evaluateTrail(
        aHealthyTrail({ role: iamDenied }),
        aContext(),
      );
      expect(result.verdict).toBe('PASS');
      expect(codes(result)).toEqual(['ROLE_CHECK_INCOMPLETE']);
    });

    describe('an organization trail whose organization id could not be read', () => {
      const orgError = anApiError({
        operation: 'organizations:DescribeOrganization',
        code: 'AccessDeniedException',
        region: undefined,
      });

      it('passes on a fresh delivery with ORGANIZATION_STREAMS_NOT_CHECKED', () => {
        const result = evaluateTrail(
          aHealthyTrail({ isOrganizationTrail: true, apiErrors: [orgError] }),
          aContext(),
        );
        expect(result.verdict).toBe('PASS');
        expect(codes(result)).toEqual(['ORGANIZATION_STREAMS_NOT_CHECKED']);
        expect(result.warnings[0].detail).toContain(
          'organizations:DescribeOrganization failed: AccessDeniedException',
        );
      });

      it('fails on a stale delivery, DELIVERY_STALE, never ERROR', () => {
        const result = evaluateTrail(
          aHealthyTrail({
            isOrganizationTrail: true,
            apiErrors: [orgError],
            status: aReadStatus({
              latestCloudWatchLogsDeliveryTime: before(30 * HOUR_MS),
            }),
          }),
          aContext(),
        );
        expect(result).toMatchObject({
          verdict: 'FAIL',
          reason: 'DELIVERY_STALE',
        });
        expect(codes(result)).toContain('ORGANIZATION_STREAMS_NOT_CHECKED');
      });

      it('says nothing for a trail that is not an organization trail, or names no role', () => {
        expect(
          codes(
            evaluateTrail(aHealthyTrail({ apiErrors: [orgError] }), aContext()),
          ),
        ).toEqual([]);
        expect(
          codes(
            evaluateTrail(
              aHealthyTrail({
                isOrganizationTrail: true,
                roleArn: null,
                apiErrors: [orgError],
              }),
              aContext(),
            ),
          ),
        ).not.toContain('ORGANIZATION_STREAMS_NOT_CHECKED');
      });
    });

    it('an IAM read denied with a stale delivery fails DELIVERY_STALE, not ERROR', () => {
      const facts = aHealthyTrail({
        role: iamDenied,
        status: aReadStatus({
          latestCloudWatchLogsDeliveryTime: before(30 * HOUR_MS),
        }),
      });
      expect(evaluateTrail(facts, aContext())).toMatchObject({
        verdict: 'FAIL',
        reason: 'DELIVERY_STALE',
      });
    });

    it('an undetermined permission is a warning, never ROLE_CANNOT_WRITE', () => {
      const role = aFoundRole({
        permission: aPermission({
          decision: 'UNDETERMINED',
          decidedBy: 'STATIC_ANALYSIS',
        }),
      });
      const result = evaluateTrail(aHealthyTrail({ role }), aContext());
      expect(result.verdict).toBe('PASS');
      expect(codes(result)).toEqual(['ROLE_CHECK_INCOMPLETE']);
    });

    it('unreadable permission policies are a warning', () => {
      const role = aFoundRole({
        permission: {
          state: 'FAILED',
          errors: [anApiError({ operation: 'iam:SimulatePrincipalPolicy' })],
        },
      });
      expect(codes(evaluateTrail(aHealthyTrail({ role }), aContext()))).toEqual(
        ['ROLE_CHECK_INCOMPLETE'],
      );
    });

    it('an undetermined trust is a warning, never ROLE_NOT_TRUSTED', () => {
      const role = aFoundRole({
        trust: aTrust({ allowsCloudTrail: 'UNDETERMINED' }),
      });
      const result = evaluateTrail(aHealthyTrail({ role }), aContext());
      expect(result.verdict).toBe('PASS');
      expect(codes(result)).toEqual(['ROLE_CHECK_INCOMPLETE']);
    });

    it('policy documents that could not be read beside a simulated decision are ROLE_POLICIES_NOT_READ, the decision stands', () => {
      const documentsError = anApiError({
        operation: 'iam:ListRolePolicies',
        region: undefined,
        code: 'AccessDenied',
      });
      const allowed = evaluateTrail(
        aHealthyTrail({
          role: aFoundRole({ permission: aPermission({ documentsError }) }),
        }),
        aContext(),
      );
      expect(allowed.verdict).toBe('PASS');
      expect(allowed.warnings).toEqual([
        {
          code: 'ROLE_POLICIES_NOT_READ',
          detail: expect.stringContaining(
            'iam:ListRolePolicies failed: AccessDenied',
          ),
          trailArn: allowed.trailArn,
        },
      ]);

      const denied = evaluateTrail(
        aHealthyTrail({
          role: aFoundRole({
            permission: aPermission({ decision: 'DENIED', documentsError }),
          }),
        }),
        aContext(),
      );
      expect(denied.reason).toBe('ROLE_CANNOT_WRITE');
      expect(codes(denied)).toEqual(['ROLE_POLICIES_NOT_READ']);
    });

    it('a trail without a role has no ROLE_CHECK_INCOMPLETE: there is nothing to check', () => {
      const facts = aHealthyTrail({
        roleArn: null,
        role: { state: 'NOT_CHECKED', why: 'NO_ARN' },
      });
      expect(codes(evaluateTrail(facts, aContext()))).toEqual([]);
    });
  });

  describe('warnings, shown but never changing the verdict', () => {
    it('a delivery error beside a fresh delivery is a warning', () => {
      const facts = aHealthyTrail({
        status: aReadStatus({
          latestCloudWatchLogsDeliveryError: 'AccessDenied',
        }),
      });
      const result = evaluateTrail(facts, aContext());
      expect(result.verdict).toBe('PASS');
      expect(codes(result)).toEqual(['DELIVERY_ERROR_WITH_FRESH_DELIVERY']);
    });

    it('a delivery error beside a stale delivery is no such warning: the trail fails DELIVERY_STALE', () => {
      const facts = aHealthyTrail({
        status: aReadStatus({
          latestCloudWatchLogsDeliveryError: 'AccessDenied',
          latestCloudWatchLogsDeliveryTime: before(30 * HOUR_MS),
        }),
      });
      const result = evaluateTrail(facts, aContext());
      expect(result.reason).toBe('DELIVERY_STALE');
      expect(codes(result)).toEqual([]);
    });

    it('a log group in another region than the trail is LOG_GROUP_OTHER_REGION', () => {
      const facts = aHealthyTrail({
        logGroup: aFoundLogGroup({ region: 'eu-west-1' }),
      });
      const result = evaluateTrail(facts, aContext());
      expect(result.verdict).toBe('PASS');
      expect(codes(result)).toEqual(['LOG_GROUP_OTHER_REGION']);
    });

    it('a log group in another account than the trail is LOG_GROUP_OTHER_ACCOUNT', () => {
      const facts = aHealthyTrail({
        logGroup: aFoundLogGroup({ accountId: '333333333333' }),
      });
      expect(codes(evaluateTrail(facts, aContext()))).toEqual([
        'LOG_GROUP_OTHER_ACCOUNT',
      ]);
    });

    it('the location of a log group that was not looked up comes from its ARN', () => {
      const facts = aHealthyTrail({
        logGroupArn: 'arn:aws:logs:eu-west-1:333333333333:log-group:central:*',
        logGroup: { state: 'NOT_CHECKED', why: 'OTHER_ACCOUNT' },
      });
      expect(codes(evaluateTrail(facts, aContext()))).toEqual([
        'LOG_GROUP_OTHER_REGION',
        'LOG_GROUP_OTHER_ACCOUNT',
        'LOG_GROUP_NOT_CHECKED',
      ]);
    });

    it('aws:SourceArn / aws:SourceAccount conditions in the trust policy are TRUST_HAS_SOURCE_CONDITIONS', () => {
      const facts = aHealthyTrail({
        role: aFoundRole({ trust: aTrust({ hasSourceConditions: true }) }),
      });
      const result = evaluateTrail(facts, aContext());
      expect(result.verdict).toBe('PASS');
      expect(codes(result)).toEqual(['TRUST_HAS_SOURCE_CONDITIONS']);
    });

    it('a log group without retention is NO_RETENTION', () => {
      const facts = aHealthyTrail({
        logGroup: aFoundLogGroup({ retentionInDays: null }),
      });
      expect(codes(evaluateTrail(facts, aContext()))).toEqual(['NO_RETENTION']);
    });

    it('warnings are reported whatever the verdict', () => {
      const facts = aHealthyTrail({
        status: aReadStatus({ isLogging: false }),
        logGroup: aFoundLogGroup({ retentionInDays: null }),
      });
      const result = evaluateTrail(facts, aContext());
      expect(result.reason).toBe('NOT_LOGGING');
      expect(result.warnings).toEqual([
        {
          code: 'NO_RETENTION',
          detail: expect.any(String),
          trailArn: facts.arn,
        },
      ]);
    });
  });
});
