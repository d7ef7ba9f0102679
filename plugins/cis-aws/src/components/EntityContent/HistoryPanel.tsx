import { InfoCard, Progress } from '@backstage/core-components';
import {
  AccountDetail,
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
import { useState } from 'react';
import { useAccountHistory } from '../../hooks';
import {
  dateAndAgo,
  formatDateTime,
  relativeTime,
  trailName,
  VerdictStatus,
} from '../common';
import { LoadError } from '../EntityCard/LoadState';
import {
  changeReason,
  DEFAULT_HISTORY_DAYS,
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

function HistoryEntry(props: { change: VerdictChange; last: boolean }) {
  const { change, last } = props;
  const reason = changeReason(change);
  return (
    <TimelineItem
      data-testid="cis-aws-history-entry"
      data-from={change.from ?? ''}
      data-to={change.to}
      data-trail={change.trailArn ?? ''}
    >
      <TimelineOppositeContent style={{ flex: 0.25 }}>
        <Typography variant="body2">
          {formatDateTime(change.changedAt)}
        </Typography>
        <Typography variant="caption" color="textSecondary">
          {relativeTime(change.changedAt)}
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
          {change.trailArn && (
            <Typography variant="subtitle2" component="span">
              Trail {trailName(change.trailArn)}:
            </Typography>
          )}
          {change.from ? (
            <>
              <VerdictStatus verdict={change.from} />
              <span>→</span>
            </>
          ) : (
            <Typography variant="body2" component="span" color="textSecondary">
              first recorded
            </Typography>
          )}
          <VerdictStatus verdict={change.to} />
        </Box>
        <Typography variant="body2">{reason.title}</Typography>
        {reason.explanation && (
          <Typography variant="caption" color="textSecondary">
            {reason.explanation}
          </Typography>
        )}
      </TimelineContent>
    </TimelineItem>
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
              ? `No change of the account's verdict ${period}: it has been ${
                  VERDICT_DESCRIPTIONS[detail.verdict].title
                } since ${dateAndAgo(detail.verdictSince)}.`
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
        {value && hiddenTrailChanges > 0 && (
          <Typography variant="caption" color="textSecondary">
            {hiddenTrailChanges} change(s) of trail verdicts {period} are not
            shown: choose "Every trail" or one trail above.
          </Typography>
        )}
      </Box>
    </InfoCard>
  );
}
