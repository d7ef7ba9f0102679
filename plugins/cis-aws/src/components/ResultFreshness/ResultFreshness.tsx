import { useEffect } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { AccountFreshnessResponse } from '@cis-aws/plugin-cis-aws-common';
import { Typography } from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { cisAwsApiRef } from '../../api/CisAwsApi';

/** How often the line asks whether a newer result exists (an event may re-check any time). */
export const FRESHNESS_POLL_MS = 15_000;

/** "20 s", "3 min", "2 h": how long after the change the account was re-checked. */
export function shortDelay(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** The line's text: "re-checked 20 s after StopLogging by alice", or "hourly check". */
export function freshnessText(freshness: AccountFreshnessResponse): string {
  const event = freshness.event;
  if (freshness.trigger !== 'event' || !event) return freshness.checkLabel;
  const after =
    event.delaySeconds !== undefined
      ? `re-checked ${shortDelay(event.delaySeconds)} after`
      : 're-checked after';
  const by = event.principal ? ` by ${event.principal}` : '';
  const more =
    event.eventCount > 1
      ? ` (+${event.eventCount - 1} more event${
          event.eventCount > 2 ? 's' : ''
        })`
      : '';
  return `${after} ${event.eventName}${by}${more}`;
}

/**
 * How the account's current result came about, in one line: "re-checked 20 s after StopLogging
 * by alice" when a CloudTrail event re-evaluated it (docs/events.md), else "hourly check". It
 * asks again every {@link FRESHNESS_POLL_MS}; when the backend has a newer result than the one
 * shown (`evaluatedAt`), it calls `onNewerResult` so the card reloads by itself, without anyone
 * pressing a button. Renders nothing when the backend cannot say.
 */
export function ResultFreshness(props: {
  accountId: string;
  /** When the result on screen was made. */
  evaluatedAt: string;
  onNewerResult?: () => void;
  pollMs?: number;
}) {
  const { accountId, evaluatedAt, onNewerResult } = props;
  const pollMs = props.pollMs ?? FRESHNESS_POLL_MS;
  const api = useApi(cisAwsApiRef);
  const { value, retry } = useAsyncRetry(
    async () => api.getAccountFreshness?.(accountId),
    [api, accountId],
  );
  useEffect(() => {
    const timer = setInterval(retry, pollMs);
    return () => clearInterval(timer);
  }, [retry, pollMs]);
  const newer =
    value !== undefined &&
    Date.parse(value.evaluatedAt) > Date.parse(evaluatedAt);
  useEffect(() => {
    if (newer) onNewerResult?.();
  }, [newer, onNewerResult]);
  if (!value || Date.parse(value.evaluatedAt) !== Date.parse(evaluatedAt))
    return null;
  return (
    <Typography
      variant="body2"
      color="textSecondary"
      data-testid="cis-freshness"
      title={
        value.event
          ? [
              value.event.principalArn,
              value.event.eventTime && `change at ${value.event.eventTime}`,
              value.event.resource,
            ]
              .filter(Boolean)
              .join(' · ')
          : undefined
      }
    >
      How this result came about: {freshnessText(value)}
    </Typography>
  );
}
