import {
  Link,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import { ReactNode } from 'react';

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
  facts: [string, ReactNode][];
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
      <Box
        component="dl"
        display="grid"
        style={{
          gridTemplateColumns: 'max-content 1fr',
          gap: '2px 16px',
          margin: '8px 0 0',
        }}
      >
        {facts.map(([label, value]) => (
          <Box key={label} display="contents">
            <Typography component="dt" variant="body2" color="textSecondary">
              {label}
            </Typography>
            <Typography
              component="dd"
              variant="body2"
              style={{ margin: 0, wordBreak: 'break-all' }}
            >
              {value}
            </Typography>
          </Box>
        ))}
      </Box>
    </Box>
  );
}
