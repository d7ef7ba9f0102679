import {
  DescribeMetricFiltersCommand,
  TestMetricFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeAlarmsForMetricCommand } from '@aws-sdk/client-cloudwatch';
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { ApiError } from '@cis-aws/plugin-cis-aws-common';
import type { AccountClients } from './clients';
import { isAccessDenied, isNotFound, toApiError } from './errors';

/*
 * Small reads for the diagnostics view: may the reader role call the four actions detection
 * collection needs (CIS 3.x, detection-content.md)? Each action is called once, for real, with
 * an input that reads nothing of the account's: no log group named, a metric and a topic that
 * no one has. AWS authorizes a call before it looks the resource up, so "no such topic" means
 * the call was allowed. Answers with data, never throws.
 */

/** The detection actions probed, in the order the diagnostics list them. */
export const DETECTION_PROBE_ACTIONS = [
  'logs:DescribeMetricFilters',
  'logs:TestMetricFilter',
  'cloudwatch:DescribeAlarmsForMetric',
  'sns:ListSubscriptionsByTopic',
] as const;
export type DetectionProbeAction = (typeof DETECTION_PROBE_ACTIONS)[number];

/** A name no alarm metric and no topic is expected to have. */
const PROBE_NAME = 'cis-aws-diagnostics-probe';

/** One action's answer: allowed, refused (`denied`), or not known because the call failed otherwise. */
export interface DetectionActionProbe {
  action: DetectionProbeAction;
  allowed: boolean;
  /** The refusal, or the other failure, when the call did not answer. */
  error?: ApiError;
  denied?: boolean;
}

async function probe(
  action: DetectionProbeAction,
  region: string,
  call: () => Promise<unknown>,
): Promise<DetectionActionProbe> {
  try {
    await call();
    return { action, allowed: true };
  } catch (error) {
    if (isNotFound(error)) {
      return { action, allowed: true };
    }
    return {
      action,
      allowed: false,
      denied: isAccessDenied(error),
      error: toApiError(action, error, region),
    };
  }
}

/**
 * Calls each of `actions` once in `region` with the account's reader role: at most four calls,
 * at once.
 */
export function probeDetectionActions(
  clients: Pick<AccountClients, 'accountId' | 'logs' | 'cloudWatch' | 'sns'>,
  options: {
    region: string;
    partition: string;
    actions: readonly DetectionProbeAction[];
  },
): Promise<DetectionActionProbe[]> {
  const { region, partition } = options;
  const calls: Record<DetectionProbeAction, () => Promise<unknown>> = {
    'logs:DescribeMetricFilters': () =>
      clients.logs(region).send(new DescribeMetricFiltersCommand({ limit: 1 })),
    'logs:TestMetricFilter': () =>
      clients.logs(region).send(
        new TestMetricFilterCommand({
          filterPattern: '{ $.eventName = "ConsoleLogin" }',
          logEventMessages: ['{"eventName":"ConsoleLogin"}'],
        }),
      ),
    'cloudwatch:DescribeAlarmsForMetric': () =>
      clients.cloudWatch(region).send(
        new DescribeAlarmsForMetricCommand({
          MetricName: PROBE_NAME,
          Namespace: PROBE_NAME,
        }),
      ),
    'sns:ListSubscriptionsByTopic': () =>
      clients.sns(region).send(
        new ListSubscriptionsByTopicCommand({
          TopicArn: `arn:${partition}:sns:${region}:${clients.accountId}:${PROBE_NAME}`,
        }),
      ),
  };
  return Promise.all(
    options.actions.map(action => probe(action, region, calls[action])),
  );
}
