/**
 * A prediction: the real roll, upgrade or rebalance workflow run on a twin N times, each with its own seed (so every
 * boot, Ready, pod start and API round trip is drawn anew), and the spread of what the simulator observed:
 * makespan, the worst capacity dip, the time drains spent refused by PodDisruptionBudgets, and the round
 * of a step (a batch) most often the longest of its run (where a roll stalls), with why.
 */

import { fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { RebalanceSandboxRequest } from "./sandbox-rebalance";
import type { RollRequest } from "./sandbox-roll";
import type { UpgradeRequest } from "./sandbox-upgrade";
import type { Scenario } from "./scenario/schema";

export interface Stall {
  /** The Task state and the round of it (a state entered once per batch: its third round is the third batch). */
  state: string;
  occurrence: number;
  /** Runs in which it was the longest round of any state in the run. */
  runs: number;
  p50Seconds: number;
  why: string;
}

export interface Prediction {
  runs: number;
  makespanSeconds: { p50: number; p90: number };
  /** The worst (lowest) AZ capacity ratio any run saw: Ready allocatable ÷ what the wanted pods request. */
  minCapacityRatio: number | null;
  pdbBlockedSeconds: { p50: number; p90: number };
  stalls: Stall[];
  outcomes: Record<string, number>;
}

export interface RunFigures {
  /** Which run: its seed is the scenario's seed plus this. */
  index: number;
  outcome: string;
  makespanSeconds: number;
  minCapacityRatio: number | null;
  pdbBlockedSeconds: number;
  longest?: { state: string; occurrence: number; seconds: number; refusals: number };
}

/** The p-th percentile (nearest rank) of `values`. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

const round = (value: number) => Math.round(value * 10) / 10;

export type PredictRequest =
  | { workflow: "roll"; request: RollRequest }
  | { workflow: "upgrade"; request: UpgradeRequest }
  | { workflow: "rebalance"; request: RebalanceSandboxRequest };

export interface PredictOptions {
  /**
   * Processes the runs are spread over (each run is independent: its own sandbox and seed). Defaults to
   * the machine's available parallelism; 1 runs them all in this process.
   */
  workers?: number;
}

export async function predict(
  scenario: Scenario,
  what: PredictRequest,
  runs: number,
  options: PredictOptions = {},
): Promise<Prediction> {
  const indices = Array.from({ length: runs }, (_, i) => i);
  const workers = Math.max(1, Math.min(runs, options.workers ?? availableParallelism()));
  // The runs and the sandbox load where they run: a parent that spreads them over workers loads neither.
  const figures =
    workers === 1
      ? await (await import("./predict-runs")).runSeeds(scenario, what, indices)
      : (await Promise.all(spread(indices, workers).map((share) => runSeedsElsewhere(scenario, what, share)))).flat();
  return summarize(figures.sort((a, b) => a.index - b.index));
}

/** Round-robin shares, so slow and fast seeds mix in every process. */
function spread(indices: number[], workers: number): number[][] {
  const shares: number[][] = Array.from({ length: workers }, () => []);
  indices.forEach((index, i) => {
    shares[i % workers]?.push(index);
  });
  return shares;
}

/**
 * A worker collects garbage on its own thread: with one worker per core, two concurrent `large` runs
 * took 35.2 and 36.2 s with it against 37.4 s each without (three runs per process, side by side).
 */
export const PREDICT_WORKER_V8_FLAGS = ["--single-threaded-gc"];

/** The same runs in a child process (bin/predict-worker.mjs), which answers with their figures. */
function runSeedsElsewhere(scenario: Scenario, what: PredictRequest, indices: number[]): Promise<RunFigures[]> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL("../../bin/predict-worker.mjs", import.meta.url)), [], {
      // One worker per core: V8's parallel GC helpers would take the core of the other worker.
      execArgv: [...process.execArgv, ...PREDICT_WORKER_V8_FLAGS],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    let answered = false;
    child.on("message", (message: PredictWorkerAnswer) => {
      answered = true;
      if ("error" in message) reject(new Error(`prediction runs ${indices.join(", ")}: ${message.error}`));
      else resolve(message.figures);
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (!answered) reject(new Error(`prediction runs ${indices.join(", ")}: worker exited with code ${code}`));
    });
    const ask: PredictWorkerAsk = { scenario, what, indices };
    child.send(ask);
  });
}

export interface PredictWorkerAsk {
  scenario: Scenario;
  what: PredictRequest;
  indices: number[];
}

export type PredictWorkerAnswer = { figures: RunFigures[] } | { error: string };

function summarize(figures: RunFigures[]): Prediction {
  const makespans = figures.map((f) => f.makespanSeconds);
  const blocked = figures.map((f) => f.pdbBlockedSeconds);
  const ratios = figures.flatMap((f) => (f.minCapacityRatio === null ? [] : [f.minCapacityRatio]));
  const byStep = new Map<string, { state: string; occurrence: number; seconds: number[]; refusals: number }>();
  for (const f of figures) {
    if (!f.longest) continue;
    const key = `${f.longest.state}#${f.longest.occurrence}`;
    const entry = byStep.get(key) ?? {
      state: f.longest.state,
      occurrence: f.longest.occurrence,
      seconds: [],
      refusals: 0,
    };
    entry.seconds.push(f.longest.seconds);
    entry.refusals += f.longest.refusals;
    byStep.set(key, entry);
  }
  const stalls = [...byStep.values()]
    .sort((a, b) => b.seconds.length - a.seconds.length || percentile(b.seconds, 50) - percentile(a.seconds, 50))
    .map(
      (entry): Stall => ({
        state: entry.state,
        occurrence: entry.occurrence,
        runs: entry.seconds.length,
        p50Seconds: round(percentile(entry.seconds, 50)),
        why:
          entry.refusals > 0
            ? `${entry.refusals} evictions refused by PodDisruptionBudgets while it ran`
            : "no eviction was refused meanwhile: it waited on instances, nodes or pods coming up",
      }),
    );
  const outcomes: Record<string, number> = {};
  for (const f of figures) outcomes[f.outcome] = (outcomes[f.outcome] ?? 0) + 1;
  return {
    runs: figures.length,
    makespanSeconds: { p50: round(percentile(makespans, 50)), p90: round(percentile(makespans, 90)) },
    minCapacityRatio: ratios.length > 0 ? Math.round(Math.min(...ratios) * 1000) / 1000 : null,
    pdbBlockedSeconds: { p50: round(percentile(blocked, 50)), p90: round(percentile(blocked, 90)) },
    stalls,
    outcomes,
  };
}
