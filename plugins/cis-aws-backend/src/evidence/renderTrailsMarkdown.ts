import { EvidencePacket, EvidenceTrail } from '@cis-aws/plugin-cis-aws-common';
import {
  code,
  codeBlock,
  facts,
  link,
  optional,
  plural,
  prettyJson,
  reasonWords,
  text,
  verdictWords,
  when,
  yesNo,
} from './markdown';

/**
 * The trails section of the Markdown packet: per trail, its configuration, delivery status,
 * log group and IAM role with the trust and permission policy documents.
 */

function deliveryStatus(trail: EvidenceTrail): string {
  const status = trail.deliveryStatus;
  if (status.state === 'HIDDEN') {
    return `The trail's status is not readable from this account (it belongs to ${code(
      trail.ownerAccountId,
    )})${status.error ? `: ${code(status.error.code)}` : ''}.`;
  }
  if (status.state === 'FAILED') {
    return `Reading the status failed: ${code(status.error.operation)} ${code(
      status.error.code,
    )}: ${text(status.error.message)}`;
  }
  return facts([
    ['Read in region', code(status.region)],
    ['Logging', yesNo(status.isLogging)],
    [
      'Last CloudWatch Logs delivery',
      when(status.latestCloudWatchLogsDeliveryTime),
    ],
    [
      'Last CloudWatch Logs delivery error',
      status.latestCloudWatchLogsDeliveryError
        ? text(status.latestCloudWatchLogsDeliveryError)
        : 'none',
    ],
    ['Last S3 delivery', when(status.latestDeliveryTime)],
    [
      'Last S3 delivery error',
      status.latestDeliveryError ? text(status.latestDeliveryError) : 'none',
    ],
  ]);
}

function logGroup(trail: EvidenceTrail): string {
  const group = trail.logGroup;
  switch (group.state) {
    case 'FOUND':
      return facts([
        ['Name', code(group.name)],
        ['ARN', code(group.arn)],
        ['Account', code(group.accountId)],
        ['Region', code(group.region)],
        [
          'Retention',
          group.retentionInDays === null
            ? 'none set: logs never expire'
            : plural(group.retentionInDays, 'day'),
        ],
      ]);
    case 'NOT_FOUND':
      return `The log group ${code(group.name)} (${code(
        group.arn,
      )}) does not exist.`;
    case 'NOT_CHECKED':
      return group.why === 'NO_ARN'
        ? 'The trail names no log group.'
        : "The log group belongs to another account and was not looked up from this account's reader role.";
    default:
      return `Looking up the log group failed: ${code(
        group.error.operation,
      )} ${code(group.error.code)}: ${text(group.error.message)}`;
  }
}

function role(trail: EvidenceTrail): string {
  const r = trail.role;
  if (r.state !== 'FOUND') {
    return `${r.arn ? `${code(r.arn)}: ` : ''}${text(r.detail)}`;
  }
  const parts = [
    facts([
      ['ARN', code(r.arn)],
      ['Trusts CloudTrail', text(r.trustsCloudTrail)],
      ['May write to the log group', text(r.permission)],
    ]),
    '',
    '**Trust policy**',
    '',
    codeBlock(prettyJson(r.trustPolicy), 'json'),
  ];
  if (r.permissionPolicies.length === 0) {
    parts.push('', 'No permission policy document was retained for this role.');
  }
  for (const policy of r.permissionPolicies) {
    parts.push(
      '',
      `**Permission policy: ${text(policy.name)}** (${
        policy.kind === 'INLINE' ? 'inline' : 'managed'
      }${policy.arn ? `, ${code(policy.arn)}` : ''})`,
      '',
      codeBlock(prettyJson(policy.document), 'json'),
    );
  }
  return parts.join('\n');
}

function trailSection(trail: EvidenceTrail): string {
  const links = trail.consoleLinks;
  return [
    `### Trail ${code(trail.name)}: ${trail.verdict}`,
    '',
    facts([
      ['ARN', code(trail.arn)],
      ['Verdict', verdictWords(trail.verdict)],
      ['Reason', reasonWords(trail.reason)],
      ['Detail', trail.detail ? text(trail.detail) : '—'],
      ['Without exceptions', trail.underlyingVerdict],
      ['Owner account', code(trail.ownerAccountId)],
      ['Home region', code(trail.homeRegion)],
      ['Multi-region', yesNo(trail.isMultiRegion)],
      ['Organization trail', yesNo(trail.isOrganizationTrail)],
      [
        'CloudWatchLogsLogGroupArn',
        optional(trail.cloudWatchLogsLogGroupArn ?? undefined),
      ],
      [
        'CloudWatchLogsRoleArn',
        optional(trail.cloudWatchLogsRoleArn ?? undefined),
      ],
      ...(trail.inheritedFrom
        ? ([
            [
              'Verdict taken from',
              `the evaluation of its owner account ${code(
                trail.inheritedFrom.accountId,
              )}`,
            ],
          ] as [string, string][])
        : []),
      ...(trail.exemptedBy
        ? ([
            [
              'Exempted by',
              `exception ${code(trail.exemptedBy.id)}: ${text(
                trail.exemptedBy.reason,
              )}`,
            ],
          ] as [string, string][])
        : []),
      [
        'AWS console',
        [
          link('trail', links.trail),
          link('log group', links.logGroup),
          link('role', links.role),
          link('Security Hub CloudTrail.5', links.securityHubControl),
        ].join(' · '),
      ],
    ]),
    '',
    '#### Delivery status',
    '',
    deliveryStatus(trail),
    '',
    '#### Log group',
    '',
    logGroup(trail),
    '',
    '#### IAM role',
    '',
    role(trail),
    ...organizationTrail(trail),
  ].join('\n');
}

/** The chain a member's organization trail relies on, as its owner account evaluated it. */
function organizationTrail(trail: EvidenceTrail): string[] {
  const embedded = trail.organizationTrail;
  if (!embedded) return [];
  const heading = `#### As evaluated in the owner account ${code(
    embedded.ownerAccountId,
  )}`;
  const evaluated = embedded.evaluation
    ? `The owner's evaluation current at this packet's time, of ${when(
        embedded.evaluation.evaluatedAt,
      )} (link ${embedded.evaluation.seq} of the owner's evidence chain, ${code(
        embedded.evaluation.hash,
      )}), saw the trail as follows.`
    : '';
  if (!embedded.trail) {
    return [
      '',
      heading,
      '',
      [evaluated, text(embedded.missing ?? '')].filter(Boolean).join(' '),
    ];
  }
  const owners = embedded.trail;
  return [
    '',
    heading,
    '',
    evaluated,
    '',
    facts([
      ['Verdict there', verdictWords(owners.verdict)],
      ['Reason', reasonWords(owners.reason)],
      [
        'CloudWatchLogsLogGroupArn',
        optional(owners.cloudWatchLogsLogGroupArn ?? undefined),
      ],
      [
        'CloudWatchLogsRoleArn',
        optional(owners.cloudWatchLogsRoleArn ?? undefined),
      ],
    ]),
    '',
    "##### Delivery status (owner's view)",
    '',
    deliveryStatus(owners),
    '',
    "##### Log group (owner's view)",
    '',
    logGroup(owners),
    '',
    "##### IAM role (owner's view)",
    '',
    role(owners),
  ];
}

export function trailsSection(packet: EvidencePacket): string {
  if (!packet.result) return '';
  if (packet.trails.length === 0) {
    return '## Trails\n\nThe account had no trail and saw none from its organization.';
  }
  return [
    '## Trails',
    '',
    ...packet.trails.map(trail => `${trailSection(trail)}\n`),
  ]
    .join('\n')
    .trimEnd();
}
