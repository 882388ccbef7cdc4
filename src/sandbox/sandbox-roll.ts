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
import { lowerBoundSeconds } from "./lower-bound";
import type { LocalRunOptions, LocalRunResult } from "./runner/local-workflow";
import { type LogLine, Sandbox } from "./sandbox";
import type { Scenario } from "./scenario/schema";
import { GroupTimeline } from "./timeline";

export interface RollJson {
  outcome: "succeeded" | "failed" | "refused" | "aborted";
  cluster: string;
  nodeGroup: string;
  dryRun: boolean;
  nodesOutdatedBefore: number;
  nodesOutdatedAfter: number;
  nodesReplaced: number;
  batches: number;
  makespanSeconds: number;
  lowerBoundSeconds: number;
  predictedSeconds?: number;
  /** "defaults" or "history (N runs)": where Tugboat's prediction came from. */
  estimateSource?: EstimateSource;
  maxExtraNodes: number;
  extraInstanceSeconds: number;
  azCapacityFloor: number;
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
    const timeline = new GroupTimeline(sandbox.cluster, request.nodeGroup, oldInstances);
    timeline.attach(sandbox.clock);
    const before = { calls: sandbox.apiCalls(), metrics: sandbox.cluster.metrics() };
    const extraBefore = sandbox.region.groupCounts(request.nodeGroup);
    const extraMeter = meterExtraInstances(sandbox, request.nodeGroup, extraBefore.current);
    const workloadsByNode = new Map<string, { namespace: string; name: string }[]>();
    for (const pod of sandbox.cluster.pods()) {
      if (!pod.nodeName || pod.workloadKind === "DaemonSet") continue;
      const list = workloadsByNode.get(pod.nodeName) ?? [];
      list.push({ namespace: pod.namespace, name: pod.workload });
      workloadsByNode.set(pod.nodeName, list);
    }
    const outdatedNodes = sandbox.cluster
      .nodes()
      .filter((n) => oldInstances.has(n.instanceId))
      .map((n) => ({ name: n.name, workloads: workloadsByNode.get(n.name) ?? [] }));
    // The request only: nothing of the scenario (timings, placement, faults) reaches Tugboat's input.
    const run = await sandbox.run(rollNodeGroup, request, options.run ?? {});

    const finalState = (run.status === "SUCCEEDED" ? run.output : run.lastOutput) as RollState & {
      summary?: RollSummary;
      plan?: { predictedSeconds: number; estimateSource: EstimateSource };
    };
    const summary = finalState?.summary;
    const after = { calls: sandbox.apiCalls(), metrics: sandbox.cluster.metrics() };
    const counts = sandbox.region.groupCounts(request.nodeGroup);
    const maxExtraNodes = Math.max(0, counts.maxAlive - extraBefore.current);
    const makespanSeconds = (run.endedAtMs - run.startedAtMs) / 1000;
    const crashed = run.status === "ABORTED";
    const result: RollJson = {
      outcome: crashed ? "failed" : (summary?.outcome ?? "failed"),
      cluster: request.cluster,
      nodeGroup: request.nodeGroup,
      dryRun: request.dryRun ?? false,
      nodesOutdatedBefore: summary?.nodesOutdatedBefore ?? oldInstances.size,
      nodesOutdatedAfter: summary?.nodesOutdatedAfter ?? oldInstances.size,
      nodesReplaced: summary?.nodesReplaced ?? 0,
      batches: summary?.batches ?? 0,
      makespanSeconds: round(makespanSeconds),
      // Only a roll that replaced something has a makespan to judge.
      lowerBoundSeconds:
        (summary?.nodesReplaced ?? 0) > 0
          ? lowerBoundSeconds({
              scenario,
              outdatedNodes,
              maxExtraNodes,
              sampled: sandbox.timing.records.sampledRun(request.nodeGroup, run.startedAtMs, run.endedAtMs),
            })
          : 0,
      ...(finalState?.plan
        ? { predictedSeconds: finalState.plan.predictedSeconds, estimateSource: finalState.plan.estimateSource }
        : {}),
      maxExtraNodes,
      extraInstanceSeconds: round(extraMeter.seconds()),
      azCapacityFloor: round(after.metrics.azCapacityFloor(request.nodeGroup), 3),
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
function meterExtraInstances(sandbox: Sandbox, nodeGroup: string, baseline: number) {
  let total = 0;
  let lastMs = sandbox.clock.nowMs();
  let lastExtra = 0;
  let active = true;
  sandbox.clock.onTick((now) => {
    if (!active) return;
    total += (lastExtra * (now - lastMs)) / 1000;
    lastMs = now;
    lastExtra = Math.max(0, sandbox.region.groupCounts(nodeGroup).current - baseline);
  });
  return {
    seconds: () => {
      active = false;
      return total;
    },
  };
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
