import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { ExceptionListItem } from '@cis-aws/plugin-cis-aws-common';
import {
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { useActiveExceptions } from '../../hooks';
import {
  formatDateTime,
  PersonRef,
  relativeTime,
  TicketLink,
  trailName,
} from '../common';

/** Soonest to expire first: those are the ones to renew or to fix. */
export function byExpiry(items: ExceptionListItem[]): ExceptionListItem[] {
  return [...items].sort(
    (a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt),
  );
}

function AccountCell(props: { item: ExceptionListItem }) {
  const { item } = props;
  if (!item.entityRef) return <>{item.title ?? item.accountId}</>;
  return (
    <EntityRefLink entityRef={item.entityRef} defaultKind="resource">
      {item.title ?? item.accountId}
    </EntityRefLink>
  );
}

/**
 * The exceptions in force across the organization: which accounts (or trails) are EXEMPT, why,
 * who approved it and when it ends.
 */
export function ExceptionsSummary() {
  const { loading, error, value } = useActiveExceptions();
  let body: React.ReactNode;
  if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (!value) {
    body = loading ? <Progress /> : null;
  } else if (value.length === 0) {
    body = (
      <Typography variant="body2" data-testid="cis-aws-org-exceptions-empty">
        No exception is in force: every account counts with its own verdict.
      </Typography>
    );
  } else {
    body = (
      <TableContainer style={{ maxHeight: 480 }}>
        <Table size="small" stickyHeader aria-label="Active exceptions">
          <TableHead>
            <TableRow>
              <TableCell>Account</TableCell>
              <TableCell>Scope</TableCell>
              <TableCell>Reason</TableCell>
              <TableCell>Approved by</TableCell>
              <TableCell>Expires</TableCell>
              <TableCell>Ticket</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {byExpiry(value).map(item => (
              <TableRow
                key={item.id}
                data-testid="cis-aws-org-exception-row"
                data-account={item.accountId}
              >
                <TableCell>
                  <AccountCell item={item} />
                </TableCell>
                <TableCell>
                  {item.trailArn
                    ? `Trail ${trailName(item.trailArn)}`
                    : 'Whole account'}
                </TableCell>
                <TableCell>{item.reason}</TableCell>
                <TableCell>
                  <PersonRef value={item.approvedBy} />
                </TableCell>
                <TableCell>
                  {relativeTime(item.expiresAt)}
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="div"
                  >
                    {formatDateTime(item.expiresAt)}
                  </Typography>
                </TableCell>
                <TableCell>
                  {item.ticketUrl ? <TicketLink url={item.ticketUrl} /> : '—'}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    );
  }
  return (
    <InfoCard
      title="Exceptions"
      subheader="Approved exceptions in force; each ends on its own at its expiry"
    >
      <div data-testid="cis-aws-org-exceptions">{body}</div>
    </InfoCard>
  );
}
