import { PolicyDocument } from '../world/schema';
import { evaluate, wildcardMatch } from './policyEvaluator';

const doc = (...Statement: PolicyDocument['Statement']): PolicyDocument => ({
  Version: '2012-10-17',
  Statement,
});

describe('policyEvaluator', () => {
  it('matches * and ? wildcards, actions case-insensitively and resources case-sensitively', () => {
    expect(wildcardMatch('logs:Put*', 'LOGS:putlogevents', true)).toBe(true);
    expect(wildcardMatch('logs:?utLogEvents', 'logs:PutLogEvents', true)).toBe(
      true,
    );
    expect(
      wildcardMatch('logs:?utLogEvents', 'logs:OutputLogEvents', true),
    ).toBe(false);
    expect(
      wildcardMatch(
        'arn:aws:logs:*:1:log-group:A:*',
        'arn:aws:logs:us-east-1:1:log-group:A:log-stream:x',
        false,
      ),
    ).toBe(true);
    expect(
      wildcardMatch(
        'arn:aws:logs:*:1:log-group:A:*',
        'arn:aws:logs:us-east-1:1:log-group:a:log-stream:x',
        false,
      ),
    ).toBe(false);
    expect(wildcardMatch('a.b(c)', 'a.b(c)', false)).toBe(true);
    expect(wildcardMatch('a.b', 'axb', false)).toBe(false);
  });

  it('allows what an Allow statement covers and implicitly denies the rest', () => {
    const policies = [
      {
        id: 'p',
        type: 'role' as const,
        document: doc({
          Effect: 'Allow',
          Action: 'logs:CreateLogStream',
          Resource: '*',
        }),
      },
    ];
    expect(evaluate(policies, 'logs:CreateLogStream', 'arn:x').decision).toBe(
      'allowed',
    );
    expect(evaluate(policies, 'logs:PutLogEvents', 'arn:x').decision).toBe(
      'implicitDeny',
    );
  });

  it('lets an explicit Deny win over any Allow, across policies', () => {
    const policies = [
      {
        id: 'allow',
        type: 'aws-managed' as const,
        document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
      },
      {
        id: 'deny',
        type: 'role' as const,
        document: doc({
          Effect: 'Deny',
          Action: 'logs:Put*',
          Resource: 'arn:aws:logs:*',
        }),
      },
    ];
    const result = evaluate(
      policies,
      'logs:PutLogEvents',
      'arn:aws:logs:us-east-1:1:log-group:g',
    );
    expect(result.decision).toBe('explicitDeny');
    expect(result.matchedStatements).toEqual([
      { SourcePolicyId: 'deny', SourcePolicyType: 'role' },
    ]);
    expect(
      evaluate(
        policies,
        'logs:CreateLogStream',
        'arn:aws:logs:us-east-1:1:log-group:g',
      ).decision,
    ).toBe('allowed');
  });

  it('honours NotAction and NotResource', () => {
    const policies = [
      {
        id: 'p',
        type: 'role' as const,
        document: doc({
          Effect: 'Allow',
          NotAction: 'iam:*',
          NotResource: 'arn:secret:*',
        }),
      },
    ];
    expect(
      evaluate(policies, 'logs:PutLogEvents', 'arn:public:1').decision,
    ).toBe('allowed');
    expect(evaluate(policies, 'iam:PassRole', 'arn:public:1').decision).toBe(
      'implicitDeny',
    );
    expect(
      evaluate(policies, 'logs:PutLogEvents', 'arn:secret:1').decision,
    ).toBe('implicitDeny');
  });

  it('treats a * in the requested resource as a literal character', () => {
    const policies = [
      {
        id: 'p',
        type: 'role' as const,
        document: doc({
          Effect: 'Allow',
          Action: 'logs:*',
          Resource: 'arn:aws:logs:r:1:log-group:g:log-stream:*',
        }),
      },
    ];
    expect(
      evaluate(policies, 'logs:PutLogEvents', 'arn:aws:logs:r:1:log-group:g:*')
        .decision,
    ).toBe('implicitDeny');
    expect(
      evaluate(
        policies,
        'logs:PutLogEvents',
        'arn:aws:logs:r:1:log-group:g:log-stream:*',
      ).decision,
    ).toBe('allowed');
  });
});
