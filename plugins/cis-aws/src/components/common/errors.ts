import { ResponseError } from '@backstage/errors';
import type { ApiError } from '@cis-aws/plugin-cis-aws-common';

/**
 * What went wrong, as the backend said it: a ResponseError's own message is only "Request
 * failed with 400 Bad Request", the backend's explanation is its cause.
 */
export function errorMessage(error: Error): string {
  if (ResponseError.is(error)) {
    const said = error.cause?.message;
    return said && said !== error.message
      ? `${said} (HTTP ${error.statusCode})`
      : error.message;
  }
  return error.message;
}

/** An AWS error's code with the HTTP status AWS answered with: `AccessDeniedException, HTTP 403`. */
export function apiErrorCode(error: ApiError): string {
  return error.httpStatus !== undefined
    ? `${error.code}, HTTP ${error.httpStatus}`
    : error.code;
}

/**
 * A failed AWS call in one line, everything the backend kept: the call (`service:Operation`),
 * where, the code and HTTP status, and, unless `withMessage` is false, AWS's (redacted) message.
 */
export function describeApiError(
  error: ApiError,
  options: { withMessage?: boolean } = {},
): string {
  const where = error.region ? ` in ${error.region}` : '';
  const head = `${error.operation}${where}: ${apiErrorCode(error)}`;
  return options.withMessage === false ? head : `${head} — ${error.message}`;
}

/** A failed AWS call in plain words, with its code and HTTP status. */
export function explainApiError(error: ApiError): string {
  const code = apiErrorCode(error);
  const where = error.region ? ` in ${error.region}` : '';
  if (error.operation === 'sts:AssumeRole') {
    return `The portal's reader role could not be assumed in this account (${code}), so nothing in it could be read.`;
  }
  if (/AccessDenied|UnauthorizedOperation/i.test(error.code)) {
    return `The reader role is not allowed to call ${error.operation}${where} (${code}).`;
  }
  if (/Throttl|TooManyRequests/i.test(error.code)) {
    return `${error.operation}${where} was throttled by AWS (${code}); the next run should succeed.`;
  }
  return `${error.operation}${where} failed (${code}).`;
}
