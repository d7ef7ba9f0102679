/**
 * The five links of a trail's chain (trail → role → log group → delivery → Security Hub), each
 * with a status and its facts, built from what the backend collected. The console links and
 * Security Hub's opinion (and whether it agrees) are the backend's, shown as they are.
 */
import {
  ChainLinkJudgement,
  ChainLinkStatus,
  ServedTrailEvaluation,
} from '@cis-aws/plugin-cis-aws-common';
import { apiErrorCode, describeApiError, relativeTime, Time } from '../common';
import { ChainLinkProps, LinkStatus } from './ChainLink';

const yesNo = (value: boolean) => (value ? 'yes' : 'no');

/** An IAM decision in words: ALLOWED is "yes", DENIED "no". */
const DECISION_WORD: Record<string, string> = {
  ALLOWED: 'yes',
  DENIED: 'no',
  UNDETERMINED: 'could not be decided',
};
const decisionWord = (d: string) => DECISION_WORD[d] ?? d;

/** "6 days ago (Nov 18, 2026, 8:52 AM)", the exact time in its title. */
const when = (iso: string | null | undefined) => <Time iso={iso} withDate />;
/** The exact time, as AWS sent it: for the details. */
const exact = (iso: string | null | undefined) => iso ?? 'never';

const DECISION_STATUS: Record<string, LinkStatus> = {
  ALLOWED: 'ok',
  DENIED: 'fail',
  UNDETERMINED: 'warn',
};
const decisionStatus = (d: string): LinkStatus => DECISION_STATUS[d] ?? 'warn';
const HUB_STATUS: Record<string, LinkStatus> = {
  PASS: 'ok',
  FAIL: 'fail',
  UNKNOWN: 'unknown',
};

const JUDGED_STATUS: Record<ChainLinkStatus, LinkStatus> = {
  OK: 'ok',
  BROKEN: 'fail',
  WARNING: 'warn',
  UNCHECKED: 'unknown',
};

/**
 * The backend's own judgement of a link (the rules judge every link on its own), when the
 * result carries one; older results fall back to what the facts show here.
 */
function judged(
  fallback: { status: LinkStatus; summary: string },
  ...judgements: (ChainLinkJudgement | undefined)[]
): { status: LinkStatus; summary: string } {
  const present = judgements.filter(
    (j): j is ChainLinkJudgement => j !== undefined,
  );
  if (present.length === 0) return fallback;
  const status = worst(...present.map(j => JUDGED_STATUS[j.status]));
  const deciding =
    present.find(j => JUDGED_STATUS[j.status] === status) ?? present[0];
  const summary =
    status === 'ok' ? present.map(j => j.summary).join(' ') : deciding.summary;
  return { status, summary };
}

/** The worst of some link statuses. */
function worst(...statuses: LinkStatus[]): LinkStatus {
  for (const s of ['fail', 'warn', 'unknown'] as LinkStatus[])
    if (statuses.includes(s)) return s;
  return 'ok';
}

export function trailLink(trail: ServedTrailEvaluation): ChainLinkProps {
  const f = trail.facts;
  const s = f.status;
  const facts: ChainLinkProps['facts'] = [
    ['Multi-region', yesNo(f.isMultiRegion)],
    [
      'Organization trail',
      f.isOrganizationTrail
        ? `yes, owned by account ${f.ownerAccountId}`
        : 'no',
    ],
  ];
  const details: ChainLinkProps['facts'] = [
    ['Name', f.name],
    ['ARN', f.arn],
    ['Home region', f.homeRegion],
  ];
  let status: LinkStatus;
  let summary: string;
  if (s.state === 'READ') {
    facts.push(['Logging', yesNo(s.isLogging)]);
    details.push(
      ['IsLogging', String(s.isLogging)],
      ['Status read in', s.region],
    );
    status = s.isLogging ? 'ok' : 'fail';
    summary = s.isLogging ? 'The trail is logging.' : 'Logging is stopped.';
  } else if (s.state === 'HIDDEN') {
    facts.push(['Logging', 'hidden from this account']);
    status = 'unknown';
    summary = "The trail's status is not readable from this account.";
  } else {
    facts.push(['Logging', 'could not be read']);
    details.push(['GetTrailStatus', describeApiError(s.error)]);
    status = 'warn';
    summary = `GetTrailStatus failed (${apiErrorCode(s.error)}).`;
  }
  ({ status, summary } = judged(
    { status, summary },
    trail.links?.trailLogging,
  ));
  return {
    index: 1,
    id: 'trail',
    title: 'Trail',
    status,
    summary,
    facts,
    details,
    consoleUrl: trail.consoleLinks.trail,
    consoleLabel: 'Open trail in CloudTrail console',
  };
}

export function roleLink(trail: ServedTrailEvaluation): ChainLinkProps {
  const r = trail.facts.role;
  const facts: ChainLinkProps['facts'] = [];
  const details: ChainLinkProps['facts'] = [
    ['Role ARN', trail.facts.roleArn ?? 'none configured'],
  ];
  let status: LinkStatus;
  let summary: string;
  if (r.state === 'FOUND') {
    facts.push(
      ['Exists', 'yes'],
      ['Trusted by CloudTrail', decisionWord(r.trust.allowsCloudTrail)],
    );
    details.push(['Trust policy', r.trust.details]);
    const p = r.permission;
    if (p.state === 'DECIDED') {
      const method =
        p.decidedBy === 'SIMULATION'
          ? 'IAM policy simulation'
          : 'static analysis of the policies';
      facts.push(['May write', `${decisionWord(p.decision)}, by ${method}`]);
      if (p.policies.length)
        facts.push([
          'Policies read',
          p.policies.map(x => `${x.name} (${x.kind})`).join(', '),
        ]);
      // The one place the simulation's answer is shown: the trail's reason points here.
      details.push(
        [
          p.decidedBy === 'SIMULATION' ? 'Simulation result' : 'Analysis',
          p.details,
        ],
        ['Asked about', `${p.actions.join(', ')} on ${p.resources.join(', ')}`],
      );
    } else {
      facts.push(['May write', 'could not be decided']);
      details.push([
        'Why not',
        p.errors.map(e => describeApiError(e)).join('; '),
      ]);
    }
    const trust = decisionStatus(r.trust.allowsCloudTrail);
    const perm = p.state === 'DECIDED' ? decisionStatus(p.decision) : 'warn';
    status = worst(trust, perm);
    if (trust === 'fail')
      summary = 'CloudTrail is not allowed to assume the role.';
    else if (perm === 'fail')
      summary = 'The role may not write to the log group.';
    else if (status === 'ok')
      summary = 'The role exists, CloudTrail may assume it and it may write.';
    else summary = 'The role could not be fully checked.';
  } else if (r.state === 'NOT_FOUND') {
    facts.push(['Exists', 'no']);
    status = 'fail';
    summary = 'The role does not exist.';
  } else if (r.state === 'NOT_CHECKED') {
    status = r.why === 'NO_ARN' ? 'fail' : 'unknown';
    summary =
      r.why === 'NO_ARN'
        ? 'The trail names no role.'
        : "The role is in another account's IAM and was not checked.";
  } else {
    details.push(['Error', describeApiError(r.error)]);
    status = 'warn';
    summary = 'IAM could not be read.';
  }
  ({ status, summary } = judged(
    { status, summary },
    trail.links?.roleTrust,
    trail.links?.roleCanWrite,
  ));
  return {
    index: 2,
    id: 'role',
    title: 'IAM role',
    status,
    summary,
    facts,
    details,
    consoleUrl: trail.consoleLinks.role,
    consoleLabel: 'Open role in IAM console',
  };
}

export function logGroupLink(trail: ServedTrailEvaluation): ChainLinkProps {
  const g = trail.facts.logGroup;
  const facts: ChainLinkProps['facts'] = [];
  const details: ChainLinkProps['facts'] = [
    ['Log group ARN', trail.facts.logGroupArn ?? 'none configured'],
  ];
  let status: LinkStatus;
  let summary: string;
  if (g.state === 'FOUND') {
    facts.push(
      ['Exists', 'yes'],
      ['Name', g.name],
      ['Region / account', `${g.region} / ${g.accountId}`],
      [
        'Retention',
        g.retentionInDays === null
          ? 'never expires'
          : `${g.retentionInDays} days`,
      ],
    );
    status = 'ok';
    summary = 'The log group exists.';
  } else if (g.state === 'NOT_FOUND') {
    facts.push(
      ['Exists', 'no'],
      ['Name', g.name],
      ['Region / account', `${g.region} / ${g.accountId}`],
    );
    status = 'fail';
    summary = 'The log group does not exist.';
  } else if (g.state === 'NOT_CHECKED') {
    status = g.why === 'NO_ARN' ? 'fail' : 'unknown';
    summary =
      g.why === 'NO_ARN'
        ? 'The trail names no log group.'
        : 'The log group is in another account and was not checked.';
  } else {
    details.push(['Error', describeApiError(g.error)]);
    status = 'warn';
    summary = 'The log group could not be read.';
  }
  ({ status, summary } = judged({ status, summary }, trail.links?.logGroup));
  return {
    index: 3,
    id: 'logGroup',
    title: 'Log group',
    status,
    summary,
    facts,
    details,
    consoleUrl: trail.consoleLinks.logGroup,
    consoleLabel: 'Open log group in CloudWatch console',
  };
}

export function deliveryLink(trail: ServedTrailEvaluation): ChainLinkProps {
  const s = trail.facts.status;
  const reason = trail.inheritedFrom
    ? undefined
    : trail.underlyingReason ?? trail.reason;
  let status: LinkStatus;
  let summary: string;
  const facts: ChainLinkProps['facts'] = [];
  const details: ChainLinkProps['facts'] = [];
  if (s.state === 'READ') {
    facts.push(
      [
        'Last CloudWatch Logs delivery',
        when(s.latestCloudWatchLogsDeliveryTime),
      ],
      ['Delivery error', s.latestCloudWatchLogsDeliveryError ?? 'none'],
      ['Last S3 delivery (evidence only)', when(s.latestDeliveryTime)],
    );
    details.push(
      [
        'LatestCloudWatchLogsDeliveryTime',
        exact(s.latestCloudWatchLogsDeliveryTime),
      ],
      ['LatestDeliveryTime', exact(s.latestDeliveryTime)],
    );
    if (!s.latestCloudWatchLogsDeliveryTime) {
      status = 'fail';
      summary = 'CloudTrail has never delivered to CloudWatch Logs.';
    } else if (reason === 'DELIVERY_STALE') {
      status = 'fail';
      summary = `The last delivery was ${relativeTime(
        s.latestCloudWatchLogsDeliveryTime,
      )}, longer ago than allowed.`;
    } else {
      status = s.latestCloudWatchLogsDeliveryError ? 'warn' : 'ok';
      summary = s.latestCloudWatchLogsDeliveryError
        ? 'Recent delivery, but an error is reported.'
        : 'Events were delivered recently.';
    }
  } else {
    status = 'unknown';
    summary = 'The delivery times are not readable from this account.';
  }
  ({ status, summary } = judged(
    { status, summary },
    trail.links?.recentDelivery,
  ));
  return {
    index: 4,
    id: 'delivery',
    title: 'Delivery',
    status,
    summary,
    facts,
    details,
    consoleUrl: trail.consoleLinks.logGroup,
    consoleLabel: 'Open log streams',
  };
}

export function securityHubLink(trail: ServedTrailEvaluation): ChainLinkProps {
  const opinion = trail.securityHub;
  const finding = opinion?.finding;
  const facts: ChainLinkProps['facts'] = [];
  const details: ChainLinkProps['facts'] = [];
  let status: LinkStatus = 'unknown';
  let summary = opinion
    ? 'Security Hub has no CloudTrail.5 finding for this trail.'
    : 'No Security Hub opinion was read for this account.';
  if (opinion && finding) {
    facts.push(
      [
        'Finding status',
        `${opinion.status}${
          finding.complianceStatus ? ` (${finding.complianceStatus})` : ''
        }`,
      ],
      [
        'Agrees with this evaluation',
        opinion.agrees === null ? 'cannot be compared' : yesNo(opinion.agrees),
      ],
      [
        'Compared with',
        opinion.comparedWith === trail.verdict
          ? opinion.comparedWith
          : `${opinion.comparedWith} (the verdict without the exception)`,
      ],
      ['Updated', when(finding.updatedAt)],
    );
    details.push(
      ['Finding', finding.findingId],
      ['Updated at', exact(finding.updatedAt)],
    );
    // Disagreeing is the news, whatever Security Hub's own status: never a green tick.
    status =
      opinion.agrees === false
        ? 'warn'
        : HUB_STATUS[opinion.status] ?? 'unknown';
    summary =
      opinion.agrees === false
        ? `Security Hub disagrees: it says ${opinion.status}, this check says ${opinion.comparedWith} (Security Hub only checks that a log group is configured).`
        : `Security Hub says ${opinion.status}${
            opinion.agrees === true ? ', which agrees' : ''
          }.`;
  }
  return {
    index: 5,
    id: 'securityHub',
    title: 'Security Hub (CloudTrail.5)',
    status,
    ...(opinion?.agrees === false ? { statusLabel: 'Disagrees' } : {}),
    summary,
    facts,
    details,
    consoleUrl: trail.consoleLinks.securityHubControl,
    consoleLabel: 'Open CloudTrail.5 in Security Hub',
  };
}
