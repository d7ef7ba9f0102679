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
import { errorMessage } from './errors';
import { formatDateTime, trailName } from './text';

export type ExceptionDecision = 'approve' | 'reject';

/**
 * Approves or rejects a pending exception request, with a comment kept in the audit trail (a
 * rejection must say why). The backend decides who may: its refusal (the requester deciding
 * their own request, a non-approver) is shown as it says it.
 */
export function DecideExceptionDialog(props: {
  /** The request and what to do with it; closed when undefined. */
  decision?: { item: ExceptionListItem; action: ExceptionDecision };
  onClose: () => void;
  onDecided: (item: ExceptionListItem) => void;
}) {
  const { decision, onClose, onDecided } = props;
  const api = useApi(cisAwsApiRef);
  const [comment, setComment] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<Error>();
  const item = decision?.item;
  const rejecting = decision?.action === 'reject';

  useEffect(() => {
    setComment('');
    setSubmitted(false);
    setFailure(undefined);
  }, [item?.id, decision?.action]);

  const missingComment = rejecting && !comment.trim();

  const send = async () => {
    if (!decision) return;
    setSubmitted(true);
    if (missingComment) return;
    setSending(true);
    setFailure(undefined);
    try {
      const trimmed = comment.trim();
      onDecided(
        rejecting
          ? await api.rejectException(decision.item.id, { comment: trimmed })
          : await api.approveException(
              decision.item.id,
              trimmed ? { comment: trimmed } : {},
            ),
      );
    } catch (e) {
      setFailure(toError(e));
    } finally {
      setSending(false);
    }
  };

  const verb = rejecting ? 'Reject' : 'Approve';
  return (
    <Dialog open={!!decision} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>{verb} the exception request</DialogTitle>
      <DialogContent>
        {item && (
          <DialogContentText data-testid="cis-aws-decide-summary">
            {item.title ?? item.accountId}:{' '}
            {item.trailArn
              ? `trail ${trailName(item.trailArn)}`
              : 'the whole account'}{' '}
            exempt until {formatDateTime(item.expiresAt)}, requested by{' '}
            {item.createdBy ?? 'unknown'} on {formatDateTime(item.createdAt)}.
            Reason: {item.reason}
          </DialogContentText>
        )}
        <TextField
          fullWidth
          multiline
          minRows={2}
          margin="normal"
          id="cis-aws-decide-comment"
          label={
            rejecting
              ? 'Why it is rejected (kept in the audit trail)'
              : 'Comment (optional, kept in the audit trail)'
          }
          required={rejecting}
          inputProps={{ maxLength: 2000 }}
          value={comment}
          onChange={e => setComment(e.target.value)}
          error={submitted && missingComment}
          helperText={
            submitted && missingComment ? 'Say why it is rejected.' : undefined
          }
        />
        {failure && (
          <Alert severity="error" data-testid="cis-aws-decide-error">
            The request was not {rejecting ? 'rejected' : 'approved'}:{' '}
            {errorMessage(failure)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        {sending && <CircularProgress size={20} />}
        <Button onClick={onClose} disabled={sending}>
          Cancel
        </Button>
        <Button
          color={rejecting ? 'secondary' : 'primary'}
          variant="contained"
          onClick={send}
          disabled={sending}
        >
          {verb}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
