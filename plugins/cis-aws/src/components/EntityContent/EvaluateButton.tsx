import { toError } from '@backstage/errors';
import { useApi } from '@backstage/core-plugin-api';
import {
  AccountDetail,
  EvaluationAccess,
} from '@cis-aws/plugin-cis-aws-common';
import { Box, Button, CircularProgress, Typography } from '@material-ui/core';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { cisAwsApiRef } from '../../api/CisAwsApi';
import { formatDateTime } from '../common/text';

/** "The next scheduled check is Nov 24, 2026, 9:00 AM (accounts are checked every 1 hour)." */
export function nextCheckSentence(access: EvaluationAccess): string {
  return access.nextScheduledAt
    ? `The next scheduled check is ${formatDateTime(
        access.nextScheduledAt,
      )} (accounts are checked ${access.schedule}).`
    : `Accounts are checked ${access.schedule}.`;
}

/**
 * "Evaluate now", for whoever the backend says may: holders of the evaluate permission and the
 * account's owners (at most once a minute per account). Anyone else is told why not and when the
 * scheduled run checks the account next, instead of a button that would fail or no button at all.
 */
export function EvaluateButton(props: {
  accountId: string;
  onResult: (detail: AccountDetail) => void;
}) {
  const { accountId, onResult } = props;
  const api = useApi(cisAwsApiRef);
  const access = useAsyncRetry(
    () => api.getEvaluationAccess(accountId),
    [api, accountId],
  );
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<Error>();

  // A rate-limited owner gets the button back when the wait is over.
  const retryAt = access.value?.retryAt;
  const { retry } = access;
  useEffect(() => {
    if (!retryAt) return undefined;
    const wait = Math.max(0, Date.parse(retryAt) - Date.now()) + 500;
    const timer = setTimeout(retry, wait);
    return () => clearTimeout(timer);
  }, [retryAt, retry]);

  if (access.loading && !access.value) return null;
  if (access.error || !access.value) {
    // Not knowing is not a reason to hide the tab's content: say nothing here.
    return null;
  }
  const may = access.value;

  const evaluate = async () => {
    setRunning(true);
    setError(undefined);
    try {
      onResult(await api.evaluateAccount(accountId));
    } catch (e) {
      // A 429 or 403 carries the backend's words; the access shown is refreshed below.
      setError(toError(e));
    } finally {
      setRunning(false);
      retry();
    }
  };

  if (!may.allowed) {
    return (
      <Box data-testid="evaluate-unavailable" maxWidth={720}>
        {may.basis === 'RATE_LIMITED' && (
          <Button variant="outlined" color="primary" disabled>
            Evaluate now
          </Button>
        )}
        <Typography variant="body2" color="textSecondary">
          {may.message} {nextCheckSentence(may)}
        </Typography>
      </Box>
    );
  }

  return (
    <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
      <Button
        variant="outlined"
        color="primary"
        onClick={evaluate}
        disabled={running}
      >
        Evaluate now
      </Button>
      {may.basis === 'OWNER' && !running && (
        <Typography variant="body2" color="textSecondary">
          You own this account, so you may re-check it (once a minute).
        </Typography>
      )}
      {running && (
        <>
          <CircularProgress size={20} />
          <Typography variant="body2">Evaluating {accountId}…</Typography>
        </>
      )}
      {error && (
        <Typography variant="body2" color="error" data-testid="evaluate-error">
          The evaluation failed: {error.message}
          {error.cause instanceof Error && error.cause.message !== error.message
            ? ` (${error.cause.message})`
            : ''}
        </Typography>
      )}
    </Box>
  );
}
