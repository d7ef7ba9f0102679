/**
 * CloudTrail management events that can break CIS 2.4 (a trail stopped, deleted or changed, its
 * log group deleted or its retention changed, the delivery role deleted or its policies changed),
 * as EventBridge delivers them (`detail-type: AWS API Call via CloudTrail`). Pure: no I/O.
 */

/** The event names that make an account worth re-evaluating, by the service that emits them. */
export const RELEVANT_EVENT_NAMES: Readonly<Record<string, readonly string[]>> =
  {
    'cloudtrail.amazonaws.com': [
      'StopLogging',
      'StartLogging',
      'DeleteTrail',
      'CreateTrail',
      'UpdateTrail',
      'PutEventSelectors',
      'PutInsightSelectors',
    ],
    'logs.amazonaws.com': [
      'DeleteLogGroup',
      'CreateLogGroup',
      'PutRetentionPolicy',
      'DeleteRetentionPolicy',
    ],
    'iam.amazonaws.com': [
      'DeleteRole',
      'PutRolePolicy',
      'DeleteRolePolicy',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'UpdateAssumeRolePolicy',
      'CreatePolicyVersion',
      'SetDefaultPolicyVersion',
      'PutRolePermissionsBoundary',
      'DeleteRolePermissionsBoundary',
    ],
  };

const ALL_NAMES = new Set(Object.values(RELEVANT_EVENT_NAMES).flat());

/** What an event says about a change, as kept with the evaluation it caused. */
export interface CloudTrailChange {
  accountId: string;
  eventName: string;
  eventSource?: string;
  /** Who made the change: the user name or role session of `userIdentity`, or its ARN. */
  principal?: string;
  /** The principal's ARN, when the event names one. */
  principalArn?: string;
  /** When the change was made (`detail.eventTime`, else the envelope's `time`), ISO 8601. */
  eventTime?: string;
  /** CloudTrail's `eventID`, else EventBridge's `id`. */
  eventId?: string;
  region?: string;
  /** The trail, log group or role the call named, when it did. */
  resource?: string;
}

export type EventMapping =
  | { kind: 'change'; change: CloudTrailChange }
  | { kind: 'ignored'; reason: string };

const ACCOUNT_ID = /^\d{12}$/;

function text(value: unknown, max = 512): string | undefined {
  return typeof value === 'string' && value.length > 0
    ? value.slice(0, max)
    : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The principal as people know it: `alice` for an IAM user, the session name for a role. */
export function principalName(userIdentity: unknown): {
  principal?: string;
  principalArn?: string;
} {
  const identity = record(userIdentity);
  if (!identity) return {};
  const arn = text(identity.arn);
  const userName = text(identity.userName, 128);
  if (userName) return { principal: userName, principalArn: arn };
  if (arn) {
    // arn:aws:sts::123:assumed-role/Role/session → session; arn:aws:iam::123:user/path/alice → alice
    const last = arn.split('/').pop();
    return { principal: last && last !== arn ? last : arn, principalArn: arn };
  }
  const type = text(identity.type, 64);
  return type ? { principal: type } : {};
}

function resourceOf(parameters: Record<string, unknown> | undefined) {
  if (!parameters) return undefined;
  for (const key of ['name', 'trailName', 'logGroupName', 'roleName']) {
    const value = text(parameters[key], 1024);
    if (value) return value;
  }
  return undefined;
}

/**
 * Maps an EventBridge event (or a bare CloudTrail record, as some forwarders send) to the account
 * it concerns, or says why it is ignored. The account is `detail.recipientAccountId` (the account
 * whose API was called), else the envelope's `account`.
 */
export function mapCloudTrailEvent(payload: unknown): EventMapping {
  const envelope = record(payload);
  if (!envelope) return { kind: 'ignored', reason: 'not a JSON object' };
  const detail = record(envelope.detail) ?? envelope;
  const eventName = text(detail.eventName, 128);
  if (!eventName) return { kind: 'ignored', reason: 'no detail.eventName' };
  if (!ALL_NAMES.has(eventName)) {
    return { kind: 'ignored', reason: `${eventName} cannot affect CIS 2.4` };
  }
  const accountId =
    text(detail.recipientAccountId, 12) ?? text(envelope.account, 12);
  if (!accountId || !ACCOUNT_ID.test(accountId)) {
    return { kind: 'ignored', reason: 'no 12-digit account id' };
  }
  if (detail.errorCode !== undefined && detail.errorCode !== null) {
    // The call failed: nothing changed.
    return {
      kind: 'ignored',
      reason: `${eventName} failed (${text(detail.errorCode, 64)})`,
    };
  }
  return {
    kind: 'change',
    change: {
      accountId,
      eventName,
      eventSource: text(detail.eventSource, 128),
      ...principalName(detail.userIdentity),
      eventTime: validTime(
        text(detail.eventTime, 64) ?? text(envelope.time, 64),
      ),
      eventId: text(detail.eventID, 128) ?? text(envelope.id, 128),
      region: text(detail.awsRegion, 32) ?? text(envelope.region, 32),
      resource: resourceOf(record(detail.requestParameters)),
    },
  };
}

function validTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
