import { FindingSpec } from '../world/schema';
import { resolveTime } from '../world/time';

/**
 * Security Hub findings in the AWS Security Finding Format (ASFF), as the
 * CloudTrail.5 control (consolidated control findings) or, when the world
 * gives `controlId: null`, as a legacy CIS 1.2 rule 2.4 finding (the GovCloud
 * / China style, without Compliance.SecurityControlId).
 */

export const LEGACY_GENERATOR_ID =
  'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/2.4';
const CIS_TYPE =
  'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark';

export const generatorIdOf = (f: FindingSpec): string =>
  f.controlId ? `security-control/${f.controlId}` : LEGACY_GENERATOR_ID;

export const productArnOf = (f: FindingSpec, partition: string): string =>
  `arn:${partition}:securityhub:${f.region}::product/aws/securityhub`;

export const titleOf = (f: FindingSpec): string =>
  f.controlId
    ? 'CloudTrail trails should be integrated with Amazon CloudWatch Logs'
    : '2.4 Ensure CloudTrail trails are integrated with CloudWatch Logs';

export const associatedStandardsOf = (f: FindingSpec): string[] =>
  f.controlId
    ? [
        'standards/cis-aws-foundations-benchmark/v/1.2.0',
        'standards/cis-aws-foundations-benchmark/v/1.4.0',
        'standards/aws-foundational-security-best-practices/v/1.0.0',
      ]
    : [];

export const trailRegionOf = (f: FindingSpec): string =>
  f.trailArn.split(':')[3];

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function toAsff(
  f: FindingSpec,
  partition: string,
  nowMs: number,
): Record<string, unknown> {
  const createdAt = iso(resolveTime(f.createdAt, nowMs));
  const updatedAt = iso(resolveTime(f.updatedAt, nowMs));
  const severity = { Label: f.severity, Original: f.severity };
  const compliance: Record<string, unknown> = { Status: f.status };
  if (f.controlId) {
    compliance.SecurityControlId = f.controlId;
    compliance.RelatedRequirements = [
      'CIS AWS Foundations Benchmark v1.2.0/2.4',
      'CIS AWS Foundations Benchmark v1.4.0/3.4',
    ];
    compliance.AssociatedStandards = associatedStandardsOf(f).map(
      StandardsId => ({ StandardsId }),
    );
  }
  const productFields: Record<string, string> = f.controlId
    ? {
        RelatedAWSResources: '0/name',
        'aws/securityhub/ProductName': 'Security Hub',
        'aws/securityhub/CompanyName': 'AWS',
        'aws/securityhub/FindingId': f.id,
      }
    : {
        StandardsGuideArn:
          'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0',
        StandardsGuideSubscriptionArn: `arn:aws:securityhub:${f.region}:${f.account}:subscription/cis-aws-foundations-benchmark/v/1.2.0`,
        RuleId: '2.4',
        'aws/securityhub/ProductName': 'Security Hub',
        'aws/securityhub/CompanyName': 'AWS',
        'aws/securityhub/FindingId': f.id,
      };
  return {
    SchemaVersion: '2018-10-08',
    Id: f.id,
    ProductArn: productArnOf(f, partition),
    ProductName: 'Security Hub',
    CompanyName: 'AWS',
    Region: f.region,
    GeneratorId: generatorIdOf(f),
    AwsAccountId: f.account,
    Types: [CIS_TYPE],
    FirstObservedAt: createdAt,
    LastObservedAt: updatedAt,
    CreatedAt: createdAt,
    UpdatedAt: updatedAt,
    Severity: severity,
    Title: titleOf(f),
    Description:
      'This control checks whether CloudTrail trails are configured to send logs to CloudWatch Logs. The control fails if the CloudWatchLogsLogGroupArn property of the trail is empty.',
    Remediation: {
      Recommendation: {
        Text: 'For information on how to correct this issue, consult the AWS Security Hub controls documentation.',
        Url: 'https://docs.aws.amazon.com/console/securityhub/CloudTrail.5/remediation',
      },
    },
    ProductFields: productFields,
    Resources: [
      {
        Type: 'AwsCloudTrailTrail',
        Id: f.trailArn,
        Partition: partition,
        Region: trailRegionOf(f),
      },
    ],
    Compliance: compliance,
    WorkflowState: f.workflowStatus === 'RESOLVED' ? 'RESOLVED' : 'NEW',
    Workflow: { Status: f.workflowStatus },
    RecordState: f.recordState,
    FindingProviderFields: { Severity: severity, Types: [CIS_TYPE] },
    ProcessedAt: updatedAt,
  };
}
