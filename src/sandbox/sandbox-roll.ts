/**
 * Runs the real roll-node-group workflow in a sandbox and reports what happened, with the figures
 * only a simulator can observe (PDB violations, pods lost, capacity floor, makespan vs lower bound).
 */
import { rollNodeGroup } from "../../workflows";
import type { EstimateSource } from "../core/estimates/estimate";
import type { RollInput } from "../core/roll/input";
import { findOutdated } from "../core/roll/outdated";
import { readGroup, targetOptions } from "../core/roll/read-group";
import type { RollState, RollSummary } from "../core/roll/state";
import type { CapacityRatios } from "./kube/types";
import { lowerBoundSeconds } from "./lower-bound";
import { compareRollFigures, type RollFiguresSummary, RollObserver } from "./observed-roll";
import type { LocalRunOptions, LocalRunResult } from "./runner/local-workflow";
import { type LogLine, Sandbox } from "./sandbox";
import type { Scenario } from "./scenario/schema";
import { GroupTimeline } from "./timeline";

export interface RollJson {
  outcome: "succeeded" | "failed" | "refused" | "aborted";
  cluster: string;
  nodeGroup: string;
  dryRun: boolean;
  /** Observed by the simulator (observed-roll.ts): instances on another image than the group's target. */
  nodesOutdatedBefore: number;
  nodesOutdatedAfter: number;
  /** Observed: instances outdated at the start and terminated by the end. */
  nodesReplaced: number;
  /** Tugboat's own count of batches (a plan figure); `launchWaves` is what the world saw. */
  batches: number;
  /** Observed: distinct instants at which launches into the group started. */
  launchWaves: number;
  /** Tugboat's summary, kept to be compared with the observed figures. */
  tugboatSummary?: RollFiguresSummary;
  /** Where the summary and the world disagree (empty when they agree): a disagreement fails the tests. */
  figureDisagreements: string[];
  makespanSeconds: number;
  lowerBoundSeconds: number;
  predictedSeconds?: number;
  /** "defaults" or "history (N runs)": where Tugboat's prediction came from. */
  estimateSource?: EstimateSource;
  maxExtraNodes: number;
  extraInstanceSeconds: number;
  /** Minimum over the roll of allocatable CPU/memory of Ready schedulable nodes ÷ the wanted pods' requests (kube/metrics.ts). */
  minCapacityRatio: CapacityRatios;
  /** Pod-seconds below each PDB's desiredHealthy during the roll, in total and per PDB. */
  pdbDeficitPodSeconds: number;
  pdbDeficitPodSecondsByPdb: Record<string, number>;
  podsEvicted: number;
  evictionsRefusedByPdb: number;
  pdbViolations: number;
  podsLost: number;
  podUnavailableSeconds: number;
  zonalPodPendingSeconds: number;
  apiCalls: { aws: number; kubernetes: number };
  stateTransitions: number;
  historyEvents: number;
  maxStatePayloadBytes: number;
  longestStepSeconds: number;
  reason?: string;
  notes: string[];
}

export type RollRequest = Partial<RollInput> & { cluster: string; nodeGroup: string };

export interface SandboxRollOptions {
  scenario: Scenario;
  request: RollRequest;
  /** Reuse a sandbox (a rerun after a crash); by default a fresh one is started and closed. */
  sandbox?: Sandbox;
  keepOpen?: boolean;
  run?: Partial<Pick<LocalRunOptions, "executionName" | "crashAfter" | "beforeState" | "onEvent">>;
  onLog?: (line: LogLine) => void;
}

export interface SandboxRollResult {
  result: RollJson;
  run: LocalRunResult;
  timeline: GroupTimeline;
  sandbox: Sandbox;
  startedAtMs: number;
}

export async function rollInSandbox(options: SandboxRollOptions): Promise<SandboxRollResult> {
  const { scenario, request } = options;
  const sandbox = options.sandbox ?? (await Sandbox.start(scenario, options.onLog ? { onLog: options.onLog } : {}));
  try {
    const oldInstances = await outdatedAtStart(sandbox, request);
    // The API server of the cluster rolled: the scenario's, or one created in this sandbox.
    const kube = sandbox.clusterNamed(request.cluster);
    const timeline = new GroupTimeline(kube, request.nodeGroup, oldInstances);
    timeline.attach(sandbox.clock);
    const before = { calls: sandbox.apiCalls(), metrics: kube.metrics() };
    const extraBefore = sandbox.region.groupCounts(request.nodeGroup, request.cluster);
    const extraMeter = meterExtraInstances(sandbox, request.cluster, request.nodeGroup, extraBefore.current);
    const observer = new RollObserver(sandbox, request.cluster, request.nodeGroup);
    const capacity = kube.openCapacityWindow();
    const workloadsByNode = new Map<string, { namespace: string; name: string }[]>();
    for (const pod of kube.pods()) {
      if (!pod.nodeName || pod.workloadKind === "DaemonSet") continue;
      const list = workloadsByNode.get(pod.nodeName) ?? [];
      list.push({ namespace: pod.namespace, name: pod.workload });
      workloadsByNode.set(pod.nodeName, list);
    }
    const outdatedNodes = kube
      .nodes()
      .filter((n) => oldInstances.has(n.instanceId))
      .map((n) => ({ name: n.name, workloads: workloadsByNode.get(n.name) ?? [] }));
    // The request only: nothing of the scenario (timings, placement, faults) reaches Tugboat's input.
    const run = await sandbox.run(rollNodeGroup, request, options.run ?? {});

    const finalState = (run.status === "SUCCEEDED" ? run.output : run.lastOutput) as RollState & {
      summary?: RollSummary;
      plan?: { predictedSeconds: number; estimateSource: EstimateSource; batchesPlanned: number };
    };
    const summary = finalState?.summary;
    const after = { calls: sandbox.apiCalls(), metrics: kube.metrics() };
    const counts = sandbox.region.groupCounts(request.nodeGroup, request.cluster);
    const maxExtraNodes = Math.max(0, counts.maxAlive - extraBefore.current);
    const makespanSeconds = (run.endedAtMs - run.startedAtMs) / 1000;
    const crashed = run.status === "ABORTED";
    const world = observer.finish();
    const minCapacityRatio = capacity.minimum();
    capacity.close();
    const tugboatSummary: RollFiguresSummary | undefined = summary
      ? {
          nodesOutdatedBefore: summary.nodesOutdatedBefore,
          nodesOutdatedAfter: summary.nodesOutdatedAfter,
          nodesReplaced: summary.nodesReplaced,
          batches: summary.batches,
          ...(summary.instancesLaunched !== undefined ? { instancesLaunched: summary.instancesLaunched } : {}),
        }
      : undefined;
    const outcome = crashed ? "failed" : (summary?.outcome ?? "failed");
    const result: RollJson = {
      outcome,
      cluster: request.cluster,
      nodeGroup: request.nodeGroup,
      dryRun: request.dryRun ?? false,
      nodesOutdatedBefore: world.nodesOutdatedBefore,
      nodesOutdatedAfter: world.nodesOutdatedAfter,
      nodesReplaced: world.nodesReplaced,
      // A dry run replaces nothing: its batches are the plan's.
      batches: (request.dryRun ? finalState?.plan?.batchesPlanned : summary?.batches) ?? 0,
      launchWaves: world.launchWaves,
      ...(tugboatSummary ? { tugboatSummary } : {}),
      figureDisagreements: compareRollFigures(world, tugboatSummary, outcome, request.dryRun ?? false),
      makespanSeconds: round(makespanSeconds),
      // Only a roll that replaced something has a makespan to judge.
      lowerBoundSeconds:
        world.nodesReplaced > 0
          ? lowerBoundSeconds({
              scenario,
              outdatedNodes,
              maxExtraNodes,
              sampled: sandbox.timing.records.sampledRun(
                request.nodeGroup,
                run.startedAtMs,
                run.endedAtMs,
                observer.instanceIds(),
              ),
            })
          : 0,
      ...(finalState?.plan
        ? { predictedSeconds: finalState.plan.predictedSeconds, estimateSource: finalState.plan.estimateSource }
        : {}),
      maxExtraNodes,
      extraInstanceSeconds: round(extraMeter.seconds()),
      minCapacityRatio: roundRatios(minCapacityRatio),
      pdbDeficitPodSeconds: round(after.metrics.pdbDeficitPodSecondsTotal - before.metrics.pdbDeficitPodSecondsTotal),
      pdbDeficitPodSecondsByPdb: deficitDelta(before.metrics.pdbDeficitPodSeconds, after.metrics.pdbDeficitPodSeconds),
      podsEvicted: after.metrics.podsEvicted - before.metrics.podsEvicted,
      evictionsRefusedByPdb: after.metrics.evictionsRefusedByPdb - before.metrics.evictionsRefusedByPdb,
      pdbViolations: after.metrics.pdbViolations - before.metrics.pdbViolations,
      podsLost: after.metrics.podsLost - before.metrics.podsLost,
      podUnavailableSeconds: round(after.metrics.podUnavailableSeconds - before.metrics.podUnavailableSeconds),
      zonalPodPendingSeconds: round(after.metrics.zonalPodPendingSeconds - before.metrics.zonalPodPendingSeconds),
      apiCalls: {
        aws: after.calls.aws - before.calls.aws,
        kubernetes: after.calls.kubernetes - before.calls.kubernetes,
      },
      stateTransitions: run.meter.stateTransitions,
      historyEvents: run.meter.historyEvents,
      maxStatePayloadBytes: run.meter.maxPayloadBytes,
      longestStepSeconds: round(run.meter.longestStepSeconds, 2),
      notes: summary?.notes ?? [],
    };
    const reason = crashed
      ? `the execution stopped without cleaning up (hard stop after "${options.run?.crashAfter?.state}"); the next run of this cluster reconciles its leftovers`
      : (summary?.reason ?? (run.status === "FAILED" && !summary ? `${run.error}: ${run.cause}` : undefined));
    if (reason) result.reason = reason;
    return { result, run, timeline, sandbox, startedAtMs: run.startedAtMs };
  } finally {
    if (!options.sandbox && !options.keepOpen) await sandbox.close();
  }
}

async function outdatedAtStart(sandbox: Sandbox, request: RollRequest): Promise<Set<string>> {
  try {
    const snapshot = await readGroup(sandbox.deps, request.cluster, request.nodeGroup, targetOptions(request));
    return new Set(findOutdated(snapshot.members, snapshot.target).map((m) => m.instanceId));
  } catch {
    return new Set(); // an unknown group: the workflow itself refuses it, with the reason
  }
}

/** Integral over time of instances above the group's size at the start: what the surge costs. */
function meterExtraInstances(sandbox: Sandbox, cluster: string, nodeGroup: string, baseline: number) {
  let total = 0;
  let lastMs = sandbox.clock.nowMs();
  let lastExtra = 0;
  let active = true;
  sandbox.clock.onTick((now) => {
    if (!active) return;
    total += (lastExtra * (now - lastMs)) / 1000;
    lastMs = now;
    lastExtra = Math.max(0, sandbox.region.groupCounts(nodeGroup, cluster).current - baseline);
  });
  return {
    seconds: () => {
      active = false;
      return total;
    },
  };
}

export function roundRatios(ratios: CapacityRatios): CapacityRatios {
  return {
    az: ratios.az === null ? null : round(ratios.az, 3),
    cluster: ratios.cluster === null ? null : round(ratios.cluster, 3),
  };
}

/** Per PDB, the pod-seconds below desiredHealthy accrued between two snapshots (only the ones that accrued). */
export function deficitDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const grown = round(value - (before[key] ?? 0));
    if (grown > 0) delta[key] = grown;
  }
  return delta;
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
