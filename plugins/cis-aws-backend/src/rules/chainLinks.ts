/**
 * Every link of a trail's chain judged on its own (contract "Verdict for one trail": the first
 * matching rule decides the verdict, but each link is still judged and shown). Pure, and the one
 * place this is judged: the frontend shows these statuses instead of inferring them from the
 * verdict's reason (a trail failing ROLE_CANNOT_WRITE whose last delivery is six days old shows
 * a stale delivery, not a recent one).
 */
import type {
  ChainLinkJudgement,
  TrailChainLinks,
  TrailFacts,
} from '@cis-aws/plugin-cis-aws-common';
import type { TrailEvaluationContext } from './trailContext';
import { deliveryAgeMs } from './trailFactsReading';

const ok = (summary: string): ChainLinkJudgement => ({ status: 'OK', summary });
const broken = (summary: string): ChainLinkJudgement => ({
  status: 'BROKEN',
  summary,
});
const warning = (summary: string): ChainLinkJudgement => ({
  status: 'WARNING',
  summary,
});
const unchecked = (summary: string): ChainLinkJudgement => ({
  status: 'UNCHECKED',
  summary,
});

function hoursOrDays(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 48) return `${Math.max(1, Math.round(hours))} hours`;
  return `${Math.round(hours / 24)} days`;
}

function trailLogging(facts: TrailFacts): ChainLinkJudgement {
  const s = facts.status;
  if (s.state === 'READ') {
    return s.isLogging
      ? ok('The trail is logging.')
      : broken('Logging is stopped.');
  }
  if (s.state === 'HIDDEN') {
    return unchecked("The trail's status is not readable from this account.");
  }
  return warning("The trail's status could not be read.");
}

function logGroup(facts: TrailFacts): ChainLinkJudgement {
  const g = facts.logGroup;
  switch (g.state) {
    case 'FOUND':
      return ok('The log group exists.');
    case 'NOT_FOUND':
      return broken('The log group does not exist.');
    case 'NOT_CHECKED':
      return g.why === 'NO_ARN'
        ? broken('The trail names no log group.')
        : unchecked('The log group is not readable from this account.');
    default:
      return warning('The log group could not be read.');
  }
}

function roleTrust(facts: TrailFacts): ChainLinkJudgement {
  const r = facts.role;
  switch (r.state) {
    case 'FOUND':
      if (r.trust.allowsCloudTrail === 'ALLOWED') {
        return ok('CloudTrail may assume the role.');
      }
      return r.trust.allowsCloudTrail === 'DENIED'
        ? broken('CloudTrail is not allowed to assume the role.')
        : warning('Whether CloudTrail may assume the role could not be decided.');
    case 'NOT_FOUND':
      return broken('The role does not exist.');
    case 'NOT_CHECKED':
      return r.why === 'NO_ARN'
        ? broken('The trail names no role.')
        : unchecked('The role is not readable from this account.');
    default:
      return warning('IAM could not be read.');
  }
}

function roleCanWrite(facts: TrailFacts): ChainLinkJudgement {
  const r = facts.role;
  switch (r.state) {
    case 'FOUND': {
      const p = r.permission;
      if (p.state !== 'DECIDED') {
        return warning('Whether the role may write could not be decided.');
      }
      if (p.decision === 'ALLOWED') {
        return ok('The role may write to the log group.');
      }
      return p.decision === 'DENIED'
        ? broken('The role may not write to the log group.')
        : warning('Whether the role may write could not be decided.');
    }
    case 'NOT_FOUND':
      return broken('There is no role to write with.');
    case 'NOT_CHECKED':
      return r.why === 'NO_ARN'
        ? broken('There is no role to write with.')
        : unchecked('The role is not readable from this account.');
    default:
      return warning('IAM could not be read.');
  }
}

function recentDelivery(
  facts: TrailFacts,
  context: Pick<TrailEvaluationContext, 'now' | 'maxDeliveryAgeMs'>,
): ChainLinkJudgement {
  const s = facts.status;
  if (s.state === 'HIDDEN') {
    return unchecked('The delivery times are not readable from this account.');
  }
  if (s.state !== 'READ') {
    return warning('The delivery times could not be read.');
  }
  const last = s.latestCloudWatchLogsDeliveryTime;
  if (!last) {
    return broken('CloudTrail has never delivered to CloudWatch Logs.');
  }
  const age = deliveryAgeMs(last, context.now);
  if (Number.isNaN(age)) {
    return warning('The time of the last delivery is unreadable.');
  }
  if (age > context.maxDeliveryAgeMs) {
    return broken(
      `The last delivery was ${hoursOrDays(age)} ago, older than the ${hoursOrDays(
        context.maxDeliveryAgeMs,
      )} allowed.`,
    );
  }
  return s.latestCloudWatchLogsDeliveryError
    ? warning('Events were delivered recently, but an error is reported.')
    : ok('Events were delivered recently.');
}

export function judgeChainLinks(
  facts: TrailFacts,
  context: Pick<TrailEvaluationContext, 'now' | 'maxDeliveryAgeMs'>,
): TrailChainLinks {
  return {
    trailLogging: trailLogging(facts),
    logGroup: logGroup(facts),
    roleTrust: roleTrust(facts),
    roleCanWrite: roleCanWrite(facts),
    recentDelivery: recentDelivery(facts, context),
  };
}
