import { toError } from '@backstage/errors';
import { useApi } from '@backstage/core-plugin-api';
import { ExceptionListItem } from '@cis-aws/plugin-cis-aws-common';
import {
  Button,
  CircularProgress,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useEffect, useState } from 'react';
import { cisAwsApiRef } from '../../api/CisAwsApi';
import { errorMessage, formatDateTime } from '../common';
import { exceptionScope } from './exceptionForm';

/** Ends an exception now (or withdraws a request), with an optional reason kept in the audit trail. */
export function RevokeExceptionDialog(props: {
  exception: ExceptionListItem | undefined;
  onClose: () => void;
  onRevoked: (item: ExceptionListItem) => void;
}) {
  const { exception, onClose, onRevoked } = props;
  const api = useApi(cisAwsApiRef);
  const [reason, setReason] = useState('');
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<Error>();
  const withdrawing = exception?.status === 'PENDING';

  useEffect(() => {
    setReason('');
    setFailure(undefined);
  }, [exception?.id]);

  const revoke = async () => {
    if (!exception) return;
    setSending(true);
    setFailure(undefined);
    try {
      const trimmed = reason.trim();
      onRevoked(
        await api.revokeException(
          exception.id,
          trimmed ? { reason: trimmed } : {},
        ),
      );
    } catch (e) {
      setFailure(toError(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <Dialog open={!!exception} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>
        {withdrawing ? 'Withdraw the request' : 'Revoke the exception'}
      </DialogTitle>
      <DialogContent>
        {exception && !withdrawing && (
          <DialogContentText>
            {exceptionScope(exception)} is exempt until{' '}
            {formatDateTime(exception.expiresAt)} ({exception.reason}). Revoking
            ends it now; from then on the verdict is the underlying one.
          </DialogContentText>
        )}
        {exception && withdrawing && (
          <DialogContentText>
            The request for{' '}
            {exceptionScope(exception).toLocaleLowerCase('en-US')} until{' '}
            {formatDateTime(exception.expiresAt)} ({exception.reason}) is
            withdrawn: nobody can approve it any more.
          </DialogContentText>
        )}
        <TextField
          fullWidth
          multiline
          minRows={2}
          margin="normal"
          id="cis-aws-revoke-reason"
          label="Why (kept in the audit trail)"
          inputProps={{ maxLength: 2000 }}
          value={reason}
          onChange={e => setReason(e.target.value)}
        />
        {failure && (
          <Alert severity="error" data-testid="cis-aws-revoke-error">
            The{' '}
            {withdrawing
              ? 'request was not withdrawn'
              : 'exception was not revoked'}
            : {errorMessage(failure)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        {sending && <CircularProgress size={20} />}
        <Button onClick={onClose} disabled={sending}>
          Cancel
        </Button>
        <Button
          color="secondary"
          variant="contained"
          onClick={revoke}
          disabled={sending}
        >
          {withdrawing ? 'Withdraw' : 'Revoke'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
