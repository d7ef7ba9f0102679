import { PromiseCache } from './promiseCache';

describe('PromiseCache', () => {
  let now = 0;
  const cache = (maxEntries = 10) =>
    new PromiseCache({ ttlMs: 30_000, maxEntries, now: () => now });
  beforeEach(() => {
    now = 0;
  });

  it('gives concurrent and later callers of a key the same promise until it expires', async () => {
    const c = cache();
    let calls = 0;
    const resolve = async () => ++calls;
    const [a, b] = await Promise.all([
      c.get('k', resolve),
      c.get('k', resolve),
    ]);
    now = 29_999;
    expect([a, b, await c.get('k', resolve)]).toEqual([1, 1, 1]);
    now = 30_000;
    expect(await c.get('k', resolve)).toBe(2);
  });

  it('drops expired entries on any look-up, not only their own', async () => {
    const c = cache();
    await c.get('alice', async () => 'a');
    now = 10_000;
    await c.get('bob', async () => 'b');
    expect(c.size).toBe(2);
    now = 30_000; // alice's has expired, bob's has not
    await c.get('carol', async () => 'c');
    expect(c.size).toBe(2);
    now = 40_000; // bob's too
    await c.get('carol', async () => 'c');
    expect(c.size).toBe(1);
  });

  it('keeps at most maxEntries, the oldest dropped first', async () => {
    const c = cache(2);
    for (const key of ['a', 'b', 'c']) await c.get(key, async () => key);
    expect(c.size).toBe(2);
    let asked = 0;
    await c.get('a', async () => {
      asked += 1;
      return 'a';
    });
    expect(asked).toBe(1);
  });

  it('does not keep a rejected promise, nor anything without a key or with a TTL of 0', async () => {
    const c = cache();
    await expect(
      c.get('k', async () => {
        throw new Error('catalog unavailable');
      }),
    ).rejects.toThrow('catalog unavailable');
    expect(await c.get('k', async () => 'ok')).toBe('ok');

    let calls = 0;
    await c.get(undefined, async () => ++calls);
    await c.get(undefined, async () => ++calls);
    const off = new PromiseCache({ ttlMs: 0, maxEntries: 10, now: () => now });
    await off.get('k', async () => ++calls);
    await off.get('k', async () => ++calls);
    expect(calls).toBe(4);
  });
});
