import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { RunningSimulator } from '../index';
import { clients, errorOf, start, world } from '../__testUtils__/harness';

// Over HTTP to a real server: a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers, never on clocks.
jest.setTimeout(60_000);

const ACCOUNT = '111111111111';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/service-role/Delivery`;
const GROUP = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:trail-logs`;
const trustDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    },
  ],
};
const inlineDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Streams',
      Effect: 'Allow',
      Action: 'logs:CreateLogStream',
      Resource: `${GROUP}:log-stream:*`,
    },
  ],
};

describe('IAM', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start(
      world({
        awsManagedPolicies: [
          {
            name: 'CloudWatchLogsReadOnlyAccess',
            document: {
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['logs:Describe*', 'logs:Get*'],
                  Resource: '*',
                },
              ],
            },
          },
        ],
        accounts: [
          {
            id: ACCOUNT,
            managedPolicies: [
              {
                name: 'PutEvents',
                path: '/delivery/',
                document: {
                  Statement: [
                    {
                      Effect: 'Allow',
                      Action: 'logs:Put?ogEvents',
                      Resource: `arn:aws:logs:*:\${AccountId}:log-group:*`,
                    },
                    {
                      Effect: 'Deny',
                      Action: 'logs:*',
                      Resource: `arn:aws:logs:*:\${AccountId}:log-group:forbidden*`,
                    },
                  ],
                },
              },
            ],
            roles: [
              {
                name: 'Delivery',
                path: '/service-role/',
                assumeRolePolicyDocument: trustDocument,
                inlinePolicies: { streams: inlineDocument },
                attachedPolicies: ['PutEvents', 'CloudWatchLogsReadOnlyAccess'],
              },
            ],
          },
        ],
      }),
    );
  });
  afterAll(() => sim.close());

  it('GetRole returns the role with its trust policy URL-encoded, decoding back to the world document', async () => {
    const { iam } = clients(sim);
    const { Role } = await iam.send(
      new GetRoleCommand({ RoleName: 'Delivery' }),
    );
    expect(Role!.Arn).toBe(ROLE_ARN);
    expect(Role!.Path).toBe('/service-role/');
    expect(Role!.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect(Role!.CreateDate).toBeInstanceOf(Date);
    expect(Role!.AssumeRolePolicyDocument).toMatch(/^%7B%22Version%22/);
    expect(
      JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!)),
    ).toEqual(trustDocument);
  });

  it('GetRole on a missing role answers NoSuchEntity (404)', async () => {
    const { iam } = clients(sim);
    const error = await errorOf(() =>
      iam.send(new GetRoleCommand({ RoleName: 'Nope' })),
    );
    expect(error.name).toBe('NoSuchEntityException');
    expect(error.message).toBe('The role with name Nope cannot be found.');
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });

  it('lists and returns inline policies, documents URL-encoded', async () => {
    const { iam } = clients(sim);
    const list = await iam.send(
      new ListRolePoliciesCommand({ RoleName: 'Delivery' }),
    );
    expect(list.PolicyNames).toEqual(['streams']);
    expect(list.IsTruncated).toBe(false);
    const got = await iam.send(
      new GetRolePolicyCommand({ RoleName: 'Delivery', PolicyName: 'streams' }),
    );
    expect(got.RoleName).toBe('Delivery');
    expect(JSON.parse(decodeURIComponent(got.PolicyDocument!))).toEqual(
      inlineDocument,
    );
    const missing = await errorOf(() =>
      iam.send(
        new GetRolePolicyCommand({ RoleName: 'Delivery', PolicyName: 'other' }),
      ),
    );
    expect(missing.name).toBe('NoSuchEntityException');
  });

  it('lists attached managed policies (customer and AWS managed) and pages with Marker', async () => {
    const { iam } = clients(sim);
    const all = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: 'Delivery' }),
    );
    expect(all.AttachedPolicies).toEqual([
      {
        PolicyName: 'PutEvents',
        PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/delivery/PutEvents`,
      },
      {
        PolicyName: 'CloudWatchLogsReadOnlyAccess',
        PolicyArn: 'arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess',
      },
    ]);
    const first = await iam.send(
      new ListAttachedRolePoliciesCommand({
        RoleName: 'Delivery',
        MaxItems: 1,
      }),
    );
    expect(first.IsTruncated).toBe(true);
    const second = await iam.send(
      new ListAttachedRolePoliciesCommand({
        RoleName: 'Delivery',
        MaxItems: 1,
        Marker: first.Marker,
      }),
    );
    expect(second.IsTruncated).toBe(false);
    expect(second.AttachedPolicies![0].PolicyName).toBe(
      'CloudWatchLogsReadOnlyAccess',
    );
    const filtered = await iam.send(
      new ListAttachedRolePoliciesCommand({
        RoleName: 'Delivery',
        PathPrefix: '/delivery/',
      }),
    );
    expect(filtered.AttachedPolicies!.map(p => p.PolicyName)).toEqual([
      'PutEvents',
    ]);
  });

  it('GetPolicy and GetPolicyVersion return managed policies with the default version document URL-encoded', async () => {
    const { iam } = clients(sim);
    const arn = 'arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess';
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    expect(Policy).toMatchObject({
      PolicyName: 'CloudWatchLogsReadOnlyAccess',
      DefaultVersionId: 'v1',
      AttachmentCount: 1,
      IsAttachable: true,
    });
    const { PolicyVersion } = await iam.send(
      new GetPolicyVersionCommand({
        PolicyArn: arn,
        VersionId: Policy!.DefaultVersionId,
      }),
    );
    expect(PolicyVersion!.IsDefaultVersion).toBe(true);
    expect(
      JSON.parse(decodeURIComponent(PolicyVersion!.Document!)).Statement[0]
        .Action,
    ).toEqual(['logs:Describe*', 'logs:Get*']);
    const noVersion = await errorOf(() =>
      iam.send(
        new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v9' }),
      ),
    );
    expect(noVersion.name).toBe('NoSuchEntityException');
    const noPolicy = await errorOf(() =>
      iam.send(
        new GetPolicyCommand({
          PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/Gone`,
        }),
      ),
    );
    expect(noPolicy.name).toBe('NoSuchEntityException');
  });

  it('SimulatePrincipalPolicy decides allowed / implicitDeny / explicitDeny per action and resource, with wildcards', async () => {
    const { iam } = clients(sim);
    const out = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: ROLE_ARN,
        ActionNames: [
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'logs:DeleteLogGroup',
        ],
        ResourceArns: [
          `${GROUP}:log-stream:123_CloudTrail_us-east-1`,
          `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:forbidden-group:log-stream:x`,
        ],
      }),
    );
    const decision = (action: string, resource: string) =>
      out.EvaluationResults!.find(
        r =>
          r.EvalActionName === action && r.EvalResourceName!.includes(resource),
      )!.EvalDecision;
    expect(out.EvaluationResults).toHaveLength(6);
    expect(decision('logs:CreateLogStream', 'trail-logs')).toBe('allowed');
    expect(decision('logs:PutLogEvents', 'trail-logs')).toBe('allowed');
    expect(decision('logs:DeleteLogGroup', 'trail-logs')).toBe('implicitDeny');
    expect(decision('logs:CreateLogStream', 'forbidden')).toBe('explicitDeny');
    expect(decision('logs:PutLogEvents', 'forbidden')).toBe('explicitDeny');
    const allowed = out.EvaluationResults!.find(
      r =>
        r.EvalActionName === 'logs:CreateLogStream' &&
        r.EvalDecision === 'allowed',
    )!;
    expect(allowed.MatchedStatements).toEqual([
      { SourcePolicyId: 'streams', SourcePolicyType: 'role' },
    ]);
  });

  it('SimulatePrincipalPolicy matches action names case-insensitively and defaults the resource to *', async () => {
    const { iam } = clients(sim);
    const out = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: ROLE_ARN,
        ActionNames: ['LOGS:describeLogGroups', 'logs:CreateLogStream'],
      }),
    );
    expect(
      out.EvaluationResults!.map(r => [
        r.EvalActionName,
        r.EvalResourceName,
        r.EvalDecision,
      ]),
    ).toEqual([
      ['LOGS:describeLogGroups', '*', 'allowed'],
      ['logs:CreateLogStream', '*', 'implicitDeny'],
    ]);
  });

  it('SimulatePrincipalPolicy on an unknown role answers NoSuchEntity', async () => {
    const { iam } = clients(sim);
    const error = await errorOf(() =>
      iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/Missing`,
          ActionNames: ['s3:GetObject'],
        }),
      ),
    );
    expect(error.name).toBe('NoSuchEntityException');
  });

  it('answers from any signing region (IAM is global)', async () => {
    const { iam } = clients(sim, { region: 'eu-west-1' });
    const { Role } = await iam.send(
      new GetRoleCommand({ RoleName: 'delivery' }),
    );
    expect(Role!.RoleName).toBe('Delivery');
  });
});
