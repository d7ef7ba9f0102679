import {
  DescribeMetricFiltersCommand,
  PutMetricFilterCommand,
  TestMetricFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { RunningSimulator } from '../index';
import { clients, errorOf, start, world } from '../__testUtils__/harness';

jest.setTimeout(60_000);

const ACCOUNT = '111111111111';

/** The event of CloudWatch Logs' documented JSON filter-pattern examples. */
const DOC_EVENT = JSON.stringify({
  eventType: 'UpdateTrail',
  sourceIPAddress: '111.111.111.111',
  arrayKey: ['value', 'another value'],
  objectList: [
    { name: 'a', id: 1 },
    { name: 'b', id: 2 },
  ],
  SomeObject: null,
  ThisFlag: true,
});

/** The event of the documented compound-expression examples. */
const COMPOUND_EVENT = JSON.stringify({
  user: { id: 1, email: 'John.Stiles@example.com' },
  users: [
    { id: 2, email: 'John.Doe@example.com' },
    { id: 3, email: 'Jane.Doe@example.com' },
  ],
  actions: ['GET', 'PUT', 'DELETE'],
  coordinates: [
    [0, 1, 2],
    [4, 5, 6],
    [7, 8, 9],
  ],
});

describe('CloudWatch Logs metric filters', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start(
      world({
        accounts: [
          {
            id: ACCOUNT,
            logGroups: [{ name: 'trail-logs', region: 'us-east-1' }],
          },
        ],
      }),
    );
  });
  afterAll(() => sim.close());

  async function matched(pattern: string, messages: string[]) {
    const { matches = [] } = await clients(sim).logs.send(
      new TestMetricFilterCommand({
        filterPattern: pattern,
        logEventMessages: messages,
      }),
    );
    return matches.map(m => m.eventNumber);
  }

  describe('TestMetricFilter follows the documented pattern syntax', () => {
    it.each([
      ['{ $.eventType = "UpdateTrail" }', true],
      ['{ $.sourceIPAddress != 123.123.* }', true],
      ['{ $.arrayKey[0] = "value" }', true],
      ['{ $.objectList[1].id = 2 }', true],
      ['{ $.SomeObject IS NULL }', true],
      ['{ $.SomeOtherObject NOT EXISTS }', true],
      ['{ $.ThisFlag IS TRUE }', true],
      ['{ $.eventType = "CreateTrail" }', false],
      ['{ $.ThisFlag IS FALSE }', false],
      ['{ $.eventType = "*Trail" }', true],
      // `*` is a wildcard at the start or end only
      ['{ $.eventType = "Up*Trail" }', false],
    ])('%s → %s', async (pattern, expected) => {
      expect(await matched(pattern, [DOC_EVENT])).toEqual(expected ? [1] : []);
    });

    it.each([
      [
        '{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }',
        true,
      ],
      [
        '{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }',
        false,
      ],
      [
        '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }',
        true,
      ],
      [
        '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }',
        false,
      ],
    ])('%s → %s', async (pattern, expected) => {
      expect(await matched(pattern, [COMPOUND_EVENT])).toEqual(
        expected ? [1] : [],
      );
    });

    it('answers with the 1-based numbers and the messages that matched', async () => {
      const root = JSON.stringify({ userIdentity: { type: 'Root' } });
      const service = JSON.stringify({
        userIdentity: { type: 'Root', invokedBy: 'cloudtrail.amazonaws.com' },
      });
      const { matches } = await clients(sim).logs.send(
        new TestMetricFilterCommand({
          filterPattern:
            '{$.userIdentity.type="Root"&&$.userIdentity.invokedBy NOT EXISTS}',
          logEventMessages: [service, root, 'not json'],
        }),
      );
      expect(matches).toEqual([
        { eventNumber: 2, eventMessage: root, extractedValues: {} },
      ]);
    });

    it('term patterns', async () => {
      expect(
        await matched('ERROR -Exiting', [
          'ERROR MainThread Exiting',
          'ERROR MainThread',
        ]),
      ).toEqual([2]);
    });

    it('an invalid pattern is InvalidParameterException', async () => {
      const error = await errorOf(() =>
        clients(sim).logs.send(
          new TestMetricFilterCommand({
            filterPattern: '{ $.eventName = ',
            logEventMessages: ['{}'],
          }),
        ),
      );
      expect(error.name).toBe('InvalidParameterException');
      expect(error.message).toContain('Invalid metric filter pattern');
    });
  });

  describe('PutMetricFilter', () => {
    it('adds a filter, then replaces it by name', async () => {
      const { logs } = clients(sim);
      const put = (pattern: string) =>
        logs.send(
          new PutMetricFilterCommand({
            logGroupName: 'trail-logs',
            filterName: 'CloudTrailChanges',
            filterPattern: pattern,
            metricTransformations: [
              {
                metricName: 'CloudTrailEventCount',
                metricNamespace: 'CISBenchmark',
                metricValue: '1',
              },
            ],
          }),
        );
      await put('{ $.eventName = StopLogging }');
      await put(
        '{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }',
      );
      const { metricFilters } = await logs.send(
        new DescribeMetricFiltersCommand({ logGroupName: 'trail-logs' }),
      );
      expect(metricFilters).toEqual([
        expect.objectContaining({
          filterName: 'CloudTrailChanges',
          filterPattern:
            '{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }',
          metricTransformations: [
            expect.objectContaining({
              metricName: 'CloudTrailEventCount',
              metricNamespace: 'CISBenchmark',
            }),
          ],
        }),
      ]);
    });

    it('refuses an invalid pattern and an unknown log group', async () => {
      const { logs } = clients(sim);
      const input = {
        filterName: 'f',
        metricTransformations: [
          { metricName: 'm', metricNamespace: 'n', metricValue: '1' },
        ],
      };
      expect(
        (
          await errorOf(() =>
            logs.send(
              new PutMetricFilterCommand({
                ...input,
                logGroupName: 'trail-logs',
                filterPattern: '{ ($.a = 1 }',
              }),
            ),
          )
        ).name,
      ).toBe('InvalidParameterException');
      expect(
        (
          await errorOf(() =>
            logs.send(
              new PutMetricFilterCommand({
                ...input,
                logGroupName: 'missing',
                filterPattern: '{ $.a = 1 }',
              }),
            ),
          )
        ).name,
      ).toBe('ResourceNotFoundException');
    });
  });
});
