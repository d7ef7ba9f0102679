import { toError } from '@backstage/errors';
import { useApi } from '@backstage/core-plugin-api';
import {
  AccountDetail,
  cisAwsEvaluatePermission,
} from '@cis-aws/plugin-cis-aws-common';
import { usePermission } from '@backstage/plugin-permission-react';
import { Box, Button, CircularProgress, Typography } from '@material-ui/core';
import { useState } from 'react';
import { cisAwsApiRef } from '../../api/CisAwsApi';

/** "Evaluate now": only for users allowed to run an evaluation; hands the fresh result back. */
export function EvaluateButton(props: {
  accountId: string;
  onResult: (detail: AccountDetail) => void;
}) {
  const { accountId, onResult } = props;
  const api = useApi(cisAwsApiRef);
  const { allowed } = usePermission({ permission: cisAwsEvaluatePermission });
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<Error>();
  if (!allowed) return null;

  const evaluate = async () => {
    setRunning(true);
    setError(undefined);
    try {
      onResult(await api.evaluateAccount(accountId));
    } catch (e) {
      setError(toError(e));
    } finally {
      setRunning(false);
    }
  };

  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
      <Button
        variant="outlined"
        color="primary"
        onClick={evaluate}
        disabled={running}
      >
        Evaluate now
      </Button>
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
