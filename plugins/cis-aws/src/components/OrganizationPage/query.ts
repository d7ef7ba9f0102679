import { DetectionVerdict, Verdict } from '@cis-aws/plugin-cis-aws-common';
import { AccountsQuery } from '../../api/CisAwsApi';

export type OrderBy = NonNullable<AccountsQuery['orderBy']>;
export type Order = NonNullable<AccountsQuery['order']>;

/** What the accounts table shows: filters, search, sort and page, all answered by the backend. */
export interface TableState {
  search: string;
  verdicts: Verdict[];
  /** Only accounts whose detection content (CIS 3.x) has one of these verdicts. */
  detection: DetectionVerdict[];
  owners: string[];
  /** Only the accounts nobody owns (the owners' "No owner" row). */
  noOwner: boolean;
  /** Only the accounts of these systems (the systems' roll-up). */
  systems: string[];
  orderBy: OrderBy;
  order: Order;
  page: number;
  pageSize: number;
}

export const PAGE_SIZES = [25, 50, 100];

export const INITIAL_TABLE_STATE: TableState = {
  search: '',
  verdicts: [],
  detection: [],
  owners: [],
  noOwner: false,
  systems: [],
  // The backend orders verdicts worst first when ascending.
  orderBy: 'verdict',
  order: 'asc',
  page: 0,
  pageSize: PAGE_SIZES[0],
};

/** The query for the current filters, search and sort, without paging. */
export function filterQuery(state: TableState): AccountsQuery {
  const search = state.search.trim();
  return {
    ...(state.verdicts.length ? { verdict: state.verdicts } : {}),
    ...(state.detection.length ? { detection: state.detection } : {}),
    ...(state.owners.length ? { owner: state.owners } : {}),
    ...(state.noOwner ? { noOwner: true } : {}),
    ...(state.systems.length ? { system: state.systems } : {}),
    ...(search ? { search } : {}),
    orderBy: state.orderBy,
    order: state.order,
  };
}

/** The query for the page on screen. */
export function pageQuery(state: TableState): AccountsQuery {
  return {
    ...filterQuery(state),
    offset: state.page * state.pageSize,
    limit: state.pageSize,
  };
}
