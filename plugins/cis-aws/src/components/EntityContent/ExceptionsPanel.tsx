import { InfoCard, Progress } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  AccountDetail,
  cisAwsExceptionManagePermission,
  ExceptionListItem,
  ExceptionStatus,
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
import { formatDateTime, PersonRef, relativeTime, TicketLink } from '../common';
import { LoadError } from '../EntityCard/LoadState';
import { auditEventText, exceptionScope, isRevocable } from './exceptionForm';
import { GrantExceptionDialog } from './GrantExceptionDialog';
import { RevokeExceptionDialog } from './RevokeExceptionDialog';

const NO_PERMISSION =
  'Granting and revoking exceptions needs the cis-aws.exception.manage permission.';

const STATUS_CHIP: Record<
  ExceptionStatus,
  { color: 'primary' | 'default'; variant: 'default' | 'outlined' }
> = {
  ACTIVE: { color: 'primary', variant: 'default' },
  SCHEDULED: { color: 'default', variant: 'default' },
  EXPIRED: { color: 'default', variant: 'outlined' },
  REVOKED: { color: 'default', variant: 'outlined' },
};

function ExceptionRow(props: {
  item: ExceptionListItem;
  canRevoke: boolean;
  onRevoke: (item: ExceptionListItem) => void;
}) {
  const { item, canRevoke, onRevoke } = props;
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
        <PersonRef value={item.approvedBy} />
      </TableCell>
      <TableCell>
        {formatDateTime(item.expiresAt)}
        {item.status === 'ACTIVE' && (
          <Typography variant="caption" color="textSecondary" component="div">
            {relativeTime(item.expiresAt)}
          </Typography>
        )}
      </TableCell>
      <TableCell>
        {item.ticketUrl ? <TicketLink url={item.ticketUrl} /> : '—'}
      </TableCell>
      <TableCell>
        {formatDateTime(item.createdAt)}
        {item.createdBy && (
          <Typography variant="caption" component="div">
            by <PersonRef value={item.createdBy} />
          </Typography>
        )}
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
        {canRevoke && isRevocable(item) && (
          <Button size="small" onClick={() => onRevoke(item)}>
            Revoke
          </Button>
        )}
      </TableCell>
    </TableRow>
  );
}

function GrantButton(props: { allowed: boolean; onClick: () => void }) {
  const button = (
    <Button
      variant="outlined"
      color="primary"
      disabled={!props.allowed}
      onClick={props.onClick}
      data-testid="cis-aws-grant-exception"
    >
      Grant exception
    </Button>
  );
  if (props.allowed) return button;
  // A disabled button fires no events: the tooltip needs a wrapper to listen on.
  return (
    <Tooltip title={NO_PERMISSION}>
      <span>{button}</span>
    </Tooltip>
  );
}

/**
 * The account's exceptions, whatever their status, with their audit trail; "Grant exception" and
 * "Revoke" for users with the permission. A change re-evaluates the account: `onChanged` lets
 * the tab fetch it again.
 */
export function ExceptionsPanel(props: {
  detail: AccountDetail;
  reload: number;
  onChanged: () => void;
}) {
  const { detail, reload, onChanged } = props;
  const { allowed } = usePermission({
    permission: cisAwsExceptionManagePermission,
  });
  const { loading, error, value, retry } = useAccountExceptions(
    detail.accountId,
    reload,
  );
  const [granting, setGranting] = useState(false);
  const [revoking, setRevoking] = useState<ExceptionListItem>();
  const items = value?.items ?? [];
  const events = value?.events ?? [];

  return (
    <InfoCard
      title="Exceptions"
      subheader="Approved, time-boxed acceptances of a failure: the account (or a trail) is EXEMPT while one is in force"
    >
      <Box data-testid="cis-aws-exceptions">
        <Box display="flex" alignItems="center" style={{ gap: 16 }} mb={1}>
          <GrantButton allowed={allowed} onClick={() => setGranting(true)} />
          {!allowed && (
            <Typography variant="caption" color="textSecondary">
              {NO_PERMISSION}
            </Typography>
          )}
        </Box>
        {loading && !value && <Progress />}
        {error && (
          <LoadError error={error} retry={retry} what="the exceptions" />
        )}
        {value && items.length === 0 && (
          <Typography variant="body2" data-testid="cis-aws-exceptions-empty">
            No exception has ever been granted for this account.
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
                  <TableCell>Approved by</TableCell>
                  <TableCell>Expires</TableCell>
                  <TableCell>Ticket</TableCell>
                  <TableCell>Recorded</TableCell>
                  <TableCell>Revoked</TableCell>
                  <TableCell />
                </TableRow>
              </TableHead>
              <TableBody>
                {items.map(item => (
                  <ExceptionRow
                    key={item.id}
                    item={item}
                    canRevoke={allowed}
                    onRevoke={setRevoking}
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
      <GrantExceptionDialog
        open={granting}
        accountId={detail.accountId}
        trails={detail.evaluation.trails}
        onClose={() => setGranting(false)}
        onGranted={() => {
          setGranting(false);
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
