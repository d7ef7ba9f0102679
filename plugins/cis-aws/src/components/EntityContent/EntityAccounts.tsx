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
  Button,
  Typography,
} from '@material-ui/core';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { Alert } from '@material-ui/lab';
import { useState } from 'react';
import { useEntityResult } from '../../hooks';
import { reasonTitle, relativeTime, VerdictStatus } from '../common';
import { AccountContent } from './AccountContent';
import { DetectionCell } from '../Detection';
import { DETECTION_TITLE, rollupLine } from '../Detection/text';
import { TrendChart } from '../Trends';

/** Failing first (the contract's order), then by title. */
export function sortAccounts(accounts: AccountSummary[]): AccountSummary[] {
  return [...accounts].sort(
    (a, b) =>
      verdictSeverity(b.verdict) - verdictSeverity(a.verdict) ||
      a.title.localeCompare(b.title),
  );
}

function AccountAccordion(props: {
  account: AccountSummary;
  /** Detection content is evaluated here: show the account's detection summary. */
  showDetection: boolean;
}) {
  const { account, showDetection } = props;
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
          {showDetection && (
            <Box
              display="flex"
              alignItems="center"
              style={{ gap: 8 }}
              data-testid="cis-account-detection"
            >
              <Typography variant="body2" color="textSecondary">
                {DETECTION_TITLE}:
              </Typography>
              <DetectionCell account={account} />
            </Box>
          )}
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

/** How many accounts the tab lists at a time. */
export const ACCOUNTS_PAGE_SIZE = 50;

/** Which accounts of how many are listed, and the way to the pages before and after. */
function Pager(props: {
  offset: number;
  shown: number;
  total: number;
  onOffset: (offset: number) => void;
}) {
  const { offset, shown, total, onOffset } = props;
  if (total <= ACCOUNTS_PAGE_SIZE) return null;
  return (
    <Box
      display="flex"
      alignItems="center"
      style={{ gap: 8 }}
      my={1}
      data-testid="cis-accounts-pager"
    >
      <Typography variant="body2" color="textSecondary">
        Accounts {offset + 1}–{offset + shown} of {total}, failing first
      </Typography>
      <Button
        size="small"
        disabled={offset === 0}
        onClick={() => onOffset(Math.max(0, offset - ACCOUNTS_PAGE_SIZE))}
      >
        Previous
      </Button>
      <Button
        size="small"
        disabled={offset + shown >= total}
        onClick={() => onOffset(offset + ACCOUNTS_PAGE_SIZE)}
      >
        Next
      </Button>
    </Box>
  );
}

/**
 * A system's or team's accounts, failing first, each opening to its full detail; a page at a
 * time (a department or the whole organization may have thousands).
 */
export function EntityAccounts(props: { entityRef: string }) {
  const [offset, setOffset] = useState(0);
  const { loading, error, value } = useEntityResult(props.entityRef, {
    offset,
    limit: ACCOUNTS_PAGE_SIZE,
  });
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
          CIS AWS 2.4 across {value.accountCount}{' '}
          {value.accountCount === 1 ? 'account' : 'accounts'}
        </Typography>
        <VerdictStatus verdict={value.verdict} />
      </Box>
      {value.detection && (
        <Typography
          variant="body2"
          data-testid="cis-entity-detection-rollup"
          gutterBottom
        >
          <strong>{DETECTION_TITLE}:</strong> {rollupLine(value.detection)}{' '}
          (each account's below).
        </Typography>
      )}
      {value.problems.map(p => (
        <Alert key={p.entityRef} severity="warning">
          {p.entityRef}: annotation {p.annotation}="{p.value}" — {p.message}
        </Alert>
      ))}
      <Box mb={2}>
        <TrendChart entityRef={props.entityRef} />
      </Box>
      {value.pendingAccountIds.length > 0 && (
        <Alert severity="info">
          Not evaluated yet: {value.pendingAccountIds.join(', ')}
        </Alert>
      )}
      {sortAccounts(value.accounts).map(account => (
        <AccountAccordion
          key={account.accountId}
          account={account}
          showDetection={value.detection !== undefined}
        />
      ))}
      <Pager
        offset={value.offset}
        shown={value.accounts.length}
        total={value.accountCount}
        onOffset={setOffset}
      />
    </Box>
  );
}
