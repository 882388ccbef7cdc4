/** The end of a rebalance: validate, put back what a failed move changed, release the lock, summarize. */
import { isApprovalRefusal } from "../chatops/approval";
import type { RunStatus } from "../model/state";
import type { Deps } from "../ports";
import { reconcile } from "../replacement/reconcile";
import { LEAVING_STATES } from "../roll/snapshot-types";
import { causeMessage } from "../steps/roll/finish";
import { rebalanceJournal, releaseLock } from "./blocks";
import { recentCapacityFailures } from "./checks";
import { factsOf, observeCluster } from "./observe";
import {
  loadRebalanceRun,
  type RebalanceOutcome,
  type RebalanceState,
  type RebalanceSummary,
  updateRebalanceRun,
} from "./state";
import { isBalanced } from "./target";

/** How long validation waits for pods pinned to a zone to start once their zone has a node (volume attach included). */
const VALIDATE_WINDOW_MS = 300_000;

export interface ValidationResult {
  done: boolean;
  pendingZonalPods: number;
  balanced: boolean;
  retryInSeconds: number;
  deadline: string;
  notes: string[];
}

export async function validateRebalance(deps: Deps, state: RebalanceState): Promise<ValidationResult> {
  const { input } = state;
  const nowMs = deps.clock.now().getTime();
  const previous = (state.validation as ValidationResult | undefined)?.deadline;
  const deadline = previous ?? new Date(nowMs + VALIDATE_WINDOW_MS).toISOString();
  const kube = await deps.kube(input.cluster);
  const observed = await observeCluster(deps, kube, input.cluster, input.nodeGroups);
  const short = new Set(await recentCapacityFailures(deps, input.cluster));
  const notes: string[] = [];
  let balanced = true;
  for (const group of observed.groups) {
    if (!isBalanced(factsOf(group, short))) {
      balanced = false;
      notes.push(`${group.group} is not balanced: ${group.zones.map((z) => `${z.zone} ${z.readyNodes}`).join(", ")}`);
    }
  }
  const done = observed.pendingZonalPods === 0 || nowMs >= Date.parse(deadline);
  if (done && observed.pendingZonalPods > 0) {
    notes.push(`${observed.pendingZonalPods} pod(s) still Pending for their volume's zone`);
  }
  return { done, pendingZonalPods: observed.pendingZonalPods, balanced, retryInSeconds: 10, deadline, notes };
}

/**
 * After a failure: the shared reconciler undoes what the run's journal still has open (the current
 * move's cordons of nodes not removed, its launches that never became Ready nodes, its raised sizes);
 * launches that serve stay, as after a roll. AZRebalance stays suspended (not journalled, see move.ts).
 */
export async function restoreRebalance(deps: Deps, state: RebalanceState): Promise<{ actions: string[] }> {
  const { input, run } = state;
  if (!input?.cluster) return { actions: [] };
  const journal = rebalanceJournal(deps, input.cluster, run);
  // Instances the reconciler terminates (launches that never joined) count as removed by this run.
  const launchGroups = (await journal.openEntries()).flatMap((e) => (e.kind === "launch" ? [e.asgName] : []));
  const aliveBefore = await aliveMembers(deps, launchGroups);
  const report = await reconcile(journal, deps);
  const aliveAfter = await aliveMembers(deps, launchGroups);
  const removed = [...aliveBefore].filter((id) => !aliveAfter.has(id)).length;
  if ((report.actions.length > 0 || removed > 0) && (await deps.state.getRun(run.runId))) {
    await updateRebalanceRun(deps, run.runId, (data) => {
      data.notes.push(...report.actions);
      data.removed += removed;
    });
  }
  return { actions: report.actions };
}

async function aliveMembers(deps: Deps, asgNames: string[]): Promise<Set<string>> {
  const alive = new Set<string>();
  for (const name of new Set(asgNames)) {
    const group = await deps.autoScaling.describeGroup(name);
    for (const i of group?.instances ?? []) if (!LEAVING_STATES.has(i.lifecycleState)) alive.add(i.instanceId);
  }
  return alive;
}

export function releaseRebalanceLock(deps: Deps, state: RebalanceState): Promise<{ released: boolean }> {
  if (!state.lock?.acquired || !state.input?.cluster) return Promise.resolve({ released: false });
  return releaseLock(deps, state.input.cluster, state.run.executionId);
}

function outcomeOf(state: RebalanceState, capacityFailures: Record<string, number>, shortZones: string[]) {
  if (state.error) {
    // Rejected or expired before the first move: nothing was changed.
    const refused =
      state.error.Error === "InvalidInputError" || !state.lock?.acquired || isApprovalRefusal(state.error);
    return { outcome: (refused ? "refused" : "failed") as RebalanceOutcome, reason: causeMessage(state.error) };
  }
  if (state.checks?.refused) return { outcome: "refused" as RebalanceOutcome, reason: state.checks.reason };
  const failed = Object.keys(capacityFailures);
  const zones = [...new Set([...failed, ...shortZones])].sort();
  const pending = state.validation?.pendingZonalPods ?? 0;
  if (zones.length > 0) {
    return {
      outcome: "partial" as RebalanceOutcome,
      reason: `capacity shortage in ${zones.join(", ")}: no launch is tried there until it clears (${
        failed.length > 0
          ? `${Object.entries(capacityFailures)
              .map(([zone, n]) => `${n} launch(es) failed in ${zone}`)
              .join(", ")}`
          : "recent failures recorded"
      }); the other zones are balanced around it${pending > 0 ? `; ${pending} pod(s) still Pending for their zone` : ""}`,
    };
  }
  if (state.move?.stuck) return { outcome: "partial" as RebalanceOutcome, reason: state.move.stuck };
  if (pending > 0) {
    return {
      outcome: "partial" as RebalanceOutcome,
      reason: `${pending} pod(s) still Pending for their volume's zone`,
    };
  }
  return { outcome: "succeeded" as RebalanceOutcome };
}

export async function summarizeRebalance(deps: Deps, state: RebalanceState): Promise<RebalanceSummary> {
  const { input, run } = state;
  const record = input?.cluster ? await deps.state.getRun(run.runId) : undefined;
  const data = record ? (await loadRebalanceRun(deps, run.runId)).data : undefined;
  const capacityFailures = data?.capacityFailures ?? {};
  const { outcome, reason } = outcomeOf(state, capacityFailures, state.checks?.shortZones ?? []);
  const notes = [...(data?.notes ?? []), ...(state.checks?.planned ?? []), ...(state.validation?.notes ?? [])];
  for (const [asg, why] of Object.entries(data?.suspensions ?? {}))
    notes.push(`AZRebalance suspended on ${asg}: ${why}`);
  const summary: RebalanceSummary = {
    outcome,
    cluster: input?.cluster ?? "",
    runId: run.runId,
    dryRun: input?.dryRun ?? false,
    trigger: input?.trigger ?? "operator",
    launched: data?.launched ?? 0,
    removed: data?.removed ?? 0,
    moves: data?.moves ?? 0,
    capacityFailures,
    pendingZonalPodsBefore: state.checks?.pendingZonalPods ?? data?.pendingZonalPodsBefore ?? 0,
    pendingZonalPodsAfter: state.validation?.pendingZonalPods ?? state.checks?.pendingZonalPods ?? 0,
    ...(reason ? { reason } : {}),
    notes,
  };
  if (record && data) {
    const status: RunStatus = outcome === "succeeded" || outcome === "partial" ? "succeeded" : outcome;
    await updateRebalanceRun(deps, run.runId, (d, r) => {
      r.status = status;
      d.summary = summary;
    });
  }
  return summary;
}
