import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { AccountsQuery, cisAwsApiRef } from '../api/CisAwsApi';

/** One account's full result. */
export function useAccountResult(accountId: string | undefined) {
  const api = useApi(cisAwsApiRef);
  return useAsyncRetry(
    async () => (accountId ? api.getAccount(accountId) : undefined),
    [api, accountId],
  );
}

/** An entity's aggregate verdict and its accounts. */
export function useEntityResult(entityRef: string) {
  const api = useApi(cisAwsApiRef);
  return useAsyncRetry(() => api.getEntityResult(entityRef), [api, entityRef]);
}

/** A page of the accounts list. */
export function useAccounts(query: AccountsQuery) {
  const api = useApi(cisAwsApiRef);
  const key = JSON.stringify(query);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useAsyncRetry(() => api.listAccounts(query), [api, key]);
}

/** The verdict changes of an account. */
export function useAccountHistory(accountId: string | undefined) {
  const api = useApi(cisAwsApiRef);
  return useAsyncRetry(
    async () => (accountId ? api.getAccountHistory(accountId) : []),
    [api, accountId],
  );
}
