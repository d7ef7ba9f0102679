import { permissionFromSimulation } from './permissionSimulation';

const STREAMS =
  'arn:aws:logs:us-east-1:111111111111:log-group:CloudTrail/Default:log-stream:111111111111_CloudTrail_us-east-1*';

describe('permissionFromSimulation (iam:SimulatePrincipalPolicy)', () => {
  const result = (
    EvalActionName: string,
    EvalDecision: string,
    MissingContextValues: string[] = [],
  ) => ({
    EvalActionName,
    EvalResourceName: STREAMS,
    EvalDecision,
    MissingContextValues,
  });

  it('every action allowed is ALLOWED', () => {
    expect(
      permissionFromSimulation([
        result('logs:CreateLogStream', 'allowed'),
        result('logs:PutLogEvents', 'allowed'),
      ]).decision,
    ).toBe('ALLOWED');
  });

  it.each(['implicitDeny', 'explicitDeny'])('one %s is DENIED', decision => {
    expect(
      permissionFromSimulation([
        result('logs:CreateLogStream', 'allowed'),
        result('logs:PutLogEvents', decision),
      ]).decision,
    ).toBe('DENIED');
  });

  it('a denial reached with missing context values is UNDETERMINED', () => {
    expect(
      permissionFromSimulation([
        result('logs:PutLogEvents', 'implicitDeny', ['aws:SourceVpc']),
      ]).decision,
    ).toBe('UNDETERMINED');
  });

  it('no result at all is UNDETERMINED', () => {
    expect(permissionFromSimulation([]).decision).toBe('UNDETERMINED');
  });
});
