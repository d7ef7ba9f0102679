import { analyzeTrustPolicy } from './trustPolicy';

type Statement = Record<string, unknown>;
const policy = (...statements: Statement[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });
const trust = (...statements: Statement[]) =>
  analyzeTrustPolicy(policy(...statements));
const cloudTrailMay = (extra: Statement = {}) => ({
  Effect: 'Allow',
  Principal: { Service: 'cloudtrail.amazonaws.com' },
  Action: 'sts:AssumeRole',
  ...extra,
});

describe('analyzeTrustPolicy', () => {
  it('a trust policy letting cloudtrail.amazonaws.com assume the role is ALLOWED', () => {
    expect(trust(cloudTrailMay())).toMatchObject({
      allowsCloudTrail: 'ALLOWED',
      hasSourceConditions: false,
    });
  });

  it('a Service principal list and a URL-encoded document work', () => {
    const document = policy(
      cloudTrailMay({
        Principal: {
          Service: ['ec2.amazonaws.com', 'cloudtrail.amazonaws.com'],
        },
        Action: ['sts:AssumeRole'],
      }),
    );
    expect(
      analyzeTrustPolicy(encodeURIComponent(document)).allowsCloudTrail,
    ).toBe('ALLOWED');
  });

  it('a wildcard action covers sts:AssumeRole', () => {
    expect(trust(cloudTrailMay({ Action: 'sts:*' })).allowsCloudTrail).toBe(
      'ALLOWED',
    );
  });

  it('a trust policy for another service only is DENIED', () => {
    expect(
      trust(cloudTrailMay({ Principal: { Service: 'ec2.amazonaws.com' } }))
        .allowsCloudTrail,
    ).toBe('DENIED');
  });

  it('another action than sts:AssumeRole is DENIED', () => {
    expect(
      trust(cloudTrailMay({ Action: 'sts:AssumeRoleWithWebIdentity' }))
        .allowsCloudTrail,
    ).toBe('DENIED');
  });

  it('a Deny for CloudTrail wins', () => {
    const result = trust(cloudTrailMay(), {
      Effect: 'Deny',
      Principal: { Service: ['cloudtrail.amazonaws.com'] },
      Action: 'sts:AssumeRole',
      Sid: 'Nope',
    });
    expect(result.allowsCloudTrail).toBe('DENIED');
    expect(result.details).toContain('Nope');
  });

  it('aws:SourceArn / aws:SourceAccount conditions are flagged but do not decide', () => {
    const result = trust(
      cloudTrailMay({
        Condition: {
          StringEquals: { 'aws:SourceAccount': '111111111111' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:*' },
        },
      }),
    );
    expect(result).toMatchObject({
      allowsCloudTrail: 'ALLOWED',
      hasSourceConditions: true,
    });
  });

  it('another condition on the only allowing statement is UNDETERMINED', () => {
    const result = trust(
      cloudTrailMay({
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
      }),
    );
    expect(result.allowsCloudTrail).toBe('UNDETERMINED');
    expect(result.details).toContain('aws:PrincipalOrgID');
  });

  it('a document that is not understood is UNDETERMINED', () => {
    expect(
      analyzeTrustPolicy('{"Statement":[{"Effect":"Maybe"}]}').allowsCloudTrail,
    ).toBe('UNDETERMINED');
  });
});
