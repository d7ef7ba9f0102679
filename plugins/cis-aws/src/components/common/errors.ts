import { ResponseError } from '@backstage/errors';

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
