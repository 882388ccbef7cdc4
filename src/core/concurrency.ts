/**
 * Bounded concurrency for bulk API work (evictions, cordons, terminations): independent calls overlap
 * up to `limit` at a time, as kubectl drain and the AWS CLI do, without flooding an API server.
 */
export const API_CONCURRENCY = 10;

/**
 * Bulk Kubernetes calls (pod lists per node, evictions, cordons, taints). kubectl drain evicts every pod
 * of a node at once, and an API server shares its capacity between clients by priority and fairness
 * (a flood from one client is queued, not refused). At 10 at a time, a 5,000-node roll's tick spent
 * 45 s evicting the pods of the 500 nodes it had just cordoned, and nothing else moved meanwhile.
 */
export const KUBE_API_CONCURRENCY = 32;

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
