import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { cisAwsApiRef } from '../../api/CisAwsApi';

/** Every owner's accounts by verdict, most failing first. */
export function useOwners() {
  const api = useApi(cisAwsApiRef);
  return useAsyncRetry(async () => (await api.listOwners()).owners, [api]);
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
