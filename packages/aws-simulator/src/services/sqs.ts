import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { AwsError } from '../protocols/errors';
import { jsonErrorBody, jsonErrorHeaders } from '../protocols/json';
import { send } from '../protocols/respond';

/**
 * Amazon SQS as the current `@aws-sdk/client-sqs` speaks it: AWS JSON 1.0
 * (`X-Amz-Target: AmazonSQS.<Operation>`, `application/x-amz-json-1.0`), query-compatible
 * errors (`x-amzn-query-error`). Standard queues, in memory:
 *
 * - a received message is invisible to every other consumer until it is deleted or its visibility
 *   timeout (the request's `VisibilityTimeout`, else the queue's, default 30 s) runs out; then it
 *   is received again (`ApproximateReceiveCount` counts);
 * - `ReceiveMessage` with `WaitTimeSeconds` (long polling, up to 20 s) answers as soon as a
 *   message is visible, or empty when the wait ends;
 * - `MD5OfBody` is the body's MD5, which the client checks.
 *
 * Operations: CreateQueue, GetQueueUrl, GetQueueAttributes, ListQueues, SendMessage,
 * ReceiveMessage, DeleteMessage, DeleteMessageBatch, ChangeMessageVisibility, PurgeQueue.
 * The queue named by a QueueUrl is its last path segment.
 */

export const SQS_TARGET_PREFIX = 'AmazonSQS.';
/** The queue the admin API's changes publish their CloudTrail events to. */
export const DEFAULT_EVENTS_QUEUE = 'cis-aws-cloudtrail';

const DEFAULT_VISIBILITY_S = 30;
const MAX_WAIT_S = 20;
const MAX_MESSAGES = 10;

interface Message {
  id: string;
  body: string;
  md5: string;
  sentAtMs: number;
  visibleAtMs: number;
  receiveCount: number;
  /** The receipt handle of the latest receive; older handles no longer work. */
  receipt?: string;
  attributes: Record<string, { DataType: string; StringValue?: string }>;
}

interface Queue {
  name: string;
  visibilityS: number;
  messages: Message[];
  /** Receivers waiting (long polling) for a message. */
  waiters: Set<() => void>;
  deleted: number;
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function sqsError(
  code: string,
  queryCode: string,
  message: string,
  status = 400,
): AwsError {
  return new AwsError(`com.amazonaws.sqs#${code}`, message, status, {
    queryCode,
  });
}

const nonExistent = (name: string) =>
  sqsError(
    'QueueDoesNotExist',
    'AWS.SimpleQueueService.NonExistentQueue',
    `The specified queue ${name} does not exist.`,
  );

function invalid(message: string) {
  return sqsError('InvalidParameterValue', 'InvalidParameterValue', message);
}

function int(
  value: unknown,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw invalid(
      `Value ${String(
        value,
      )} for parameter ${name} is invalid. Reason: must be between ${min} and ${max}.`,
    );
  }
  return n;
}

/** The simulator's queues. `now` is the machine's clock (visibility is real time). */
export class SqsQueues {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly now: () => number = Date.now) {
    this.create(DEFAULT_EVENTS_QUEUE);
  }

  create(name: string, visibilityS = DEFAULT_VISIBILITY_S): Queue {
    if (!/^[\w-]{1,80}$/.test(name)) {
      throw invalid(
        `Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length: ${name}`,
      );
    }
    let queue = this.queues.get(name);
    if (!queue) {
      queue = {
        name,
        visibilityS,
        messages: [],
        waiters: new Set(),
        deleted: 0,
      };
      this.queues.set(name, queue);
    }
    return queue;
  }

  names(): string[] {
    return [...this.queues.keys()];
  }

  /** Empties every queue (the admin reset); waiting receivers get an empty answer in time. */
  purgeAll() {
    for (const queue of this.queues.values()) queue.messages = [];
  }

  /** Drops the oldest messages beyond `max` (a queue nobody consumes). */
  trim(name: string, max: number) {
    const queue = this.queue(name);
    if (queue.messages.length > max) {
      queue.messages.splice(0, queue.messages.length - max);
    }
  }

  purge(name: string) {
    this.queue(name).messages = [];
  }

  private queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw nonExistent(name);
    return queue;
  }

  /** Puts a message on a queue (SendMessage, and the admin API's CloudTrail events). */
  send(
    name: string,
    body: string,
    attributes: Message['attributes'] = {},
    delayS = 0,
  ): Message {
    const queue = this.queue(name);
    const nowMs = this.now();
    const message: Message = {
      id: randomUUID(),
      body,
      md5: md5(body),
      sentAtMs: nowMs,
      visibleAtMs: nowMs + delayS * 1000,
      receiveCount: 0,
      attributes,
    };
    queue.messages.push(message);
    this.wake(queue);
    if (delayS > 0) {
      setTimeout(() => this.wake(queue), delayS * 1000).unref?.();
    }
    return message;
  }

  private wake(queue: Queue) {
    for (const waiter of [...queue.waiters]) waiter();
  }

  /** Takes up to `max` visible messages, making them invisible for `visibilityS`. */
  private take(queue: Queue, max: number, visibilityS: number) {
    const nowMs = this.now();
    const taken: Message[] = [];
    for (const message of queue.messages) {
      if (taken.length >= max) break;
      if (message.visibleAtMs > nowMs) continue;
      message.visibleAtMs = nowMs + visibilityS * 1000;
      message.receiveCount += 1;
      message.receipt = `${message.id}#${randomUUID()}`;
      taken.push(message);
    }
    if (visibilityS > 0 && taken.length > 0) {
      // Wake waiters when these become visible again (if not deleted by then).
      setTimeout(() => this.wake(queue), visibilityS * 1000 + 5).unref?.();
    }
    return taken;
  }

  private nextVisibleInMs(queue: Queue): number | undefined {
    const nowMs = this.now();
    let next: number | undefined;
    for (const m of queue.messages) {
      const wait = Math.max(0, m.visibleAtMs - nowMs);
      next = next === undefined ? wait : Math.min(next, wait);
    }
    return next;
  }

  async receive(
    name: string,
    options: { max: number; visibilityS?: number; waitS: number },
    aborted: () => boolean,
  ) {
    const queue = this.queue(name);
    const visibilityS = options.visibilityS ?? queue.visibilityS;
    const deadline = this.now() + options.waitS * 1000;
    for (;;) {
      const taken = this.take(queue, options.max, visibilityS);
      const remaining = deadline - this.now();
      if (taken.length > 0 || remaining <= 0 || aborted()) return taken;
      await new Promise<void>(resolve => {
        const next = this.nextVisibleInMs(queue);
        const timer = setTimeout(
          done,
          next === undefined ? remaining : Math.min(remaining, next + 5),
        );
        function done() {
          clearTimeout(timer);
          queue.waiters.delete(done);
          resolve();
        }
        queue.waiters.add(done);
      });
    }
  }

  delete(name: string, receipt: unknown): void {
    const queue = this.queue(name);
    if (typeof receipt !== 'string' || receipt === '') {
      throw sqsError(
        'ReceiptHandleIsInvalid',
        'ReceiptHandleIsInvalid',
        'The input receipt handle is invalid.',
      );
    }
    const index = queue.messages.findIndex(m => m.receipt === receipt);
    if (index >= 0) {
      queue.messages.splice(index, 1);
      queue.deleted += 1;
      return;
    }
    // Like SQS: a handle of a message already deleted is fine; a handle that never was is not.
    if (!/^[0-9a-f-]{36}#[0-9a-f-]{36}$/.test(receipt)) {
      throw sqsError(
        'ReceiptHandleIsInvalid',
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${receipt}" is not a valid receipt handle.`,
      );
    }
  }

  changeVisibility(name: string, receipt: unknown, visibilityS: number) {
    const queue = this.queue(name);
    const message = queue.messages.find(m => m.receipt === receipt);
    if (!message) {
      throw sqsError(
        'MessageNotInflight',
        'AWS.SimpleQueueService.MessageNotInflight',
        'The message referred to is not in flight.',
      );
    }
    message.visibleAtMs = this.now() + visibilityS * 1000;
    if (visibilityS === 0) this.wake(queue);
  }

  attributes(name: string) {
    const queue = this.queue(name);
    const nowMs = this.now();
    const visible = queue.messages.filter(m => m.visibleAtMs <= nowMs).length;
    return {
      ApproximateNumberOfMessages: String(visible),
      ApproximateNumberOfMessagesNotVisible: String(
        queue.messages.length - visible,
      ),
      ApproximateNumberOfMessagesDelayed: '0',
      VisibilityTimeout: String(queue.visibilityS),
      ReceiveMessageWaitTimeSeconds: '0',
      QueueArn: `arn:aws:sqs:us-east-1:000000000000:${queue.name}`,
    };
  }

  /** For the admin API and tests: what is on a queue. */
  snapshot(name: string) {
    const queue = this.queue(name);
    const nowMs = this.now();
    return {
      queue: queue.name,
      visible: queue.messages.filter(m => m.visibleAtMs <= nowMs).length,
      inFlight: queue.messages.filter(m => m.visibleAtMs > nowMs).length,
      deleted: queue.deleted,
      messages: queue.messages.map(m => ({
        messageId: m.id,
        receiveCount: m.receiveCount,
        body: JSON.parse(m.body) as unknown,
      })),
    };
  }
}

function queueName(url: unknown): string {
  if (typeof url !== 'string' || url === '') {
    throw sqsError(
      'MissingParameter',
      'MissingParameter',
      'The request must contain the parameter QueueUrl.',
    );
  }
  const name = url.replace(/\/+$/, '').split('/').pop() ?? '';
  return name;
}

function queueUrl(req: http.IncomingMessage, accountId: string, name: string) {
  const host = req.headers.host ?? '127.0.0.1';
  return `http://${host}/${accountId}/${name}`;
}

function attributesOf(
  value: unknown,
): Record<string, { DataType: string; StringValue?: string }> {
  const out: Record<string, { DataType: string; StringValue?: string }> = {};
  if (!value || typeof value !== 'object') return out;
  for (const [key, attr] of Object.entries(value as Record<string, unknown>)) {
    const a = attr as { DataType?: unknown; StringValue?: unknown };
    if (typeof a?.DataType === 'string') {
      out[key] = {
        DataType: a.DataType,
        ...(typeof a.StringValue === 'string'
          ? { StringValue: a.StringValue }
          : {}),
      };
    }
  }
  return out;
}

/** Runs one SQS operation; the caller's account names queue URLs. */
export async function handleSqs(
  queues: SqsQueues,
  operation: string,
  input: Record<string, unknown>,
  req: http.IncomingMessage,
  accountId: string,
): Promise<object> {
  switch (operation) {
    case 'CreateQueue': {
      const name = String(input.QueueName ?? '');
      const attrs = (input.Attributes ?? {}) as Record<string, unknown>;
      const visibility = int(
        attrs.VisibilityTimeout,
        'VisibilityTimeout',
        0,
        43200,
      );
      queues.create(name, visibility ?? DEFAULT_VISIBILITY_S);
      return { QueueUrl: queueUrl(req, accountId, name) };
    }
    case 'GetQueueUrl': {
      const name = String(input.QueueName ?? '');
      if (!queues.names().includes(name)) throw nonExistent(name);
      return { QueueUrl: queueUrl(req, accountId, name) };
    }
    case 'ListQueues':
      return {
        QueueUrls: queues.names().map(n => queueUrl(req, accountId, n)),
      };
    case 'GetQueueAttributes':
      return { Attributes: queues.attributes(queueName(input.QueueUrl)) };
    case 'SendMessage': {
      const body = input.MessageBody;
      if (typeof body !== 'string' || body === '') {
        throw invalid('The request must contain the parameter MessageBody.');
      }
      const delay = int(input.DelaySeconds, 'DelaySeconds', 0, 900) ?? 0;
      const message = queues.send(
        queueName(input.QueueUrl),
        body,
        attributesOf(input.MessageAttributes),
        delay,
      );
      return { MessageId: message.id, MD5OfMessageBody: message.md5 };
    }
    case 'ReceiveMessage': {
      const name = queueName(input.QueueUrl);
      const max =
        int(
          input.MaxNumberOfMessages,
          'MaxNumberOfMessages',
          1,
          MAX_MESSAGES,
        ) ?? 1;
      const visibilityS = int(
        input.VisibilityTimeout,
        'VisibilityTimeout',
        0,
        43200,
      );
      const waitS =
        int(input.WaitTimeSeconds, 'WaitTimeSeconds', 0, MAX_WAIT_S) ?? 0;
      let closed = false;
      req.socket.once('close', () => {
        closed = true;
      });
      const taken = await queues.receive(
        name,
        { max, visibilityS, waitS },
        () => closed,
      );
      const wantAttributes =
        Array.isArray(input.MessageAttributeNames) &&
        input.MessageAttributeNames.length > 0;
      return {
        Messages: taken.map(m => ({
          MessageId: m.id,
          ReceiptHandle: m.receipt,
          MD5OfBody: m.md5,
          Body: m.body,
          Attributes: {
            ApproximateReceiveCount: String(m.receiveCount),
            SentTimestamp: String(m.sentAtMs),
          },
          ...(wantAttributes && Object.keys(m.attributes).length > 0
            ? { MessageAttributes: m.attributes }
            : {}),
        })),
      };
    }
    case 'DeleteMessage':
      queues.delete(queueName(input.QueueUrl), input.ReceiptHandle);
      return {};
    case 'DeleteMessageBatch': {
      const name = queueName(input.QueueUrl);
      const entries = Array.isArray(input.Entries) ? input.Entries : [];
      if (entries.length === 0 || entries.length > 10) {
        throw sqsError(
          entries.length === 0
            ? 'EmptyBatchRequest'
            : 'TooManyEntriesInBatchRequest',
          entries.length === 0
            ? 'AWS.SimpleQueueService.EmptyBatchRequest'
            : 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
          'A batch holds 1 to 10 entries.',
        );
      }
      const Successful: { Id: string }[] = [];
      const Failed: object[] = [];
      for (const entry of entries as {
        Id?: unknown;
        ReceiptHandle?: unknown;
      }[]) {
        const id = String(entry.Id ?? '');
        try {
          queues.delete(name, entry.ReceiptHandle);
          Successful.push({ Id: id });
        } catch (e) {
          const error = e as AwsError;
          Failed.push({
            Id: id,
            SenderFault: true,
            Code: error.queryCode ?? error.code,
            Message: error.message,
          });
        }
      }
      return { Successful, Failed };
    }
    case 'ChangeMessageVisibility': {
      const visibility =
        int(input.VisibilityTimeout, 'VisibilityTimeout', 0, 43200) ?? 0;
      queues.changeVisibility(
        queueName(input.QueueUrl),
        input.ReceiptHandle,
        visibility,
      );
      return {};
    }
    case 'PurgeQueue': {
      const name = queueName(input.QueueUrl);
      queues.purge(name);
      return {};
    }
    default:
      throw new AwsError(
        'com.amazonaws.sqs#UnsupportedOperation',
        `The simulator's SQS has no operation ${operation}`,
        400,
        { queryCode: 'AWS.SimpleQueueService.UnsupportedOperation' },
      );
  }
}

/** Writes an SQS (JSON 1.0) answer. */
export function sendSqs(
  res: http.ServerResponse,
  result: object | AwsError,
  requestId: string,
) {
  const headers = { 'x-amzn-RequestId': requestId };
  if (result instanceof AwsError) {
    send(
      res,
      result.status,
      'application/x-amz-json-1.0',
      jsonErrorBody(result),
      {
        ...headers,
        ...jsonErrorHeaders(result, true),
      },
    );
  } else {
    send(
      res,
      200,
      'application/x-amz-json-1.0',
      JSON.stringify(result),
      headers,
    );
  }
}
