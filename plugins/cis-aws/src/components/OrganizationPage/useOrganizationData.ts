import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { cisAwsApiRef } from '../../api/CisAwsApi';

/**
 * Every owner's accounts by verdict, most failing first, with the time to fix of the failures
 * fixed in the last `days` days (UTC, today included), and that period.
 */
export function useOwners(days: number) {
  const api = useApi(cisAwsApiRef);
  return useAsyncRetry(() => {
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(
      Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000,
    )
      .toISOString()
      .slice(0, 10);
    return api.listOwners({ from, to });
  }, [api, days]);
}

/** Every system's accounts by verdict, most failing first. */
export function useSystems() {
  const api = useApi(cisAwsApiRef);
  return useAsyncRetry(async () => (await api.listSystems()).systems, [api]);
}

/** The latest evaluation run, if any. */
export function useLastRun() {
  const api = useApi(cisAwsApiRef);
  return useAsyncRetry(async () => (await api.listRuns(1))[0], [api]);
}
