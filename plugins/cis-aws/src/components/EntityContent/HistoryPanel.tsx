import { InfoCard, Progress } from '@backstage/core-components';
import {
  AccountDetail,
  DetectionHistory,
  DetectionVerdictChange,
  FailureEpisode,
  VERDICT_DESCRIPTIONS,
  VerdictChange,
} from '@cis-aws/plugin-cis-aws-common';
import { Box, TextField, Typography } from '@material-ui/core';
import {
  Timeline,
  TimelineConnector,
  TimelineContent,
  TimelineDot,
  TimelineItem,
  TimelineOppositeContent,
  TimelineSeparator,
} from '@material-ui/lab';
import { ReactNode, useState } from 'react';
import { useAccountHistory } from '../../hooks';
import {
  dateAndAgo,
  formatDateTime,
  relativeTime,
  trailName,
  VerdictStatus,
} from '../common';
import { LoadError } from '../EntityCard/LoadState';
import { DetectionVerdictStatus } from '../Detection/DetectionVerdictStatus';
import { DETECTION_REASON_TITLES, DETECTION_TITLE } from '../Detection/text';
import {
  changeReason,
  DEFAULT_HISTORY_DAYS,
  detectionChangeReason,
  detectionTimelineEntries,
  HISTORY_RANGES,
  historyTrails,
  HistoryScope,
  inScope,
  timelineEntries,
} from './historyTimeline';

const ALL_KEPT = 'all';

function scopeFromValue(value: string): HistoryScope {
  if (value === 'account' || value === 'trails') return value;
  return { trailArn: value };
}

/**
 * One change of verdict on a timeline: when (exact and relative), a dot, then "from → to" (or
 * "first recorded") after an optional label, and what explains it below. Shared by 2.4's
 * timeline and detection's, which differ only in their verdict badge and explanation.
 */
function TimelineChange(props: {
  testId: string;
  data: Record<`data-${string}`, string>;
  changedAt: string;
  last: boolean;
  label?: ReactNode;
  from?: ReactNode;
  to: ReactNode;
  children: ReactNode;
}) {
  const { testId, data, changedAt, last, label, from, to, children } = props;
  return (
    <TimelineItem data-testid={testId} {...data}>
      <TimelineOppositeContent style={{ flex: 0.25 }}>
        <Typography variant="body2">{formatDateTime(changedAt)}</Typography>
        <Typography variant="caption" color="textSecondary">
          {relativeTime(changedAt)}
        </Typography>
      </TimelineOppositeContent>
      <TimelineSeparator>
        <TimelineDot variant="outlined" />
        {!last && <TimelineConnector />}
      </TimelineSeparator>
      <TimelineContent>
        <Box
          display="flex"
          alignItems="center"
          flexWrap="wrap"
          style={{ gap: 8 }}
        >
          {label}
          {from ? (
            <>
              {from}
              <span>→</span>
            </>
          ) : (
            <Typography variant="body2" component="span" color="textSecondary">
              first recorded
            </Typography>
          )}
          {to}
        </Box>
        {children}
      </TimelineContent>
    </TimelineItem>
  );
}

function HistoryEntry(props: { change: VerdictChange; last: boolean }) {
  const { change, last } = props;
  const reason = changeReason(change);
  return (
    <TimelineChange
      testId="cis-aws-history-entry"
      data={{
        'data-from': change.from ?? '',
        'data-to': change.to,
        'data-trail': change.trailArn ?? '',
      }}
      changedAt={change.changedAt}
      last={last}
      label={
        change.trailArn && (
          <Typography variant="subtitle2" component="span">
            Trail {trailName(change.trailArn)}:
          </Typography>
        )
      }
      from={change.from && <VerdictStatus verdict={change.from} />}
      to={<VerdictStatus verdict={change.to} />}
    >
      <Typography variant="body2">{reason.title}</Typography>
      {reason.explanation && (
        <Typography variant="caption" color="textSecondary">
          {reason.explanation}
        </Typography>
      )}
    </TimelineChange>
  );
}

/**
 * Every change of verdict of the account and of its trails over a period, newest first, each with
 * when and why: what drifted, and when it was put right.
 */
export function HistoryPanel(props: { detail: AccountDetail; reload: number }) {
  const { detail, reload } = props;
  const [range, setRange] = useState(String(DEFAULT_HISTORY_DAYS));
  const [scopeValue, setScopeValue] = useState('account');
  const days = range === ALL_KEPT ? undefined : Number(range);
  const { loading, error, value, retry } = useAccountHistory(
    detail.accountId,
    days,
    reload,
  );
  const scope = scopeFromValue(scopeValue);
  const changes = value?.changes ?? [];
  const entries = timelineEntries(changes, scope);
  const trails = historyTrails(
    changes,
    detail.evaluation.trails.map(trail => trail.trailArn),
  );
  const hiddenTrailChanges =
    scope === 'account' ? changes.filter(c => inScope(c, 'trails')).length : 0;
  const period =
    days === undefined ? 'in the history kept' : `in the last ${days} days`;

  return (
    <InfoCard
      title="History"
      subheader="Every change of verdict of the account and its trails, newest first"
    >
      <Box data-testid="cis-aws-history">
        <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
          <TextField
            select
            id="cis-aws-history-period"
            label="Period"
            value={range}
            onChange={e => setRange(e.target.value)}
            SelectProps={{ native: true }}
            inputProps={{ 'data-testid': 'cis-aws-history-range' }}
          >
            {HISTORY_RANGES.map(r => (
              <option key={r.days} value={String(r.days)}>
                {r.label}
              </option>
            ))}
            <option value={ALL_KEPT}>
              Everything kept
              {value ? ` (${value.retentionDays} days)` : ''}
            </option>
          </TextField>
          <TextField
            select
            id="cis-aws-history-show"
            label="Show"
            value={scopeValue}
            onChange={e => setScopeValue(e.target.value)}
            SelectProps={{ native: true }}
            inputProps={{ 'data-testid': 'cis-aws-history-scope' }}
          >
            <option value="account">The account's verdict</option>
            <option value="trails">Every trail</option>
            {trails.map(trail => (
              <option key={trail.arn} value={trail.arn}>
                Trail {trail.name}
              </option>
            ))}
          </TextField>
        </Box>
        {loading && !value && <Progress />}
        {error && <LoadError error={error} retry={retry} what="the history" />}
        {value && entries.length === 0 && (
          <Typography variant="body2" data-testid="cis-aws-history-empty">
            {scope === 'account'
              ? `No change of the account's verdict ${period}: it has been ${VERDICT_DESCRIPTIONS[
                  detail.verdict
                ].title.toLowerCase()} since ${dateAndAgo(
                  detail.verdictSince,
                )}.`
              : `No change of ${
                  scope === 'trails' ? 'any trail' : 'this trail'
                }'s verdict ${period}.`}
          </Typography>
        )}
        {value && entries.length > 0 && (
          <Timeline align="left" style={{ padding: 0, margin: 0 }}>
            {entries.map((change, index) => (
              <HistoryEntry
                key={`${change.changedAt}/${change.trailArn ?? ''}/${index}`}
                change={change}
                last={index === entries.length - 1}
              />
            ))}
          </Timeline>
        )}
        {value && (value.episodes ?? []).length > 0 && (
          <FailureEpisodes
            episodes={(value.episodes ?? []).filter(episode =>
              inScope(episode, scope),
            )}
          />
        )}
        {value && hiddenTrailChanges > 0 && (
          <Typography variant="caption" color="textSecondary">
            {hiddenTrailChanges} change(s) of trail verdicts {period} are not
            shown: choose "Every trail" or one trail above.
          </Typography>
        )}
        {value?.detection && (
          <DetectionHistorySection history={value.detection} period={period} />
        )}
      </Box>
    </InfoCard>
  );
}

/** "3 days 4 hours", "2 hours 5 minutes": a time to fix in words. */
export function durationWords(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const plural = (n: number, unit: string) =>
    `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (days > 0) return `${plural(days, 'day')} ${plural(hours, 'hour')}`;
  return `${plural(hours, 'hour')} ${plural(minutes % 60, 'minute')}`;
}

/**
 * The failure episodes in the range: when each started, when it was fixed and how long that
 * took. An ERROR run or an exception inside an episode neither ends nor restarts it.
 */
function FailureEpisodes(props: { episodes: FailureEpisode[] }) {
  const { episodes } = props;
  if (episodes.length === 0) return null;
  return (
    <Box mt={2} data-testid="cis-aws-failure-episodes">
      <Typography variant="subtitle2" component="h3">
        Failure episodes
      </Typography>
      <Typography variant="caption" color="textSecondary" component="p">
        From the first failure to the next pass; runs that could not check the
        account and exceptions in between do not reset them.
      </Typography>
      {[...episodes].reverse().map(episode => (
        <Typography
          key={`${episode.trailArn ?? ''}/${episode.startedAt}`}
          variant="body2"
          data-testid="cis-aws-failure-episode"
        >
          {episode.trailArn ? `Trail ${trailName(episode.trailArn)}: ` : ''}
          failing since {formatDateTime(episode.startedAt)}
          {episode.endedAt && episode.durationMs !== undefined
            ? `, fixed ${formatDateTime(
                episode.endedAt,
              )} (time to fix ${durationWords(episode.durationMs)})`
            : ', still failing'}
        </Typography>
      ))}
    </Box>
  );
}

function DetectionHistoryEntry(props: {
  change: DetectionVerdictChange;
  last: boolean;
}) {
  const { change, last } = props;
  return (
    <TimelineChange
      testId="cis-detection-history-entry"
      data={{ 'data-from': change.from ?? '', 'data-to': change.to }}
      changedAt={change.changedAt}
      last={last}
      from={change.from && <DetectionVerdictStatus verdict={change.from} />}
      to={<DetectionVerdictStatus verdict={change.to} />}
    >
      <Typography variant="body2">{detectionChangeReason(change)}</Typography>
    </TimelineChange>
  );
}

/**
 * The detection control's (CIS 3.x) own history beside 2.4's: its changes of verdict, newest
 * first, and its failure episodes (from the first FAIL to the next PASS; an ERROR in between
 * neither ends nor restarts one). Never mixed into 2.4's timeline.
 */
function DetectionHistorySection(props: {
  history: DetectionHistory;
  period: string;
}) {
  const { history, period } = props;
  const entries = detectionTimelineEntries(history.changes);
  return (
    <Box mt={3} data-testid="cis-detection-history">
      <Typography variant="subtitle1" component="h3">
        {DETECTION_TITLE}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="p">
        Whether someone is told when root is used, IAM policies or CloudTrail
        change: the metric filters, alarms and subscribers on the trail's log
        group. Kept apart from CIS 2.4 above.
      </Typography>
      {entries.length === 0 ? (
        <Typography variant="body2" data-testid="cis-detection-history-empty">
          No change of the detection verdict {period}.
        </Typography>
      ) : (
        <Timeline align="left" style={{ padding: 0, margin: 0 }}>
          {entries.map((change, index) => (
            <DetectionHistoryEntry
              key={`${change.changedAt}/${index}`}
              change={change}
              last={index === entries.length - 1}
            />
          ))}
        </Timeline>
      )}
      {history.episodes.length > 0 && (
        <Box mt={2} data-testid="cis-detection-failure-episodes">
          <Typography variant="subtitle2" component="h4">
            {DETECTION_TITLE}: failure episodes
          </Typography>
          {[...history.episodes].reverse().map(episode => (
            <Typography
              key={episode.startedAt}
              variant="body2"
              data-testid="cis-detection-failure-episode"
            >
              not watched since {formatDateTime(episode.startedAt)}
              {episode.reason
                ? ` (${DETECTION_REASON_TITLES[episode.reason].toLowerCase()})`
                : ''}
              {episode.endedAt && episode.durationMs !== undefined
                ? `, fixed ${formatDateTime(
                    episode.endedAt,
                  )} (time to fix ${durationWords(episode.durationMs)})`
                : ', still not watched'}
            </Typography>
          ))}
        </Box>
      )}
    </Box>
  );
}
