import { decodeCbor, encodeCbor } from './cbor';

/** Examples from RFC 8949, Appendix A. */
describe('CBOR', () => {
  const hex = (h: string) => Buffer.from(h, 'hex');

  it.each([
    [0, '00'],
    [23, '17'],
    [24, '1818'],
    [100, '1864'],
    [1000, '1903e8'],
    [1000000, '1a000f4240'],
    [1000000000000, '1b000000e8d4a51000'],
    [-1, '20'],
    [-1000, '3903e7'],
    ['', '60'],
    ['a', '6161'],
    ['IETF', '6449455446'],
    ['\u00fc', '62c3bc'],
    [[], '80'],
    [[1, 2, 3], '83010203'],
    [{ a: 1, b: [2, 3] }, 'a26161016162820203'],
    [false, 'f4'],
    [true, 'f5'],
    [null, 'f6'],
    [1.1, 'fb3ff199999999999a'],
  ])('encodes and decodes %j as %s', (value, bytes) => {
    expect(encodeCbor(value).toString('hex')).toBe(bytes);
    expect(decodeCbor(hex(bytes))).toEqual(value);
  });

  it.each([
    ['f93e00', 1.5],
    ['f97bff', 65504],
    ['f90001', 5.960464477539063e-8],
    ['fa47c35000', 100000],
    ['f9c400', -4],
  ])('decodes the float %s', (bytes, value) => {
    expect(decodeCbor(hex(bytes))).toBe(value);
  });

  it('decodes indefinite lengths', () => {
    expect(decodeCbor(hex('9f018202039f0405ffff'))).toEqual([
      1,
      [2, 3],
      [4, 5],
    ]);
    expect(decodeCbor(hex('bf61610161629f0203ffff'))).toEqual({
      a: 1,
      b: [2, 3],
    });
    expect(decodeCbor(hex('7f657374726561646d696e67ff'))).toBe('streaming');
  });

  it('timestamps are tag 1 with epoch seconds', () => {
    expect(decodeCbor(hex('c11a514b67b0'))).toEqual(
      new Date('2013-03-21T20:04:00Z'),
    );
    expect(
      decodeCbor(encodeCbor(new Date('2026-01-15T10:00:00.500Z'))),
    ).toEqual(new Date('2026-01-15T10:00:00.500Z'));
  });

  it('rejects truncated and trailing data', () => {
    expect(() => decodeCbor(hex('1903'))).toThrow('unexpected end');
    expect(() => decodeCbor(hex('0000'))).toThrow('trailing bytes');
  });
});
