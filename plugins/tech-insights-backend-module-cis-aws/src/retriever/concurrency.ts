/**
 * Runs `work` for every item with at most `limit` at once and resolves when
 * all are done. `work` is expected to handle its own errors (a failed entity
 * is skipped, not the whole run); if it throws anyway, the first error
 * rejects the whole.
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
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
}
