/**
 * Builders for the evidence tests: a realistic evaluation (an account's own trail with its
 * whole chain, plus an organization trail of another account), exceptions and history.
 */
import type {
  AccountEvaluation,
  AccountMapping,
  ComplianceException,
  ExceptionAuditEvent,
  TrailEvaluation,
} from '@cis-aws/plugin-cis-aws-common';
import {
  aFoundRole,
  aHealthyTrail,
  anOrganizationTrailSeenFromMember,
  aPermission,
  ACCOUNT,
  MANAGEMENT_ACCOUNT,
  REGION,
  trailArn,
} from '../../rules/__fixtures__/facts';
import type { EvidenceInput, EvidenceOptions } from '../buildEvidencePacket';

export { ACCOUNT, MANAGEMENT_ACCOUNT, REGION };

export const AS_OF = new Date('2026-03-31T12:00:00.000Z');
export const PRODUCED_AT = new Date('2026-04-02T08:00:00.000Z');
const DAY_MS = 24 * 60 * 60 * 1000;

/** An ISO time `days` days before AS_OF. */
export function daysBefore(days: number): string {
  return new Date(AS_OF.getTime() - days * DAY_MS).toISOString();
}

export const TRUST_POLICY =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}';

export const INLINE_POLICY =
  '{"Version":"2012-10-17","Statement":[{"Sid":"AWSCloudTrailCreateLogStream","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:us-east-1:111111111111:log-group:CloudTrail/Default:log-stream:111111111111_CloudTrail_us-east-1*"}]}';

export const MANAGED_POLICY =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}]}';

export const OWN_TRAIL_ARN = trailArn('main');
export const ORG_TRAIL_ARN = trailArn('org', MANAGEMENT_ACCOUNT);

export const OPTIONS: EvidenceOptions = {
  evidence: {
    controlStatement:
      'ACME-SEC-12: every production AWS account sends CloudTrail to CloudWatch Logs.',
    scope: 'All accounts in the ACME organization, production and staging.',
    historyPeriodMs: 30 * DAY_MS,
  },
  securityHub: { region: REGION },
  maxDeliveryAgeMs: 24 * 60 * 60 * 1000,
};

export function aMapping(): AccountMapping {
  return {
    accountId: ACCOUNT,
    entityRef: 'resource:default/payments-prod',
    title: 'payments-prod',
    ownerRef: 'group:default/payments-team',
    systemRef: 'system:default/payments',
  };
}

/** The account's own trail, passing, with its role's trust and two permission policies. */
export function ownTrail(
  overrides: Partial<TrailEvaluation> = {},
): TrailEvaluation {
  return {
    trailArn: OWN_TRAIL_ARN,
    verdict: 'PASS',
    underlyingVerdict: 'PASS',
    warnings: [],
    facts: aHealthyTrail({
      status: {
        state: 'READ',
        region: REGION,
        isLogging: true,
        latestCloudWatchLogsDeliveryTime: daysBefore(0.01),
        latestCloudWatchLogsDeliveryError: null,
        latestDeliveryTime: daysBefore(0.02),
        latestDeliveryError: null,
      },
      role: aFoundRole({
        trust: {
          allowsCloudTrail: 'ALLOWED',
          hasSourceConditions: false,
          details: 'statement 1 lets CloudTrail assume the role',
          document: TRUST_POLICY,
        },
        permission: aPermission({
          policies: [
            {
              kind: 'INLINE',
              name: 'cloudtrail-to-logs',
              document: INLINE_POLICY,
            },
            {
              kind: 'MANAGED',
              name: 'LogsWriter',
              arn: `arn:aws:iam::${ACCOUNT}:policy/LogsWriter`,
              document: MANAGED_POLICY,
            },
          ],
        }),
      }),
    }),
    ...overrides,
  };
}

/** The organization trail of MANAGEMENT_ACCOUNT, taking its owner's PASS. */
export function orgTrail(): TrailEvaluation {
  return {
    trailArn: ORG_TRAIL_ARN,
    verdict: 'PASS',
    underlyingVerdict: 'PASS',
    warnings: [],
    facts: anOrganizationTrailSeenFromMember(),
    inheritedFrom: { accountId: MANAGEMENT_ACCOUNT },
  };
}

export function anEvaluation(
  overrides: Partial<AccountEvaluation> = {},
): AccountEvaluation {
  const evaluatedAt = daysBefore(0.05);
  return {
    accountId: ACCOUNT,
    verdict: 'PASS',
    underlyingVerdict: 'PASS',
    trails: [ownTrail(), orgTrail()],
    warnings: [],
    evaluatedAt,
    exceptions: [],
    inventory: {
      accountId: ACCOUNT,
      partition: 'aws',
      regionsScanned: [REGION, 'eu-west-1'],
      regionsSkipped: ['af-south-1'],
      regionsFailed: [],
      inventoryErrors: [],
      collectedAt: evaluatedAt,
    },
    securityHub: {
      status: 'PASS',
      agrees: true,
      findings: [
        {
          findingId: 'finding-own-trail',
          accountId: ACCOUNT,
          trailArn: OWN_TRAIL_ARN,
          region: REGION,
          status: 'PASS',
          complianceStatus: 'PASSED',
          updatedAt: daysBefore(0.3),
          matchedBy: 'SECURITY_CONTROL_ID',
        },
      ],
      ignoredFindings: [],
    },
    ...overrides,
  };
}

export function anException(
  overrides: Partial<ComplianceException> = {},
): ComplianceException {
  return {
    id: 'exc-active',
    accountId: ACCOUNT,
    trailArn: OWN_TRAIL_ARN,
    reason: 'Trail being migrated to the organization trail',
    state: 'APPROVED',
    approvedBy: 'user:default/ciso',
    approvedAt: daysBefore(10),
    createdBy: 'user:default/alice',
    createdAt: daysBefore(10),
    expiresAt: daysBefore(-20),
    ticketUrl: 'https://tickets.example.com/SEC-101',
    ...overrides,
  };
}

export function createdEvent(
  exception: ComplianceException,
): ExceptionAuditEvent {
  return {
    exceptionId: exception.id,
    accountId: exception.accountId,
    action: 'CREATED',
    actor: exception.createdBy ?? 'user:default/unknown',
    at: exception.createdAt,
    details: { ...exception },
  };
}

/** A complete input: a passing evaluation, 3 days of verifications, two changes, exceptions. */
export function anInput(overrides: Partial<EvidenceInput> = {}): EvidenceInput {
  const active = anException();
  const revoked = anException({
    id: 'exc-revoked',
    trailArn: undefined,
    reason: 'Account decommissioning',
    createdAt: daysBefore(20),
    expiresAt: daysBefore(-40),
    revokedAt: daysBefore(5),
    revokedBy: 'user:default/bob',
    revokeReason: 'Decommissioning cancelled',
  });
  return {
    mapping: aMapping(),
    evaluation: anEvaluation(),
    verdictSince: daysBefore(2),
    changes: [
      {
        accountId: ACCOUNT,
        from: 'PASS',
        to: 'FAIL',
        reason: 'TRAIL_FAILED',
        changedAt: daysBefore(3),
      },
      {
        accountId: ACCOUNT,
        from: 'FAIL',
        to: 'PASS',
        changedAt: daysBefore(2),
      },
    ],
    verifications: [
      {
        date: daysBefore(3).slice(0, 10),
        evaluatedAt: daysBefore(3),
        verdict: 'FAIL',
        reason: 'TRAIL_FAILED',
      },
      {
        date: daysBefore(2).slice(0, 10),
        evaluatedAt: daysBefore(2),
        verdict: 'PASS',
      },
      {
        date: daysBefore(1).slice(0, 10),
        evaluatedAt: daysBefore(1),
        verdict: 'PASS',
      },
    ],
    exceptions: [active, revoked],
    exceptionEvents: [
      createdEvent(revoked),
      createdEvent(active),
      {
        exceptionId: revoked.id,
        accountId: ACCOUNT,
        action: 'REVOKED',
        actor: 'user:default/bob',
        at: revoked.revokedAt!,
        details: { reason: 'Decommissioning cancelled' },
      },
    ],
    options: OPTIONS,
    asOf: AS_OF,
    producedAt: PRODUCED_AT,
    producedBy: 'user:default/auditor',
    generator: '@cis-aws/plugin-cis-aws-backend@0.1.0',
    ...overrides,
  };
}
