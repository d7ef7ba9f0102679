import { EVIDENCE_SCHEMA } from '@cis-aws/plugin-cis-aws-common';
import { anApiError } from '../rules/__fixtures__/facts';
import { buildEvidencePacket, verdictSinceFrom } from './buildEvidencePacket';
import {
  ACCOUNT,
  anEvaluation,
  anException,
  anInput,
  daysBefore,
  INLINE_POLICY,
  MANAGED_POLICY,
  MANAGEMENT_ACCOUNT,
  ORG_TRAIL_ARN,
  OWN_TRAIL_ARN,
  ownTrail,
  TRUST_POLICY,
} from './__fixtures__/evidence';

describe('buildEvidencePacket', () => {
  it('states the control with the configured statement and scope, and who produced it when', () => {
    const packet = buildEvidencePacket(anInput());

    expect(packet.schema).toBe(EVIDENCE_SCHEMA);
    expect(packet.control).toEqual({
      framework: 'CIS AWS Foundations Benchmark v1.2',
      id: '2.4',
      title: 'Ensure CloudTrail trails are integrated with CloudWatch Logs',
      securityHubControlId: 'CloudTrail.5',
      statement:
        'ACME-SEC-12: every production AWS account sends CloudTrail to CloudWatch Logs.',
      scope: 'All accounts in the ACME organization, production and staging.',
      maxDeliveryAgeHours: 24,
    });
    expect(packet.asOf).toBe('2026-03-31T12:00:00.000Z');
    expect(packet.produced).toEqual({
      at: '2026-04-02T08:00:00.000Z',
      by: 'user:default/auditor',
      generator: '@cis-aws/plugin-cis-aws-backend@0.1.0',
    });
  });

  it('keeps only the mapping of the account, not whatever else the caller passed along', () => {
    const packet = buildEvidencePacket(
      anInput({
        mapping: {
          ...anInput().mapping,
          verdict: 'PASS',
          stale: false,
        } as never,
      }),
    );
    expect(packet.account).toEqual({
      accountId: ACCOUNT,
      entityRef: 'resource:default/payments-prod',
      title: 'payments-prod',
      ownerRef: 'group:default/payments-team',
      systemRef: 'system:default/payments',
    });
  });

  it('summarises the result with the reason in words, warnings in words, and the inventory', () => {
    const packet = buildEvidencePacket(
      anInput({
        evaluation: anEvaluation({
          verdict: 'FAIL',
          reason: 'TRAIL_FAILED',
          detail: `${OWN_TRAIL_ARN} (NOT_LOGGING)`,
          underlyingVerdict: 'FAIL',
          underlyingReason: 'TRAIL_FAILED',
          warnings: [
            {
              code: 'NO_RETENTION',
              detail: 'CloudTrail/Default keeps logs forever',
              trailArn: OWN_TRAIL_ARN,
            },
          ],
          inventory: {
            ...anEvaluation().inventory,
            regionsFailed: [{ region: 'eu-west-3', errors: [anApiError()] }],
          },
        }),
        verdictSince: daysBefore(3),
      }),
    );

    expect(packet.result).toEqual({
      evaluatedAt: anEvaluation().evaluatedAt,
      verdict: 'FAIL',
      reason: 'TRAIL_FAILED',
      reasonText:
        'A trail is failing: At least one trail of the account does not deliver to CloudWatch Logs correctly.',
      detail: `${OWN_TRAIL_ARN} (NOT_LOGGING)`,
      underlyingVerdict: 'FAIL',
      underlyingReason: 'TRAIL_FAILED',
      warnings: [
        {
          code: 'NO_RETENTION',
          detail: 'Logs kept forever: CloudTrail/Default keeps logs forever',
          trailArn: OWN_TRAIL_ARN,
        },
      ],
      inventory: {
        partition: 'aws',
        regionsScanned: ['us-east-1', 'eu-west-1'],
        regionsSkipped: ['af-south-1'],
        regionsFailed: ['eu-west-3'],
      },
    });
    expect(packet.verdictSince).toBe(daysBefore(3));
  });

  it("shows each trail's configuration, delivery status, log group and the role's documents", () => {
    const packet = buildEvidencePacket(anInput());
    const own = packet.trails.find(trail => trail.arn === OWN_TRAIL_ARN)!;

    expect(own).toMatchObject({
      name: 'main',
      ownerAccountId: ACCOUNT,
      homeRegion: 'us-east-1',
      isMultiRegion: true,
      isOrganizationTrail: false,
      verdict: 'PASS',
      underlyingVerdict: 'PASS',
      cloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:CloudTrail/Default:*`,
      cloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role`,
      deliveryStatus: {
        state: 'READ',
        isLogging: true,
        latestCloudWatchLogsDeliveryTime: daysBefore(0.01),
      },
      logGroup: {
        state: 'FOUND',
        name: 'CloudTrail/Default',
        arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:CloudTrail/Default:*`,
        retentionInDays: 365,
      },
    });
    expect(own.role).toEqual({
      state: 'FOUND',
      arn: `arn:aws:iam::${ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role`,
      trustPolicy: TRUST_POLICY,
      trustsCloudTrail: 'ALLOWED: statement 1 lets CloudTrail assume the role',
      permission: expect.stringMatching(
        /^ALLOWED \(decided by IAM policy simulation\): allowed\. Asked: logs:CreateLogStream, logs:PutLogEvents on arn:aws:logs:/,
      ),
      permissionPolicies: [
        { kind: 'INLINE', name: 'cloudtrail-to-logs', document: INLINE_POLICY },
        {
          kind: 'MANAGED',
          name: 'LogsWriter',
          arn: `arn:aws:iam::${ACCOUNT}:policy/LogsWriter`,
          document: MANAGED_POLICY,
        },
      ],
    });
    expect(own.consoleLinks.trail).toContain(
      'cloudtrailv2/home?region=us-east-1',
    );
    expect(own.consoleLinks.securityHubControl).toContain('CloudTrail.5');
  });

  it('says why the role of a trail has no documents: another account, deleted, or unreadable', () => {
    const packet = buildEvidencePacket(
      anInput({
        evaluation: anEvaluation({
          trails: [
            ownTrail({
              facts: {
                ...ownTrail().facts,
                role: {
                  state: 'FAILED',
                  error: anApiError({
                    operation: 'iam:GetRole',
                    code: 'AccessDenied',
                    message: 'not authorized to perform iam:GetRole',
                  }),
                },
              },
            }),
            {
              ...ownTrail(),
              trailArn: `${OWN_TRAIL_ARN}-2`,
              facts: {
                ...ownTrail().facts,
                role: {
                  state: 'NOT_FOUND',
                  arn: 'arn:aws:iam::111111111111:role/Gone',
                  accountId: ACCOUNT,
                  region: '',
                },
              },
            },
          ],
        }),
      }),
    );
    const org = buildEvidencePacket(anInput()).trails.find(
      trail => trail.arn === ORG_TRAIL_ARN,
    )!;

    expect(packet.trails.map(trail => trail.role)).toEqual([
      {
        state: 'FAILED',
        arn: `arn:aws:iam::${ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role`,
        detail:
          'iam:GetRole failed: AccessDenied: not authorized to perform iam:GetRole',
      },
      {
        state: 'NOT_FOUND',
        arn: 'arn:aws:iam::111111111111:role/Gone',
        detail: 'IAM says the role does not exist (iam:GetRole NoSuchEntity).',
      },
    ]);
    expect(org.role).toEqual({
      state: 'NOT_CHECKED',
      arn: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/org-trail-logs`,
      detail: expect.stringContaining('another account'),
    });
    expect(org.inheritedFrom).toEqual({ accountId: MANAGEMENT_ACCOUNT });
    expect(org.deliveryStatus.state).toBe('HIDDEN');
  });

  it('says when the policy documents were read from IAM (a scheduled run may show an earlier read)', () => {
    const trail = ownTrail();
    const role = trail.facts.role;
    if (role.state !== 'FOUND' || role.permission.state !== 'DECIDED') {
      throw new Error('the fixture trail has a found role with a decision');
    }
    const readAt = daysBefore(0.5);
    const packet = buildEvidencePacket(
      anInput({
        evaluation: anEvaluation({
          trails: [
            {
              ...trail,
              facts: {
                ...trail.facts,
                role: {
                  ...role,
                  permission: { ...role.permission, policiesReadAt: readAt },
                },
              },
            },
          ],
        }),
      }),
    );
    const evidenceRole = packet.trails[0].role;
    expect(evidenceRole.state === 'FOUND' && evidenceRole.permission).toContain(
      `The policy documents below were read from IAM at ${readAt}`,
    );
  });

  it('says when the policy documents could not be read although simulation decided', () => {
    const trail = ownTrail();
    const role = trail.facts.role;
    if (role.state !== 'FOUND' || role.permission.state !== 'DECIDED') {
      throw new Error('the fixture trail has a found role with a decision');
    }
    const packet = buildEvidencePacket(
      anInput({
        evaluation: anEvaluation({
          trails: [
            {
              ...trail,
              facts: {
                ...trail.facts,
                role: {
                  ...role,
                  permission: {
                    ...role.permission,
                    policies: [],
                    documentsError: anApiError({
                      operation: 'iam:ListRolePolicies',
                      code: 'AccessDenied',
                      message: 'no',
                    }),
                  },
                },
              },
            },
          ],
        }),
      }),
    );
    const evidenceRole = packet.trails[0].role;
    expect(evidenceRole.state).toBe('FOUND');
    expect(evidenceRole.state === 'FOUND' && evidenceRole.permission).toMatch(
      /could not be read \(iam:ListRolePolicies AccessDenied\)/,
    );
  });

  it('keeps the history of the period only, oldest first', () => {
    const input = anInput();
    const packet = buildEvidencePacket({
      ...input,
      changes: [
        ...input.changes.slice().reverse(),
        // before the 30-day period, and after asOf
        { accountId: ACCOUNT, to: 'PASS', changedAt: daysBefore(45) },
        {
          accountId: ACCOUNT,
          from: 'PASS',
          to: 'FAIL',
          changedAt: daysBefore(-1),
        },
      ],
      verifications: [
        ...input.verifications,
        { date: '2026-02-01', evaluatedAt: daysBefore(58), verdict: 'PASS' },
      ],
    });

    expect(packet.history.period).toEqual({
      from: '2026-03-01T12:00:00.000Z',
      to: '2026-03-31T12:00:00.000Z',
    });
    expect(packet.history.changes.map(change => change.changedAt)).toEqual([
      daysBefore(3),
      daysBefore(2),
    ]);
    expect(
      packet.history.verifications.map(verification => verification.verdict),
    ).toEqual(['FAIL', 'PASS', 'PASS']);
  });

  it('lists the exceptions created by asOf, those in force at asOf, and their audit trail up to then', () => {
    const later = anException({
      id: 'exc-later',
      createdAt: daysBefore(-1),
      expiresAt: daysBefore(-30),
    });
    const input = anInput();
    const packet = buildEvidencePacket({
      ...input,
      exceptions: [...input.exceptions, later],
      exceptionEvents: [
        ...input.exceptionEvents,
        {
          exceptionId: later.id,
          accountId: ACCOUNT,
          action: 'CREATED',
          actor: 'user:default/alice',
          at: later.createdAt,
          details: {},
        },
      ],
    });

    expect(packet.exceptions.map(exception => exception.id)).toEqual([
      'exc-revoked',
      'exc-active',
    ]);
    expect(packet.activeExceptions.map(exception => exception.id)).toEqual([
      'exc-active',
    ]);
    expect(
      packet.exceptionEvents.map(
        event => `${event.action} ${event.exceptionId}`,
      ),
    ).toEqual([
      'CREATED exc-revoked',
      'CREATED exc-active',
      'REVOKED exc-revoked',
    ]);
  });

  it('shows an exception as it stood at asOf: a later revocation is not part of it yet', () => {
    const revokedLater = anException({
      revokedAt: daysBefore(-2),
      revokedBy: 'user:default/bob',
      revokeReason: 'no longer needed',
    });
    const packet = buildEvidencePacket(
      anInput({
        exceptions: [revokedLater],
        exceptionEvents: [
          createdEventOf(revokedLater),
          {
            exceptionId: revokedLater.id,
            accountId: ACCOUNT,
            action: 'REVOKED',
            actor: 'user:default/bob',
            at: daysBefore(-2),
            details: { reason: 'no longer needed' },
          },
        ],
      }),
    );

    expect(packet.activeExceptions).toHaveLength(1);
    expect(packet.exceptions[0].revokedAt).toBeUndefined();
    expect(packet.exceptions[0].revokedBy).toBeUndefined();
    expect(packet.exceptionEvents.map(event => event.action)).toEqual([
      'CREATED',
    ]);
  });

  it('shows a request approved after asOf as pending then, and not in force', () => {
    const approvedLater = anException({
      state: 'APPROVED',
      approvedBy: 'user:default/ciso',
      approvedAt: daysBefore(-1),
      decisionComment: 'ok',
    });
    const packet = buildEvidencePacket(
      anInput({ exceptions: [approvedLater], exceptionEvents: [] }),
    );
    expect(packet.activeExceptions).toEqual([]);
    expect(packet.exceptions[0]).toMatchObject({ state: 'PENDING' });
    expect(packet.exceptions[0].approvedBy).toBeUndefined();
    expect(packet.exceptions[0].decisionComment).toBeUndefined();
  });

  it('without an evaluation by asOf, carries no result and no trails but still the history', () => {
    const packet = buildEvidencePacket(
      anInput({ evaluation: undefined, verdictSince: daysBefore(2) }),
    );
    expect(packet.result).toBeUndefined();
    expect(packet.verdictSince).toBeUndefined();
    expect(packet.trails).toEqual([]);
    expect(packet.securityHub).toBeUndefined();
    expect(packet.history.verifications).toHaveLength(3);
  });

  it("carries Security Hub's opinion of the evaluation", () => {
    const packet = buildEvidencePacket(anInput());
    expect(packet.securityHub).toMatchObject({
      status: 'PASS',
      agrees: true,
      findings: [
        { findingId: 'finding-own-trail', complianceStatus: 'PASSED' },
      ],
    });
  });

  it('is plain JSON: it survives serialization unchanged', () => {
    const packet = buildEvidencePacket(anInput());
    expect(JSON.parse(JSON.stringify(packet))).toEqual(packet);
  });
});

function createdEventOf(exception: ReturnType<typeof anException>) {
  return {
    exceptionId: exception.id,
    accountId: exception.accountId,
    action: 'CREATED' as const,
    actor: 'user:default/alice',
    at: exception.createdAt,
    details: {},
  };
}

describe('verdictSinceFrom', () => {
  it("is the time of the account's latest change when it was to the verdict shown", () => {
    expect(
      verdictSinceFrom(
        [
          { accountId: ACCOUNT, to: 'FAIL', changedAt: daysBefore(9) },
          {
            accountId: ACCOUNT,
            from: 'FAIL',
            to: 'PASS',
            changedAt: daysBefore(4),
          },
          {
            accountId: ACCOUNT,
            trailArn: OWN_TRAIL_ARN,
            from: 'PASS',
            to: 'FAIL',
            changedAt: daysBefore(1),
          },
        ],
        'PASS',
      ),
    ).toBe(daysBefore(4));
  });

  it('is unknown when history holds no change to that verdict', () => {
    expect(verdictSinceFrom([], 'PASS')).toBeUndefined();
    expect(
      verdictSinceFrom(
        [{ accountId: ACCOUNT, to: 'FAIL', changedAt: daysBefore(9) }],
        'PASS',
      ),
    ).toBeUndefined();
  });

  it('skips changes of reason under the same verdict', () => {
    expect(
      verdictSinceFrom(
        [
          {
            accountId: ACCOUNT,
            from: 'PASS',
            to: 'FAIL',
            reason: 'TRAIL_FAILED',
            changedAt: daysBefore(9),
          },
          {
            accountId: ACCOUNT,
            from: 'FAIL',
            to: 'FAIL',
            reason: 'NO_TRAILS',
            changedAt: daysBefore(4),
          },
        ],
        'FAIL',
      ),
    ).toBe(daysBefore(9));
  });

  it('is unknown when only a change of reason is left (the one that brought the verdict was pruned)', () => {
    expect(
      verdictSinceFrom(
        [
          {
            accountId: ACCOUNT,
            from: 'FAIL',
            to: 'FAIL',
            changedAt: daysBefore(4),
          },
        ],
        'FAIL',
      ),
    ).toBeUndefined();
  });

  it('does not depend on the order of the changes', () => {
    expect(
      verdictSinceFrom(
        [
          {
            accountId: ACCOUNT,
            from: 'FAIL',
            to: 'PASS',
            changedAt: daysBefore(4),
          },
          { accountId: ACCOUNT, to: 'FAIL', changedAt: daysBefore(9) },
        ],
        'PASS',
      ),
    ).toBe(daysBefore(4));
  });
});
