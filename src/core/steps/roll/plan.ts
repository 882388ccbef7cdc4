/** Snapshot and plan, then preflight: everything that can refuse a roll before it changes anything. */
import { API_CONCURRENCY, mapPool } from "../../concurrency";
import { loadObservations } from "../../estimates/record";
import { rollEstimates } from "../../estimates/roll-estimates";
import type { Deps } from "../../ports";
import { recordSurge, rollJournal } from "../../replacement/journal";
import { planRoll, type RollPlan } from "../../roll/plan-roll";
import { isUnscheduled, outdatedTaint } from "../../roll/pods";
import { readGroup, targetOptions } from "../../roll/read-group";
import {
  type PlanResult,
  type PreflightResult,
  planKey,
  type RollRunData,
  type RollState,
  updateRunData,
} from "../../roll/state";

export async function planRollStep(deps: Deps, state: RollState): Promise<PlanResult> {
  const { input, run } = state;
  const snapshot = await readGroup(deps, input.cluster, input.nodeGroup, targetOptions(input));
  const kube = await deps.kube(input.cluster);
  const [pods, pdbs, observations] = await Promise.all([
    kube.listPods(),
    kube.listPdbs(),
    loadObservations(deps, { cluster: input.cluster, nodeGroup: input.nodeGroup }),
  ]);
  const plan = planRoll({ snapshot, input, pods, pdbs, estimates: rollEstimates(observations) });

  const original = state.reconcile?.original ?? {
    minSize: snapshot.asg.minSize,
    maxSize: snapshot.asg.maxSize,
    desiredCapacity: snapshot.asg.desiredCapacity,
    suspendedProcesses: snapshot.asg.suspendedProcesses,
  };
  const data: RollRunData = {
    asgName: plan.asgName,
    mode: plan.mode,
    original,
    baselineByZone: plan.baselineByZone,
    surge: plan.surge,
    outdatedBefore: plan.outdated,
    pendingPodsAtStart: pods.filter(isUnscheduled).length,
    suspendedByRun: [],
    counters: { podsEvicted: 0, evictionsRefusedByPdb: 0, forcedDeletions: 0, nodesReplaced: 0 },
    batchesStarted: 0,
    notes: [...(state.reconcile?.actions ?? []), ...plan.notes],
    ...(input.parentExecutionId ? { parentExecutionId: input.parentExecutionId } : {}),
  };
  const now = deps.clock.now().toISOString();
  await deps.state.putRun({
    runId: run.runId,
    cluster: input.cluster,
    nodeGroup: input.nodeGroup,
    workflow: "roll-node-group",
    status: "running",
    startedAt: run.startedAt,
    updatedAt: now,
    data: data as unknown as Record<string, unknown>,
  });
  const { batches, ...overview } = plan;
  await deps.state.putItem(run.runId, "plan", { ...overview, batchCount: batches.length });
  for (const batch of batches) await deps.state.putItem(run.runId, planKey(batch.index), batch);

  return {
    mode: plan.mode,
    asgName: plan.asgName,
    outdated: plan.outdated,
    groupSize: plan.groupSize,
    surge: plan.surge,
    batchesPlanned: batches.length,
    predictedSeconds: plan.predictedSeconds,
    estimateSource: plan.estimateSource,
    expectations: plan.expectations,
  };
}

/** Reads a stored plan back whole (dry runs, reports). */
export async function loadPlan(deps: Pick<Deps, "state">, runId: string): Promise<RollPlan | undefined> {
  const overview = await deps.state.getItem<Omit<RollPlan, "batches"> & { batchCount: number }>(runId, "plan");
  if (!overview) return undefined;
  const { batchCount, ...rest } = overview;
  const batches: RollPlan["batches"] = [];
  for (let i = 0; i < batchCount; i++) {
    const batch = await deps.state.getItem<RollPlan["batches"][number]>(runId, planKey(i));
    if (batch) batches.push(batch);
  }
  return { ...rest, batches };
}

export async function preflightRoll(deps: Deps, state: RollState): Promise<PreflightResult> {
  const { input, run } = state;
  const plan = await loadPlan(deps, run.runId);
  if (!plan) throw new Error(`run ${run.runId} has no stored plan`);
  const problems: string[] = [];
  const warnings: string[] = [];

  for (const risk of plan.pdbRisks) {
    if (risk.neverAllows) {
      problems.push(
        `PodDisruptionBudget ${risk.pdb} can never allow a disruption (it needs ${risk.desiredHealthy} healthy pods of ${risk.expectedPods}), and ${risk.podsOnOutdatedNodes} of its pods run on nodes to replace: relax it (for example maxUnavailable: 1) or scale its workload up, then retry`,
      );
    } else if (risk.disruptionsAllowed === 0) {
      warnings.push(`PodDisruptionBudget ${risk.pdb} allows 0 disruptions right now; the drain will wait for it`);
    } else if (risk.rounds > 1) {
      warnings.push(`PodDisruptionBudget ${risk.pdb} serialises ${risk.rounds} eviction rounds`);
    }
  }
  if (plan.raiseMaxTo !== undefined && input.respectMaxSize) {
    problems.push(
      `Auto Scaling group ${plan.asgName} has max size ${plan.maxSizeNeeded - plan.surge} with desired ${plan.maxSizeNeeded - plan.surge}: no room for a surge of ${plan.surge}; raise its max size to ${plan.maxSizeNeeded} or drop respectMaxSize`,
    );
  }

  const group = await deps.autoScaling.describeGroup(plan.asgName);
  const zones = new Set(group?.availabilityZones ?? []);
  const victimZones = new Set(plan.batches.flatMap((b) => Object.keys(b.byZone)));
  for (const zone of victimZones) {
    if (!zones.has(zone)) {
      problems.push(
        `nodes to replace run in ${zone}, where ${plan.asgName} no longer launches: their zonal volumes would be stranded; add a subnet in ${zone} to the group first`,
      );
    }
  }

  const cluster = await deps.eks.describeCluster(input.cluster);
  if (cluster && cluster.status !== "ACTIVE") {
    problems.push(`EKS cluster ${input.cluster} is ${cluster.status}, not ACTIVE; retry when it is`);
  }
  if (plan.mode === "eks-managed") {
    const managed = await deps.eks.describeNodegroup(input.cluster, input.nodeGroup);
    if (managed && managed.status !== "ACTIVE") {
      problems.push(`EKS node group ${input.nodeGroup} is ${managed.status}, not ACTIVE; retry when it is`);
    }
  }
  if (plan.outdated === 0) warnings.push(`every node of ${input.nodeGroup} is up to date: nothing to replace`);
  return { ok: problems.length === 0, problems, warnings };
}

/** Processes that would fight the roll: AZRebalance terminates to even out zones, alarms and schedules resize. */
export const PROCESSES_SUSPENDED_DURING_ROLL = ["AZRebalance", "AlarmNotification", "ScheduledActions"];

export async function prepareGroup(
  deps: Deps,
  state: RollState,
): Promise<{ maxSize: number; suspended: string[]; tainted: number }> {
  const { run } = state;
  const plan = await loadPlan(deps, run.runId);
  if (!plan) throw new Error(`run ${run.runId} has no stored plan`);
  const group = await deps.autoScaling.describeGroup(plan.asgName);
  if (!group) throw new Error(`Auto Scaling group ${plan.asgName} disappeared`);
  const toSuspend = PROCESSES_SUSPENDED_DURING_ROLL.filter((p) => !group.suspendedProcesses.includes(p));
  const journal = rollJournal(deps, state);
  await journal.record({ id: `suspend/${group.name}`, kind: "suspend", asgName: group.name, processes: toSuspend });
  if (toSuspend.length > 0) await deps.autoScaling.suspendProcesses(plan.asgName, toSuspend);
  const maxSize = Math.max(group.maxSize, group.desiredCapacity + plan.surge);
  await recordSurge(journal, group);
  if (maxSize !== group.maxSize) await deps.autoScaling.updateSizes(plan.asgName, { maxSize });
  await updateRunData(deps, run.runId, (data) => {
    data.suspendedByRun = [...new Set([...data.suspendedByRun, ...toSuspend])];
  });
  const kube = await deps.kube(state.input.cluster);
  const nodes = plan.batches.flatMap((b) => b.victims.flatMap((v) => (v.nodeName ? [v.nodeName] : [])));
  await journal.record({ id: "outdated-taint", kind: "taint", nodes, taint: outdatedTaint(run.runId) });
  const changes = await mapPool(nodes, API_CONCURRENCY, (node) => kube.setTaint(node, outdatedTaint(run.runId), true));
  const tainted = changes.filter((c) => c === "changed").length;
  return { maxSize, suspended: toSuspend, tainted };
}
