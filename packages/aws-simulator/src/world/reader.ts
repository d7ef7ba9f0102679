import { checkTimeSpec, TimeSpec, toTimeSpec } from './time';

/**
 * A bad world file (or admin patch) is reported with the path of the field,
 * e.g. `accounts[3].trails[0].homeRegion: "mars-1" is not a region of this world`.
 */
export class WorldValidationError extends Error {
  readonly path: string;
  readonly detail: string;
  constructor(path: string, detail: string) {
    super(`${path || '(world)'}: ${detail}`);
    this.name = 'WorldValidationError';
    this.path = path;
    this.detail = detail;
  }
}

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date)
  );
}

export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Reads one object of the world file, field by field, and complains about
 * fields it did not read (keys starting with `x-` are free for YAML anchors).
 */
export class ObjectReader {
  readonly path: string;
  private readonly obj: PlainObject;
  private readonly seen = new Set<string>();

  constructor(value: unknown, path: string) {
    if (!isPlainObject(value)) {
      throw new WorldValidationError(
        path,
        `expected an object, got ${describe(value)}`,
      );
    }
    this.obj = value;
    this.path = path;
  }

  static of(value: unknown, path: string): ObjectReader {
    return new ObjectReader(value, path);
  }

  at(key: string): string {
    return joinPath(this.path, key);
  }

  /** Present and not null (null means "not set" everywhere in a world). */
  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  /** The raw value; marks the key as read. */
  raw(key: string): unknown {
    this.seen.add(key);
    return this.obj[key];
  }

  fail(key: string, detail: string): never {
    throw new WorldValidationError(this.at(key), detail);
  }

  optionalString(
    key: string,
    pattern?: RegExp,
    hint?: string,
  ): string | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.length === 0)
      this.fail(key, `expected a non-empty string, got ${describe(v)}`);
    if (pattern && !pattern.test(v))
      this.fail(key, `"${v}" is not valid${hint ? `: ${hint}` : ''}`);
    return v;
  }

  string(
    key: string,
    fallback?: string,
    pattern?: RegExp,
    hint?: string,
  ): string {
    const v = this.optionalString(key, pattern, hint);
    if (v !== undefined) return v;
    if (fallback !== undefined) return fallback;
    return this.fail(key, 'is required');
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean')
      this.fail(key, `expected true or false, got ${describe(v)}`);
    return v;
  }

  optionalNumber(
    key: string,
    min: number,
    max: number,
    integer = true,
  ): number | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      (integer && !Number.isInteger(v))
    ) {
      this.fail(
        key,
        `expected ${integer ? 'an integer' : 'a number'}, got ${describe(v)}`,
      );
    }
    if (v < min || v > max)
      this.fail(key, `must be between ${min} and ${max}, got ${v}`);
    return v;
  }

  number(
    key: string,
    fallback: number,
    min: number,
    max: number,
    integer = true,
  ): number {
    return this.optionalNumber(key, min, max, integer) ?? fallback;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const v = this.raw(key);
    if ((v === undefined || v === null) && fallback !== undefined)
      return fallback;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      return this.fail(
        key,
        `expected one of ${allowed.join(', ')}, got ${describe(v)}`,
      );
    }
    return v as T;
  }

  stringList(
    key: string,
    fallback: string[] = [],
    pattern?: RegExp,
    hint?: string,
  ): string[] {
    const v = this.raw(key);
    if (v === undefined || v === null) return fallback;
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list))
      this.fail(key, `expected a list of strings, got ${describe(v)}`);
    return list.map((item, i) => {
      if (typeof item !== 'string' || item.length === 0) {
        throw new WorldValidationError(
          joinPath(this.at(key), i),
          `expected a non-empty string, got ${describe(item)}`,
        );
      }
      if (pattern && !pattern.test(item)) {
        throw new WorldValidationError(
          joinPath(this.at(key), i),
          `"${item}" is not valid${hint ? `: ${hint}` : ''}`,
        );
      }
      return item;
    });
  }

  /** A time spec; `null` is kept as "none", undefined falls back. */
  time(key: string, fallback: TimeSpec | null): TimeSpec | null {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    if (v === null) return null;
    const problem = checkTimeSpec(v);
    if (problem) this.fail(key, problem);
    return toTimeSpec(v as string | Date);
  }

  list<T>(
    key: string,
    read: (value: unknown, path: string, index: number) => T,
  ): T[] {
    const v = this.raw(key);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v))
      this.fail(key, `expected a list, got ${describe(v)}`);
    return v.map((item, i) => read(item, joinPath(this.at(key), i), i));
  }

  stringMap(key: string): Record<string, string> {
    const v = this.raw(key);
    if (v === undefined || v === null) return {};
    if (!isPlainObject(v))
      this.fail(key, `expected a map of strings, got ${describe(v)}`);
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v)) {
      if (
        typeof val !== 'string' &&
        typeof val !== 'number' &&
        typeof val !== 'boolean'
      ) {
        throw new WorldValidationError(
          joinPath(this.at(key), k),
          `expected a string, got ${describe(val)}`,
        );
      }
      out[k] = String(val);
    }
    return out;
  }

  /** Call last: rejects keys nobody read (typos), except `x-*` keys. */
  done(): void {
    for (const key of Object.keys(this.obj)) {
      if (!this.seen.has(key) && !key.startsWith('x-')) {
        throw new WorldValidationError(this.at(key), 'unknown field');
      }
    }
  }
}

export const ACCOUNT_ID = /^\d{12}$/;
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** YAML turns unquoted 12-digit ids into numbers; accept both. */
export function readAccountId(value: unknown, path: string): string {
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= 0 &&
    value < 1e12
  ) {
    return String(value).padStart(12, '0');
  }
  if (typeof value === 'string' && ACCOUNT_ID.test(value)) return value;
  throw new WorldValidationError(
    path,
    `expected a 12-digit account id, got ${describe(value)}`,
  );
}

export function optionalAccountId(
  r: ObjectReader,
  key: string,
): string | undefined {
  const v = r.raw(key);
  if (v === undefined || v === null) return undefined;
  return readAccountId(v, r.at(key));
}
