import {
  analyzeLogDeliveryPermission,
  cloudTrailLogStreamResources,
  cloudTrailStreamNamePrefixes,
  type LogDeliveryTarget,
} from './iamPolicy';

const GROUP =
  'arn:aws:logs:us-east-1:111111111111:log-group:CloudTrail/Default';
const STREAMS = `${GROUP}:log-stream:111111111111_CloudTrail_us-east-1*`;
const target: LogDeliveryTarget = {
  logGroupArn: `${GROUP}:*`,
  streamNamePrefixes: ['111111111111_CloudTrail_us-east-1'],
};

type Statement = Record<string, unknown>;
const policy = (...statements: Statement[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (Action: unknown, Resource: unknown, extra: Statement = {}) => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...extra,
});
const deny = (Action: unknown, Resource: unknown, extra: Statement = {}) => ({
  Effect: 'Deny',
  Action,
  Resource,
  ...extra,
});
const decide = (...documents: string[]) =>
  analyzeLogDeliveryPermission(
    documents.map((document, i) => ({ name: `policy${i + 1}`, document })),
    target,
  );

/** The role policy AWS writes when CloudTrail's console creates the role. */
const AWS_DEFAULT = policy(
  allow(['logs:CreateLogStream'], [STREAMS], {
    Sid: 'AWSCloudTrailCreateLogStream2014110',
  }),
  allow(['logs:PutLogEvents'], [STREAMS], {
    Sid: 'AWSCloudTrailPutLogEvents20141101',
  }),
);

describe('analyzeLogDeliveryPermission (static analysis of the role policies)', () => {
  it('the role policy AWS creates for CloudTrail is ALLOWED', () => {
    expect(decide(AWS_DEFAULT)).toMatchObject({
      decision: 'ALLOWED',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [STREAMS],
    });
  });

  it("IAM's URL-encoded documents are decoded", () => {
    expect(decide(encodeURIComponent(AWS_DEFAULT)).decision).toBe('ALLOWED');
  });

  it('a single-string Action and Resource work like lists', () => {
    expect(
      decide(
        policy(
          allow('logs:CreateLogStream', STREAMS),
          allow('logs:PutLogEvents', STREAMS),
        ),
      ).decision,
    ).toBe('ALLOWED');
  });

  it('a * wildcard in actions and resources covers the streams', () => {
    expect(decide(policy(allow('logs:*', '*'))).decision).toBe('ALLOWED');
    expect(
      decide(policy(allow(['logs:Create*', 'logs:Put*'], `${GROUP}:*`)))
        .decision,
    ).toBe('ALLOWED');
  });

  it('a ? wildcard matches exactly one character', () => {
    expect(
      decide(
        policy(
          allow(
            ['logs:CreateLogStrea?', 'logs:PutLog?vents'],
            'arn:aws:logs:us-east-?:111111111111:log-group:*',
          ),
        ),
      ).decision,
    ).toBe('ALLOWED');
    expect(
      decide(policy(allow(['logs:CreateLogStream?', 'logs:PutLogEvents'], '*')))
        .decision,
    ).toBe('DENIED');
  });

  it('actions compare case-insensitively', () => {
    expect(
      decide(
        policy(allow(['LOGS:createlogstream', 'Logs:PutLogEvents'], STREAMS)),
      ).decision,
    ).toBe('ALLOWED');
  });

  it('resources compare case-sensitively', () => {
    expect(
      decide(
        policy(
          allow(
            ['logs:*'],
            STREAMS.replace('CloudTrail/Default', 'cloudtrail/default'),
          ),
        ),
      ).decision,
    ).toBe('DENIED');
  });

  it('permissions split across an inline and a managed policy add up', () => {
    expect(
      decide(
        policy(allow('logs:CreateLogStream', STREAMS)),
        policy(allow('logs:PutLogEvents', STREAMS)),
      ).decision,
    ).toBe('ALLOWED');
  });

  it('an Allow on another log group is DENIED, and says which action is missing', () => {
    const result = decide(
      policy(
        allow(
          'logs:*',
          'arn:aws:logs:us-east-1:111111111111:log-group:other:*',
        ),
      ),
    );
    expect(result.decision).toBe('DENIED');
    expect(result.details).toContain('logs:PutLogEvents');
  });

  it('one missing action is enough to be DENIED', () => {
    expect(
      decide(policy(allow('logs:CreateLogStream', STREAMS))).decision,
    ).toBe('DENIED');
  });

  it('a role without any policy is DENIED', () => {
    expect(decide().decision).toBe('DENIED');
  });

  it('an explicit Deny wins over an Allow', () => {
    const result = decide(
      AWS_DEFAULT,
      policy(deny('logs:PutLogEvents', '*', { Sid: 'NoLogs' })),
    );
    expect(result.decision).toBe('DENIED');
    expect(result.details).toContain('policy2/NoLogs');
  });

  it('NotAction allows everything but the actions it names', () => {
    expect(
      decide(policy(allow(undefined, '*', { NotAction: 'iam:*' }))).decision,
    ).toBe('ALLOWED');
    expect(
      decide(policy(allow(undefined, '*', { NotAction: 'logs:PutLogEvents' })))
        .decision,
    ).toBe('DENIED');
  });

  it('a Deny with NotAction denies the actions it does not name', () => {
    expect(
      decide(
        AWS_DEFAULT,
        policy(deny(undefined, '*', { NotAction: ['s3:*', 'iam:*'] })),
      ).decision,
    ).toBe('DENIED');
    expect(
      decide(AWS_DEFAULT, policy(deny(undefined, '*', { NotAction: 'logs:*' })))
        .decision,
    ).toBe('ALLOWED');
  });

  it('NotResource allows everything but the resources it names', () => {
    expect(
      decide(
        policy(
          allow('logs:*', undefined, {
            NotResource: 'arn:aws:logs:*:*:log-group:secret:*',
          }),
        ),
      ).decision,
    ).toBe('ALLOWED');
    expect(
      decide(policy(allow('logs:*', undefined, { NotResource: `${GROUP}:*` })))
        .decision,
    ).toBe('DENIED');
  });

  it('conditions on the only allowing statement make it UNDETERMINED, and say why', () => {
    const result = decide(
      policy(
        allow('logs:*', '*', {
          Sid: 'OnlyFromVpc',
          Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } },
        }),
      ),
    );
    expect(result.decision).toBe('UNDETERMINED');
    expect(result.details).toContain(
      'policy1/OnlyFromVpc allows it only under conditions (aws:SourceVpc)',
    );
  });

  it('a conditional Allow beside an unconditional one is ALLOWED', () => {
    expect(
      decide(
        AWS_DEFAULT,
        policy(
          allow('logs:*', '*', {
            Condition: { Bool: { 'aws:SecureTransport': 'true' } },
          }),
        ),
      ).decision,
    ).toBe('ALLOWED');
  });

  it('a Deny with conditions may apply: UNDETERMINED, never ALLOWED', () => {
    expect(
      decide(
        AWS_DEFAULT,
        policy(
          deny('logs:*', '*', {
            Condition: { Bool: { 'aws:ViaAWSService': 'false' } },
          }),
        ),
      ).decision,
    ).toBe('UNDETERMINED');
  });

  it('an Allow of only some of the streams is UNDETERMINED, never DENIED', () => {
    const exactStream = STREAMS.slice(0, -1);
    expect(
      decide(
        policy(
          allow(['logs:CreateLogStream', 'logs:PutLogEvents'], exactStream),
        ),
      ).decision,
    ).toBe('UNDETERMINED');
  });

  it('a Deny of only some of the streams is UNDETERMINED', () => {
    expect(
      decide(
        AWS_DEFAULT,
        policy(deny('logs:*', `${STREAMS.slice(0, -1)}-backup`)),
      ).decision,
    ).toBe('UNDETERMINED');
  });

  it('a policy variable in a resource is UNDETERMINED', () => {
    expect(
      decide(policy(allow('logs:*', `${GROUP}:log-stream:\${aws:username}*`)))
        .decision,
    ).toBe('UNDETERMINED');
  });

  it('an unreadable policy makes the answer UNDETERMINED', () => {
    const result = decide(AWS_DEFAULT, 'not json');
    expect(result.decision).toBe('UNDETERMINED');
    expect(result.details).toContain('policy2');
  });

  it('an explicit Deny still wins beside an unreadable policy', () => {
    expect(decide(policy(deny('logs:*', '*')), 'not json').decision).toBe(
      'DENIED',
    );
  });

  it('an organization trail also needs the o-ORGID_ streams', () => {
    const orgTarget = {
      logGroupArn: GROUP,
      streamNamePrefixes: ['111111111111_CloudTrail_us-east-1', 'o-abc123_'],
    };
    const both = policy(
      allow(
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        [STREAMS, `${GROUP}:log-stream:o-abc123_*`],
      ),
    );
    expect(
      analyzeLogDeliveryPermission(
        [{ name: 'p', document: AWS_DEFAULT }],
        orgTarget,
      ).decision,
    ).toBe('DENIED');
    expect(
      analyzeLogDeliveryPermission([{ name: 'p', document: both }], orgTarget)
        .decision,
    ).toBe('ALLOWED');
  });

  it('a log group ARN that is not understood is UNDETERMINED', () => {
    expect(
      analyzeLogDeliveryPermission([], {
        logGroupArn: 'nonsense',
        streamNamePrefixes: ['x'],
      }).decision,
    ).toBe('UNDETERMINED');
  });
});

describe('the streams CloudTrail writes', () => {
  it('are <account>_CloudTrail_<region>*, plus o-<orgid>_* for organization trails', () => {
    const trail = { ownerAccountId: '111111111111', homeRegion: 'eu-west-1' };
    expect(
      cloudTrailStreamNamePrefixes({ ...trail, isOrganizationTrail: false }),
    ).toEqual(['111111111111_CloudTrail_eu-west-1']);
    expect(
      cloudTrailStreamNamePrefixes({
        ...trail,
        isOrganizationTrail: true,
        organizationId: 'o-abc123',
      }),
    ).toEqual(['111111111111_CloudTrail_eu-west-1', 'o-abc123_']);
  });

  it("are named under the log group's ARN without CloudTrail's trailing :*", () => {
    expect(cloudTrailLogStreamResources(target)).toEqual([STREAMS]);
  });
});
