/**
 * The scale run: Tugboat rolls the `huge` scenario (5,000 nodes) through its real workflow, and the
 * figures that matter at that size are reported against the Step Functions limits they must stay
 * under (25,000 history events per execution, 256 KB of state, 15 minutes per Lambda), with the
 * real time and memory the simulation took on this machine.
 */
import { type RollRequest, rollInSandbox } from "../src/sandbox/sandbox-roll";
import { loadScenario } from "../src/sandbox/scenario/load";
import type { Scenario } from "../src/sandbox/scenario/schema";
import { benchGroup, scenarioNodeCount } from "./run-strategy";

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
  /** Peak resident memory of this process while it ran, sampled. */
  peakRssMb: number;
  stateTransitionsPerNode: number;
  awsApiCallsPerNode: number;
}

const RSS_SAMPLE_MS = 250;

export interface ScaleOptions {
  scenario?: Scenario;
  /** Roll input besides cluster and node group (default: none, Tugboat's defaults). */
  request?: Omit<RollRequest, "cluster" | "nodeGroup">;
}

export async function runScale(options: ScaleOptions = {}): Promise<ScaleFigures> {
  const scenario = options.scenario ?? loadScenario("huge");
  const nodes = scenarioNodeCount(scenario);
  const rss = new RssSampler();
  const started = performance.now();
  try {
    const { result } = await rollInSandbox({
      scenario,
      request: { ...options.request, ...benchGroup(scenario) },
      onLog: () => rss.sample(),
    });
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
      peakRssMb: rss.peakMb(),
      stateTransitionsPerNode: round(result.stateTransitions / replaced, 2),
      awsApiCallsPerNode: round(result.apiCalls.aws / replaced, 2),
    };
  } finally {
    rss.stop();
  }
}

/**
 * Samples the resident set size on a timer and whenever the run logs a line (the timer alone can
 * starve while the simulation computes), at most once per RSS_SAMPLE_MS.
 */
class RssSampler {
  private peak = process.memoryUsage.rss();
  private lastMs = 0;
  private readonly timer = setInterval(() => this.sample(), RSS_SAMPLE_MS);

  sample(): void {
    const now = performance.now();
    if (now - this.lastMs < RSS_SAMPLE_MS) return;
    this.lastMs = now;
    // rss() alone: memoryUsage() also walks the heap's spaces, a cost the sampled run would pay.
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }

  peakMb(): number {
    this.lastMs = 0;
    this.sample();
    return Math.round(this.peak / 1e6);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
