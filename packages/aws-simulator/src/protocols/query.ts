import { AwsError } from './errors';

/**
 * awsQuery (STS, IAM): a form-encoded body `Action=..&Version=..&Param=..`
 * with lists as `Name.member.N`, answered with
 * `<ActionResponse xmlns=..><ActionResult>..</ActionResult><ResponseMetadata>..`.
 */
export class QueryInput {
  constructor(readonly params: Map<string, string>) {}

  static parse(body: string, urlQuery?: URLSearchParams): QueryInput {
    const params = new Map<string, string>();
    urlQuery?.forEach((v, k) => params.set(k, v));
    new URLSearchParams(body).forEach((v, k) => params.set(k, v));
    return new QueryInput(params);
  }

  get action(): string | undefined {
    return this.params.get('Action');
  }

  get version(): string | undefined {
    return this.params.get('Version');
  }

  optionalString(name: string): string | undefined {
    const v = this.params.get(name);
    return v === undefined || v === '' ? undefined : v;
  }

  string(name: string): string {
    const v = this.optionalString(name);
    if (v === undefined) {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value null at '${lowerFirst(
          name,
        )}' failed to satisfy constraint: Member must not be null`,
      );
    }
    return v;
  }

  optionalInteger(name: string, min: number, max: number): number | undefined {
    const v = this.optionalString(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value '${v}' at '${lowerFirst(
          name,
        )}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
      );
    }
    return n;
  }

  /** `Name.member.1`, `Name.member.2`, ... in index order. */
  list(name: string): string[] {
    const prefix = `${name}.member.`;
    const items: Array<[number, string]> = [];
    for (const [k, v] of this.params) {
      if (k.startsWith(prefix)) {
        const index = Number(k.slice(prefix.length));
        if (Number.isInteger(index)) items.push([index, v]);
      }
    }
    return items.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, c => XML_ENTITIES[c]);
}

/** Serializes a value as the children of an XML element (lists as <member>). */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value))
    return value.map(item => `<member>${toXml(item)}</member>`).join('');
  if (typeof value === 'object') {
    let out = '';
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || v === null) continue;
      out += `<${k}>${toXml(v)}</${k}>`;
    }
    return out;
  }
  return escapeXml(String(value));
}

export function queryResponse(
  action: string,
  namespace: string,
  result: object | undefined,
  requestId: string,
): string {
  const body =
    result === undefined
      ? ''
      : `<${action}Result>${toXml(result)}</${action}Result>`;
  return (
    `<${action}Response xmlns="${namespace}">${body}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function queryError(
  error: AwsError,
  namespace: string,
  requestId: string,
): string {
  return (
    `<ErrorResponse xmlns="${namespace}"><Error><Type>${error.fault}</Type>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(
      error.message,
    )}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
