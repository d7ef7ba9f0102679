import { Button } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { ResponseError } from '@backstage/errors';

export function isNotFound(error: Error): boolean {
  return ResponseError.is(error) && error.statusCode === 404;
}

function message(error: Error): string {
  if (ResponseError.is(error)) {
    return `${error.cause?.message || error.message} (HTTP ${
      error.statusCode
    })`;
  }
  return error.message;
}

/** A failed request, compactly, with a button to try again. */
export function LoadError(props: {
  error: Error;
  retry: () => void;
  what?: string;
}) {
  const { error, retry, what = 'the CIS 2.4 result' } = props;
  return (
    <Alert
      severity="error"
      action={
        <Button color="inherit" size="small" onClick={retry}>
          Retry
        </Button>
      }
    >
      Could not load {what}: {message(error)}
    </Alert>
  );
}

/** The backend knows the account but has not evaluated it yet. */
export function NotEvaluatedYet(props: {
  accountId: string;
  retry: () => void;
}) {
  return (
    <Alert
      severity="info"
      action={
        <Button color="inherit" size="small" onClick={props.retry}>
          Check again
        </Button>
      }
    >
      Account {props.accountId} has not been evaluated yet. New accounts are
      evaluated within a minute of appearing in the catalog.
    </Alert>
  );
}
