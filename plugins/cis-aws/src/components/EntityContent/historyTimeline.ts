/** Pure helpers of the History timeline: which changes to show, in which order, in which words. */
import {
  DetectionVerdictChange,
  VerdictChange,
} from '@cis-aws/plugin-cis-aws-common';
import { reasonExplanation, reasonTitle, trailName } from '../common';
import { DETECTION_REASON_TITLES } from '../Detection/text';

/** The ranges offered; `undefined` days is everything the backend keeps. */
export const HISTORY_RANGES: { days: number; label: string }[] = [
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
  { days: 365, label: 'Last 365 days' },
];
export const DEFAULT_HISTORY_DAYS = 30;

/** What the timeline shows: the account's own verdict, every trail's, or one trail's (its ARN). */
export type HistoryScope = 'account' | 'trails' | { trailArn: string };

/** Whether a change or failure episode (the account's own when it names no trail) is in scope. */
export function inScope(
  item: { trailArn?: string | null },
  scope: HistoryScope,
): boolean {
  if (scope === 'account') return !item.trailArn;
  if (scope === 'trails') return Boolean(item.trailArn);
  return item.trailArn === scope.trailArn;
}

/**
 * The changes in scope, newest first. The backend sends them oldest first; changes recorded at
 * the same instant keep their recorded order, reversed, so the last one recorded is on top.
 */
export function timelineEntries(
  changes: VerdictChange[],
  scope: HistoryScope,
): VerdictChange[] {
  return changes
    .map((change, index) => ({ change, index }))
    .filter(({ change }) => inScope(change, scope))
    .sort(
      (a, b) =>
        Date.parse(b.change.changedAt) - Date.parse(a.change.changedAt) ||
        b.index - a.index,
    )
    .map(({ change }) => change);
}

/** Every trail that appears in the changes or in the account's latest evaluation, by name. */
export function historyTrails(
  changes: VerdictChange[],
  currentTrailArns: string[] = [],
): { arn: string; name: string }[] {
  const arns = new Set(currentTrailArns);
  for (const change of changes) if (change.trailArn) arns.add(change.trailArn);
  return [...arns]
    .map(arn => ({ arn, name: trailName(arn) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Why the verdict became what it did, in plain words: a title and one explaining sentence. */
export function changeReason(change: VerdictChange): {
  title: string;
  explanation?: string;
} {
  if (change.reason) {
    return {
      title: reasonTitle(change.reason) ?? change.reason,
      explanation: reasonExplanation(change.reason),
    };
  }
  if (change.to === 'PASS') {
    return {
      title: change.trailArn
        ? 'The trail delivers to CloudWatch Logs'
        : 'Every trail delivers to CloudWatch Logs',
    };
  }
  return { title: `Became ${change.to}` };
}

/** Changes newest first; those recorded at the same instant last-recorded on top. */
function newestFirst<T extends { changedAt: string }>(changes: T[]): T[] {
  return changes
    .map((change, index) => ({ change, index }))
    .sort(
      (a, b) =>
        Date.parse(b.change.changedAt) - Date.parse(a.change.changedAt) ||
        b.index - a.index,
    )
    .map(({ change }) => change);
}

/** The detection control's (CIS 3.x) changes as the timeline shows them: newest first. */
export function detectionTimelineEntries(
  changes: DetectionVerdictChange[],
): DetectionVerdictChange[] {
  return newestFirst(changes);
}

/** Why the detection verdict became what it did, in plain words. */
export function detectionChangeReason(change: DetectionVerdictChange): string {
  if (change.reason) return DETECTION_REASON_TITLES[change.reason];
  switch (change.to) {
    case 'PASS':
      return 'Every required check is watched: alerts reach a confirmed subscriber';
    case 'NOT_APPLICABLE':
      return 'No trail delivers to CloudWatch Logs';
    default:
      return `Became ${change.to}`;
  }
}
