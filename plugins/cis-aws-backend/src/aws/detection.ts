import {
  DescribeMetricFiltersCommand,
  TestMetricFilterCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeAlarmsForMetricCommand } from '@aws-sdk/client-cloudwatch';
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import type { AccountClients } from './clients';
import {
  AlarmFacts,
  Collected,
  DetectionCheckId,
  LogGroupDetectionFacts,
  LogGroupRef,
  MetricFilterFacts,
  PatternTestFacts,
  TopicFacts,
  detectionTestEvents,
  metricKey,
} from '@cis-aws/plugin-cis-aws-common';
import { isAccessDenied, isNotFound, toApiError } from './errors';

/**
 * Collection for the detection checks (CIS v1.2 3.1–3.14, detection-content.md) on one
 * integrated log group: `logs:DescribeMetricFilters` for the group, `logs:TestMetricFilter` for
 * each pattern, `cloudwatch:DescribeAlarmsForMetric` for each filter's metric,
 * `sns:ListSubscriptionsByTopic` for each SNS topic among the alarms' actions. Every read is
 * made once per run, however many trails (of however many accounts) share the log group: one
 * `DetectionCollection` per run memoizes them. A failed call is data (`Collected` FAILED, with
 * the redacted error), never an exception.
 *
 * CloudWatch and SNS are reached through `DetectionClients`, whose input and output shapes are
 * the SDK commands' own: `sdkDetectionClients` builds them from an account's SDK clients
 * (aws/clients.ts), tests may supply others.
 */

/** The fields of the SDK's `MetricAlarm` this collection reads. */
export interface SdkMetricAlarm {
  AlarmName?: string;
  AlarmArn?: string;
  ActionsEnabled?: boolean;
  AlarmActions?: string[];
  StateValue?: string;
  StateUpdatedTimestamp?: Date;
  Threshold?: number;
  ComparisonOperator?: string;
  MetricName?: string;
  Namespace?: string;
}

/** The fields of the SDK's `Subscription` this collection reads (never the endpoint). */
export interface SdkSubscription {
  SubscriptionArn?: string;
  Protocol?: string;
}

/** The calls of one account (the log group's owner) that detection collection makes. */
export interface DetectionClients {
  readonly accountId: string;
  logs(region: string): Pick<CloudWatchLogsClient, 'send'>;
  /** `cloudwatch:DescribeAlarmsForMetric` in `region`. */
  describeAlarmsForMetric(
    region: string,
    input: { MetricName: string; Namespace: string },
  ): Promise<{ MetricAlarms?: SdkMetricAlarm[] }>;
  /** `sns:ListSubscriptionsByTopic` in the topic's region. */
  listSubscriptionsByTopic(
    region: string,
    input: { TopicArn: string; NextToken?: string },
  ): Promise<{ Subscriptions?: SdkSubscription[]; NextToken?: string }>;
}

/** The detection calls through an account's SDK clients (endpoint, credentials, retries, counting). */
export function sdkDetectionClients(
  clients: Pick<AccountClients, 'accountId' | 'logs' | 'cloudWatch' | 'sns'>,
): DetectionClients {
  return {
    accountId: clients.accountId,
    logs: region => clients.logs(region),
    describeAlarmsForMetric: (region, input) =>
      clients
        .cloudWatch(region)
        .send(new DescribeAlarmsForMetricCommand(input)),
    listSubscriptionsByTopic: (region, input) =>
      clients.sns(region).send(new ListSubscriptionsByTopicCommand(input)),
  };
}

export interface DetectionCollectionOptions {
  /** The checks whose canonical events TestMetricFilter is asked about. */
  checkIds: readonly DetectionCheckId[];
  /**
   * Ask CloudWatch Logs (`logs:TestMetricFilter`) to judge each pattern; false: evaluate locally
   * only (the reader may not call it).
   */
  testMetricFilter: boolean;
  now?: () => Date;
}

/** TestMetricFilter takes at most 50 messages per call. */
const TEST_BATCH = 50;
const SNS_TOPIC_ARN = /^arn:[\w-]+:sns:([a-z0-9-]+):(\d{12}):[\w-]+$/;
const MAX_PAGES = 100;

function failed<T>(
  operation: string,
  error: unknown,
  region: string,
): Collected<T> {
  return { state: 'FAILED', error: toApiError(operation, error, region) };
}

/** One per evaluation run: every read at most once, shared by all trails and accounts. */
export class DetectionCollection {
  private readonly memo = new Map<string, Promise<unknown>>();
  /** Accounts whose reader may not call TestMetricFilter: not asked again this run. */
  private readonly testDenied = new Map<string, PatternTestFacts>();
  private readonly events: { key: string; message: string }[];
  private readonly now: () => Date;

  private constructor(private readonly options: DetectionCollectionOptions) {
    this.events = detectionTestEvents(options.checkIds);
    this.now = options.now ?? (() => new Date());
  }

  static create(options: DetectionCollectionOptions): DetectionCollection {
    return new DetectionCollection(options);
  }

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let promise = this.memo.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = read();
      this.memo.set(key, promise);
    }
    return promise;
  }

  /** The detection facts of one log group, read with its owner's clients. */
  logGroup(
    clients: DetectionClients,
    logGroup: LogGroupRef,
  ): Promise<LogGroupDetectionFacts> {
    return this.once(`group ${logGroup.arn}`, () =>
      this.readLogGroup(clients, logGroup),
    );
  }

  private async readLogGroup(
    clients: DetectionClients,
    logGroup: LogGroupRef,
  ): Promise<LogGroupDetectionFacts> {
    const { region } = logGroup;
    const metricFilters = await this.metricFilters(clients, logGroup);
    const filters = metricFilters.state === 'OK' ? metricFilters.value : [];

    const metrics = new Map<string, { name: string; namespace: string }>();
    for (const f of filters)
      for (const t of f.metricTransformations)
        metrics.set(metricKey(t.metricNamespace, t.metricName), {
          name: t.metricName,
          namespace: t.metricNamespace,
        });
    const patterns = [...new Set(filters.map(f => f.filterPattern))];

    const [alarmEntries, patternEntries] = await Promise.all([
      Promise.all(
        [...metrics].map(
          async ([key, m]) =>
            [
              key,
              await this.alarms(clients, region, m.namespace, m.name),
            ] as const,
        ),
      ),
      this.patternTests(clients, region, patterns),
    ]);

    const topicArns = new Set<string>();
    for (const [, alarms] of alarmEntries)
      if (alarms.state === 'OK')
        for (const a of alarms.value)
          for (const action of a.alarmActions)
            if (SNS_TOPIC_ARN.test(action)) topicArns.add(action);
    const topicEntries = await Promise.all(
      [...topicArns].map(
        async arn => [arn, await this.topic(clients, arn)] as const,
      ),
    );

    return {
      logGroup,
      metricFilters,
      alarmsByMetric: Object.fromEntries(alarmEntries),
      topics: Object.fromEntries(topicEntries),
      patternTests: Object.fromEntries(patternEntries),
      collectedAt: this.now().toISOString(),
    };
  }

  private async metricFilters(
    clients: DetectionClients,
    logGroup: LogGroupRef,
  ): Promise<Collected<MetricFilterFacts[]>> {
    const filters: MetricFilterFacts[] = [];
    let nextToken: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await clients.logs(logGroup.region).send(
          new DescribeMetricFiltersCommand({
            logGroupName: logGroup.name,
            nextToken,
          }),
        );
        for (const f of out.metricFilters ?? []) {
          filters.push({
            filterName: f.filterName ?? '',
            filterPattern: f.filterPattern ?? '',
            metricTransformations: (f.metricTransformations ?? []).map(t => ({
              metricName: t.metricName ?? '',
              metricNamespace: t.metricNamespace ?? '',
              metricValue: t.metricValue ?? '',
            })),
          });
        }
        nextToken = out.nextToken;
        if (!nextToken) break;
      }
      return { state: 'OK', value: filters };
    } catch (error) {
      // a log group that does not exist has no filters (2.4 already says LOG_GROUP_NOT_FOUND)
      if (isNotFound(error)) return { state: 'OK', value: [] };
      return failed('logs:DescribeMetricFilters', error, logGroup.region);
    }
  }

  private alarms(
    clients: DetectionClients,
    region: string,
    namespace: string,
    name: string,
  ): Promise<Collected<AlarmFacts[]>> {
    return this.once(
      `alarms ${clients.accountId} ${region} ${metricKey(namespace, name)}`,
      async () => {
        try {
          const out = await clients.describeAlarmsForMetric(region, {
            MetricName: name,
            Namespace: namespace,
          });
          return {
            state: 'OK' as const,
            value: (out.MetricAlarms ?? []).map(
              (a): AlarmFacts => ({
                alarmName: a.AlarmName ?? '',
                ...(a.AlarmArn ? { alarmArn: a.AlarmArn } : {}),
                actionsEnabled: a.ActionsEnabled ?? false,
                alarmActions: a.AlarmActions ?? [],
                stateValue: a.StateValue ?? 'INSUFFICIENT_DATA',
                ...(a.StateUpdatedTimestamp
                  ? {
                      stateUpdatedTimestamp:
                        a.StateUpdatedTimestamp.toISOString(),
                    }
                  : {}),
                ...(a.Threshold !== undefined
                  ? { threshold: a.Threshold }
                  : {}),
                ...(a.ComparisonOperator
                  ? { comparisonOperator: a.ComparisonOperator }
                  : {}),
                metricName: a.MetricName ?? name,
                namespace: a.Namespace ?? namespace,
              }),
            ),
          };
        } catch (error) {
          return failed<AlarmFacts[]>(
            'cloudwatch:DescribeAlarmsForMetric',
            error,
            region,
          );
        }
      },
    );
  }

  private topic(
    clients: DetectionClients,
    topicArn: string,
  ): Promise<TopicFacts> {
    const region = SNS_TOPIC_ARN.exec(topicArn)![1];
    return this.once(`topic ${topicArn}`, async () => {
      const subscriptions: { subscriptionArn: string; protocol: string }[] = [];
      let nextToken: string | undefined;
      try {
        for (let page = 0; page < MAX_PAGES; page++) {
          const out = await clients.listSubscriptionsByTopic(region, {
            TopicArn: topicArn,
            ...(nextToken ? { NextToken: nextToken } : {}),
          });
          for (const s of out.Subscriptions ?? [])
            subscriptions.push({
              subscriptionArn: s.SubscriptionArn ?? 'PendingConfirmation',
              protocol: s.Protocol ?? '',
            });
          nextToken = out.NextToken;
          if (!nextToken) break;
        }
        return { state: 'FOUND' as const, topicArn, subscriptions };
      } catch (error) {
        if (isNotFound(error))
          return { state: 'NOT_FOUND' as const, topicArn };
        return {
          state: 'FAILED' as const,
          topicArn,
          error: toApiError('sns:ListSubscriptionsByTopic', error, region),
        };
      }
    });
  }

  /** One after another, so that a refusal stops the asking. */
  private async patternTests(
    clients: DetectionClients,
    region: string,
    patterns: string[],
  ): Promise<(readonly [string, PatternTestFacts])[]> {
    if (!this.options.testMetricFilter) return [];
    const entries: (readonly [string, PatternTestFacts])[] = [];
    for (const p of patterns)
      entries.push([p, await this.patternTest(clients, region, p)]);
    return entries;
  }

  /**
   * CloudWatch Logs' own answer for one pattern: once per run, whoever asks. A failed answer is
   * not kept for other accounts (another reader may be allowed); an account whose reader was
   * refused is not asked again.
   */
  private async patternTest(
    clients: DetectionClients,
    region: string,
    pattern: string,
  ): Promise<PatternTestFacts> {
    const denied = this.testDenied.get(clients.accountId);
    if (denied) return denied;
    const key = `test ${pattern}`;
    const answer = await this.once(key, async (): Promise<PatternTestFacts> => {
      const matchedEvents: string[] = [];
      try {
        for (let start = 0; start < this.events.length; start += TEST_BATCH) {
          const batch = this.events.slice(start, start + TEST_BATCH);
          const out = await clients.logs(region).send(
            new TestMetricFilterCommand({
              filterPattern: pattern,
              logEventMessages: batch.map(e => e.message),
            }),
          );
          for (const m of out.matches ?? []) {
            const event =
              m.eventNumber !== undefined
                ? batch[m.eventNumber - 1]
                : undefined;
            if (event) matchedEvents.push(event.key);
          }
        }
        return { state: 'ANSWERED', matchedEvents };
      } catch (error) {
        const failure: PatternTestFacts = {
          state: 'FAILED',
          error: toApiError('logs:TestMetricFilter', error, region),
        };
        if (isAccessDenied(error))
          this.testDenied.set(clients.accountId, failure);
        return failure;
      }
    });
    if (answer.state === 'FAILED') this.memo.delete(key);
    return answer;
  }
}
