import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { cisAwsApiRef } from '../../api/CisAwsApi';

/** The backend's diagnosis (makes a few AWS calls): fetched once, again on `retry`. */
export function useDiagnostics() {
  const api = useApi(cisAwsApiRef);
  return useAsyncRetry(() => api.getDiagnostics(), [api]);
}
