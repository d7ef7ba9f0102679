import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { cisAwsApiRef } from '../../api/CisAwsApi';

/**
 * An account's detection result (CIS 3.x). `reload` is a counter: bump it to fetch again after
 * the account was evaluated.
 */
export function useAccountDetection(accountId: string, reload = 0) {
  const api = useApi(cisAwsApiRef);
  return useAsyncRetry(
    () => api.getAccountDetection(accountId),
    [api, accountId, reload],
  );
}

/** The owner account of an organization trail, as the accounts list knows it (for a link). */
export function useAccountSummary(accountId: string | undefined) {
  const api = useApi(cisAwsApiRef);
  return useAsyncRetry(async () => {
    if (!accountId) return undefined;
    const page = await api.listAccounts({ search: accountId, limit: 5 });
    return page.items.find(a => a.accountId === accountId);
  }, [api, accountId]);
}
