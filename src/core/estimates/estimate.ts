/**
 * Estimates from observations: the median (what a run will most likely take) and the p90 (what it
 * takes when it is slow) of the last observations of a kind, robust to the odd outlier; published
 * defaults when there is no observation.
 */
import type { DefaultFigure } from "./defaults";
import type { Observation, ObservationKind } from "./observations";

export interface Estimate {
  median: number;
  p90: number;
  /** Observations behind it (0: a published default). */
  samples: number;
  /** Distinct runs behind it. */
  runs: number;
}

/** Nearest-rank quantile of sorted values (q in 0..1). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Median of sorted values: the mean of the two middle ones for an even count. */
export function median(sorted: number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function fromObservations(observations: Observation[], kind: ObservationKind): Estimate | undefined {
  const mine = observations.filter((o) => o.kind === kind);
  if (mine.length === 0) return undefined;
  const values = mine.map((o) => o.seconds).sort((a, b) => a - b);
  return {
    median: median(values),
    p90: quantile(values, 0.9),
    samples: mine.length,
    runs: new Set(mine.map((o) => o.runId)).size,
  };
}

export function fromDefault(figure: DefaultFigure): Estimate {
  return { median: figure.median, p90: figure.p90, samples: 0, runs: 0 };
}

/** The observed estimate of a kind, or the published default. */
export function estimateOf(observations: Observation[], kind: ObservationKind, fallback: DefaultFigure): Estimate {
  return fromObservations(observations, kind) ?? fromDefault(fallback);
}

/** Where a prediction's figures came from, as plans and the CLI say it. */
export type EstimateSource = "defaults" | `history (${number} runs)`;

/** "defaults" when no estimate used comes from an observation, else the distinct runs behind them. */
export function estimateSource(observations: Observation[], used: (Estimate | undefined)[]): EstimateSource {
  if (!used.some((e) => e !== undefined && e.samples > 0)) return "defaults";
  const runs = new Set(observations.map((o) => o.runId)).size;
  return `history (${runs} runs)`;
}
