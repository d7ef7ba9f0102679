import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  ExceptionListItem,
  ExceptionViewer,
} from '@cis-aws/plugin-cis-aws-common';
import {
  Box,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import { useActiveExceptions, useExceptionsToAttend } from '../../hooks';
import {
  DecideExceptionDialog,
  ExceptionDecision,
  ExceptionDecisionText,
  formatDateTime,
  PersonRef,
  relativeTime,
  TicketLink,
  trailName,
} from '../common';
import { DecisionButtons } from '../EntityContent/ExceptionsPanel';

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

function ScopeCell(props: { item: ExceptionListItem }) {
  return (
    <>
      {props.item.trailArn
        ? `Trail ${trailName(props.item.trailArn)}`
        : 'Whole account'}
    </>
  );
}

function ExpiryCell(props: { item: ExceptionListItem }) {
  return (
    <>
      {relativeTime(props.item.expiresAt)}
      <Typography variant="caption" color="textSecondary" component="div">
        {formatDateTime(props.item.expiresAt)}
      </Typography>
    </>
  );
}

/** The requests awaiting a decision, oldest first, with Approve and Reject for approvers. */
function PendingTable(props: {
  items: ExceptionListItem[];
  viewer?: ExceptionViewer;
  onDecide: (item: ExceptionListItem, action: ExceptionDecision) => void;
}) {
  const items = [...props.items].sort(
    (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt),
  );
  return (
    <TableContainer>
      <Table size="small" aria-label="Pending exception requests">
        <TableHead>
          <TableRow>
            <TableCell>Account</TableCell>
            <TableCell>Scope</TableCell>
            <TableCell>Reason</TableCell>
            <TableCell>Requested by</TableCell>
            <TableCell>Until</TableCell>
            <TableCell>Ticket</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map(item => (
            <TableRow
              key={item.id}
              data-testid="cis-aws-org-pending-row"
              data-exception={item.id}
            >
              <TableCell>
                <AccountCell item={item} />
              </TableCell>
              <TableCell>
                <ScopeCell item={item} />
              </TableCell>
              <TableCell>{item.reason}</TableCell>
              <TableCell>
                <PersonRef value={item.createdBy} />
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  {formatDateTime(item.createdAt)}
                </Typography>
              </TableCell>
              <TableCell>{formatDateTime(item.expiresAt)}</TableCell>
              <TableCell>
                {item.ticketUrl ? <TicketLink url={item.ticketUrl} /> : '—'}
              </TableCell>
              <TableCell>
                <DecisionButtons
                  item={item}
                  viewer={props.viewer}
                  onDecide={props.onDecide}
                />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

function ExceptionTable(props: {
  items: ExceptionListItem[];
  label: string;
  testId: string;
}) {
  return (
    <TableContainer style={{ maxHeight: 480 }}>
      <Table size="small" stickyHeader aria-label={props.label}>
        <TableHead>
          <TableRow>
            <TableCell>Account</TableCell>
            <TableCell>Scope</TableCell>
            <TableCell>Reason</TableCell>
            <TableCell>Requested by</TableCell>
            <TableCell>Approved by</TableCell>
            <TableCell>Expires</TableCell>
            <TableCell>Ticket</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {byExpiry(props.items).map(item => (
            <TableRow
              key={item.id}
              data-testid={props.testId}
              data-account={item.accountId}
            >
              <TableCell>
                <AccountCell item={item} />
              </TableCell>
              <TableCell>
                <ScopeCell item={item} />
              </TableCell>
              <TableCell>{item.reason}</TableCell>
              <TableCell>
                <PersonRef value={item.createdBy} />
              </TableCell>
              <TableCell>
                <ExceptionDecisionText exception={item} />
              </TableCell>
              <TableCell>
                <ExpiryCell item={item} />
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

function Section(props: { title: string; children: React.ReactNode }) {
  return (
    <Box mb={3}>
      <Typography variant="h6" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

/**
 * Exceptions across the organization: the requests awaiting a decision (approvers approve or
 * reject them here, never their own), those expiring soon (to renew or to fix), and every one in
 * force: which accounts (or trails) are EXEMPT, why, who requested and who approved it, and when
 * it ends.
 */
export function ExceptionsSummary() {
  const [reload, setReload] = useState(0);
  const attend = useExceptionsToAttend(reload);
  const active = useActiveExceptions(reload);
  const [deciding, setDeciding] = useState<{
    item: ExceptionListItem;
    action: ExceptionDecision;
  }>();

  let pendingBody: React.ReactNode;
  let expiringBody: React.ReactNode;
  if (attend.error) {
    pendingBody = <ResponseErrorPanel error={attend.error} />;
  } else if (!attend.value) {
    pendingBody = attend.loading ? <Progress /> : null;
  } else {
    const { pending, expiring, viewer, expiringWithinDays } = attend.value;
    pendingBody =
      pending.length === 0 ? (
        <Typography variant="body2" data-testid="cis-aws-org-pending-empty">
          No request awaits a decision.
        </Typography>
      ) : (
        <>
          {!viewer.approver && (
            <Typography variant="caption" color="textSecondary">
              Members of the approver groups (cisAws.exceptions.approvers)
              decide them.
            </Typography>
          )}
          <PendingTable
            items={pending}
            viewer={viewer}
            onDecide={(item, action) => setDeciding({ item, action })}
          />
        </>
      );
    expiringBody =
      expiring.length === 0 ? (
        <Typography variant="body2" data-testid="cis-aws-org-expiring-empty">
          No exception expires within {expiringWithinDays} days.
        </Typography>
      ) : (
        <ExceptionTable
          items={expiring}
          label={`Exceptions expiring within ${expiringWithinDays} days`}
          testId="cis-aws-org-expiring-row"
        />
      );
  }

  let activeBody: React.ReactNode;
  if (active.error) {
    activeBody = <ResponseErrorPanel error={active.error} />;
  } else if (!active.value) {
    activeBody = active.loading ? <Progress /> : null;
  } else if (active.value.length === 0) {
    activeBody = (
      <Typography variant="body2" data-testid="cis-aws-org-exceptions-empty">
        No exception is in force: every account counts with its own verdict.
      </Typography>
    );
  } else {
    activeBody = (
      <ExceptionTable
        items={active.value}
        label="Active exceptions"
        testId="cis-aws-org-exception-row"
      />
    );
  }

  const expiringDays = attend.value?.expiringWithinDays;
  return (
    <InfoCard
      title="Exceptions"
      subheader="Requested by owners, approved by a second person; each ends on its own at its expiry"
    >
      <div data-testid="cis-aws-org-exceptions">
        <div data-testid="cis-aws-org-pending">
          <Section title="Pending requests">{pendingBody}</Section>
        </div>
        {expiringBody && (
          <div data-testid="cis-aws-org-expiring">
            <Section
              title={`Expiring soon${
                expiringDays !== undefined ? ` (${expiringDays} days)` : ''
              }`}
            >
              {expiringBody}
            </Section>
          </div>
        )}
        <Section title="In force">{activeBody}</Section>
      </div>
      <DecideExceptionDialog
        decision={deciding}
        onClose={() => setDeciding(undefined)}
        onDecided={() => {
          setDeciding(undefined);
          setReload(n => n + 1);
        }}
      />
    </InfoCard>
  );
}
