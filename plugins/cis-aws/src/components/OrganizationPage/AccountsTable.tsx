import { ResponseErrorPanel } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  AccountSummary,
  AccountsListResponse,
} from '@cis-aws/plugin-cis-aws-common';
import {
  LinearProgress,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TablePagination,
  TableRow,
  TableSortLabel,
  Tooltip,
  Typography,
} from '@material-ui/core';
import WarningIcon from '@material-ui/icons/Warning';
import { accountReasonCodes } from '@cis-aws/plugin-cis-aws-common';
import {
  reasonExplanation,
  accountReasonTitle,
  formatDateTime,
  relativeTime,
  VerdictStatus,
} from '../common';
import { DetectionCell } from '../Detection';
import { failingSinceOf } from './failingSince';
import { OrderBy, PAGE_SIZES, TableState } from './query';

interface Column {
  label: string;
  orderBy?: OrderBy;
  render: (account: AccountSummary) => React.ReactNode;
}

function VerdictCell({ account }: { account: AccountSummary }) {
  // A stale account shows its last definitive verdict, marked stale, and what the latest run said.
  if (account.stale && account.lastDefinitive) {
    return (
      <>
        <VerdictStatus verdict={account.lastDefinitive.verdict} stale />
        <Typography variant="caption" display="block" color="textSecondary">
          Latest check: {account.verdict}
        </Typography>
      </>
    );
  }
  return <VerdictStatus verdict={account.verdict} />;
}

function AccountCell({ account }: { account: AccountSummary }) {
  return (
    <>
      <EntityRefLink entityRef={account.entityRef}>
        {account.title}
      </EntityRefLink>
      {!account.title.includes(account.accountId) && (
        <Typography variant="caption" display="block" color="textSecondary">
          {account.accountId}
        </Typography>
      )}
    </>
  );
}

function ReasonCell({ account }: { account: AccountSummary }) {
  const title = accountReasonTitle(account);
  if (!title) return <>—</>;
  // The trails' own reasons (ROLE_CANNOT_WRITE), not the account's TRAIL_FAILED.
  const codes = accountReasonCodes(account);
  return (
    <Tooltip
      title={codes.map(code => reasonExplanation(code) ?? code).join(' ')}
    >
      <span data-testid="cis-account-reason">{title}</span>
    </Tooltip>
  );
}

function FailingSinceCell({ account }: { account: AccountSummary }) {
  const since = failingSinceOf(account);
  if (!since) return <>—</>;
  return (
    <Tooltip title={formatDateTime(since)}>
      <span data-testid="cis-failing-since">{relativeTime(since)}</span>
    </Tooltip>
  );
}

function RefCell({
  entityRef,
  missing,
}: {
  entityRef?: string;
  missing: string;
}) {
  return entityRef ? (
    <EntityRefLink entityRef={entityRef} />
  ) : (
    <Typography variant="body2" color="error">
      {missing}
    </Typography>
  );
}

function SecurityHubCell({ account }: { account: AccountSummary }) {
  const hub = account.securityHub;
  if (!hub) return <>—</>;
  if (hub.agrees === false) {
    return (
      <Tooltip
        title={`Security Hub's CloudTrail.5 says ${hub.status}; this evaluation disagrees.`}
      >
        <span data-testid="cis-securityhub-disagrees">
          <WarningIcon fontSize="inherit" color="error" /> {hub.status}{' '}
          (disagrees)
        </span>
      </Tooltip>
    );
  }
  return <>{hub.status}</>;
}

/**
 * Backstage's theme breaks table cells' words anywhere (`word-break: break-word`): with the
 * Detection column that split "System" and "Checkout Team" mid-word. Cells here hold words, not
 * ARNs; the container scrolls sideways when the table is wider than the page.
 */
const wholeWords = { wordBreak: 'normal' as const };

const COLUMNS: Column[] = [
  {
    label: 'Verdict',
    orderBy: 'verdict',
    render: a => <VerdictCell account={a} />,
  },
  {
    label: 'Account',
    orderBy: 'title',
    render: a => <AccountCell account={a} />,
  },
  { label: 'Reason', render: a => <ReasonCell account={a} /> },
  { label: 'Detection', render: a => <DetectionCell account={a} /> },
  {
    label: 'Owner',
    orderBy: 'ownerRef',
    render: a => <RefCell entityRef={a.ownerRef} missing="No owner" />,
  },
  {
    label: 'System',
    orderBy: 'systemRef',
    render: a => <RefCell entityRef={a.systemRef} missing="No system" />,
  },
  {
    label: 'Failing since',
    orderBy: 'verdictSince',
    render: a => <FailingSinceCell account={a} />,
  },
  { label: 'Security Hub', render: a => <SecurityHubCell account={a} /> },
];

/** One page of accounts; sort and paging are asked of the backend through `onChange`. */
export function AccountsTable(props: {
  response?: AccountsListResponse;
  loading: boolean;
  error?: Error;
  state: TableState;
  onChange: (change: Partial<TableState>) => void;
}) {
  const { response, loading, error, state, onChange } = props;
  const items = response?.items ?? [];

  const sortBy = (orderBy: OrderBy) => {
    const order =
      state.orderBy === orderBy && state.order === 'asc' ? 'desc' : 'asc';
    onChange({ orderBy, order, page: 0 });
  };

  return (
    <>
      {error && <ResponseErrorPanel error={error} />}
      {loading && <LinearProgress data-testid="cis-accounts-loading" />}
      <TableContainer>
        <Table size="small" aria-label="AWS accounts">
          <TableHead>
            <TableRow>
              {COLUMNS.map(column => (
                <TableCell key={column.label} style={wholeWords}>
                  {column.orderBy ? (
                    <TableSortLabel
                      active={state.orderBy === column.orderBy}
                      direction={
                        state.orderBy === column.orderBy ? state.order : 'asc'
                      }
                      onClick={() => sortBy(column.orderBy!)}
                    >
                      {column.label}
                    </TableSortLabel>
                  ) : (
                    column.label
                  )}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map(account => (
              <TableRow key={account.accountId} data-testid="cis-account-row">
                {COLUMNS.map(column => (
                  <TableCell key={column.label} style={wholeWords}>
                    {column.render(account)}
                  </TableCell>
                ))}
              </TableRow>
            ))}
            {!loading && response && items.length === 0 && (
              <TableRow>
                <TableCell colSpan={COLUMNS.length}>
                  No accounts match.
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      </TableContainer>
      <TablePagination
        component="div"
        count={response?.totalCount ?? 0}
        page={state.page}
        rowsPerPage={state.pageSize}
        rowsPerPageOptions={PAGE_SIZES}
        onPageChange={(_event, page) => onChange({ page })}
        onRowsPerPageChange={event =>
          onChange({ pageSize: Number(event.target.value), page: 0 })
        }
      />
    </>
  );
}
