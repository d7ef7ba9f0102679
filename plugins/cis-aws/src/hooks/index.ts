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
export function useEntityResult(
  entityRef: string,
  page: { offset?: number; limit?: number } = {},
) {
  const api = useApi(cisAwsApiRef);
  const { offset, limit } = page;
  return useAsyncRetry(
    () => api.getEntityResult(entityRef, { offset, limit }),
    [api, entityRef, offset, limit],
  );
}

/** A page of the accounts list. */
export function useAccounts(query: AccountsQuery) {
  const api = useApi(cisAwsApiRef);
  const key = JSON.stringify(query);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useAsyncRetry(() => api.listAccounts(query), [api, key]);
}

/**
 * The verdict changes of an account and its trails over the last `days` days (all that is kept
 * when undefined). `reload` is a counter: bump it to fetch again after something changed.
 */
export function useAccountHistory(
  accountId: string,
  days: number | undefined,
  reload = 0,
) {
  const api = useApi(cisAwsApiRef);
  return useAsyncRetry(
    () =>
      api.getAccountHistory(accountId, {
        from:
          days === undefined
            ? undefined
            : new Date(Date.now() - days * 86_400_000).toISOString(),
      }),
    [api, accountId, days, reload],
  );
}

/** Every exception of an account and their audit trail; `reload` as for the history. */
export function useAccountExceptions(accountId: string, reload = 0) {
  const api = useApi(cisAwsApiRef);
  return useAsyncRetry(
    () => api.listAccountExceptions(accountId),
    [api, accountId, reload],
  );
}

/** The exceptions in force across every account the user may read. */
export function useActiveExceptions(reload = 0) {
  const api = useApi(cisAwsApiRef);
  return useAsyncRetry(
    async () => (await api.listExceptions('ACTIVE')).items,
    [api, reload],
  );
}

/**
 * What the organization page's exception section shows: the requests awaiting a decision and
 * the exceptions expiring soon (as the backend judges "soon"), with what the user may do.
 */
export function useExceptionsToAttend(reload = 0) {
  const api = useApi(cisAwsApiRef);
  return useAsyncRetry(async () => {
    const [pending, expiring] = await Promise.all([
      api.listExceptions('PENDING'),
      api.listExceptions('EXPIRING'),
    ]);
    return {
      pending: pending.items,
      expiring: expiring.items,
      expiringWithinDays: expiring.expiringWithinDays,
      viewer: pending.viewer,
    };
  }, [api, reload]);
}

/**
 * The daily compliance series of the organization (no entityRef) or an entity over the last
 * `days` days, today (UTC) included.
 */
export function useTrend(entityRef: string | undefined, days: number) {
  const api = useApi(cisAwsApiRef);
  return useAsyncRetry(() => {
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(
      Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000,
    )
      .toISOString()
      .slice(0, 10);
    return api.getTrend({ entityRef, from, to });
  }, [api, entityRef, days]);
}
