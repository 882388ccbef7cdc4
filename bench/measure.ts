/**
 * One measurement for every strategy, Tugboat's included, so that the figures compare like with
 * like. It watches the sandbox while the strategy runs and reads only what the simulator itself
 * records: instances and the images they run (observed-roll.ts), cumulative cluster counters and
 * integrals, capacity ratios, instances alive per group, API calls served.
 */

import type { CapacityRatios } from "../src/sandbox/kube/types";
import { type LowerBoundInput, lowerBoundSeconds } from "../src/sandbox/lower-bound";
import { RollObserver } from "../src/sandbox/observed-roll";
import type { Sandbox } from "../src/sandbox/sandbox";
import { deficitDelta, roundRatios } from "../src/sandbox/sandbox-roll";
import type { BenchGroup } from "./strategies/types";

export interface BenchFigures {
  completed: boolean;
  /** Why the run is not completed (the tool gave up, or nodes are still outdated). */
  reason?: string;
  nodesOutdatedBefore: number;
  nodesOutdatedAfter: number;
  /** Virtual seconds from the strategy's start to its end. */
  makespanSeconds: number;
  /** src/sandbox/lower-bound.ts, with this strategy's own maxExtraNodes and the durations sampled in its run. */
  lowerBoundSeconds: number;
  /** Peak of instances alive above the group's size at the start. */
  maxExtraNodes: number;
  /** Integral over time of those extra instances: what the surge costs. */
  extraInstanceSeconds: number;
  pdbViolations: number;
  podsLost: number;
  podsEvicted: number;
  podUnavailableSeconds: number;
  zonalPodPendingSeconds: number;
  /**
   * Minimum over the run of the capacity ratios (src/sandbox/kube/metrics.ts): allocatable CPU and
   * memory of Ready schedulable nodes ÷ the requests of the pods the scenario wants running, in the
   * worst AZ and over the cluster.
   */
  minCapacityRatio: CapacityRatios;
  /** Pod-seconds below each PDB's desiredHealthy, summed over PDBs, and per PDB. */
  pdbDeficitPodSeconds: number;
  pdbDeficitPodSecondsByPdb: Record<string, number>;
  /** Calls the strategy made: AWS (DynamoDB included) and Kubernetes API requests. */
  apiCalls: { aws: number; kubernetes: number };
  /** Step Functions state transitions; 0 for strategies that are not workflows. */
  stateTransitions: number;
  notes: string[];
}

export interface RunOutcome {
  failure?: string;
  stateTransitions?: number;
  notes?: string[];
}

export interface Measurement {
  finish(outcome: RunOutcome): Promise<BenchFigures>;
}

export async function startMeasurement(sandbox: Sandbox, group: BenchGroup): Promise<Measurement> {
  const observer = new RollObserver(sandbox, group.cluster, group.nodeGroup);
  const outdatedBefore = observer.outdatedAtStart();
  const startMs = sandbox.clock.nowMs();
  const calls = sandbox.apiCalls();
  const metrics = sandbox.cluster.metrics();
  const capacity = sandbox.cluster.openCapacityWindow();
  const aliveAtStart = sandbox.region.groupCounts(group.nodeGroup, group.cluster).current;
  const extra = meterExtraInstances(sandbox, group, aliveAtStart);
  const outdatedNodes = workloadsOnNodes(sandbox, outdatedBefore);

  return {
    async finish(outcome) {
      const endMs = sandbox.clock.nowMs();
      const callsAfter = sandbox.apiCalls();
      const after = sandbox.cluster.metrics();
      const minCapacityRatio = capacity.minimum();
      capacity.close();
      const extraInstanceSeconds = extra.stop();
      const maxExtraNodes = Math.max(
        0,
        sandbox.region.groupCounts(group.nodeGroup, group.cluster).maxAlive - aliveAtStart,
      );
      const outdatedAfter = observer.finish().nodesOutdatedAfter;
      const reason =
        outcome.failure ?? (outdatedAfter > 0 ? `${outdatedAfter} node(s) still outdated at the end` : undefined);
      return {
        completed: reason === undefined,
        ...(reason !== undefined ? { reason } : {}),
        nodesOutdatedBefore: outdatedBefore.size,
        nodesOutdatedAfter: outdatedAfter,
        makespanSeconds: round((endMs - startMs) / 1000),
        lowerBoundSeconds: lowerBoundSeconds({
          scenario: sandbox.scenario,
          outdatedNodes,
          maxExtraNodes,
          sampled: sandbox.timing.records.sampledRun(group.nodeGroup, startMs, endMs, observer.instanceIds()),
        }),
        maxExtraNodes,
        extraInstanceSeconds: round(extraInstanceSeconds),
        pdbViolations: after.pdbViolations - metrics.pdbViolations,
        podsLost: after.podsLost - metrics.podsLost,
        podsEvicted: after.podsEvicted - metrics.podsEvicted,
        podUnavailableSeconds: round(after.podUnavailableSeconds - metrics.podUnavailableSeconds),
        zonalPodPendingSeconds: round(after.zonalPodPendingSeconds - metrics.zonalPodPendingSeconds),
        minCapacityRatio: roundRatios(minCapacityRatio),
        pdbDeficitPodSeconds: round(after.pdbDeficitPodSecondsTotal - metrics.pdbDeficitPodSecondsTotal),
        pdbDeficitPodSecondsByPdb: deficitDelta(metrics.pdbDeficitPodSeconds, after.pdbDeficitPodSeconds),
        apiCalls: { aws: callsAfter.aws - calls.aws, kubernetes: callsAfter.kubernetes - calls.kubernetes },
        stateTransitions: outcome.stateTransitions ?? 0,
        notes: outcome.notes ?? [],
      };
    },
  };
}

/**
 * The workloads of the pods on each of these instances' nodes (DaemonSets aside), as the lower
 * bound wants them. One pass over the pods: at 5,000 nodes a scan per node would cost minutes.
 */
function workloadsOnNodes(sandbox: Sandbox, instanceIds: ReadonlySet<string>): LowerBoundInput["outdatedNodes"] {
  const byNode = new Map<string, { namespace: string; name: string }[]>();
  for (const node of sandbox.cluster.nodes()) if (instanceIds.has(node.instanceId)) byNode.set(node.name, []);
  for (const pod of sandbox.cluster.pods()) {
    if (pod.workloadKind === "DaemonSet" || pod.nodeName === undefined) continue;
    byNode.get(pod.nodeName)?.push({ namespace: pod.namespace, name: pod.workload });
  }
  return [...byNode.entries()].map(([name, workloads]) => ({ name, workloads }));
}

/** Integral over virtual time of instances alive above `baseline`, sampled at every clock tick. */
function meterExtraInstances(sandbox: Sandbox, group: BenchGroup, baseline: number) {
  let total = 0;
  let lastMs = sandbox.clock.nowMs();
  let lastExtra = 0;
  let active = true;
  sandbox.clock.onTick((nowMs) => {
    if (!active) return;
    total += (lastExtra * (nowMs - lastMs)) / 1000;
    lastMs = nowMs;
    lastExtra = Math.max(0, sandbox.region.groupCounts(group.nodeGroup, group.cluster).current - baseline);
  });
  return {
    stop: () => {
      active = false;
      return total;
    },
  };
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
