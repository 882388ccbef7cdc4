/**
 * Kubernetes time formats: metav1.Time is RFC 3339 to the second, metav1.MicroTime to the
 * microsecond. Listing a large cluster formats the same few instants tens of thousands of times,
 * so formatted seconds are remembered (a bounded cache, cleared when full).
 */
const CACHE_LIMIT = 10_000;
const seconds = new Map<number, string>();

export function rfc3339(ms: number): string {
  const second = Math.floor(ms / 1000);
  let text = seconds.get(second);
  if (text === undefined) {
    if (seconds.size >= CACHE_LIMIT) seconds.clear();
    text = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
    seconds.set(second, text);
  }
  return text;
}

export function microTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}
