/**
 * A prediction: the real roll, upgrade or rebalance workflow run on a twin N times, each with its own seed (so every
 * boot, Ready, pod start and API round trip is drawn anew), and the spread of what the simulator observed:
 * makespan, the worst capacity dip, the time drains spent refused by PodDisruptionBudgets, and the round
 * of a step (a batch) most often the longest of its run (where a roll stalls), with why.
 */

import { fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Sandbox } from "./sandbox";
import { type RebalanceSandboxRequest, rebalanceInSandbox } from "./sandbox-rebalance";
import { type RollRequest, rollInSandbox } from "./sandbox-roll";
import { type UpgradeRequest, upgradeInSandbox } from "./sandbox-upgrade";
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

/**
 * Watches one run from the simulator's side: virtual seconds during which a PDB refused an eviction (an
 * interval between two clock ticks counts when a refusal happened in it), and each round of every Task
 * state: from one entry to the next entry of the same state (or the end), so a round of the batch loop
 * spans the whole batch, its waits included, with the refusals that fell inside it.
 */
function watch(sandbox: Sandbox) {
  const counters = sandbox.cluster.state.counters;
  let lastRefusals = counters.evictionsRefusedByPdb;
  let lastTickMs = sandbox.clock.nowMs();
  let blockedMs = 0;
  sandbox.clock.onTick((nowMs) => {
    if (counters.evictionsRefusedByPdb > lastRefusals) blockedMs += nowMs - lastTickMs;
    lastRefusals = counters.evictionsRefusedByPdb;
    lastTickMs = nowMs;
  });
  const open = new Map<string, { state: string; occurrence: number; atMs: number; refusals: number }>();
  let longest: RunFigures["longest"];
  const close = (round: { state: string; occurrence: number; atMs: number; refusals: number }, atMs: number) => {
    const seconds = (atMs - round.atMs) / 1000;
    if (!longest || seconds > longest.seconds) {
      const refusals = counters.evictionsRefusedByPdb - round.refusals;
      longest = { state: round.state, occurrence: round.occurrence, seconds, refusals };
    }
  };
  const onEvent = (event: { kind: string; state: string; stateType: string; atMs: number; execution?: string }) => {
    if (event.stateType !== "Task" || event.kind !== "state-entered") return;
    const key = `${event.execution ?? ""}/${event.state}`;
    const previous = open.get(key);
    if (previous) close(previous, event.atMs);
    open.set(key, {
      state: event.state,
      occurrence: (previous?.occurrence ?? 0) + 1,
      atMs: event.atMs,
      refusals: counters.evictionsRefusedByPdb,
    });
  };
  const finish = () => {
    // The last round of a loop ends with the run; a state entered once is no loop (it would span the run).
    for (const round of open.values()) if (round.occurrence > 1) close(round, sandbox.clock.nowMs());
    open.clear();
    return longest;
  };
  return { onEvent, blockedSeconds: () => blockedMs / 1000, longest: finish };
}

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
  const figures =
    workers === 1
      ? await runSeeds(scenario, what, indices)
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

/** Runs `indices` one after another in this process: run i uses the scenario's seed + i. */
export async function runSeeds(scenario: Scenario, what: PredictRequest, indices: number[]): Promise<RunFigures[]> {
  const figures: RunFigures[] = [];
  for (const index of indices) figures.push(await runOnce(scenario, what, index));
  return figures;
}

async function runOnce(scenario: Scenario, what: PredictRequest, index: number): Promise<RunFigures> {
  const seeded: Scenario = { ...scenario, seed: scenario.seed + index };
  const sandbox = await Sandbox.start(seeded);
  // The roll measures its own capacity window; the upgrade and the rebalance are measured here.
  const capacity = what.workflow === "roll" ? undefined : sandbox.cluster.openCapacityWindow();
  try {
    const watcher = watch(sandbox);
    const options = { scenario: seeded, sandbox, run: { onEvent: watcher.onEvent } };
    const ran = await runWorkflow(what, options);
    return {
      index,
      outcome: ran.outcome,
      makespanSeconds: ran.makespanSeconds,
      minCapacityRatio: capacity ? capacity.minimum().az : (ran.minCapacityRatio ?? null),
      pdbBlockedSeconds: watcher.blockedSeconds(),
      ...longestOf(watcher.longest()),
    };
  } finally {
    capacity?.close();
    await sandbox.close();
  }
}

interface Ran {
  outcome: string;
  makespanSeconds: number;
  minCapacityRatio?: number | null;
}

async function runWorkflow(
  what: PredictRequest,
  options: { scenario: Scenario; sandbox: Sandbox; run: { onEvent: ReturnType<typeof watch>["onEvent"] } },
): Promise<Ran> {
  switch (what.workflow) {
    case "roll": {
      const { result } = await rollInSandbox({ ...options, request: what.request });
      return {
        outcome: result.outcome,
        makespanSeconds: result.makespanSeconds,
        minCapacityRatio: result.minCapacityRatio.az,
      };
    }
    case "rebalance": {
      const { result } = await rebalanceInSandbox({ ...options, request: what.request });
      return { outcome: result.outcome, makespanSeconds: result.makespanSeconds };
    }
    case "upgrade": {
      const { result } = await upgradeInSandbox({ ...options, request: what.request });
      return { outcome: result.outcome, makespanSeconds: result.durationSeconds };
    }
  }
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

function longestOf(longest: RunFigures["longest"]): Pick<RunFigures, "longest"> {
  return longest ? { longest } : {};
}

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
