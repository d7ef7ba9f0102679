import { toError } from '@backstage/errors';
import { useApi } from '@backstage/core-plugin-api';
import {
  ExceptionListItem,
  TrailEvaluation,
} from '@cis-aws/plugin-cis-aws-common';
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
import { errorMessage, trailName } from '../common';
import {
  defaultRequestForm,
  localDay,
  RequestForm,
  RequestFormErrors,
  toCreateRequest,
  validateRequestForm,
  WHOLE_ACCOUNT,
} from './exceptionForm';

/**
 * Requests an exception for the account or one of its trails. The backend records the
 * signed-in user as the requester; a member of the approver groups other than them decides it.
 */
export function RequestExceptionDialog(props: {
  open: boolean;
  accountId: string;
  trails: TrailEvaluation[];
  onClose: () => void;
  onRequested: (item: ExceptionListItem) => void;
}) {
  const { open, accountId, trails, onClose, onRequested } = props;
  const api = useApi(cisAwsApiRef);
  const [form, setForm] = useState<RequestForm>(() =>
    defaultRequestForm(new Date()),
  );
  const [errors, setErrors] = useState<RequestFormErrors>({});
  const [submitted, setSubmitted] = useState(false);
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<Error>();

  // A fresh form each time the dialog opens.
  useEffect(() => {
    if (!open) return;
    setForm(defaultRequestForm(new Date()));
    setErrors({});
    setSubmitted(false);
    setFailure(undefined);
  }, [open]);

  const change = (field: keyof RequestForm) => (value: string) => {
    const next = { ...form, [field]: value };
    setForm(next);
    if (submitted) setErrors(validateRequestForm(next, new Date()));
  };

  const submit = async () => {
    setSubmitted(true);
    const found = validateRequestForm(form, new Date());
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSending(true);
    setFailure(undefined);
    try {
      onRequested(await api.createException(accountId, toCreateRequest(form)));
    } catch (e) {
      setFailure(toError(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>Request an exception to CIS 2.4</DialogTitle>
      <DialogContent>
        <DialogContentText>
          A member of the approver groups other than you approves or rejects the
          request; until then nothing changes.
        </DialogContentText>
        <form
          data-testid="cis-aws-request-form"
          noValidate
          onSubmit={e => {
            e.preventDefault();
            submit();
          }}
        >
          <TextField
            select
            fullWidth
            margin="normal"
            id="cis-aws-request-scope-field"
            label="Scope"
            value={form.scope}
            onChange={e => change('scope')(e.target.value)}
            SelectProps={{ native: true }}
            inputProps={{ 'data-testid': 'cis-aws-request-scope' }}
            helperText={
              form.scope === WHOLE_ACCOUNT
                ? 'The account becomes EXEMPT; its evaluation stays visible.'
                : 'Only this trail is taken out of scope; the others still count.'
            }
          >
            <option value={WHOLE_ACCOUNT}>The whole account</option>
            {trails.map(trail => (
              <option key={trail.trailArn} value={trail.trailArn}>
                Trail {trailName(trail.trailArn)} (now {trail.verdict})
              </option>
            ))}
          </TextField>
          <TextField
            fullWidth
            required
            multiline
            minRows={2}
            margin="normal"
            id="cis-aws-request-reason"
            label="Reason"
            inputProps={{ maxLength: 2000 }}
            value={form.reason}
            onChange={e => change('reason')(e.target.value)}
            error={!!errors.reason}
            helperText={
              errors.reason ??
              'Why the failure should be accepted, and what compensates for it.'
            }
          />
          <TextField
            fullWidth
            required
            margin="normal"
            type="date"
            id="cis-aws-request-expires"
            label="Expires after"
            value={form.expiresOn}
            onChange={e => change('expiresOn')(e.target.value)}
            InputLabelProps={{ shrink: true }}
            inputProps={{ min: localDay(new Date()) }}
            error={!!errors.expiresOn}
            helperText={
              errors.expiresOn ??
              'The last day it applies (until the end of that day). The backend limits how far ahead (365 days unless configured otherwise).'
            }
          />
          <TextField
            fullWidth
            margin="normal"
            type="url"
            id="cis-aws-request-ticket"
            label="Ticket link"
            placeholder="https://"
            value={form.ticketUrl}
            onChange={e => change('ticketUrl')(e.target.value)}
            error={!!errors.ticketUrl}
            helperText={
              errors.ticketUrl ?? 'Optional: the ticket or risk acceptance.'
            }
          />
          {failure && (
            <Alert severity="error" data-testid="cis-aws-request-error">
              The exception was not requested: {errorMessage(failure)}
            </Alert>
          )}
          {/* lets Enter submit the form */}
          <input type="submit" hidden />
        </form>
      </DialogContent>
      <DialogActions>
        {sending && <CircularProgress size={20} />}
        <Button onClick={onClose} disabled={sending}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={sending}
        >
          Request
        </Button>
      </DialogActions>
    </Dialog>
  );
}
