import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  AccountSummary,
  Verdict,
  worstVerdict,
} from '@cis-aws/plugin-cis-aws-common';
import { Tooltip, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { CisAwsApi, cisAwsApiRef } from '../../api/CisAwsApi';
import {
  accountReasonTitle,
  errorMessage,
  formatDateTime,
  relativeTime,
  VerdictStatus,
} from '../common';
import { failingSinceOf } from '../OrganizationPage/failingSince';
import { AccountResultBatcher } from './accountResultBatcher';

/** One batcher per API instance: every cell of every CIS column shares its requests. */
const batchers = new WeakMap<
  Pick<CisAwsApi, 'listAccounts'>,
  AccountResultBatcher
>();

function batcherFor(
  api: Pick<CisAwsApi, 'listAccounts'>,
): AccountResultBatcher {
  let batcher = batchers.get(api);
  if (!batcher) {
    batcher = new AccountResultBatcher(api);
    batchers.set(api, batcher);
  }
  return batcher;
}

/** The verdict an account shows: its last definitive one when the latest check erred. */
function shownVerdict(account: AccountSummary): Verdict {
  return account.stale && account.lastDefinitive
    ? account.lastDefinitive.verdict
    : account.verdict;
}

/** The earliest "failing since" among the accounts. */
function earliestFailure(accounts: AccountSummary[]): string | undefined {
  return accounts
    .map(a => failingSinceOf(a))
    .filter((since): since is string => since !== undefined)
    .sort()[0];
}

/** One row's cell: the entity's worst verdict, why, and since when it fails. */
export function CisAwsCatalogCell(props: { entity: Entity }) {
  const api = useApi(cisAwsApiRef);
  const ref = stringifyEntityRef(props.entity);
  const {
    value: accounts,
    error,
    loading,
  } = useAsync(() => batcherFor(api).accountsOf(ref), [api, ref]);
  if (loading) return <Typography variant="caption">…</Typography>;
  if (error) {
    return (
      <Tooltip title={errorMessage(error)}>
        <Typography variant="caption" color="error">
          Unavailable
        </Typography>
      </Tooltip>
    );
  }
  if (!accounts || accounts.length === 0) {
    return (
      <Typography
        variant="caption"
        color="textSecondary"
        data-testid="cis-catalog-not-evaluated"
      >
        Not evaluated
      </Typography>
    );
  }
  const verdict = worstVerdict(accounts.map(shownVerdict))!;
  const worst = accounts.find(a => shownVerdict(a) === verdict)!;
  const since = earliestFailure(accounts);
  const reason = accountReasonTitle(worst);
  return (
    <div data-testid="cis-catalog-cell">
      <Tooltip title={reason ?? ''}>
        <span>
          <VerdictStatus
            verdict={verdict}
            stale={accounts.length === 1 && worst.stale}
          />
        </span>
      </Tooltip>
      {since && (
        <Typography
          variant="caption"
          display="block"
          color="textSecondary"
          data-testid="cis-catalog-failing-since"
        >
          <Tooltip title={formatDateTime(since)}>
            <span>failing since {relativeTime(since)}</span>
          </Tooltip>
        </Typography>
      )}
      {accounts.length > 1 && (
        <Typography variant="caption" display="block" color="textSecondary">
          worst of {accounts.length} accounts
        </Typography>
      )}
    </div>
  );
}

/**
 * A "CIS 2.4" column for the catalog's table (`CatalogIndexPage`'s `columns`, rows of
 * `CatalogTableRow`): each row's verdict chip and how long it has been failing. The visible
 * rows' results come from one batched request, not one per row. Pass the row type:
 * `createCisAwsCatalogColumn<CatalogTableRow>()`.
 */
export function createCisAwsCatalogColumn<
  Row extends { entity: Entity } = { entity: Entity },
>(options: { title?: string } = {}): TableColumn<Row> {
  return {
    title: options.title ?? 'CIS 2.4',
    sorting: false,
    render: row => <CisAwsCatalogCell entity={row.entity} />,
  };
}
