import {
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { RunningSimulator } from '../index';
import {
  adminFetch,
  CALLER_CREDENTIALS,
  errorOf,
  startDemo,
} from '../__testUtils__/harness';

const PAYMENTS_PROD = '403344556677';
const TRAIL = `/accounts/${PAYMENTS_PROD}/trails/payments-prod-trail`;

// Integration test (a server over HTTP): a ceiling for loaded machines, not a timing target.
jest.setTimeout(60_000);

describe('SQS (AWS JSON 1.0, as @aws-sdk/client-sqs sends it)', () => {
  let sim: RunningSimulator;
  let sqs: SQSClient;
  let queueUrl: string;

  beforeAll(async () => {
    sim = await startDemo();
    sqs = new SQSClient({
      endpoint: sim.url,
      region: 'us-east-1',
      credentials: CALLER_CREDENTIALS,
      maxAttempts: 1,
    });
    queueUrl = (
      await sqs.send(
        new GetQueueUrlCommand({ QueueName: 'cis-aws-cloudtrail' }),
      )
    ).QueueUrl!;
  });
  afterAll(() => sim.close());
  afterEach(async () => {
    await adminFetch(sim, 'POST', '/reset');
  });

  it('names the events queue by URL, and refuses an unknown queue like SQS', async () => {
    expect(new URL(queueUrl).port).toBe(new URL(sim.url).port);
    expect(new URL(queueUrl).pathname).toMatch(
      /^\/\d{12}\/cis-aws-cloudtrail$/,
    );
    const error = await errorOf(() =>
      sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' })),
    );
    expect(error.name).toBe('QueueDoesNotExist');
  });

  it('hides a received message from other consumers until it is deleted or its visibility ends', async () => {
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"n":1}' }),
    );
    const first = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        VisibilityTimeout: 1,
        MaxNumberOfMessages: 10,
      }),
    );
    expect(first.Messages?.map(m => m.Body)).toEqual(['{"n":1}']);
    // In flight: another consumer gets nothing.
    const second = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl }),
    );
    expect(second.Messages ?? []).toEqual([]);
    // After the visibility timeout it is received again (long polling waits for it).
    const again = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        WaitTimeSeconds: 10,
        VisibilityTimeout: 30,
      }),
    );
    expect(again.Messages?.[0]?.MessageId).toBe(first.Messages![0].MessageId);
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    // The first receipt handle is stale; the new one deletes it.
    await sqs.send(
      new DeleteMessageCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: again.Messages![0].ReceiptHandle,
      }),
    );
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['All'],
      }),
    );
    expect(attributes.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('answers a long poll as soon as a message arrives, not at the end of the wait', async () => {
    const polling = sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 20 }),
    );
    let answered = false;
    void polling.then(() => {
      answered = true;
    });
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(answered).toBe(false);
    const started = Date.now();
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'hello' }),
    );
    const out = await polling;
    expect(out.Messages?.map(m => m.Body)).toEqual(['hello']);
    // Well before the 20 s wait would have ended.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('gives each message to one of two competing consumers', async () => {
    const total = 60;
    for (let i = 0; i < total; i++) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: `{"i":${i}}`,
        }),
      );
    }
    const seen: string[] = [];
    const consume = async () => {
      for (;;) {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            VisibilityTimeout: 60,
          }),
        );
        const messages = out.Messages ?? [];
        if (messages.length === 0) return;
        seen.push(...messages.map(m => m.Body!));
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: messages.map(m => ({
              Id: m.MessageId!,
              ReceiptHandle: m.ReceiptHandle!,
            })),
          }),
        );
      }
    };
    await Promise.all([consume(), consume()]);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('puts the CloudTrail event of an admin change on the events queue, naming the principal', async () => {
    const res = await fetch(`${sim.url}/__admin${TRAIL}`, {
      method: 'PATCH',
      headers: {
        'content-type': 'application/json',
        'x-simulator-principal': 'bob',
      },
      body: JSON.stringify({ isLogging: false }),
    });
    expect(res.status).toBe(200);
    expect((await adminFetch(sim, 'DELETE', TRAIL)).status).toBe(204);
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 5,
      }),
    );
    const events = (out.Messages ?? []).map(m => JSON.parse(m.Body!));
    expect(events[0]).toMatchObject({
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.cloudtrail',
      account: PAYMENTS_PROD,
      detail: {
        eventSource: 'cloudtrail.amazonaws.com',
        eventName: 'StopLogging',
        recipientAccountId: PAYMENTS_PROD,
        userIdentity: {
          type: 'IAMUser',
          userName: 'bob',
          arn: `arn:aws:iam::${PAYMENTS_PROD}:user/bob`,
        },
      },
    });
    // Without a principal, the change is alice's.
    expect(events[1]).toMatchObject({
      detail: {
        eventName: 'DeleteTrail',
        userIdentity: { userName: 'alice' },
        requestParameters: {
          name: expect.stringMatching(/:trail\/payments-prod-trail$/),
        },
      },
    });
    expect(events).toHaveLength(2);
  });
});
