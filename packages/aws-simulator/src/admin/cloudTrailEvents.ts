import { randomUUID } from 'node:crypto';
import type { SimulatorCore } from '../core';
import { DEFAULT_EVENTS_QUEUE } from '../services/sqs';

/**
 * What AWS would do after a change made through the admin API: CloudTrail records the management
 * event and EventBridge delivers it (`detail-type: AWS API Call via CloudTrail`) to the rule's
 * target, here the `cis-aws-cloudtrail` queue (see docs/events.md for the real rule). The
 * principal is the admin request's `x-simulator-principal` header or `principal` query parameter
 * (an ARN, or an IAM user name of the changed account), else the user `alice` of that account.
 */

const SOURCES: Record<string, string> = {
  cloudtrail: 'cloudtrail.amazonaws.com',
  logs: 'logs.amazonaws.com',
  iam: 'iam.amazonaws.com',
};

/** The most events kept on the queue when nobody consumes it; the oldest go first. */
const MAX_QUEUED = 10_000;

export interface ChangeEvent {
  service: 'cloudtrail' | 'logs' | 'iam';
  eventName: string;
  accountId: string;
  region: string;
  requestParameters: Record<string, unknown>;
  /** From the admin request (see above). */
  principal?: string;
}

function identity(accountId: string, principal?: string) {
  const given = principal?.trim();
  let arn = `arn:aws:iam::${accountId}:user/alice`;
  if (given) {
    arn = given.startsWith('arn:')
      ? given
      : `arn:aws:iam::${accountId}:user/${given}`;
  }
  const assumed = /:assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  if (assumed) {
    return {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE:${assumed[2]}`,
      arn,
      accountId: arn.split(':')[4] || accountId,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          arn: `arn:aws:iam::${arn.split(':')[4] || accountId}:role/${
            assumed[1]
          }`,
          userName: assumed[1],
        },
      },
    };
  }
  const user = /:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  return {
    type: user ? 'IAMUser' : 'Unknown',
    principalId: 'AIDAEXAMPLESIMULATOR',
    arn,
    accountId: arn.split(':')[4] || accountId,
    ...(user ? { userName: user[1] } : {}),
  };
}

/** The EventBridge event for a change, as AWS delivers it to an SQS target. */
export function eventBridgeEvent(change: ChangeEvent, nowMs: number) {
  const time = new Date(Math.floor(nowMs / 1000) * 1000).toISOString();
  const eventTime = time.replace('.000Z', 'Z');
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${change.service}`,
    account: change.accountId,
    time: eventTime,
    region: change.region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: identity(change.accountId, change.principal),
      eventTime,
      eventSource: SOURCES[change.service],
      eventName: change.eventName,
      awsRegion: change.region,
      sourceIPAddress: '203.0.113.10',
      userAgent: 'aws-cli/2.15.0 (aws-simulator admin API)',
      requestParameters: change.requestParameters,
      responseElements: null,
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: change.accountId,
      eventCategory: 'Management',
    },
  };
}

/** Puts the change's CloudTrail event on the events queue. */
export function publishChange(core: SimulatorCore, change: ChangeEvent) {
  const event = eventBridgeEvent(change, core.now());
  core.sqs.send(DEFAULT_EVENTS_QUEUE, JSON.stringify(event));
  core.sqs.trim(DEFAULT_EVENTS_QUEUE, MAX_QUEUED);
  return event;
}
