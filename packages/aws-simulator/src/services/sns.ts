import { createHash } from 'node:crypto';
import { AwsError } from '../protocols/errors';
import { decodeToken, encodeToken, isOffsetCursor } from '../protocols/json';
import { QueryInput } from '../protocols/query';
import { QueryService, RequestContext } from './types';

/**
 * Amazon SNS (awsQuery), read-only: ListSubscriptionsByTopic. A subscription that is not
 * confirmed is listed with SubscriptionArn `PendingConfirmation`, as SNS lists it; a confirmed
 * one gets a stable ARN derived from the topic and its position.
 */

const TOPIC_ARN =
  /^arn:[\w-]+:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})$/;
const PAGE_SIZE = 100;

function listSubscriptionsByTopic(
  ctx: RequestContext,
  input: QueryInput,
): object {
  const topicArn = input.string('TopicArn');
  const m = TOPIC_ARN.exec(topicArn);
  if (!m)
    throw new AwsError('InvalidParameter', 'Invalid parameter: TopicArn', 400);
  const [, region, accountId, name] = m;
  const notFound = new AwsError('NotFound', 'Topic does not exist', 404);
  if (region !== ctx.region) throw notFound;
  if (accountId !== ctx.caller.accountId) {
    throw new AwsError(
      'AuthorizationError',
      `User: ${ctx.caller.arn} is not authorized to perform: SNS:ListSubscriptionsByTopic on resource: ${topicArn}`,
      403,
    );
  }
  const topic = ctx.state.snsTopic(accountId, region, name);
  if (!topic) throw notFound;
  const token = input.optionalString('NextToken');
  const offset =
    token === undefined ? 0 : decodeToken(token, isOffsetCursor)?.o;
  if (offset === undefined)
    throw new AwsError('InvalidParameter', 'Invalid parameter: NextToken', 400);
  const all = topic.subscriptions.map((s, i) => ({
    SubscriptionArn: s.confirmed
      ? `${topicArn}:${uuidFrom(`${topicArn}#${i}`)}`
      : 'PendingConfirmation',
    Owner: accountId,
    Protocol: s.protocol,
    Endpoint: s.endpoint,
    TopicArn: topicArn,
  }));
  return {
    Subscriptions: all.slice(offset, offset + PAGE_SIZE),
    ...(offset + PAGE_SIZE < all.length
      ? { NextToken: encodeToken({ o: offset + PAGE_SIZE }) }
      : {}),
  };
}

function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(
    16,
    20,
  )}-${h.slice(20, 32)}`;
}

export const sns: QueryService = {
  name: 'sns',
  protocol: 'query',
  global: false,
  namespace: 'http://sns.amazonaws.com/doc/2010-03-31/',
  version: '2010-03-31',
  operations: {
    ListSubscriptionsByTopic: listSubscriptionsByTopic,
  },
};
