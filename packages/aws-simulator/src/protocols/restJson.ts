import { AwsError } from './errors';

/**
 * REST-JSON (Security Hub): the operation is chosen by method and path
 * (`POST /findings` is GetFindings), the body is JSON, errors carry
 * `x-amzn-ErrorType` and a JSON body with Code and Message.
 */
export interface RestRoute {
  method: string;
  path: string;
  operation: string;
}

export function matchRoute(
  routes: readonly RestRoute[],
  method: string,
  path: string,
): RestRoute | undefined {
  const clean =
    path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return routes.find(r => r.method === method && r.path === clean);
}

export function restJsonErrorBody(error: AwsError): string {
  return JSON.stringify({ Code: error.code, Message: error.message });
}

export function restJsonErrorHeaders(error: AwsError): Record<string, string> {
  return { 'x-amzn-ErrorType': error.code };
}
