import {
  ComplianceException,
  ExceptionAuditEvent,
  EvidencePacket,
  exceptionStatus,
  SecurityHubFindingSummary,
  VERDICT_DESCRIPTIONS,
} from '@cis-aws/plugin-cis-aws-common';
import { agreementWords, auditAnswers } from './auditAnswers';
import { trailsSection } from './renderTrailsMarkdown';
import {
  code,
  facts,
  link,
  optional,
  plural,
  reasonWords,
  table,
  text,
  verdictWords,
  when,
} from './markdown';

/**
 * The packet as a Markdown document an auditor reads top to bottom: what the control is, the
 * verdict, each trail's chain with its configuration and IAM documents, Security Hub, the
 * verification history, the exceptions, and answers to the usual audit questions. Everything
 * shown comes from the packet: JSON and Markdown never disagree.
 */

function header(packet: EvidencePacket): string {
  const { account, control } = packet;
  return [
    `# CIS AWS ${control.id} evidence: ${text(account.title)}${
      account.title.includes(account.accountId) ? '' : ` (${account.accountId})`
    }`,
    '',
    facts([
      ['AWS account', code(account.accountId)],
      ['Catalog entity', code(account.entityRef)],
      ['Owner', optional(account.ownerRef)],
      ['System', optional(account.systemRef)],
      ['As of', when(packet.asOf)],
      [
        'Produced',
        `${when(packet.produced.at)} for ${code(packet.produced.by)}`,
      ],
    ]),
    '',
    '## Control',
    '',
    `**${text(control.framework)}, control ${control.id}**: ${text(
      control.title,
    )} (AWS Security Hub control ${code(control.securityHubControlId)}).`,
    '',
    `**Control statement.** ${text(control.statement)}`,
    '',
    `**Scope.** ${text(control.scope)}`,
    '',
    `**What passing means here.** Every trail the account has or sees names a CloudWatch Logs log group and an IAM role; the log group exists; the role exists, trusts CloudTrail and may create log streams and put log events in that log group; the trail is logging; and its last delivery to CloudWatch Logs is at most ${
      control.maxDeliveryAgeHours ?? 24
    } hours old.`,
  ].join('\n');
}

function resultSection(packet: EvidencePacket): string {
  const result = packet.result;
  if (!result) {
    return [
      '## Result',
      '',
      `The account had not been evaluated by ${when(
        packet.asOf,
      )}: there is no result to show. The history below is all this packet holds.`,
    ].join('\n');
  }
  const lines = [
    '## Result',
    '',
    `Verdict: ${verdictWords(result.verdict)}. ${text(
      VERDICT_DESCRIPTIONS[result.verdict].explanation,
    )}`,
    '',
    facts([
      ['Reason', reasonWords(result.reason)],
      ['Detail', result.detail ? text(result.detail) : '—'],
      [
        'Without exceptions',
        `${result.underlyingVerdict}${
          result.underlyingReason ? ` (${code(result.underlyingReason)})` : ''
        }`,
      ],
      [
        'Since',
        packet.verdictSince
          ? when(packet.verdictSince)
          : 'not known (no verdict change retained)',
      ],
      ['Failing since', failingSinceText(packet)],
      ['Evaluated at', when(result.evaluatedAt)],
      ['Partition', code(result.inventory.partition)],
      [
        'Regions read',
        result.inventory.regionsScanned.map(code).join(', ') || 'none',
      ],
      [
        'Regions skipped (not enabled)',
        result.inventory.regionsSkipped.map(code).join(', ') || 'none',
      ],
      [
        'Regions that could not be read',
        result.inventory.regionsFailed.map(code).join(', ') || 'none',
      ],
    ]),
  ];
  if (result.warnings.length > 0) {
    lines.push(
      '',
      '### Warnings',
      '',
      table(
        ['Warning', 'Detail', 'Trail'],
        result.warnings.map(warning => [
          code(warning.code),
          text(warning.detail),
          optional(warning.trailArn),
        ]),
      ),
    );
  }
  return lines.join('\n');
}

function findingRows(findings: SecurityHubFindingSummary[]): string[][] {
  return findings.map(finding => [
    code(finding.findingId),
    optional(finding.trailArn),
    optional(finding.region),
    finding.status,
    finding.complianceStatus ? code(finding.complianceStatus) : '—',
    when(finding.updatedAt),
  ]);
}

function securityHubSection(packet: EvidencePacket): string {
  if (!packet.result) return '';
  const hub = packet.securityHub;
  if (!hub) {
    return '## Security Hub (CloudTrail.5)\n\nNo Security Hub result was available for this evaluation.';
  }
  const headers = [
    'Finding',
    'Trail',
    'Region',
    'Status',
    'Compliance',
    'Updated',
  ];
  const lines = [
    '## Security Hub (CloudTrail.5)',
    '',
    `Security Hub's status: **${hub.status}**; ${
      hub.agrees === false
        ? `**${agreementWords(false, 'the verdict')}**`
        : agreementWords(hub.agrees, 'the verdict')
    }. Security Hub is a second opinion: its findings can lag up to a day.`,
    '',
    hub.findings.length > 0
      ? table(headers, findingRows(hub.findings))
      : 'No CloudTrail.5 finding for this account.',
  ];
  if (hub.ignoredFindings.length > 0) {
    lines.push(
      '',
      'Findings about trails the account no longer has (not counted):',
      '',
      table(headers, findingRows(hub.ignoredFindings)),
    );
  }
  return lines.join('\n');
}

function historySection(packet: EvidencePacket): string {
  const { period, verifications, changes } = packet.history;
  return [
    `## Verification history (${when(period.from)} to ${when(period.to)})`,
    '',
    'The last evaluation of each day (UTC), as retained:',
    '',
    verifications.length > 0
      ? table(
          ['Date', 'Evaluated at', 'Verdict', 'Reason'],
          verifications.map(verification => [
            verification.date,
            when(verification.evaluatedAt),
            verification.verdict,
            optional(verification.reason),
          ]),
        )
      : 'No daily verification was retained in this period.',
    '',
    '### Verdict changes',
    '',
    changes.length > 0
      ? table(
          ['When', 'Of', 'From', 'To', 'Reason'],
          changes.map(change => [
            when(change.changedAt),
            change.trailArn ? `trail ${code(change.trailArn)}` : 'the account',
            change.from ?? '(first verdict)',
            change.to,
            optional(change.reason),
          ]),
        )
      : 'No verdict changed in this period.',
    ...(packet.history.episodes
      ? [
          '',
          '### Failure episodes',
          '',
          'From the first FAIL after a PASS to the next PASS; ERROR and UNKNOWN results and exceptions inside an episode neither end nor restart it.',
          '',
          packet.history.episodes.length > 0
            ? table(
                [
                  'Of',
                  'Failing since',
                  'Fixed at',
                  'Time to fix',
                  'Reason then',
                ],
                packet.history.episodes.map(episode => [
                  episode.trailArn
                    ? `trail ${code(episode.trailArn)}`
                    : 'the account',
                  when(episode.startedAt),
                  episode.endedAt ? when(episode.endedAt) : 'still failing',
                  episode.durationMs !== undefined
                    ? duration(episode.durationMs)
                    : '—',
                  optional(episode.reason),
                ]),
              )
            : 'No failure episode in this period.',
        ]
      : []),
    ...detectionHistory(packet),
  ].join('\n');
}

/**
 * The detection control's (CIS 3.x) changes and failure episodes of the period, beside 2.4's in
 * the history and never merged with them: nothing when the packet has no detection section.
 */
function detectionHistory(packet: EvidencePacket): string[] {
  const detection = packet.detection;
  if (!detection) return [];
  return [
    '',
    '### Detection verdict changes (CIS 3.x)',
    '',
    detection.changes.length > 0
      ? table(
          ['When', 'From', 'To', 'Reason'],
          detection.changes.map(change => [
            when(change.changedAt),
            change.from ?? '(first result)',
            change.to,
            optional(change.reason),
          ]),
        )
      : 'No detection verdict changed in this period.',
    '',
    '### Detection failure episodes (CIS 3.x)',
    '',
    'From a FAIL to the next PASS; ERROR and NOT_APPLICABLE results inside an episode neither end nor restart it.',
    '',
    detection.episodes.length > 0
      ? table(
          ['Failing since', 'Fixed at', 'Time to fix', 'Reason then'],
          detection.episodes.map(episode => [
            when(episode.startedAt),
            episode.endedAt ? when(episode.endedAt) : 'still failing',
            episode.endedAt
              ? duration(
                  Date.parse(episode.endedAt) - Date.parse(episode.startedAt),
                )
              : '—',
            optional(episode.reason),
          ]),
        )
      : 'No detection failure episode in this period.',
  ];
}

/** A time to fix in words: days and hours, or hours and minutes under a day. */
function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const days = Math.floor(minutes / (24 * 60));
  const hours = Math.floor((minutes % (24 * 60)) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  return `${hours} h ${minutes % 60} min`;
}

/** Who decided, when, and how: a legacy grant says its approver was typed, not verified. */
function decisionCell(exception: ComplianceException): string {
  const comment = exception.decisionComment
    ? `: ${text(exception.decisionComment)}`
    : '';
  if (exception.state === 'REJECTED') {
    return `rejected by ${code(exception.rejectedBy ?? 'unknown')}${
      exception.rejectedAt ? `, ${when(exception.rejectedAt)}` : ''
    }${comment}`;
  }
  if (exception.state !== 'APPROVED') return 'pending approval';
  const approver = `${code(exception.approvedBy ?? 'unknown')}${
    exception.approvedAt ? `, ${when(exception.approvedAt)}` : ''
  }${comment}`;
  return exception.legacySingleStep
    ? `${approver} (legacy single-step grant: approver named by the granter, not verified)`
    : approver;
}

function exceptionRow(exception: ComplianceException, asOf: Date): string[] {
  const status = exceptionStatus(exception, asOf);
  return [
    code(exception.id),
    status === 'ACTIVE' ? '**ACTIVE**' : status,
    exception.trailArn ? `trail ${code(exception.trailArn)}` : 'the account',
    text(exception.reason),
    exception.createdBy
      ? `${code(exception.createdBy)}, ${when(exception.createdAt)}`
      : when(exception.createdAt),
    decisionCell(exception),
    when(exception.expiresAt),
    exception.revokedAt
      ? `${when(exception.revokedAt)}${
          exception.revokedBy ? ` by ${code(exception.revokedBy)}` : ''
        }${exception.revokeReason ? `: ${text(exception.revokeReason)}` : ''}`
      : '—',
    exception.ticketUrl ? link('ticket', exception.ticketUrl) : '—',
  ];
}

/** What an audit event says beyond who and when: the comment, else what it recorded. */
function eventDetails(event: ExceptionAuditEvent): string {
  if (event.comment) return text(event.comment);
  if (event.action === 'REVOKED') {
    return text(String(event.details.reason ?? '—'));
  }
  const { reason, expiresAt, approvedBy, recipients } = event.details;
  return text(
    [
      reason ? `reason: ${reason}` : '',
      expiresAt ? `expires: ${expiresAt}` : '',
      approvedBy ? `approved by: ${approvedBy}` : '',
      Array.isArray(recipients) ? `notified: ${recipients.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ') || '—',
  );
}

function exceptionsSection(packet: EvidencePacket): string {
  const asOf = new Date(packet.asOf);
  const lines = [
    '## Exceptions',
    '',
    packet.activeExceptions.length > 0
      ? `**${plural(
          packet.activeExceptions.length,
          'exception was',
          'exceptions were',
        )} in force** at ${when(packet.asOf)}: ${packet.activeExceptions
          .map(exception => code(exception.id))
          .join(', ')}.`
      : `No exception was in force at ${when(packet.asOf)}.`,
  ];
  if (packet.exceptions.length > 0) {
    lines.push(
      '',
      table(
        [
          'Exception',
          'Status',
          'Scope',
          'Reason',
          'Requested by',
          'Decision',
          'Expires',
          'Revoked',
          'Ticket',
        ],
        packet.exceptions.map(exception => exceptionRow(exception, asOf)),
      ),
    );
  }
  lines.push('', '### Audit trail of the exceptions', '');
  lines.push(
    packet.exceptionEvents.length > 0
      ? table(
          ['When', 'Exception', 'Action', 'By', 'Details'],
          packet.exceptionEvents.map(event => [
            when(event.at),
            code(event.exceptionId),
            event.action,
            code(event.actor),
            eventDetails(event),
          ]),
        )
      : 'No exception was requested, decided or revoked.',
  );
  return lines.join('\n');
}

function answersSection(packet: EvidencePacket): string {
  return [
    '## Answers to the usual audit questions',
    '',
    ...auditAnswers(packet).flatMap(({ question, answer }) => [
      `**${text(question)}**`,
      '',
      ...answer.map(line => `- ${line}`),
      '',
    ]),
  ]
    .join('\n')
    .trimEnd();
}

function integritySection(packet: EvidencePacket): string {
  const integrity = packet.integrity;
  if (!integrity) return '';
  return [
    '## Integrity',
    '',
    facts([
      ['Packet digest (SHA-256)', code(integrity.packetDigest)],
      [
        'Evidence chain head at this time',
        integrity.chainHead
          ? `link ${integrity.chainHead.seq} of account ${code(
              packet.account.accountId,
            )} (${code(integrity.chainHead.table)}, ${when(
              integrity.chainHead.at,
            )}): ${code(integrity.chainHead.hash)}`
          : 'none: nothing about this account was stored by then',
      ],
      [
        'Evaluation record shown',
        integrity.evaluationRecord
          ? `link ${integrity.evaluationRecord.seq}: ${code(
              integrity.evaluationRecord.hash,
            )}`
          : '—',
      ],
      [
        'Signature',
        integrity.signature
          ? `${integrity.signature.algorithm} with key ${code(
              integrity.signature.keyId,
            )}: ${code(integrity.signature.value)}`
          : 'unsigned (no signing key configured)',
      ],
    ]),
    '',
    `${text(
      integrity.method,
    )} Every stored evaluation, verdict change and exception event is chained to the previous one of its account (${code(
      integrity.chain,
    )}). To re-check this packet against the store, run \`cis-aws-evidence verify --packet cis-2.4-evidence.json\` or POST it to \`/api/cis-aws/v1/evidence/verify\`; the digest is that of the JSON packet, of which this Markdown is a rendering.`,
  ].join('\n');
}

function footer(packet: EvidencePacket): string {
  const { produced } = packet;
  return [
    '---',
    '',
    `Produced at ${when(produced.at)} for ${code(produced.by)} by ${code(
      produced.generator,
    )}, schema ${code(
      packet.schema,
    )}. Produced from stored evaluations; no AWS call was made. ${
      produced.redactions
        ? `${plural(
            produced.redactions,
            'credential-like string was',
            'credential-like strings were',
          )} replaced by \`[redacted]\`.`
        : 'No credential or token is part of this packet.'
    }`,
  ].join('\n');
}

/** Detection content (CIS 3.x), beside the 2.4 verdict: each check, and the tests behind it. */
function detectionSection(packet: EvidencePacket): string {
  const detection = packet.detection;
  if (!detection) return '';
  const { result } = detection;
  const lines = ['## Detection content (CIS 3.x, beside 2.4)', ''];
  if (!result) {
    lines.push('No detection result in force at this time is kept.');
  } else {
    lines.push(
      facts([
        [
          'Verdict',
          `${result.verdict}${
            result.reason ? ` (${code(result.reason)})` : ''
          }`,
        ],
        ['Evaluated at', when(result.evaluatedAt)],
        ...(result.inheritedFrom
          ? ([
              [
                'Decided by',
                `the organization trail's log group of account ${code(
                  result.inheritedFrom,
                )}`,
              ],
            ] as [string, string][])
          : []),
      ]),
      '',
      table(
        ['Check', 'Log group', 'Verdict', 'Reason', 'Why'],
        result.checks.map(check => [
          check.checkId,
          check.logGroup ? code(check.logGroup.arn) : '—',
          check.verdict,
          optional(check.reason),
          text(check.detail),
        ]),
      ),
    );
    const judged = result.checks.flatMap(check =>
      check.judgements.flatMap(j =>
        j.state === 'JUDGED'
          ? [
              [
                check.checkId,
                code(j.filterName),
                j.source,
                `${
                  j.outcomes.filter(o => o.matched === (o.expected === 'MATCH'))
                    .length
                } of ${j.outcomes.length}`,
                j.missed.length > 0 ? j.missed.map(code).join(', ') : '—',
              ],
            ]
          : [],
      ),
    );
    if (judged.length > 0) {
      lines.push(
        '',
        'Each filter pattern judged by behaviour against canonical CloudTrail events:',
        '',
        table(
          [
            'Check',
            'Filter',
            'Judged by',
            'Test events as expected',
            'Missed must-match events',
          ],
          judged,
        ),
      );
    }
  }
  lines.push(
    '',
    'Its verdict changes and failure episodes in the period are in the verification history, beside those of 2.4.',
  );
  return lines.join('\n');
}

export function renderEvidenceMarkdown(packet: EvidencePacket): string {
  return `${[
    header(packet),
    resultSection(packet),
    trailsSection(packet),
    securityHubSection(packet),
    historySection(packet),
    detectionSection(packet),
    exceptionsSection(packet),
    answersSection(packet),
    integritySection(packet),
    footer(packet),
  ]
    .filter(section => section !== '')
    .join('\n\n')}\n`;
}

/** The packet's "Failing since": the open episode's start, none open, or not recorded. */
function failingSinceText(packet: EvidencePacket): string {
  if (packet.failingSince) {
    return `${when(
      packet.failingSince,
    )} (start of the open failure episode; ERROR runs and exceptions inside it do not reset it)`;
  }
  return packet.history.episodes
    ? 'no open failure episode'
    : 'not recorded in this packet';
}
