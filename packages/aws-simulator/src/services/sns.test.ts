import { RunningSimulator } from '../index';
import { assume, start, world } from '../__testUtils__/harness';
import { awsQuery, xmlValues } from '../__testUtils__/rawAws';

jest.setTimeout(60_000);

const ACCOUNT = '111111111111';
const OTHER = '222222222222';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:security-alerts`;

describe('SNS ListSubscriptionsByTopic', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start(
      world({
        accounts: [
          {
            id: ACCOUNT,
            snsTopics: [
              {
                name: 'security-alerts',
                subscriptions: [
                  { protocol: 'email', endpoint: 'secops@example.com' },
                  {
                    protocol: 'email',
                    endpoint: 'new-hire@example.com',
                    confirmed: false,
                  },
                ],
              },
              { name: 'silent' },
            ],
          },
          { id: OTHER },
        ],
      }),
    );
  });
  afterAll(() => sim.close());

  const list = (topicArn: string, options = {}) =>
    awsQuery(
      sim,
      'sns',
      {
        Action: 'ListSubscriptionsByTopic',
        Version: '2010-03-31',
        TopicArn: topicArn,
      },
      options,
    );

  it('lists confirmed subscriptions with an ARN and pending ones as PendingConfirmation', async () => {
    const { status, text } = await list(TOPIC);
    expect(status).toBe(200);
    const arns = xmlValues(text, 'SubscriptionArn');
    expect(arns).toHaveLength(2);
    expect(arns[0]).toMatch(
      new RegExp(
        `^${TOPIC}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
      ),
    );
    expect(arns[1]).toBe('PendingConfirmation');
    expect(xmlValues(text, 'Protocol')).toEqual(['email', 'email']);
    // stable across calls
    expect(xmlValues((await list(TOPIC)).text, 'SubscriptionArn')).toEqual(
      arns,
    );
  });

  it('a topic without subscriptions lists none', async () => {
    const { status, text } = await list(
      `arn:aws:sns:us-east-1:${ACCOUNT}:silent`,
    );
    expect(status).toBe(200);
    expect(xmlValues(text, 'SubscriptionArn')).toEqual([]);
  });

  it('a topic that does not exist is NotFound (404)', async () => {
    const { status, text } = await list(
      `arn:aws:sns:us-east-1:${ACCOUNT}:missing`,
    );
    expect(status).toBe(404);
    expect(xmlValues(text, 'Code')).toEqual(['NotFound']);
  });

  it("another account's topic is an AuthorizationError", async () => {
    const credentials = await assume(sim, OTHER);
    const { status, text } = await list(TOPIC, { credentials });
    expect(status).toBe(403);
    expect(xmlValues(text, 'Code')).toEqual(['AuthorizationError']);
  });

  it('a malformed ARN is InvalidParameter', async () => {
    const { status, text } = await list('not-an-arn');
    expect(status).toBe(400);
    expect(xmlValues(text, 'Code')).toEqual(['InvalidParameter']);
  });
});
