import { InfoCard, Progress } from '@backstage/core-components';
import {
  AccountDetail,
  ExceptionListItem,
  ExceptionStatus,
  ExceptionViewer,
} from '@cis-aws/plugin-cis-aws-common';
import {
  Box,
  Button,
  Chip,
  List,
  ListItem,
  ListItemText,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Tooltip,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import { useAccountExceptions } from '../../hooks';
import {
  DecideExceptionDialog,
  ExceptionDecision,
  ExceptionDecisionText,
  formatDateTime,
  PersonRef,
  relativeTime,
  TicketLink,
  WRAPPED_LIST_TEXT,
} from '../common';
import { LoadError } from '../EntityCard/LoadState';
import {
  auditEventText,
  decisionBlocked,
  exceptionScope,
  isOwnRequest,
  isRevocable,
} from './exceptionForm';
import { RequestExceptionDialog } from './RequestExceptionDialog';
import { RevokeExceptionDialog } from './RevokeExceptionDialog';

const NO_REQUEST =
  'Only an owner of this account (or a holder of cis-aws.exception.request) may request an exception.';

const STATUS_CHIP: Record<
  ExceptionStatus,
  {
    color: 'primary' | 'default' | 'secondary';
    variant: 'default' | 'outlined';
  }
> = {
  PENDING: { color: 'secondary', variant: 'outlined' },
  ACTIVE: { color: 'primary', variant: 'default' },
  SCHEDULED: { color: 'default', variant: 'default' },
  EXPIRED: { color: 'default', variant: 'outlined' },
  REJECTED: { color: 'default', variant: 'outlined' },
  REVOKED: { color: 'default', variant: 'outlined' },
};

/** A button disabled with the reason in a tooltip (a disabled button fires no events: wrap it). */
function GuardedButton(props: {
  label: string;
  blocked?: string;
  onClick: () => void;
  testId?: string;
  variant?: 'outlined' | 'text';
}) {
  const button = (
    <Button
      size="small"
      color="primary"
      variant={props.variant ?? 'text'}
      disabled={!!props.blocked}
      onClick={props.onClick}
      data-testid={props.testId}
    >
      {props.label}
    </Button>
  );
  if (!props.blocked) return button;
  return (
    <Tooltip title={props.blocked}>
      <span>{button}</span>
    </Tooltip>
  );
}

/** Approve and Reject for approvers: disabled, saying why, on their own requests. */
export function DecisionButtons(props: {
  item: ExceptionListItem;
  viewer?: ExceptionViewer;
  onDecide: (item: ExceptionListItem, action: ExceptionDecision) => void;
}) {
  const { item, viewer, onDecide } = props;
  if (item.status !== 'PENDING' || !viewer?.approver) return null;
  const blocked = decisionBlocked(item, viewer);
  return (
    <>
      <GuardedButton
        label="Approve"
        blocked={blocked}
        onClick={() => onDecide(item, 'approve')}
      />
      <GuardedButton
        label="Reject"
        blocked={blocked}
        onClick={() => onDecide(item, 'reject')}
      />
    </>
  );
}

function ExceptionRow(props: {
  item: ExceptionListItem;
  viewer?: ExceptionViewer;
  onRevoke: (item: ExceptionListItem) => void;
  onDecide: (item: ExceptionListItem, action: ExceptionDecision) => void;
}) {
  const { item, viewer, onRevoke, onDecide } = props;
  const own = isOwnRequest(item, viewer?.entityRef);
  // A pending request is withdrawn by its requester (approvers reject it); what is in force is
  // revoked by its requester or an approver.
  const canRevoke =
    isRevocable(item) &&
    (item.status === 'PENDING' ? own : own || !!viewer?.approver);
  return (
    <TableRow
      data-testid="cis-aws-exception-row"
      data-exception={item.id}
      data-status={item.status}
    >
      <TableCell>
        <Chip size="small" label={item.status} {...STATUS_CHIP[item.status]} />
      </TableCell>
      <TableCell>{exceptionScope(item)}</TableCell>
      <TableCell>{item.reason}</TableCell>
      <TableCell>
        {item.createdBy ? <PersonRef value={item.createdBy} /> : 'unknown'}
        <Typography variant="caption" color="textSecondary" component="div">
          {formatDateTime(item.createdAt)}
        </Typography>
      </TableCell>
      <TableCell>
        <ExceptionDecisionText exception={item} />
      </TableCell>
      <TableCell>
        {formatDateTime(item.expiresAt)}
        {(item.status === 'ACTIVE' || item.status === 'PENDING') && (
          <Typography variant="caption" color="textSecondary" component="div">
            {relativeTime(item.expiresAt)}
          </Typography>
        )}
      </TableCell>
      <TableCell>
        {item.ticketUrl ? <TicketLink url={item.ticketUrl} /> : '—'}
      </TableCell>
      <TableCell>
        {item.revokedAt ? (
          <>
            {formatDateTime(item.revokedAt)}
            {item.revokedBy && (
              <Typography variant="caption" component="div">
                by <PersonRef value={item.revokedBy} />
              </Typography>
            )}
            {item.revokeReason && (
              <Typography variant="caption" component="div">
                {item.revokeReason}
              </Typography>
            )}
          </>
        ) : (
          '—'
        )}
      </TableCell>
      <TableCell>
        <DecisionButtons item={item} viewer={viewer} onDecide={onDecide} />
        {canRevoke && (
          <Button size="small" onClick={() => onRevoke(item)}>
            {item.status === 'PENDING' ? 'Withdraw' : 'Revoke'}
          </Button>
        )}
      </TableCell>
    </TableRow>
  );
}

/**
 * The account's exceptions, whatever their status, with their audit trail. Owners (and holders
 * of the request permission) request one; approvers approve or reject pending requests, never
 * their own; the requester may withdraw theirs and an approver may revoke. What the user may do
 * comes from the backend (`viewer`), which checks again. An approval or a revocation
 * re-evaluates the account: `onChanged` lets the tab fetch it again.
 */
export function ExceptionsPanel(props: {
  detail: AccountDetail;
  reload: number;
  onChanged: () => void;
}) {
  const { detail, reload, onChanged } = props;
  const { loading, error, value, retry } = useAccountExceptions(
    detail.accountId,
    reload,
  );
  const [requesting, setRequesting] = useState(false);
  const [revoking, setRevoking] = useState<ExceptionListItem>();
  const [deciding, setDeciding] = useState<{
    item: ExceptionListItem;
    action: ExceptionDecision;
  }>();
  const items = value?.items ?? [];
  const events = value?.events ?? [];
  const viewer = value?.viewer;
  const canRequest = viewer?.canRequest ?? false;
  const pending = items.filter(i => i.status === 'PENDING').length;

  return (
    <InfoCard
      title="Exceptions"
      subheader="Time-boxed acceptances of a failure, requested by an owner and approved by a second person: the account (or a trail) is EXEMPT while one is in force"
    >
      <Box data-testid="cis-aws-exceptions">
        <Box display="flex" alignItems="center" style={{ gap: 16 }} mb={1}>
          <GuardedButton
            label="Request exception"
            variant="outlined"
            testId="cis-aws-request-exception"
            blocked={value && !canRequest ? NO_REQUEST : undefined}
            onClick={() => setRequesting(true)}
          />
          {value && !canRequest && (
            <Typography variant="caption" color="textSecondary">
              {NO_REQUEST}
            </Typography>
          )}
          {pending > 0 && (
            <Typography
              variant="body2"
              color="secondary"
              data-testid="cis-aws-exceptions-pending"
            >
              {pending === 1
                ? '1 request awaits approval'
                : `${pending} requests await approval`}
              : nothing changes until it is approved.
            </Typography>
          )}
        </Box>
        {loading && !value && <Progress />}
        {error && (
          <LoadError error={error} retry={retry} what="the exceptions" />
        )}
        {value && items.length === 0 && (
          <Typography variant="body2" data-testid="cis-aws-exceptions-empty">
            No exception has ever been requested for this account.
          </Typography>
        )}
        {items.length > 0 && (
          <Box style={{ overflowX: 'auto' }}>
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>Status</TableCell>
                  <TableCell>Scope</TableCell>
                  <TableCell>Reason</TableCell>
                  <TableCell>Requested by</TableCell>
                  <TableCell>Approved by</TableCell>
                  <TableCell>Expires</TableCell>
                  <TableCell>Ticket</TableCell>
                  <TableCell>Revoked</TableCell>
                  <TableCell />
                </TableRow>
              </TableHead>
              <TableBody>
                {items.map(item => (
                  <ExceptionRow
                    key={item.id}
                    item={item}
                    viewer={viewer}
                    onRevoke={setRevoking}
                    onDecide={(i, action) => setDeciding({ item: i, action })}
                  />
                ))}
              </TableBody>
            </Table>
          </Box>
        )}
        {events.length > 0 && (
          <Box mt={2} data-testid="cis-aws-exception-audit">
            <Typography variant="subtitle2">Audit trail</Typography>
            <List dense disablePadding>
              {events.map((event, index) => (
                <ListItem
                  key={`${event.exceptionId}/${event.action}/${index}`}
                  disableGutters
                >
                  <ListItemText
                    style={WRAPPED_LIST_TEXT}
                    primary={
                      <>
                        <PersonRef value={event.actor} />{' '}
                        {auditEventText(event, items)}
                      </>
                    }
                    secondary={formatDateTime(event.at)}
                  />
                </ListItem>
              ))}
            </List>
          </Box>
        )}
      </Box>
      <RequestExceptionDialog
        open={requesting}
        accountId={detail.accountId}
        trails={detail.evaluation.trails}
        onClose={() => setRequesting(false)}
        onRequested={() => {
          setRequesting(false);
          onChanged();
        }}
      />
      <DecideExceptionDialog
        decision={deciding}
        onClose={() => setDeciding(undefined)}
        onDecided={() => {
          setDeciding(undefined);
          onChanged();
        }}
      />
      <RevokeExceptionDialog
        exception={revoking}
        onClose={() => setRevoking(undefined)}
        onRevoked={() => {
          setRevoking(undefined);
          onChanged();
        }}
      />
    </InfoCard>
  );
}
