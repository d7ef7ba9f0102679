import { detectionCheck } from '@cis-aws/plugin-cis-aws-common';
import {
  IAM_ACTIONS_DISABLED,
  IAM_NO_TOPIC,
  LOG_GROUP,
  notApplicable,
  ROOT_API_ERROR,
  ROOT_NO_FILTER,
  ROOT_PASS,
  ROOT_PENDING_ONLY,
  TOPIC_ARN,
  TRAIL_FILTER_MISSES,
  TRAIL_NO_ALARM,
} from '../../__fixtures__/detection';
import {
  detectionRemediation,
  hclString,
  shellQuote,
  yamlString,
} from './remediation';

/** The shell words of a command line, as `sh` would split single-quoted words. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line))
    words.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]);
  return words;
}

/** A command spread over lines with trailing backslashes, as one line. */
function command(cli: string, start: string): string {
  const lines = cli.split('\n');
  const first = lines.findIndex(l => l.startsWith(start));
  expect(first).toBeGreaterThanOrEqual(0);
  const parts: string[] = [];
  for (let i = first; i < lines.length; i++) {
    parts.push(lines[i].replace(/\\$/, '').trim());
    if (!lines[i].endsWith('\\')) break;
  }
  return parts.join(' ');
}

function flag(words: string[], name: string): string | undefined {
  const i = words.indexOf(name);
  return i >= 0 ? words[i + 1] : undefined;
}

describe('detectionRemediation', () => {
  it('has nothing to configure for a passing, erroring or not applicable check', () => {
    expect(detectionRemediation(ROOT_PASS)).toBeUndefined();
    expect(detectionRemediation(ROOT_API_ERROR)).toBeUndefined();
    expect(detectionRemediation(notApplicable('3.3'))).toBeUndefined();
  });

  it('NO_FILTER: puts the benchmark pattern on the log group, then topic, subscription and alarm on its metric', () => {
    const fix = detectionRemediation(ROOT_NO_FILTER)!;
    const pattern = detectionCheck('3.3').benchmarkPattern;
    const filter = shellWords(command(fix.cli, 'aws logs put-metric-filter'));
    expect(flag(filter, '--log-group-name')).toBe(LOG_GROUP.name);
    expect(flag(filter, '--region')).toBe('eu-west-1');
    // The pattern reaches AWS exactly as the benchmark writes it, quotes and `$` included.
    expect(flag(filter, '--filter-pattern')).toBe(pattern);
    expect(flag(filter, '--filter-name')).toBe('CIS-3.3-RootAccountUsage');
    expect(flag(filter, '--metric-transformations')).toBe(
      'metricName=RootAccountUsage,metricNamespace=CISBenchmark,metricValue=1',
    );

    const topic = shellWords(command(fix.cli, 'aws sns create-topic'));
    expect(flag(topic, '--name')).toBe('cis-detection-alerts');
    const subscribe = shellWords(command(fix.cli, 'aws sns subscribe'));
    const newTopic = `arn:aws:sns:eu-west-1:${LOG_GROUP.accountId}:cis-detection-alerts`;
    expect(flag(subscribe, '--topic-arn')).toBe(newTopic);
    expect(flag(subscribe, '--protocol')).toBe('email');

    const alarm = shellWords(
      command(fix.cli, 'aws cloudwatch put-metric-alarm'),
    );
    expect(flag(alarm, '--metric-name')).toBe('RootAccountUsage');
    expect(flag(alarm, '--namespace')).toBe('CISBenchmark');
    expect(flag(alarm, '--alarm-actions')).toBe(newTopic);
    expect(flag(alarm, '--threshold')).toBe('1');
    expect(alarm).toContain('--actions-enabled');

    expect(fix.terraform).toContain(
      'resource "aws_cloudwatch_log_metric_filter" "cis_3_3"',
    );
    expect(fix.terraform).toContain(`pattern        = ${hclString(pattern)}`);
    expect(fix.terraform).toContain(`log_group_name = "${LOG_GROUP.name}"`);
    expect(fix.terraform).toContain(
      'metric_name         = aws_cloudwatch_log_metric_filter.cis_3_3.metric_transformation[0].name',
    );
    expect(fix.terraform).toContain(
      'alarm_actions       = [aws_sns_topic.cis_3_3_alerts.arn]',
    );
    expect(fix.terraform).not.toContain('import {');

    expect(fix.cloudFormation).toContain('Type: AWS::Logs::MetricFilter');
    expect(fix.cloudFormation).toContain(
      `FilterPattern: ${yamlString(pattern)}`,
    );
    expect(fix.cloudFormation).toContain('Type: AWS::SNS::Subscription');
    expect(fix.cloudFormation).toContain('- !Ref Cis33AlertTopic');
    expect(fix.cloudFormation).toContain('DependsOn: Cis33MetricFilter');
    expect(fix.cloudFormation).toContain(
      'account 403344556677, region eu-west-1',
    );
  });

  it('FILTER_MISSES_EVENTS: adds a filter with the benchmark pattern and names the one that misses events', () => {
    const fix = detectionRemediation(TRAIL_FILTER_MISSES)!;
    const filter = shellWords(command(fix.cli, 'aws logs put-metric-filter'));
    expect(flag(filter, '--filter-pattern')).toBe(
      detectionCheck('3.5').benchmarkPattern,
    );
    expect(flag(filter, '--filter-name')).toBe('CIS-3.5-CloudTrailEventCount');
    expect(fix.cli).toContain("--filter-name 'CloudTrailChanges'");
    expect(fix.cli).toMatch(/^# aws logs delete-metric-filter/m);
  });

  it("NO_ALARM: alarms on the existing filter's metric and namespace, creating no filter", () => {
    const fix = detectionRemediation(TRAIL_NO_ALARM)!;
    expect(fix.cli).not.toContain('put-metric-filter');
    const alarm = shellWords(
      command(fix.cli, 'aws cloudwatch put-metric-alarm'),
    );
    expect(flag(alarm, '--metric-name')).toBe('TrailChanges');
    expect(flag(alarm, '--namespace')).toBe('Storefront/Security');
    expect(fix.terraform).not.toContain('aws_cloudwatch_log_metric_filter');
    expect(fix.terraform).toContain(
      'namespace           = "Storefront/Security"',
    );
    expect(fix.terraform).toContain('metric_name         = "TrailChanges"');
    expect(fix.cloudFormation).not.toContain('AWS::Logs::MetricFilter');
    expect(fix.cloudFormation).not.toContain('DependsOn');
  });

  it('ALARM_ACTIONS_DISABLED: enables the actions of the alarm, and the snippets take the alarm over', () => {
    const fix = detectionRemediation(IAM_ACTIONS_DISABLED)!;
    const enable = shellWords(
      command(fix.cli, 'aws cloudwatch enable-alarm-actions'),
    );
    expect(flag(enable, '--alarm-names')).toBe('iam-policy-changes');
    expect(fix.cli).not.toMatch(/^aws cloudwatch put-metric-alarm/m);
    expect(fix.terraform).toContain('to = aws_cloudwatch_metric_alarm.cis_3_4');
    expect(fix.terraform).toContain('actions_enabled     = true');
    expect(fix.cloudFormation).toContain('ActionsEnabled: true');
    expect(fix.cloudFormation).toContain('DeletionPolicy: Retain');
  });

  it('NO_ALARM_TOPIC: creates and subscribes a topic and rewrites the alarm with it', () => {
    const fix = detectionRemediation(IAM_NO_TOPIC)!;
    const alarm = shellWords(
      command(fix.cli, 'aws cloudwatch put-metric-alarm'),
    );
    expect(flag(alarm, '--alarm-name')).toBe('iam-policy-changes');
    expect(flag(alarm, '--namespace')).toBe('CISBenchmark');
    expect(flag(alarm, '--metric-name')).toBe('IAMPolicyEventCount');
    expect(fix.cli).toContain("replaces the alarm's settings");
    expect(fix.cli).toContain('aws sns create-topic');
  });

  it("NO_CONFIRMED_SUBSCRIBER: subscribes to the alarm's own topic and leaves the alarm alone", () => {
    const fix = detectionRemediation(ROOT_PENDING_ONLY)!;
    const subscribe = shellWords(command(fix.cli, 'aws sns subscribe'));
    expect(flag(subscribe, '--topic-arn')).toBe(TOPIC_ARN);
    expect(
      flag(shellWords(command(fix.cli, 'aws sns create-topic')), '--name'),
    ).toBe('security-alerts');
    expect(fix.cli).not.toContain('put-metric-alarm');
    expect(fix.terraform).toContain(`topic_arn = "${TOPIC_ARN}"`);
    expect(fix.terraform).not.toContain('aws_sns_topic"');
    expect(fix.terraform).not.toContain('aws_cloudwatch_metric_alarm');
    expect(fix.cloudFormation).toContain(`TopicArn: '${TOPIC_ARN}'`);
    expect(fix.cloudFormation).not.toContain('AWS::CloudWatch::Alarm');
  });
});

describe('quoting', () => {
  it('keeps a pattern intact in the shell, HCL and YAML', () => {
    expect(shellWords(`x ${shellQuote("it's $HOME")}`)).toEqual([
      'x',
      "it's $HOME",
    ]);
    expect(hclString('{ ($.a = "b") } ${x} %{y} \\')).toBe(
      '"{ ($.a = \\"b\\") } $${x} %%{y} \\\\"',
    );
    expect(yamlString("it's")).toBe("'it''s'");
  });
});
