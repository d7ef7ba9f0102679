import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { ComplianceException, Verdict } from '@cis-aws/plugin-cis-aws-common';
import { Box, Typography } from '@material-ui/core';
import { dateAndAgo, reasonTitle } from './text';

/**
 * A person as the exception names them: a user entity ref links to the user's page; anything
 * else (an approver typed by hand, "Jane Doe, CISO") is shown as written.
 */
export function PersonRef(props: { value: string | undefined }) {
  const { value } = props;
  if (!value) return <>unknown</>;
  if (/^user:[^\s]+$/i.test(value)) {
    return <EntityRefLink entityRef={value} defaultKind="user" />;
  }
  return <>{value}</>;
}

/** `https://jira.example.com/browse/SEC-1234` → `SEC-1234`: what people call the ticket. */
export function ticketLabel(url: string): string {
  try {
    const parsed = new URL(url);
    const last = parsed.pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : parsed.host;
  } catch {
    return url;
  }
}

export function TicketLink(props: { url?: string }) {
  if (!props.url) return null;
  return <Link to={props.url}>{ticketLabel(props.url)}</Link>;
}

/**
 * An exception in force and what it hides: until when, why, who approved it, the ticket, and the
 * verdict the account (or trail) would have without it. The underlying result must stay
 * visible: an exemption is a decision to accept a failure, not a pass.
 */
export function ExemptionDetails(props: {
  exception: ComplianceException;
  underlyingVerdict: Verdict;
  underlyingReason?: string;
  /** What is exempt, e.g. "Trail payments-staging-trail"; the account when absent. */
  scope?: string;
}) {
  const { exception, underlyingVerdict, underlyingReason, scope } = props;
  const underlyingTitle = reasonTitle(underlyingReason);
  return (
    <Box>
      <Typography variant="body2">
        <strong>
          {scope ? `${scope} is exempt` : 'Exempt'} until{' '}
          {dateAndAgo(exception.expiresAt)}
        </strong>
      </Typography>
      <Typography variant="body2">Reason: {exception.reason}</Typography>
      <Typography variant="body2">
        Approved by <PersonRef value={exception.approvedBy} />
        {exception.ticketUrl && (
          <>
            {' · Ticket '}
            <TicketLink url={exception.ticketUrl} />
          </>
        )}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Would be {underlyingVerdict}
        {underlyingTitle ? `: ${underlyingTitle}` : ''} without it.
      </Typography>
    </Box>
  );
}
