import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { ComplianceException, Verdict } from '@cis-aws/plugin-cis-aws-common';
import { Box, Chip, Tooltip, Typography } from '@material-ui/core';
import { dateAndAgo, formatDateTime, reasonTitle } from './text';

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

const LEGACY_EXPLANATION =
  'Granted in one step before four-eyes approval: the approver was named by the granter, not verified.';

/** Marks an exception granted under the former single-step flow. */
export function LegacyMarker() {
  return (
    <Tooltip title={LEGACY_EXPLANATION}>
      <Chip
        size="small"
        variant="outlined"
        label="legacy single-step"
        data-testid="cis-aws-legacy-exception"
      />
    </Tooltip>
  );
}

/**
 * Who decided an exception, when, and their comment: "approved by alan, Nov 24, 2026", "rejected
 * by …", or "awaiting approval"; a legacy grant is marked as such.
 */
export function ExceptionDecisionText(props: {
  exception: ComplianceException;
}) {
  const { exception } = props;
  const comment = exception.decisionComment ? (
    <Typography variant="caption" component="div">
      “{exception.decisionComment}”
    </Typography>
  ) : null;
  if (exception.state === 'REJECTED') {
    return (
      <>
        Rejected by <PersonRef value={exception.rejectedBy} />
        <Typography variant="caption" color="textSecondary" component="div">
          {formatDateTime(exception.rejectedAt)}
        </Typography>
        {comment}
      </>
    );
  }
  if (exception.state !== 'APPROVED') {
    return <>Awaiting approval</>;
  }
  return (
    <>
      <PersonRef value={exception.approvedBy} />
      <Typography variant="caption" color="textSecondary" component="div">
        {formatDateTime(exception.approvedAt)}
      </Typography>
      {comment}
      {exception.legacySingleStep && <LegacyMarker />}
    </>
  );
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
        {exception.createdBy && (
          <>
            Requested by <PersonRef value={exception.createdBy} />
            {' · '}
          </>
        )}
        Approved by <PersonRef value={exception.approvedBy} />
        {exception.legacySingleStep &&
          ' (legacy single-step grant, not verified)'}
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
