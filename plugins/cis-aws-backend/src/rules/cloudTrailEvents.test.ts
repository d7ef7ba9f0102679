import { mapCloudTrailEvent, principalName } from './cloudTrailEvents';

const ACCOUNT = '403344556677';

describe('mapCloudTrailEvent', () => {
  it('maps an EventBridge CloudTrail event to its account, name, principal, time and resource', () => {
    expect(
      mapCloudTrailEvent({
        id: 'eb-1',
        account: '111111111111',
        time: '2026-12-06T10:01:05Z',
        detail: {
          eventName: 'DeleteLogGroup',
          eventSource: 'logs.amazonaws.com',
          eventTime: '2026-12-06T10:01:00Z',
          eventID: 'ct-1',
          awsRegion: 'eu-west-1',
          recipientAccountId: ACCOUNT,
          userIdentity: {
            type: 'AssumedRole',
            arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/carol`,
          },
          requestParameters: { logGroupName: 'cloudtrail/main' },
        },
      }),
    ).toEqual({
      kind: 'change',
      change: {
        // The account whose API was called, not the bus's.
        accountId: ACCOUNT,
        eventName: 'DeleteLogGroup',
        eventSource: 'logs.amazonaws.com',
        principal: 'carol',
        principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/carol`,
        eventTime: '2026-12-06T10:01:00.000Z',
        eventId: 'ct-1',
        region: 'eu-west-1',
        resource: 'cloudtrail/main',
      },
    });
  });

  it('takes the envelope account when the detail has no recipient, and a bare CloudTrail record', () => {
    const viaEnvelope = mapCloudTrailEvent({
      account: ACCOUNT,
      detail: { eventName: 'StopLogging' },
    });
    expect(viaEnvelope).toMatchObject({
      kind: 'change',
      change: { accountId: ACCOUNT },
    });
    const bare = mapCloudTrailEvent({
      eventName: 'DetachRolePolicy',
      recipientAccountId: ACCOUNT,
      userIdentity: { type: 'IAMUser', userName: 'alice' },
    });
    expect(bare).toMatchObject({
      kind: 'change',
      change: { eventName: 'DetachRolePolicy', principal: 'alice' },
    });
  });

  it.each([
    [
      { detail: { eventName: 'DescribeTrails', recipientAccountId: ACCOUNT } },
      /cannot affect/,
    ],
    [
      { detail: { eventName: 'StopLogging', recipientAccountId: '12' } },
      /12-digit/,
    ],
    [
      {
        detail: {
          eventName: 'StopLogging',
          recipientAccountId: ACCOUNT,
          errorCode: 'AccessDenied',
        },
      },
      /failed \(AccessDenied\)/,
    ],
    [{ detail: {} }, /no detail.eventName/],
    [[1, 2], /not a JSON object/],
    ['text', /not a JSON object/],
  ])('ignores %j', (payload, reason) => {
    const mapped = mapCloudTrailEvent(payload);
    expect(mapped.kind).toBe('ignored');
    expect(mapped.kind === 'ignored' && mapped.reason).toMatch(reason);
  });

  it('names the principal by user name, session or ARN', () => {
    expect(principalName({ userName: 'alice' })).toEqual({
      principal: 'alice',
    });
    expect(
      principalName({ type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root` }),
    ).toEqual({
      principal: `arn:aws:iam::${ACCOUNT}:root`,
      principalArn: `arn:aws:iam::${ACCOUNT}:root`,
    });
    expect(principalName({ type: 'AWSService' })).toEqual({
      principal: 'AWSService',
    });
    expect(principalName(undefined)).toEqual({});
  });
});
