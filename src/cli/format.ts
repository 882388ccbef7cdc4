/** Small text helpers shared by the progress view, summaries and plans. */

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m${String(r).padStart(2, "0")}s`;
  return `${r}s`;
}

/** "+02:15" from a run's start: virtual time as an operator reads it. */
export function clockOffset(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = `${String(m).padStart(2, "0")}:${String(r).padStart(2, "0")}`;
  return h > 0 ? `+${h}:${mm}` : `+${mm}`;
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

export function zones(byZone: Record<string, number>): string {
  return Object.entries(byZone)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([zone, count]) => `${zone} ${count}`)
    .join(", ");
}

/** "predicted 12 min, from defaults" or "predicted 12 min, from history of 3 runs". */
export function prediction(seconds: number, source: string | undefined): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  return `predicted ${minutes} min, ${estimateOrigin(source)}`;
}

/** "from defaults" or "from history of N runs": what a prediction rests on. */
export function estimateOrigin(source: string | undefined): string {
  const runs = /^history \((\d+) runs\)$/.exec(source ?? "")?.[1];
  return runs !== undefined ? `from history of ${runs} runs` : "from defaults";
}
