import type { Verdict } from '@cis-aws/plugin-cis-aws-common';
import { evaluateAccount } from './evaluateAccount';
import { evaluateTrail } from './evaluateTrail';
import {
  indexFindingsByAccount,
  mapComplianceStatus,
  securityHubOpinion,
  selectCloudTrail5Findings,
  trailSecurityHubOpinion,
  withSecurityHubOpinion,
  type SecurityHubFindingInput,
} from './securityHub';
import {
  ACCOUNT,
  NOW,
  aContext,
  aHealthyTrail,
  aReadStatus,
  anAccount,
  trailArn,
} from './__fixtures__/facts';

function aFinding(
  overrides: Partial<SecurityHubFindingInput> = {},
): SecurityHubFindingInput {
  return {
    Id: 'finding-1',
    AwsAccountId: ACCOUNT,
    GeneratorId: 'security-control/CloudTrail.5',
    UpdatedAt: '2024-06-01T10:00:00.000Z',
    RecordState: 'ACTIVE',
    Compliance: { Status: 'PASSED', SecurityControlId: 'CloudTrail.5' },
    Resources: [
      { Type: 'AwsCloudTrailTrail', Id: trailArn('main'), Region: 'us-east-1' },
    ],
    ...overrides,
  };
}

const passingAccount = () =>
  evaluateAccount(
    anAccount(),
    [evaluateTrail(aHealthyTrail(), aContext())],
    [],
    NOW,
  );

describe('Security Hub, a second opinion', () => {
  it.each([
    ['PASSED', 'PASS'],
    ['FAILED', 'FAIL'],
    ['WARNING', 'UNKNOWN'],
    ['NOT_AVAILABLE', 'UNKNOWN'],
    [undefined, 'UNKNOWN'],
  ])('maps compliance status %s to %s', (status, expected) => {
    expect(mapComplianceStatus(status)).toBe(expected);
  });

  it('selects CloudTrail.5 findings by SecurityControlId and ignores other controls', () => {
    const other = aFinding({
      Id: 'other',
      Compliance: { Status: 'FAILED', SecurityControlId: 'CloudTrail.1' },
      GeneratorId: 'security-control/CloudTrail.1',
    });
    expect(
      selectCloudTrail5Findings([aFinding(), other]).map(f => [
        f.findingId,
        f.matchedBy,
      ]),
    ).toEqual([['finding-1', 'SECURITY_CONTROL_ID']]);
  });

  it.each([
    'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/2.4',
    'security-control/CloudTrail.5',
  ])(
    'falls back to GeneratorId %s where SecurityControlId is absent (GovCloud, China)',
    generatorId => {
      const finding = aFinding({
        GeneratorId: generatorId,
        Compliance: { Status: 'FAILED' },
      });
      expect(selectCloudTrail5Findings([finding])).toEqual([
        expect.objectContaining({ matchedBy: 'GENERATOR_ID', status: 'FAIL' }),
      ]);
    },
  );

  it('ignores findings that are not ACTIVE', () => {
    expect(
      selectCloudTrail5Findings([aFinding({ RecordState: 'ARCHIVED' })]),
    ).toEqual([]);
  });

  it('de-duplicates by account and trail: the newest UpdatedAt wins whatever the order', () => {
    const older = aFinding({
      Id: 'older',
      UpdatedAt: '2024-05-30T00:00:00Z',
      Compliance: { Status: 'PASSED', SecurityControlId: 'CloudTrail.5' },
    });
    const newer = aFinding({
      Id: 'newer',
      UpdatedAt: '2024-06-01T00:00:00Z',
      Compliance: { Status: 'FAILED', SecurityControlId: 'CloudTrail.5' },
    });
    expect(
      selectCloudTrail5Findings([newer, older]).map(f => f.findingId),
    ).toEqual(['newer']);
    expect(
      selectCloudTrail5Findings([older, newer]).map(f => f.findingId),
    ).toEqual(['newer']);
  });

  it('keeps one finding per trail and per account', () => {
    const otherTrail = aFinding({
      Id: 'b',
      Resources: [{ Type: 'AwsCloudTrailTrail', Id: trailArn('b') }],
    });
    const otherAccount = aFinding({ Id: 'c', AwsAccountId: '222222222222' });
    expect(
      selectCloudTrail5Findings([aFinding(), otherTrail, otherAccount]),
    ).toHaveLength(3);
  });

  it('agrees when Security Hub and our verdict are both PASS', () => {
    const opinion = securityHubOpinion(
      passingAccount(),
      selectCloudTrail5Findings([aFinding()]),
    );
    expect(opinion).toMatchObject({ status: 'PASS', agrees: true });
  });

  it('disagrees, without changing our verdict, when Security Hub passes a trail that fails here', () => {
    const stopped = aHealthyTrail({
      status: aReadStatus({ isLogging: false }),
    });
    const failing = evaluateAccount(
      anAccount({ trails: [stopped] }),
      [evaluateTrail(stopped, aContext())],
      [],
      NOW,
    );
    const result = withSecurityHubOpinion(
      failing,
      selectCloudTrail5Findings([aFinding()]),
    );
    expect(result).toMatchObject({
      verdict: 'FAIL',
      securityHub: { status: 'PASS', agrees: false },
    });
    expect({ ...result, securityHub: undefined }).toEqual({
      ...failing,
      securityHub: undefined,
    });
  });

  it('has no agreement to report when Security Hub is UNKNOWN or has no finding', () => {
    expect(securityHubOpinion(passingAccount(), []).agrees).toBeNull();
    const warning = aFinding({
      Compliance: { Status: 'WARNING', SecurityControlId: 'CloudTrail.5' },
    });
    expect(
      securityHubOpinion(
        passingAccount(),
        selectCloudTrail5Findings([warning]),
      ),
    ).toMatchObject({ status: 'UNKNOWN', agrees: null });
  });

  it('compares with our verdict without exceptions: Security Hub knows nothing of them', () => {
    const exempt = {
      ...passingAccount(),
      verdict: 'EXEMPT' as const,
      underlyingVerdict: 'FAIL' as const,
    };
    const failed = aFinding({
      Compliance: { Status: 'FAILED', SecurityControlId: 'CloudTrail.5' },
    });
    expect(
      securityHubOpinion(exempt, selectCloudTrail5Findings([failed])).agrees,
    ).toBe(true);
  });

  it('ignores, but keeps, findings about a trail the account no longer has', () => {
    const deleted = aFinding({
      Id: 'deleted',
      Compliance: { Status: 'FAILED', SecurityControlId: 'CloudTrail.5' },
      Resources: [{ Type: 'AwsCloudTrailTrail', Id: trailArn('deleted') }],
    });
    const opinion = securityHubOpinion(
      passingAccount(),
      selectCloudTrail5Findings([aFinding(), deleted]),
    );
    expect(opinion).toMatchObject({ status: 'PASS', agrees: true });
    expect(opinion.ignoredFindings.map(f => f.findingId)).toEqual(['deleted']);
  });
});

describe('Security Hub findings indexed by account, once per run', () => {
  const OTHER = '222222222222';
  const findings = selectCloudTrail5Findings([
    aFinding({ Id: 'mine' }),
    aFinding({ Id: 'theirs', AwsAccountId: OTHER }),
    aFinding({
      Id: 'mine-deleted',
      Resources: [{ Type: 'AwsCloudTrailTrail', Id: trailArn('deleted') }],
    }),
  ]);
  const index = indexFindingsByAccount(findings);

  it("gives each account its own findings and nobody else's", () => {
    expect(index.of(ACCOUNT).map(f => f.findingId)).toEqual([
      'mine',
      'mine-deleted',
    ]);
    expect(index.of(OTHER).map(f => f.findingId)).toEqual(['theirs']);
    expect(index.of('333333333333')).toEqual([]);
    expect(index.size).toBe(3);
  });

  it("gives the same opinion as all of the organization's findings", () => {
    expect(securityHubOpinion(passingAccount(), index.of(ACCOUNT))).toEqual(
      securityHubOpinion(passingAccount(), findings),
    );
  });
});

describe("Security Hub's opinion on one trail", () => {
  const findingWith = (status: string, arn = trailArn('main')) =>
    selectCloudTrail5Findings([
      aFinding({
        Id: `finding-${arn}`,
        Compliance: { Status: status, SecurityControlId: 'CloudTrail.5' },
        Resources: [{ Type: 'AwsCloudTrailTrail', Id: arn }],
      }),
    ]);
  const aTrail = (underlyingVerdict: Verdict) => ({
    trailArn: trailArn('main'),
    underlyingVerdict,
  });

  it.each([
    ['PASSED', 'PASS', true],
    ['FAILED', 'FAIL', true],
    ['PASSED', 'FAIL', false],
    ['FAILED', 'PASS', false],
  ] as const)(
    'a %s finding about a trail whose verdict is %s: agrees %s',
    (status, ours, agrees) => {
      expect(
        trailSecurityHubOpinion(aTrail(ours), findingWith(status)),
      ).toMatchObject({
        status: status === 'PASSED' ? 'PASS' : 'FAIL',
        comparedWith: ours,
        agrees,
      });
    },
  );

  it("takes the finding about this trail, not another trail's", () => {
    const findings = [
      ...findingWith('FAILED', trailArn('other')),
      ...findingWith('PASSED'),
    ];
    const opinion = trailSecurityHubOpinion(aTrail('PASS'), findings);
    expect(opinion).toMatchObject({ status: 'PASS', agrees: true });
    expect(opinion.finding?.trailArn).toBe(trailArn('main'));
  });

  it('is UNKNOWN, not comparable and without a finding when Security Hub has none for the trail', () => {
    expect(
      trailSecurityHubOpinion(
        aTrail('PASS'),
        findingWith('PASSED', trailArn('other')),
      ),
    ).toEqual({ status: 'UNKNOWN', comparedWith: 'PASS', agrees: null });
  });

  it.each(['WARNING', 'NOT_AVAILABLE'])(
    'cannot compare a %s finding',
    status => {
      expect(
        trailSecurityHubOpinion(aTrail('FAIL'), findingWith(status)),
      ).toMatchObject({ status: 'UNKNOWN', agrees: null });
    },
  );

  it.each(['ERROR', 'UNKNOWN'] as const)(
    'cannot compare with our %s: we did not decide',
    ours => {
      expect(
        trailSecurityHubOpinion(aTrail(ours), findingWith('FAILED')),
      ).toMatchObject({ status: 'FAIL', comparedWith: ours, agrees: null });
    },
  );

  it('compares an exempt trail by its underlying verdict: Security Hub knows nothing of exceptions', () => {
    const exempt = { ...aTrail('FAIL'), verdict: 'EXEMPT' as const };
    expect(
      trailSecurityHubOpinion(exempt, findingWith('FAILED')),
    ).toMatchObject({
      status: 'FAIL',
      comparedWith: 'FAIL',
      agrees: true,
    });
  });
});
