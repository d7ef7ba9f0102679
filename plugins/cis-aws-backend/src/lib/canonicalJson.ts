import { createHash } from 'node:crypto';

/**
 * The canonical JSON of a value, the bytes every evidence hash and digest is taken over:
 *
 * - objects: keys sorted by UTF-16 code units (JavaScript's default string order), each key
 *   once; properties whose value is `undefined` are left out (as `JSON.stringify` does);
 * - arrays: in their order, `undefined` elements written as `null`;
 * - strings, numbers, booleans and `null`: as `JSON.stringify` writes them (shortest
 *   round-tripping number form, minimal string escaping);
 * - no whitespace anywhere; the text is hashed as UTF-8.
 *
 * For the values stored here (no `-0`, `NaN` or `Infinity`, which are refused) this is the JSON
 * Canonicalization Scheme of RFC 8785, so anyone can recompute a hash with an off-the-shelf JCS
 * library.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value) || Object.is(value, -0)) {
        throw new TypeError(`No canonical JSON for the number ${value}`);
      }
      return JSON.stringify(value);
    case 'object': {
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      if (Array.isArray(value)) {
        return `[${value
          .map(item => (item === undefined ? 'null' : canonicalJson(item)))
          .join(',')}]`;
      }
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => compareKeys(a, b));
      return `{${entries
        .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`)
        .join(',')}}`;
    }
    default:
      throw new TypeError(`No canonical JSON for a ${typeof value}`);
  }
}

/** SHA-256 of the canonical JSON of a value, lower-case hex. */
export function sha256Canonical(value: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(value), 'utf8')
    .digest('hex');
}

/** Keys in code-unit order (as `Array.prototype.sort` without a comparator), not locale order. */
function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
