/**
 * Runs `work` for every item with at most `limit` at once, in order of the
 * items, and resolves when all are done. `work` is expected not to throw
 * (errors are data here); if it does, the first error rejects the whole.
 */
export async function forEachWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker),
  );
}
