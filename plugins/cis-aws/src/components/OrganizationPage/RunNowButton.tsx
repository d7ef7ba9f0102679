import { toError } from '@backstage/errors';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  cisAwsEvaluatePermission,
  EvaluationRun,
} from '@cis-aws/plugin-cis-aws-common';
import { Box, Button, LinearProgress, Typography } from '@material-ui/core';
import { useEffect, useRef, useState } from 'react';
import { cisAwsApiRef } from '../../api/CisAwsApi';
import { runOutcomeText } from './runText';

const GOING: EvaluationRun['status'][] = ['queued', 'running'];

/**
 * "Evaluate all accounts now": only for users allowed to run an evaluation. The backend answers
 * at once (202) with the run's id; the run itself takes minutes for a large organization, so its
 * progress is polled every `pollMs` until it ends, then `onFinished` refreshes the page.
 */
export function RunNowButton(props: {
  onFinished: (run: EvaluationRun) => void;
  pollMs?: number;
}) {
  const { onFinished, pollMs = 2000 } = props;
  const api = useApi(cisAwsApiRef);
  const { allowed } = usePermission({ permission: cisAwsEvaluatePermission });
  const [run, setRun] = useState<EvaluationRun>();
  const [following, setFollowing] = useState<string>();
  const [alreadyActive, setAlreadyActive] = useState(false);
  const [error, setError] = useState<Error>();
  const finished = useRef(onFinished);
  finished.current = onFinished;

  useEffect(() => {
    if (!following) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const current = await api.getRun(following);
        if (stopped) return;
        setRun(current);
        if (GOING.includes(current.status)) {
          timer = setTimeout(poll, pollMs);
        } else {
          setFollowing(undefined);
          finished.current(current);
        }
      } catch (e) {
        if (stopped) return;
        setError(toError(e));
        setFollowing(undefined);
      }
    };
    poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [api, following, pollMs]);

  if (!allowed) return null;

  const start = async () => {
    setError(undefined);
    setRun(undefined);
    try {
      const requested = await api.requestRun();
      setAlreadyActive(requested.alreadyActive);
      setFollowing(requested.runId);
    } catch (e) {
      setError(toError(e));
    }
  };

  const going = following !== undefined;
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 4 }}>
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <Button
          variant="outlined"
          color="primary"
          onClick={start}
          disabled={going}
        >
          Evaluate all accounts now
        </Button>
        {going && (
          <Typography variant="body2" data-testid="cis-run-progress">
            {progressText(run, alreadyActive)}
          </Typography>
        )}
        {!going && run && (
          <Typography variant="body2" data-testid="cis-run-outcome">
            {runOutcomeText(run)}
          </Typography>
        )}
        {error && (
          <Typography variant="body2" color="error" data-testid="cis-run-error">
            The evaluation run could not be started or followed: {error.message}
            {error.cause instanceof Error &&
            error.cause.message !== error.message
              ? ` (${error.cause.message})`
              : ''}
          </Typography>
        )}
      </Box>
      {going && (
        <LinearProgress
          variant={
            run && run.accountsTotal > 0 ? 'determinate' : 'indeterminate'
          }
          value={
            run && run.accountsTotal > 0
              ? (100 * (run.accountsEvaluated + run.accountsSkipped)) /
                run.accountsTotal
              : undefined
          }
        />
      )}
    </Box>
  );
}

function progressText(
  run: EvaluationRun | undefined,
  alreadyActive: boolean,
): string {
  const prefix = alreadyActive ? 'A run was already under way: ' : '';
  if (!run || run.status === 'queued') return `${prefix}run queued…`;
  return `${prefix}evaluating, ${run.accountsEvaluated} of ${run.accountsTotal} accounts done…`;
}
