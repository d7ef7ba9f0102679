/**
 * CBOR (RFC 8949), as much as Smithy RPC v2 CBOR needs: integers, floats (half, single,
 * double), text and byte strings, arrays, maps, booleans, null/undefined, and tag 1
 * (epoch-seconds timestamps); indefinite lengths are read, never written.
 * Encoding writes the shortest integer form and float64 for every non-integer number;
 * a Date becomes tag 1 with its epoch seconds.
 */

export class CborError extends Error {}

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(n, 1);
    return b;
  }
  if (n < 0x100000000) {
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = (major << 5) | 27;
  b.writeBigUInt64BE(BigInt(n), 1);
  return b;
}

function float64(value: number): Buffer {
  const b = Buffer.alloc(9);
  b[0] = 0xfb;
  b.writeDoubleBE(value, 1);
  return b;
}

function encodeInto(value: unknown, out: Buffer[]): void {
  if (value === null) out.push(Buffer.from([0xf6]));
  else if (value === undefined) out.push(Buffer.from([0xf7]));
  else if (value === false) out.push(Buffer.from([0xf4]));
  else if (value === true) out.push(Buffer.from([0xf5]));
  else if (typeof value === 'number') {
    if (Number.isSafeInteger(value))
      out.push(value >= 0 ? head(0, value) : head(1, -1 - value));
    else out.push(float64(value));
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    out.push(head(3, bytes.length), bytes);
  } else if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    out.push(head(2, value.length), Buffer.from(value));
  } else if (value instanceof Date) {
    out.push(Buffer.from([0xc1]));
    encodeInto(value.getTime() / 1000, out);
  } else if (Array.isArray(value)) {
    out.push(head(4, value.length));
    for (const item of value) encodeInto(item, out);
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined,
    );
    out.push(head(5, entries.length));
    for (const [k, v] of entries) {
      encodeInto(k, out);
      encodeInto(v, out);
    }
  } else {
    throw new CborError(`cannot encode a ${typeof value}`);
  }
}

export function encodeCbor(value: unknown): Buffer {
  const out: Buffer[] = [];
  encodeInto(value, out);
  return Buffer.concat(out);
}

const BREAK = Symbol('break');

class Reader {
  offset = 0;
  constructor(private readonly bytes: Buffer) {}

  private need(n: number) {
    if (this.offset + n > this.bytes.length)
      throw new CborError('unexpected end of CBOR data');
  }

  private argument(info: number): number | undefined {
    if (info < 24) return info;
    const sizes: Record<number, number> = { 24: 1, 25: 2, 26: 4, 27: 8 };
    const size = sizes[info];
    if (info === 31) return undefined;
    if (!size) throw new CborError(`reserved additional info ${info}`);
    this.need(size);
    const b = this.bytes;
    const o = this.offset;
    this.offset += size;
    if (size === 1) return b[o];
    if (size === 2) return b.readUInt16BE(o);
    if (size === 4) return b.readUInt32BE(o);
    const big = b.readBigUInt64BE(o);
    if (big > BigInt(Number.MAX_SAFE_INTEGER))
      throw new CborError('integer too large');
    return Number(big);
  }

  private halfFloat(bits: number): number {
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    const sign = bits & 0x8000 ? -1 : 1;
    if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
    if (exponent === 31) return fraction ? NaN : sign * Infinity;
    return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }

  item(): unknown {
    this.need(1);
    const initial = this.bytes[this.offset++];
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 7) {
      switch (info) {
        case 20:
          return false;
        case 21:
          return true;
        case 22:
          return null;
        case 23:
          return undefined;
        case 25: {
          this.need(2);
          const v = this.halfFloat(this.bytes.readUInt16BE(this.offset));
          this.offset += 2;
          return v;
        }
        case 26: {
          this.need(4);
          const v = this.bytes.readFloatBE(this.offset);
          this.offset += 4;
          return v;
        }
        case 27: {
          this.need(8);
          const v = this.bytes.readDoubleBE(this.offset);
          this.offset += 8;
          return v;
        }
        case 31:
          return BREAK;
        default:
          throw new CborError(`unsupported simple value ${info}`);
      }
    }
    const n = this.argument(info);
    switch (major) {
      case 0:
        return n;
      case 1:
        return -1 - (n as number);
      case 2:
      case 3: {
        if (n === undefined) {
          const chunks: Buffer[] = [];
          for (;;) {
            const chunk = this.item();
            if (chunk === BREAK) break;
            chunks.push(
              typeof chunk === 'string'
                ? Buffer.from(chunk, 'utf8')
                : (chunk as Buffer),
            );
          }
          const all = Buffer.concat(chunks);
          return major === 3 ? all.toString('utf8') : all;
        }
        this.need(n);
        const slice = this.bytes.subarray(this.offset, this.offset + n);
        this.offset += n;
        return major === 3 ? slice.toString('utf8') : Buffer.from(slice);
      }
      case 4: {
        const items: unknown[] = [];
        for (let i = 0; n === undefined || i < n; i++) {
          const item = this.item();
          if (item === BREAK) {
            if (n === undefined) break;
            throw new CborError('unexpected break');
          }
          items.push(item);
        }
        return items;
      }
      case 5: {
        const map: Record<string, unknown> = {};
        for (let i = 0; n === undefined || i < n; i++) {
          const key = this.item();
          if (key === BREAK) {
            if (n === undefined) break;
            throw new CborError('unexpected break');
          }
          if (typeof key !== 'string' && typeof key !== 'number')
            throw new CborError('map keys must be strings');
          map[String(key)] = this.item();
        }
        return map;
      }
      default: {
        // tag: the value it wraps; tag 1 (epoch seconds) becomes a Date
        const wrapped = this.item();
        return n === 1 && typeof wrapped === 'number'
          ? new Date(wrapped * 1000)
          : wrapped;
      }
    }
  }
}

export function decodeCbor(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  const reader = new Reader(bytes);
  const value = reader.item();
  if (value === BREAK) throw new CborError('unexpected break');
  if (reader.offset !== bytes.length)
    throw new CborError('trailing bytes after the CBOR item');
  return value;
}
