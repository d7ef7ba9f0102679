import { toError } from '@backstage/errors';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
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
  DialogTitle,
  TextField,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useEffect, useState } from 'react';
import { cisAwsApiRef } from '../../api/CisAwsApi';
import { errorMessage, trailName } from '../common';
import {
  defaultGrantForm,
  GrantForm,
  GrantFormErrors,
  localDay,
  toCreateRequest,
  validateGrantForm,
  WHOLE_ACCOUNT,
} from './exceptionForm';

/**
 * Grants an exception for the account or one of its trails. The approver defaults to the
 * signed-in user; the backend records who sent it either way.
 */
export function GrantExceptionDialog(props: {
  open: boolean;
  accountId: string;
  trails: TrailEvaluation[];
  onClose: () => void;
  onGranted: (item: ExceptionListItem) => void;
}) {
  const { open, accountId, trails, onClose, onGranted } = props;
  const api = useApi(cisAwsApiRef);
  const identityApi = useApi(identityApiRef);
  const [form, setForm] = useState<GrantForm>(() =>
    defaultGrantForm('', new Date()),
  );
  const [errors, setErrors] = useState<GrantFormErrors>({});
  const [submitted, setSubmitted] = useState(false);
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<Error>();

  // A fresh form each time the dialog opens, approved by the signed-in user unless changed.
  useEffect(() => {
    if (!open) return undefined;
    let cancelled = false;
    setForm(defaultGrantForm('', new Date()));
    setErrors({});
    setSubmitted(false);
    setFailure(undefined);
    identityApi
      .getBackstageIdentity()
      .then(identity => {
        if (!cancelled) {
          setForm(f =>
            f.approvedBy ? f : { ...f, approvedBy: identity.userEntityRef },
          );
        }
      })
      .catch(() => {
        // No identity: the approver is typed by hand.
      });
    return () => {
      cancelled = true;
    };
  }, [open, identityApi]);

  const change = (field: keyof GrantForm) => (value: string) => {
    const next = { ...form, [field]: value };
    setForm(next);
    if (submitted) setErrors(validateGrantForm(next, new Date()));
  };

  const submit = async () => {
    setSubmitted(true);
    const found = validateGrantForm(form, new Date());
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSending(true);
    setFailure(undefined);
    try {
      onGranted(await api.createException(accountId, toCreateRequest(form)));
    } catch (e) {
      setFailure(toError(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>Grant an exception to CIS 2.4</DialogTitle>
      <DialogContent>
        <form
          data-testid="cis-aws-grant-form"
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
            id="cis-aws-grant-scope-field"
            label="Scope"
            value={form.scope}
            onChange={e => change('scope')(e.target.value)}
            SelectProps={{ native: true }}
            inputProps={{ 'data-testid': 'cis-aws-grant-scope' }}
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
            id="cis-aws-grant-reason"
            label="Reason"
            inputProps={{ maxLength: 2000 }}
            value={form.reason}
            onChange={e => change('reason')(e.target.value)}
            error={!!errors.reason}
            helperText={
              errors.reason ??
              'Why the failure is accepted, and what compensates for it.'
            }
          />
          <TextField
            fullWidth
            required
            margin="normal"
            id="cis-aws-grant-approved-by"
            label="Approved by"
            inputProps={{ maxLength: 255 }}
            value={form.approvedBy}
            onChange={e => change('approvedBy')(e.target.value)}
            error={!!errors.approvedBy}
            helperText={
              errors.approvedBy ??
              'A user entity ref (user:default/jane) or a name.'
            }
          />
          <TextField
            fullWidth
            required
            margin="normal"
            type="date"
            id="cis-aws-grant-expires"
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
            id="cis-aws-grant-ticket"
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
            <Alert severity="error" data-testid="cis-aws-grant-error">
              The exception was not granted: {errorMessage(failure)}
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
          Grant
        </Button>
      </DialogActions>
    </Dialog>
  );
}
