/**
 * The scale run: Tugboat rolls the `huge` scenario (5,000 nodes) through its real workflow, and the
 * figures that matter at that size are reported against the Step Functions limits they must stay
 * under (25,000 history events per execution, 256 KB of state, 15 minutes per Lambda), with the
 * real time and memory the simulation took on this machine, in a process of its own.
 */
import { fork } from "node:child_process";
import { type RollRequest, rollInSandbox } from "../src/sandbox/sandbox-roll";
import { loadScenario } from "../src/sandbox/scenario/load";
import type { Scenario } from "../src/sandbox/scenario/schema";
import { benchGroup, scenarioNodeCount } from "./run-strategy";
import { bundleWorker } from "./worker-bundle";

export interface ScaleFigures {
  scenario: string;
  nodes: number;
  outcome: string;
  reason?: string;
  nodesReplaced: number;
  /** Events in the history of the roll's execution (limit 25,000). */
  maxHistoryEventsPerExecution: number;
  /** Largest state payload between states (limit 256 KB). */
  maxStatePayloadBytes: number;
  /** Longest single step, virtual seconds (a Lambda may run 900). */
  longestStepSeconds: number;
  makespanSeconds: number;
  /** The roll's lower bound from the run's sampled timings (bench/README.md), and makespan ÷ bound. */
  lowerBoundSeconds: number;
  overBound: number | null;
  pdbViolations: number;
  podsLost: number;
  /** Real seconds the simulated roll took on this machine. */
  wallSeconds: number;
  /** Peak resident memory of the run's process, from start to end (the kernel's high-water mark). */
  peakRssMb: number;
  stateTransitionsPerNode: number;
  awsApiCallsPerNode: number;
}

export interface ScaleOptions {
  scenario?: Scenario;
  /** Roll input besides cluster and node group (default: none, Tugboat's defaults). */
  request?: Omit<RollRequest, "cluster" | "nodeGroup">;
}

/**
 * V8 settings of the scale run's process. Left to itself V8 lets the old generation grow to about four
 * times the live set between full collections: 1.6 GB resident for about 340 MB live on `huge`. With
 * the live set at about 260 MB (flat ids, no stale pod order), growing the heap by half of it (×1.5)
 * peaks at about 0.7 GB, against 0.8 GB for ×2, at no CPU cost that runs could tell apart
 * (bench/README.md). The old generation is capped at 420 MB, as Lambda caps a function's heap by its
 * memory setting: near the cap V8 collects sooner instead of growing (peaks 549–562 MB against
 * 571–627 MB uncapped, for about 2 % more time). The live set's peak, about 280 MB at mid-roll
 * (heap snapshots), leaves a third of the cap free; a run that outgrew it would stop with V8's
 * out-of-memory error, never with wrong figures.
 */
export const SCALE_V8_FLAGS: readonly string[] = ["--heap-growing-percent=50", "--max-old-space-size=420"];

/**
 * The scale run in a process of its own: its peak memory is its own, not that of whatever ran before it
 * in the caller's process, and it runs under SCALE_V8_FLAGS. The process runs the worker bundled
 * (bench/worker-bundle.ts), on plain Node as a Lambda runs its bundle: the TypeScript loader's memory
 * is not the roll's.
 */
export async function runScale(options: ScaleOptions = {}): Promise<ScaleFigures> {
  const bundle = await bundleWorker("bench/scale-worker.ts");
  return new Promise((resolve, reject) => {
    const child = fork(bundle, [], {
      execArgv: [...process.execArgv, ...SCALE_V8_FLAGS],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    let answered = false;
    child.on("message", (answer: ScaleWorkerAnswer) => {
      answered = true;
      if ("error" in answer) reject(new Error(`the scale run failed: ${answer.error}`));
      else resolve(answer.figures);
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (!answered) reject(new Error(`the scale run's process exited with ${signal ?? `code ${code}`} unanswered`));
    });
    const ask: ScaleWorkerAsk = options;
    child.send(ask);
  });
}

export type ScaleWorkerAsk = ScaleOptions;
export type ScaleWorkerAnswer = { figures: ScaleFigures } | { error: string };

/** The scale run in this process: the worker's side of runScale. */
export async function runScaleHere(options: ScaleOptions = {}): Promise<ScaleFigures> {
  const scenario = options.scenario ?? loadScenario("huge");
  const nodes = scenarioNodeCount(scenario);
  const started = performance.now();
  const { result } = await rollInSandbox({ scenario, request: { ...options.request, ...benchGroup(scenario) } });
  // Per node actually replaced: a roll that stopped early is not credited with the nodes it left.
  const replaced = Math.max(1, result.nodesReplaced);
  return {
    scenario: scenario.name ?? "(unnamed)",
    nodes,
    outcome: result.outcome,
    ...(result.reason ? { reason: result.reason } : {}),
    nodesReplaced: result.nodesReplaced,
    maxHistoryEventsPerExecution: result.historyEvents,
    maxStatePayloadBytes: result.maxStatePayloadBytes,
    longestStepSeconds: result.longestStepSeconds,
    makespanSeconds: result.makespanSeconds,
    lowerBoundSeconds: result.lowerBoundSeconds,
    overBound:
      result.outcome === "succeeded" && result.lowerBoundSeconds > 0
        ? round(result.makespanSeconds / result.lowerBoundSeconds, 2)
        : null,
    pdbViolations: result.pdbViolations,
    podsLost: result.podsLost,
    wallSeconds: round((performance.now() - started) / 1000),
    // getrusage's high-water mark (kilobytes) is exact where a sampler polling on a timer misses peaks.
    peakRssMb: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6),
    stateTransitionsPerNode: round(result.stateTransitions / replaced, 2),
    awsApiCallsPerNode: round(result.apiCalls.aws / replaced, 2),
  };
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
