import {
  EvidencePacket,
  EvidenceTrail,
  Verdict,
  VERDICTS,
} from '@cis-aws/plugin-cis-aws-common';
import { code, plural, text, when } from './markdown';

/**
 * The answers to the audit questions of the control's runbook ("Common exam/audit questions"),
 * each derived from the packet's own data so the answer and its evidence cannot disagree.
 */
export interface AuditAnswer {
  question: string;
  /** Markdown paragraphs or list items. */
  answer: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

function trailLabel(trail: EvidenceTrail): string {
  return `${code(trail.name)}${
    trail.isOrganizationTrail
      ? ` (organization trail owned by ${code(trail.ownerAccountId)})`
      : ''
  }`;
}

function list(items: string[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}

function coverage(packet: EvidencePacket): string[] {
  const result = packet.result;
  if (!result) {
    return [
      `This packet cannot answer it for ${when(
        packet.asOf,
      )}: the account had not been evaluated by then.`,
    ];
  }
  const delivering = packet.trails.filter(trail => trail.verdict === 'PASS');
  const multiRegion = delivering.filter(trail => trail.isMultiRegion);
  const answer: string[] = [
    `This account: ${result.verdict}${
      result.reasonText ? ` (${text(result.reasonText)})` : ''
    } at ${when(result.evaluatedAt)}.`,
  ];
  if (multiRegion.length > 0) {
    answer.push(
      `Every region: yes. The multi-region ${
        multiRegion.length === 1 ? 'trail' : 'trails'
      } ${list(multiRegion.map(trailLabel))} ${
        multiRegion.length === 1 ? 'delivers' : 'deliver'
      } to CloudWatch Logs (verdict PASS), which records the activity of every region the account has enabled.`,
    );
  } else if (delivering.length > 0) {
    const covered = new Set(delivering.map(trail => trail.homeRegion));
    const uncovered = result.inventory.regionsScanned.filter(
      region => !covered.has(region),
    );
    answer.push(
      `Every region: no. Only single-region trails deliver to CloudWatch Logs, in ${list(
        [...covered].map(code),
      )}; enabled regions without one: ${list(uncovered.map(code))}.`,
    );
  } else {
    answer.push(
      `Every region: no. No trail of this account delivered to CloudWatch Logs at the time of the evaluation (verdict ${
        result.verdict
      }${result.reason ? `, ${code(result.reason)}` : ''}).`,
    );
  }
  const organizationTrails = packet.trails.filter(
    trail => trail.isOrganizationTrail,
  );
  const ownTrails = packet.trails.filter(
    trail =>
      !trail.isOrganizationTrail &&
      trail.ownerAccountId === packet.account.accountId,
  );
  answer.push(
    organizationTrails.length > 0
      ? `Organization trail: the account is covered by ${list(
          organizationTrails.map(
            trail => `${trailLabel(trail)}, verdict ${trail.verdict}`,
          ),
        )}.`
      : 'Organization trail: none covers this account; it relies on its own trails.',
    `The account's own trails: ${list(
      ownTrails.map(
        trail =>
          `${code(trail.name)} (${
            trail.isMultiRegion ? 'multi-region' : `only ${trail.homeRegion}`
          }, verdict ${trail.verdict})`,
      ),
    )}.`,
    `Regions: ${plural(
      result.inventory.regionsScanned.length,
      'region',
    )} read (${list(result.inventory.regionsScanned.map(code))}); ${
      result.inventory.regionsSkipped.length > 0
        ? `skipped as not enabled for the account: ${list(
            result.inventory.regionsSkipped.map(code),
          )}`
        : 'none skipped'
    }; ${
      result.inventory.regionsFailed.length > 0
        ? `could not be read: ${list(result.inventory.regionsFailed.map(code))}`
        : 'none failed'
    }.`,
    packet.activeExceptions.length > 0
      ? `Exceptions: ${plural(
          packet.activeExceptions.length,
          'approved exception',
        )} in force (listed under Exceptions).`
      : 'Exceptions: none in force.',
    'Every account: this packet covers one account; the bulk export (the `cis-aws-evidence` command of the backend plugin) writes one packet per account and an index of all of them with their verdicts.',
  );
  return answer;
}

function permissions(packet: EvidencePacket): string[] {
  if (packet.trails.length === 0) {
    return ['No trail was seen, so there is no role to show.'];
  }
  return packet.trails.map(trail => {
    const configured = `trail ${trailLabel(trail)} names role ${
      trail.cloudWatchLogsRoleArn ? code(trail.cloudWatchLogsRoleArn) : 'none'
    } and log group ${
      trail.cloudWatchLogsLogGroupArn
        ? code(trail.cloudWatchLogsLogGroupArn)
        : 'none'
    }`;
    const role = trail.role;
    if (role.state === 'FOUND') {
      return `The ${configured}. Trust: ${text(
        role.trustsCloudTrail,
      )}. Permissions: ${text(role.permission)}. ${
        role.permissionPolicies.length > 0
          ? `The trust policy and ${plural(
              role.permissionPolicies.length,
              'permission policy',
              'permission policies',
            )} are reproduced in the trail's section.`
          : "The trust policy is reproduced in the trail's section; no permission policy document was retained."
      }`;
    }
    const owners = trail.organizationTrail;
    if (owners?.trail?.role.state === 'FOUND' && owners.evaluation) {
      const ownersRole = owners.trail.role;
      return `The ${configured}. The role is the organization trail's, in its owner account ${code(
        owners.ownerAccountId,
      )}; as evaluated there at ${text(
        owners.evaluation.evaluatedAt,
      )}: trust: ${text(ownersRole.trustsCloudTrail)}. Permissions: ${text(
        ownersRole.permission,
      )}. The owner's view, with its documents, is embedded in the trail's section.`;
    }
    if (owners) {
      return `The ${configured}. The role is the organization trail's, in its owner account ${code(
        owners.ownerAccountId,
      )}: ${text(
        owners.missing ??
          "the owner's evaluation could not read it; its view is embedded in the trail's section",
      )}`;
    }
    return `The ${configured}. The role's documents are not part of this packet: ${text(
      role.detail,
    )}`;
  });
}

function verdictCounts(packet: EvidencePacket): string {
  const counts = new Map<Verdict, number>();
  for (const verification of packet.history.verifications) {
    counts.set(
      verification.verdict,
      (counts.get(verification.verdict) ?? 0) + 1,
    );
  }
  return VERDICTS.filter(verdict => counts.has(verdict))
    .map(verdict => `${counts.get(verdict)} ${verdict}`)
    .join(', ');
}

/** Whether Security Hub agrees with `what`, in words. */
export function agreementWords(agrees: boolean | null, what: string): string {
  if (agrees === null) return 'no comparison is possible';
  return agrees ? `it agrees with ${what}` : `it disagrees with ${what}`;
}

function stayingEnabled(packet: EvidencePacket): string[] {
  const { period, verifications, changes } = packet.history;
  const days = Math.max(
    1,
    Math.round((Date.parse(period.to) - Date.parse(period.from)) / DAY_MS),
  );
  const answer = [
    `Independent configuration check: ${text(
      packet.produced.generator,
    )} evaluates the account on a schedule, following the whole chain (trail → IAM role → log group → recent delivery, a delivery at most ${
      packet.control.maxDeliveryAgeHours ?? 24
    } hours old), and keeps the last evaluation of every day.`,
    verifications.length > 0
      ? `Recurring verification: verified on ${plural(
          verifications.length,
          'day',
        )} of the last ${days} (${verdictCounts(packet)}), from ${
          verifications[0].date
        } to ${verifications[verifications.length - 1].date}.`
      : `Recurring verification: no daily verification was retained in the last ${days} days.`,
  ];
  const accountChanges = changes.filter(change => !change.trailArn);
  answer.push(
    accountChanges.length > 0
      ? `Drift: the account's verdict changed ${plural(
          accountChanges.length,
          'time',
        )} in the period (${accountChanges
          .map(
            change =>
              `${change.from ?? '(first verdict)'} → ${change.to} on ${when(
                change.changedAt,
              )}`,
          )
          .join('; ')}).`
      : `Drift: the account's verdict did not change in the period${
          packet.result ? ` (${packet.result.verdict} throughout)` : ''
        }.`,
  );
  const hub = packet.securityHub;
  if (hub) {
    const agreement = agreementWords(hub.agrees, 'this evaluation');
    answer.push(
      `Continuous monitoring: AWS Security Hub control CloudTrail.5 reports ${
        hub.status
      } from ${plural(hub.findings.length, 'finding')}; ${agreement}.`,
    );
  } else {
    answer.push(
      'Continuous monitoring: no Security Hub CloudTrail.5 result was available for this evaluation.',
    );
  }
  return answer;
}

export function auditAnswers(packet: EvidencePacket): AuditAnswer[] {
  return [
    {
      question: 'Is this enabled in every account and every region?',
      answer: coverage(packet),
    },
    {
      question:
        'Show me the IAM permissions that allow CloudTrail to write to CloudWatch Logs.',
      answer: permissions(packet),
    },
    {
      question: 'How do you know this stays enabled?',
      answer: stayingEnabled(packet),
    },
    {
      question: 'Who reviews alerts, and how fast?',
      answer: [
        packet.account.ownerRef
          ? `The account is owned by ${code(
              packet.account.ownerRef,
            )} in the software catalog; every failure of this control on the account is routed to that owner. Response targets are set outside this packet.`
          : 'The account has no owner in the software catalog: nobody is routed its failures.',
      ],
    },
  ];
}
