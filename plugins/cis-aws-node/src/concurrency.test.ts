import { forEachWithConcurrency, mapWithConcurrency } from './concurrency';

/** A task per item that the test resolves or rejects by hand. */
function controlled<T>() {
  const pending = new Map<
    T,
    { resolve: (value: string) => void; reject: (error: Error) => void }
  >();
  const started: T[] = [];
  const fn = (item: T) =>
    new Promise<string>((resolve, reject) => {
      started.push(item);
      pending.set(item, { resolve, reject });
    });
  return { fn, started, pending };
}

const tick = () => new Promise(resolve => setImmediate(resolve));

describe('mapWithConcurrency', () => {
  it('returns the results in input order whatever order they finish in', async () => {
    const { fn, pending } = controlled<number>();
    const result = mapWithConcurrency([1, 2, 3], 3, fn);
    await tick();
    pending.get(3)!.resolve('three');
    pending.get(1)!.resolve('one');
    pending.get(2)!.resolve('two');
    await expect(result).resolves.toEqual(['one', 'two', 'three']);
  });

  it('never has more than the limit in flight, and starts items in order', async () => {
    const { fn, started, pending } = controlled<number>();
    const result = mapWithConcurrency([1, 2, 3, 4, 5], 2, fn);
    await tick();
    expect(started).toEqual([1, 2]);
    pending.get(2)!.resolve('b');
    await tick();
    expect(started).toEqual([1, 2, 3]);
    for (const item of [1, 3]) pending.get(item)!.resolve(String(item));
    await tick();
    expect(started).toEqual([1, 2, 3, 4, 5]);
    for (const item of [4, 5]) pending.get(item)!.resolve(String(item));
    await expect(result).resolves.toEqual(['1', 'b', '3', '4', '5']);
  });

  it('passes each item its index', async () => {
    await expect(
      mapWithConcurrency(
        ['a', 'b'],
        4,
        async (item, index) => `${item}${index}`,
      ),
    ).resolves.toEqual(['a0', 'b1']);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const { fn, started, pending } = controlled<number>();
    const result = mapWithConcurrency([1, 2, 3, 4], 2, fn);
    await tick();
    pending.get(1)!.reject(new Error('tags of 1 failed'));
    pending.get(2)!.resolve('two');
    await expect(result).rejects.toThrow('tags of 1 failed');
    await tick();
    expect(started).toEqual([1, 2]);
  });

  it('resolves at once for no items, and treats a limit below one as one', async () => {
    await expect(mapWithConcurrency([], 4, async () => 1)).resolves.toEqual([]);
    await expect(
      mapWithConcurrency([1, 2], 0, async item => item * 2),
    ).resolves.toEqual([2, 4]);
  });
});

describe('forEachWithConcurrency', () => {
  it('runs the work for every item with at most the limit at once', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachWithConcurrency([1, 2, 3, 4, 5, 6], 3, async (item, index) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await tick();
      seen[index] = item;
      inFlight--;
    });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(most).toBe(3);
  });

  it('rejects when the work throws', async () => {
    await expect(
      forEachWithConcurrency([1], 2, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });
});
