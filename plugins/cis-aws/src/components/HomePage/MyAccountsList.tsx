import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import {
  AccountSummary,
  AccountsListResponse,
} from '@cis-aws/plugin-cis-aws-common';
import {
  List,
  ListItem,
  ListItemText,
  Tooltip,
  Typography,
} from '@material-ui/core';
import { useAccounts } from '../../hooks';
import {
  accountReasonTitle,
  formatDateTime,
  relativeTime,
  VerdictStatus,
} from '../common';
import { failingSinceOf } from '../OrganizationPage/failingSince';

/** How many of the user's accounts the card lists, worst first. */
export const MY_ACCOUNTS_LIMIT = 20;

function AccountLine(props: { account: AccountSummary }) {
  const { account } = props;
  const entityLink = useEntityRefLink();
  const shown =
    account.stale && account.lastDefinitive
      ? account.lastDefinitive.verdict
      : account.verdict;
  const reason = accountReasonTitle(account);
  const since = failingSinceOf(account);
  return (
    <ListItem
      divider
      data-testid="cis-my-account"
      data-account={account.accountId}
    >
      <ListItemText
        primary={
          <>
            <VerdictStatus verdict={shown} stale={account.stale} />{' '}
            <Link to={`${entityLink(account.entityRef)}/cis-aws`}>
              {account.title}
            </Link>
          </>
        }
        secondary={
          <>
            {reason ??
              (shown === 'PASS' ? 'Delivering to CloudWatch Logs' : '')}
            {since && (
              <Tooltip title={formatDateTime(since)}>
                <span data-testid="cis-my-account-failing-since">
                  {reason ? ' · ' : ''}failing since {relativeTime(since)}
                </span>
              </Tooltip>
            )}
          </>
        }
      />
    </ListItem>
  );
}

/** The accounts, worst first, or what stands in for them. */
export function MyAccountsListView(props: {
  response?: AccountsListResponse;
  loading: boolean;
  error?: Error;
}) {
  const { response, loading, error } = props;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!response) return loading ? <Progress /> : null;
  if (response.totalCount === 0) {
    return (
      <Typography>
        Your groups own no evaluated AWS account. Accounts are yours when their
        catalog entity names you or one of your groups as owner.
      </Typography>
    );
  }
  const failing = response.totals.FAIL;
  return (
    <>
      <Typography variant="body2" data-testid="cis-my-accounts-summary">
        {summaryText(failing, response.totalCount)}
      </Typography>
      <List dense>
        {response.items.map(account => (
          <AccountLine key={account.accountId} account={account} />
        ))}
      </List>
      {response.totalCount > response.items.length && (
        <Typography variant="caption" color="textSecondary">
          The {response.items.length} most urgent of {response.totalCount}{' '}
          shown.
        </Typography>
      )}
    </>
  );
}

/**
 * The signed-in user's AWS accounts (owned by them or their groups, as the backend resolves
 * them), worst first, each with its verdict, plain reason and failing-since, linking to the
 * account's CIS 2.4 tab. The content of the "My AWS accounts" home-page card.
 */
export function CisAwsMyAccountsList() {
  const accounts = useAccounts({
    mine: true,
    orderBy: 'verdict',
    limit: MY_ACCOUNTS_LIMIT,
  });
  return (
    <MyAccountsListView
      response={accounts.value}
      loading={accounts.loading}
      error={accounts.error}
    />
  );
}

/** "Your account does not fail", "None of your N accounts fails" or "F of your N accounts fail". */
function summaryText(failing: number, total: number): string {
  if (failing > 0) {
    return `${failing} of your ${total} accounts ${
      failing === 1 ? 'fails' : 'fail'
    } CIS 2.4.`;
  }
  return total === 1
    ? 'Your account does not fail CIS 2.4.'
    : `None of your ${total} accounts fails CIS 2.4.`;
}
