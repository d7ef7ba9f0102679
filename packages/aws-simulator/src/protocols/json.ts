import { AwsError } from './errors';

/**
 * JSON 1.1 (CloudTrail, CloudWatch Logs, Organizations): POST / with
 * `X-Amz-Target: Prefix.Operation` and a JSON body; timestamps are epoch
 * seconds; errors are `{"__type": code, "message": ...}` plus `x-amzn-ErrorType`.
 * REST-JSON (Security Hub) shares the input reader and the body encoding.
 */

/** Reads a JSON request body field by field; bad input is the service's validation error. */
export class JsonInput {
  constructor(
    readonly body: Record<string, unknown>,
    private readonly invalid: (message: string) => AwsError,
  ) {}

  static parse(
    text: string,
    invalid: (message: string) => AwsError,
  ): JsonInput {
    let body: unknown = {};
    if (text.trim().length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new AwsError(
          'SerializationException',
          'Start of structure or map found where not expected.',
          400,
        );
      }
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new AwsError(
        'SerializationException',
        'Expected a JSON object as the request body.',
        400,
      );
    }
    return new JsonInput(body as Record<string, unknown>, invalid);
  }

  fail(message: string): never {
    throw this.invalid(message);
  }

  raw(key: string): unknown {
    return this.body[key];
  }

  optionalString(key: string): string | undefined {
    const v = this.body[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.fail(`${key} must be a string`);
    return v;
  }

  string(key: string): string {
    const v = this.optionalString(key);
    if (v === undefined || v === '') this.fail(`${key} is required`);
    return v;
  }

  optionalInteger(key: string, min: number, max: number): number | undefined {
    const v = this.body[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(`${key} must be an integer between ${min} and ${max}`);
    }
    return v;
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.body[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.fail(`${key} must be a boolean`);
    return v;
  }

  optionalStringList(key: string): string[] | undefined {
    const v = this.body[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || !v.every(s => typeof s === 'string'))
      this.fail(`${key} must be a list of strings`);
    return v as string[];
  }
}

/** JSON with Dates as epoch seconds (the JSON 1.1 timestamp format). */
export function toJsonBody(value: unknown): string {
  return JSON.stringify(
    value,
    function replacer(this: Record<string, unknown>, key: string, v: unknown) {
      const original = this[key];
      return original instanceof Date ? original.getTime() / 1000 : v;
    },
  );
}

export function jsonErrorBody(error: AwsError): string {
  return JSON.stringify({ __type: error.code, message: error.message });
}

export function jsonErrorHeaders(
  error: AwsError,
  queryCompatible: boolean,
): Record<string, string> {
  const headers: Record<string, string> = { 'x-amzn-ErrorType': error.code };
  if (queryCompatible)
    headers['x-amzn-query-error'] = `${error.queryCode ?? error.code};${
      error.fault
    }`;
  return headers;
}

/** Opaque pagination tokens: base64 of a JSON cursor. */
export function encodeToken(cursor: object): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64');
}

export function decodeToken<T>(
  token: string,
  isValid: (v: unknown) => v is T,
): T | undefined {
  try {
    const v: unknown = JSON.parse(
      Buffer.from(token, 'base64').toString('utf8'),
    );
    return isValid(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function isOffsetCursor(v: unknown): v is { o: number } {
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isInteger((v as { o?: unknown }).o) &&
    (v as { o: number }).o >= 0
  );
}
