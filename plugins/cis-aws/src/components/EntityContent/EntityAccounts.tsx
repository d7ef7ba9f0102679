import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import {
  AccountSummary,
  verdictSeverity,
} from '@cis-aws/plugin-cis-aws-common';
import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Box,
  Typography,
} from '@material-ui/core';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { Alert } from '@material-ui/lab';
import { useState } from 'react';
import { useEntityResult } from '../../hooks';
import { reasonTitle, relativeTime, VerdictStatus } from '../common';
import { AccountContent } from './AccountContent';

/** Failing first (the contract's order), then by title. */
export function sortAccounts(accounts: AccountSummary[]): AccountSummary[] {
  return [...accounts].sort(
    (a, b) =>
      verdictSeverity(b.verdict) - verdictSeverity(a.verdict) ||
      a.title.localeCompare(b.title),
  );
}

function AccountAccordion(props: { account: AccountSummary }) {
  const { account } = props;
  const [expanded, setExpanded] = useState(false);
  return (
    <Accordion
      expanded={expanded}
      onChange={(_, open) => setExpanded(open)}
      TransitionProps={{ unmountOnExit: true }}
      data-testid="account-accordion"
      data-account={account.accountId}
    >
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Box
          display="flex"
          alignItems="center"
          flexWrap="wrap"
          style={{ gap: 16 }}
        >
          <VerdictStatus verdict={account.verdict} stale={account.stale} />
          <Typography variant="subtitle1">{account.title}</Typography>
          <Typography variant="body2" color="textSecondary">
            {reasonTitle(account.reason) ?? ''} · evaluated{' '}
            {relativeTime(account.evaluatedAt)}
          </Typography>
        </Box>
      </AccordionSummary>
      <AccordionDetails>
        {expanded && (
          <Box width="100%">
            <AccountContent accountId={account.accountId} />
          </Box>
        )}
      </AccordionDetails>
    </Accordion>
  );
}

/** A system's or team's accounts, failing first, each opening to its full detail. */
export function EntityAccounts(props: { entityRef: string }) {
  const { loading, error, value } = useEntityResult(props.entityRef);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  if (value.verdict === 'NOT_MAPPED') {
    return (
      <Typography variant="body1">
        No AWS account is mapped to this entity, so there is nothing to evaluate
        (this is not a PASS).
      </Typography>
    );
  }
  return (
    <Box>
      <Box display="flex" alignItems="center" style={{ gap: 16 }} mb={2}>
        <Typography variant="h6">
          CIS AWS 2.4 across {value.accounts.length} account(s)
        </Typography>
        <VerdictStatus verdict={value.verdict} />
      </Box>
      {value.problems.map(p => (
        <Alert key={p.entityRef} severity="warning">
          {p.entityRef}: annotation {p.annotation}="{p.value}" — {p.message}
        </Alert>
      ))}
      {value.pendingAccountIds.length > 0 && (
        <Alert severity="info">
          Not evaluated yet: {value.pendingAccountIds.join(', ')}
        </Alert>
      )}
      {sortAccounts(value.accounts).map(account => (
        <AccountAccordion key={account.accountId} account={account} />
      ))}
    </Box>
  );
}
