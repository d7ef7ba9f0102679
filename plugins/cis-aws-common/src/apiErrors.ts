import type { ApiError } from './facts';

/**
 * An AWS error's code with the HTTP status AWS answered with, as the backend's texts (verdict
 * details, warnings, evidence) name it: `InternalFailure (HTTP 500)`; the code alone when AWS
 * never answered or the status was not recorded.
 */
export function apiErrorCodeText(error: Pick<ApiError, 'code' | 'httpStatus'>) {
  return error.httpStatus !== undefined
    ? `${error.code} (HTTP ${error.httpStatus})`
    : error.code;
}
