import {
  Link,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import { ReactNode } from 'react';
import { Details, FactList } from '../common';

/** ok: in order; fail: breaks the chain; warn: could not be fully checked; unknown: not visible. */
export type LinkStatus = 'ok' | 'fail' | 'warn' | 'unknown';

export interface ChainLinkProps {
  index: number;
  id: 'trail' | 'role' | 'logGroup' | 'delivery' | 'securityHub';
  title: string;
  status: LinkStatus;
  /** One line: what this link's status means. */
  summary: string;
  /** The status in words when the usual word would mislead (Security Hub "Disagrees"). */
  statusLabel?: string;
  /** What the link is, in plain words (yes/no, names, how long ago). */
  facts: [string, ReactNode][];
  /** The raw evidence behind it (ARNs, exact times, AWS's own answers): behind "Details". */
  details?: [string, ReactNode][];
  consoleUrl?: string;
  consoleLabel: string;
}

function StatusIcon(props: { status: LinkStatus; children: ReactNode }) {
  switch (props.status) {
    case 'ok':
      return <StatusOK>{props.children}</StatusOK>;
    case 'fail':
      return <StatusError>{props.children}</StatusError>;
    case 'warn':
      return <StatusWarning>{props.children}</StatusWarning>;
    default:
      return <StatusPending>{props.children}</StatusPending>;
  }
}

const STATUS_WORD: Record<LinkStatus, string> = {
  ok: 'OK',
  fail: 'Broken',
  warn: 'Not fully checked',
  unknown: 'Not visible',
};

/** One link of a trail's evidence chain: its status, its facts and where to see it in AWS. */
export function ChainLink(props: ChainLinkProps) {
  const {
    index,
    id,
    title,
    status,
    summary,
    facts,
    details = [],
    consoleUrl,
    consoleLabel,
    statusLabel,
  } = props;
  return (
    <Box
      data-testid="chain-link"
      data-link={id}
      data-status={status}
      border={1}
      borderColor={status === 'fail' ? 'error.main' : 'divider'}
      borderRadius={4}
      p={1.5}
      mb={1}
    >
      <Box
        display="flex"
        alignItems="baseline"
        flexWrap="wrap"
        style={{ gap: 12 }}
      >
        <Typography variant="subtitle1" component="h4">
          {index}. {title}
        </Typography>
        <StatusIcon status={status}>
          {statusLabel ?? STATUS_WORD[status]}
        </StatusIcon>
        <Typography variant="body2">{summary}</Typography>
        {consoleUrl && (
          <Link to={consoleUrl} target="_blank" rel="noopener noreferrer">
            {consoleLabel}
          </Link>
        )}
      </Box>
      {facts.length > 0 && <FactList facts={facts} />}
      {details.length > 0 && (
        <Details
          name={`Details of the ${title} link`}
          testId="chain-link-details"
        >
          <FactList facts={details} />
        </Details>
      )}
    </Box>
  );
}
