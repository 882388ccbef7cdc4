/**
 * Bounded concurrency for bulk API work (evictions, cordons, terminations): independent calls overlap
 * up to `limit` at a time, as kubectl drain and the AWS CLI do, without flooding an API server.
 */
export const API_CONCURRENCY = 10;

export async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
