/**
 * Runs `fn` on every item with at most `limit` calls in flight and returns
 * the results in input order.
 *
 * The first failure rejects the whole call and no further item is started
 * (the calls already started still finish, their results unused): callers
 * that must not lose items handle their own errors inside `fn` (errors are
 * data), and callers that must never act on a partial list, such as a catalog
 * provider that would delete the rest, get a rejection instead.
 *
 * @public
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index], index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

/**
 * Runs `work` for every item with at most `limit` at once, started in the
 * order of the items, and resolves when all are done. `work` is expected to
 * handle its own errors; if it throws anyway, the first error rejects the
 * whole and no further item is started.
 *
 * @public
 */
export async function forEachWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  await mapWithConcurrency(items, limit, work);
}
