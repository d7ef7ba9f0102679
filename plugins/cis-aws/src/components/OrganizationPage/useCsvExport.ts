import { toError } from '@backstage/errors';
import { useApi } from '@backstage/core-plugin-api';
import { AccountSummary } from '@cis-aws/plugin-cis-aws-common';
import { useCallback, useState } from 'react';
import { AccountsQuery, CisAwsApi, cisAwsApiRef } from '../../api/CisAwsApi';
import { downloadBlob } from '../common/download';
import { accountsToCsv, csvFileName } from './csv';

/** The most the backend returns per request. */
export const EXPORT_PAGE_SIZE = 1000;

/** Every account matching the query (filters, search, sort), a page of 1000 at a time. */
export async function fetchAllAccounts(
  api: CisAwsApi,
  query: AccountsQuery,
): Promise<AccountSummary[]> {
  const accounts: AccountSummary[] = [];
  for (let offset = 0; ; offset += EXPORT_PAGE_SIZE) {
    const page = await api.listAccounts({
      ...query,
      offset,
      limit: EXPORT_PAGE_SIZE,
    });
    accounts.push(...page.items);
    if (
      page.items.length < EXPORT_PAGE_SIZE ||
      offset + EXPORT_PAGE_SIZE >= page.totalCount
    ) {
      return accounts;
    }
  }
}

/** Hands a text to the browser as a file download. */
export function downloadText(
  text: string,
  fileName: string,
  type = 'text/csv;charset=utf-8',
) {
  downloadBlob(new Blob([text], { type }), fileName);
}

/** Exports the accounts of the current view as CSV; `exporting` while pages are being fetched. */
export function useCsvExport(query: AccountsQuery) {
  const api = useApi(cisAwsApiRef);
  const [exporting, setExporting] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const key = JSON.stringify(query);

  const exportCsv = useCallback(async () => {
    setExporting(true);
    setError(undefined);
    try {
      const accounts = await fetchAllAccounts(api, JSON.parse(key));
      downloadText(accountsToCsv(accounts), csvFileName());
    } catch (e) {
      setError(toError(e));
    } finally {
      setExporting(false);
    }
  }, [api, key]);

  return { exportCsv, exporting, error };
}
