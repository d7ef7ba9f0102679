/**
 * The fix for a failing detection check, three ways: AWS CLI commands, a Terraform snippet and
 * a CloudFormation snippet. Pure: names come from the check's result (log group, the chain as far
 * as it got) and the shared check data (benchmark pattern, suggested metric name); what already
 * exists is reused, only what is missing is created.
 */
import type {
  DetectionCheckResult,
  DetectionReasonCode,
} from '@cis-aws/plugin-cis-aws-common';
import { detectionCheck } from '@cis-aws/plugin-cis-aws-common';
import { missingJudgement } from './text';

/** The namespace of the metrics the fix creates (the benchmark leaves it to the user). */
export const DETECTION_NAMESPACE = 'CISBenchmark';
/** The SNS topic the fix creates when the alarm has none. */
export const DEFAULT_TOPIC_NAME = 'cis-detection-alerts';
/** Stands for the address that is told, in the CLI commands (a shell variable). */
export const ALERT_EMAIL_EXAMPLE = 'security-alerts@example.com';

export interface DetectionNames {
  checkId: DetectionCheckResult['checkId'];
  title: string;
  accountId: string;
  region: string;
  partition: string;
  logGroupName: string;
  filterName: string;
  pattern: string;
  metricName: string;
  namespace: string;
  alarmName: string;
  topicName: string;
  topicArn: string;
}

/** What the fix has to do, by the reason the check fails. */
interface Plan {
  /** Put a metric filter with the benchmark's pattern. */
  filter: boolean;
  /**
   * Create the SNS topic, or use the alarm's own (`create-topic` is idempotent: it returns an
   * existing topic's ARN, so the CLI runs it in both cases).
   */
  topic: 'create' | 'existing';
  /** Create the alarm, rewrite an existing one with a topic, only enable its actions, or keep it. */
  alarm: 'create' | 'rewrite' | 'enable' | 'keep';
}

const PLANS: Record<DetectionReasonCode, Plan | undefined> = {
  API_ERROR: undefined,
  NO_INTEGRATED_TRAIL: undefined,
  NO_FILTER: { filter: true, topic: 'create', alarm: 'create' },
  FILTER_MISSES_EVENTS: { filter: true, topic: 'create', alarm: 'create' },
  NO_ALARM: { filter: false, topic: 'create', alarm: 'create' },
  ALARM_ACTIONS_DISABLED: { filter: false, topic: 'create', alarm: 'enable' },
  NO_ALARM_TOPIC: { filter: false, topic: 'create', alarm: 'rewrite' },
  NO_CONFIRMED_SUBSCRIBER: { filter: false, topic: 'existing', alarm: 'keep' },
};

export interface DetectionRemediation {
  reason: DetectionReasonCode;
  /** What to do, in one sentence. */
  summary: string;
  cli: string;
  terraform: string;
  cloudFormation: string;
  names: DetectionNames;
}

/** The names the fix uses: the existing chain's where it got that far, new ones otherwise. */
export function detectionNames(
  check: DetectionCheckResult,
): DetectionNames | undefined {
  const logGroup = check.logGroup;
  if (!logGroup) return undefined;
  const data = detectionCheck(check.checkId);
  const keepsFilter =
    check.reason !== 'NO_FILTER' && check.reason !== 'FILTER_MISSES_EVENTS';
  const chain = keepsFilter ? check.chain : undefined;
  const partition = logGroup.arn.split(':')[1] || 'aws';
  const base = `CIS-${check.checkId}-${data.suggestedMetricName}`;
  const topicName = chain?.topicArn?.split(':').pop() || DEFAULT_TOPIC_NAME;
  const topicArn =
    chain?.topicArn ??
    `arn:${partition}:sns:${logGroup.region}:${logGroup.accountId}:${topicName}`;
  return {
    checkId: check.checkId,
    title: data.title,
    accountId: logGroup.accountId,
    region: logGroup.region,
    partition,
    logGroupName: logGroup.name,
    filterName: chain?.filterName ?? base,
    pattern: data.benchmarkPattern,
    metricName: chain?.metricName ?? data.suggestedMetricName,
    namespace: chain?.metricNamespace ?? DETECTION_NAMESPACE,
    alarmName: chain?.alarmName ?? base,
    topicName,
    topicArn,
  };
}

/** A single-quoted shell word. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A double-quoted HCL string: quotes and backslashes escaped, no interpolation. */
export function hclString(text: string): string {
  return `"${text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    // `${` and `%{` would start a template in HCL; doubling the sign makes them literal.
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{')}"`;
}

/** A single-quoted YAML scalar. */
export function yamlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function summaryOf(reason: DetectionReasonCode, n: DetectionNames): string {
  switch (reason) {
    case 'NO_FILTER':
      return `Add a metric filter with the benchmark's pattern to ${n.logGroupName}, an alarm on its metric, and an SNS topic someone has subscribed to.`;
    case 'FILTER_MISSES_EVENTS':
      return `Add a metric filter with the benchmark's pattern (the present one misses events), an alarm on its metric, and an SNS topic someone has subscribed to.`;
    case 'NO_ALARM':
      return `Add an alarm on ${n.namespace}/${n.metricName} that notifies an SNS topic someone has subscribed to.`;
    case 'ALARM_ACTIONS_DISABLED':
      return `Enable the actions of alarm ${n.alarmName}.`;
    case 'NO_ALARM_TOPIC':
      return `Give alarm ${n.alarmName} an SNS topic among its alarm actions, and subscribe someone to it.`;
    case 'NO_CONFIRMED_SUBSCRIBER':
    default:
      return `Subscribe someone to ${n.topicName} and have them confirm the subscription (the confirmation link is sent to the address).`;
  }
}

function cliCommands(
  plan: Plan,
  n: DetectionNames,
  replacedFilter: string | undefined,
): string {
  const region = `--region ${n.region}`;
  const lines: string[] = [
    `# CIS ${n.checkId} (${n.title}) in account ${n.accountId}, ${n.region}`,
  ];
  if (plan.alarm !== 'enable')
    lines.push(`ALERT_EMAIL=${ALERT_EMAIL_EXAMPLE}  # who is told`);
  if (plan.filter) {
    lines.push(
      '',
      `aws logs put-metric-filter ${region} \\`,
      `  --log-group-name ${shellQuote(n.logGroupName)} \\`,
      `  --filter-name ${shellQuote(n.filterName)} \\`,
      `  --filter-pattern ${shellQuote(n.pattern)} \\`,
      `  --metric-transformations metricName=${n.metricName},metricNamespace=${n.namespace},metricValue=1`,
    );
    if (replacedFilter)
      lines.push(
        `# Once the new filter is in place, the one that misses events can go:`,
        `# aws logs delete-metric-filter ${region} --log-group-name ${shellQuote(
          n.logGroupName,
        )} --filter-name ${shellQuote(replacedFilter)}`,
      );
  }
  // Enabling the actions is the whole fix when the alarm already notifies a confirmed topic.
  if (plan.alarm !== 'enable') {
    lines.push(
      '',
      `# Returns the topic's ARN; it also does when the topic exists already.`,
      `aws sns create-topic ${region} --name ${shellQuote(n.topicName)}`,
    );
    lines.push(
      '',
      `aws sns subscribe ${region} \\`,
      `  --topic-arn ${shellQuote(n.topicArn)} \\`,
      `  --protocol email --notification-endpoint "$ALERT_EMAIL"`,
      `# The subscription counts once confirmed: follow the link in the email AWS sends.`,
    );
  }
  if (plan.alarm === 'enable') {
    lines.push(
      '',
      `aws cloudwatch enable-alarm-actions ${region} --alarm-names ${shellQuote(
        n.alarmName,
      )}`,
      `# If the alarm notifies no SNS topic that someone confirmed, create and subscribe one`,
      `# (aws sns create-topic, aws sns subscribe) and put it in the alarm's actions`,
      `# (aws cloudwatch put-metric-alarm … --alarm-actions ${n.topicArn}).`,
    );
  } else if (plan.alarm !== 'keep') {
    lines.push(
      '',
      ...(plan.alarm === 'rewrite'
        ? [
            `# put-metric-alarm replaces the alarm's settings: these are the benchmark's.`,
          ]
        : []),
      `aws cloudwatch put-metric-alarm ${region} \\`,
      `  --alarm-name ${shellQuote(n.alarmName)} \\`,
      `  --metric-name ${shellQuote(n.metricName)} --namespace ${shellQuote(
        n.namespace,
      )} \\`,
      `  --statistic Sum --period 300 --evaluation-periods 1 \\`,
      `  --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold \\`,
      `  --treat-missing-data notBreaching --actions-enabled \\`,
      `  --alarm-actions ${shellQuote(n.topicArn)}`,
    );
  }
  return lines.join('\n');
}

function hclId(n: DetectionNames): string {
  return `cis_${n.checkId.replace('.', '_')}`;
}

function terraformSnippet(plan: Plan, n: DetectionNames): string {
  const id = hclId(n);
  const blocks: string[] = [
    `# CIS ${n.checkId} (${n.title}): account ${n.accountId}, provider region ${n.region}`,
    [
      `variable "alert_email" {`,
      `  description = "Who is told when a CIS detection alarm fires"`,
      `  type        = string`,
      `}`,
    ].join('\n'),
  ];
  if (plan.filter)
    blocks.push(
      [
        `resource "aws_cloudwatch_log_metric_filter" "${id}" {`,
        `  name           = ${hclString(n.filterName)}`,
        `  log_group_name = ${hclString(n.logGroupName)}`,
        `  pattern        = ${hclString(n.pattern)}`,
        ``,
        `  metric_transformation {`,
        `    name      = ${hclString(n.metricName)}`,
        `    namespace = ${hclString(n.namespace)}`,
        `    value     = "1"`,
        `  }`,
        `}`,
      ].join('\n'),
    );
  // The alarm's own topic (NO_CONFIRMED_SUBSCRIBER) is referred to by its ARN, not created again.
  const topicExists = plan.topic === 'existing';
  const topicRef = topicExists
    ? hclString(n.topicArn)
    : `aws_sns_topic.${id}_alerts.arn`;
  if (!topicExists)
    blocks.push(
      [
        `resource "aws_sns_topic" "${id}_alerts" {`,
        `  name = ${hclString(n.topicName)}`,
        `}`,
      ].join('\n'),
    );
  blocks.push(
    [
      `resource "aws_sns_topic_subscription" "${id}_email" {`,
      `  topic_arn = ${topicRef}`,
      `  protocol  = "email"`,
      `  endpoint  = var.alert_email`,
      `}`,
    ].join('\n'),
  );
  if (plan.alarm !== 'keep') {
    const alarm = [
      `resource "aws_cloudwatch_metric_alarm" "${id}" {`,
      `  alarm_name          = ${hclString(n.alarmName)}`,
      `  namespace           = ${hclString(n.namespace)}`,
      `  metric_name         = ${
        plan.filter
          ? `aws_cloudwatch_log_metric_filter.${id}.metric_transformation[0].name`
          : hclString(n.metricName)
      }`,
      `  statistic           = "Sum"`,
      `  period              = 300`,
      `  evaluation_periods  = 1`,
      `  threshold           = 1`,
      `  comparison_operator = "GreaterThanOrEqualToThreshold"`,
      `  treat_missing_data  = "notBreaching"`,
      `  actions_enabled     = true`,
      `  alarm_actions       = [${topicRef}]`,
      `}`,
    ].join('\n');
    if (plan.alarm !== 'create')
      blocks.push(
        [
          `# The alarm exists: take it under Terraform's management (Terraform 1.5+).`,
          `import {`,
          `  to = aws_cloudwatch_metric_alarm.${id}`,
          `  id = ${hclString(n.alarmName)}`,
          `}`,
        ].join('\n'),
      );
    blocks.push(alarm);
  }
  return `${blocks.join('\n\n')}\n`;
}

function cfnLogicalId(n: DetectionNames): string {
  return `Cis${n.checkId.replace('.', '')}`;
}

function cloudFormationSnippet(plan: Plan, n: DetectionNames): string {
  const id = cfnLogicalId(n);
  const topicExists = plan.topic === 'existing';
  const topicRef = topicExists
    ? yamlString(n.topicArn)
    : `!Ref ${id}AlertTopic`;
  const lines: string[] = [
    `# CIS ${n.checkId} (${n.title}): deploy in account ${n.accountId}, region ${n.region}`,
    `AWSTemplateFormatVersion: '2010-09-09'`,
    `Parameters:`,
    `  AlertEmail:`,
    `    Type: String`,
    `    Description: Who is told when a CIS detection alarm fires`,
    `Resources:`,
  ];
  if (plan.filter)
    lines.push(
      `  ${id}MetricFilter:`,
      `    Type: AWS::Logs::MetricFilter`,
      `    Properties:`,
      `      FilterName: ${yamlString(n.filterName)}`,
      `      LogGroupName: ${yamlString(n.logGroupName)}`,
      `      FilterPattern: ${yamlString(n.pattern)}`,
      `      MetricTransformations:`,
      `        - MetricName: ${yamlString(n.metricName)}`,
      `          MetricNamespace: ${yamlString(n.namespace)}`,
      `          MetricValue: '1'`,
    );
  if (!topicExists)
    lines.push(
      `  ${id}AlertTopic:`,
      `    Type: AWS::SNS::Topic`,
      `    Properties:`,
      `      TopicName: ${yamlString(n.topicName)}`,
    );
  lines.push(
    `  ${id}AlertSubscription:`,
    `    Type: AWS::SNS::Subscription`,
    `    Properties:`,
    `      TopicArn: ${topicRef}`,
    `      Protocol: email`,
    `      Endpoint: !Ref AlertEmail`,
  );
  if (plan.alarm !== 'keep') {
    if (plan.alarm !== 'create')
      lines.push(
        `  # The alarm exists: import it into the stack (resource import), or delete it first.`,
      );
    lines.push(
      `  ${id}Alarm:`,
      `    Type: AWS::CloudWatch::Alarm`,
      ...(plan.alarm !== 'create' ? [`    DeletionPolicy: Retain`] : []),
      `    Properties:`,
      `      AlarmName: ${yamlString(n.alarmName)}`,
      `      Namespace: ${yamlString(n.namespace)}`,
      `      MetricName: ${yamlString(n.metricName)}`,
      `      Statistic: Sum`,
      `      Period: 300`,
      `      EvaluationPeriods: 1`,
      `      Threshold: 1`,
      `      ComparisonOperator: GreaterThanOrEqualToThreshold`,
      `      TreatMissingData: notBreaching`,
      `      ActionsEnabled: true`,
      `      AlarmActions:`,
      `        - ${topicRef}`,
    );
    if (plan.filter) lines.push(`    DependsOn: ${id}MetricFilter`);
  }
  return `${lines.join('\n')}\n`;
}

/** The fix for a failing check, or undefined when there is nothing to configure (PASS, ERROR, N/A). */
export function detectionRemediation(
  check: DetectionCheckResult,
): DetectionRemediation | undefined {
  if (check.verdict !== 'FAIL' || !check.reason) return undefined;
  const plan = PLANS[check.reason];
  const names = detectionNames(check);
  if (!plan || !names) return undefined;
  const replaced =
    check.reason === 'FILTER_MISSES_EVENTS'
      ? missingJudgement(check)?.filterName
      : undefined;
  return {
    reason: check.reason,
    summary: summaryOf(check.reason, names),
    cli: cliCommands(plan, names, replaced),
    terraform: terraformSnippet(plan, names),
    cloudFormation: cloudFormationSnippet(plan, names),
    names,
  };
}
