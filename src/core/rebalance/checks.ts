/**
 * Observe and the no-go checks, before anything changes: an active zonal shift on the cluster or one
 * of its groups refuses the run; zones with recent capacity failures are left out of launches (a
 * shortage is never a reason to move nodes into a zone); the cluster lock was taken by the start step.
 */
import type { Deps, ZonalShift } from "../ports";
import { factsOf, nodesByZone, observeCluster } from "./observe";
import {
  CAPACITY_FAILURE_TTL_MS,
  CAPACITY_KEY,
  CAPACITY_SCOPE,
  type CapacityFailures,
  type ChecksResult,
  type RebalanceState,
  updateRebalanceRun,
} from "./state";
import { nextMove } from "./target";

/** Zones whose latest capacity failure is recent enough to keep launches out of them. */
export async function recentCapacityFailures(deps: Pick<Deps, "state" | "clock">, cluster: string): Promise<string[]> {
  const stored = await deps.state.getItem<CapacityFailures>(CAPACITY_SCOPE(cluster), CAPACITY_KEY);
  const now = deps.clock.now().getTime();
  return Object.entries(stored?.zones ?? {})
    .filter(([, at]) => now - Date.parse(at) < CAPACITY_FAILURE_TTL_MS)
    .map(([zone]) => zone)
    .sort();
}

export async function recordCapacityFailure(
  deps: Pick<Deps, "state" | "clock">,
  cluster: string,
  zone: string,
): Promise<void> {
  const stored = (await deps.state.getItem<CapacityFailures>(CAPACITY_SCOPE(cluster), CAPACITY_KEY)) ?? { zones: {} };
  stored.zones[zone] = deps.clock.now().toISOString();
  await deps.state.putItem(CAPACITY_SCOPE(cluster), CAPACITY_KEY, stored);
}

/** A shift applies when it names the cluster or one of the groups (by ARN suffix: ARC lists ARNs). */
export function shiftsFor(shifts: ZonalShift[], cluster: string, asgNames: string[]): ZonalShift[] {
  return shifts.filter(
    (s) =>
      s.resourceIdentifier.endsWith(`:cluster/${cluster}`) ||
      asgNames.some((name) => s.resourceIdentifier.endsWith(`:autoScalingGroupName/${name}`)),
  );
}

function describeShifts(shifts: ZonalShift[]): string {
  const first = shifts[0] as ZonalShift;
  return `an ARC zonal shift is active away from ${first.awayFrom} on ${first.resourceIdentifier}${first.expiryTime ? ` until ${first.expiryTime.toISOString()}` : ""}${shifts.length > 1 ? ` (and ${shifts.length - 1} more)` : ""}: moving nodes while traffic is shifted would fight it; rebalance after the shift ends`;
}

export async function observeAndCheck(deps: Deps, state: RebalanceState): Promise<ChecksResult> {
  const { input, run } = state;
  if (input.trigger === "launch-unsuccessful" && input.zone) {
    await recordCapacityFailure(deps, input.cluster, input.zone);
  }
  const kube = await deps.kube(input.cluster);
  const observed = await observeCluster(deps, kube, input.cluster, input.nodeGroups);
  const shortZones = await recentCapacityFailures(deps, input.cluster);
  const before = Object.fromEntries(observed.groups.map((g) => [g.group, nodesByZone(g)]));
  const base = {
    groups: observed.groups.length,
    shortZones,
    pendingZonalPods: observed.pendingZonalPods,
    before,
    planned: [] as string[],
  };
  if (!deps.zonalShifts) throw new Error("this step was built without a zonal shift reader");
  const shifts = shiftsFor(
    await deps.zonalShifts.listActiveZonalShifts(),
    input.cluster,
    observed.groups.map((g) => g.asgName),
  );
  let refusal = shifts.length > 0 ? describeShifts(shifts) : undefined;
  for (const group of refusal ? [] : observed.groups) {
    // An instance refresh replaces instances across zones itself: two movers would fight.
    const refresh = await deps.autoScaling.activeInstanceRefresh(group.asgName);
    if (refresh) {
      refusal = `an instance refresh of ${group.asgName} is ${refresh.status} (${refresh.id}): it replaces instances across zones itself; rebalance after it ends`;
      break;
    }
  }
  if (!refusal && observed.groups.length === 0) {
    refusal = `cluster ${input.cluster} has no Auto Scaling group spanning two zones or more tagged for Tugboat${input.nodeGroups ? ` among ${input.nodeGroups.join(", ")}` : ""}`;
  }
  if (!refusal && input.trigger === "pending-zonal-pods" && observed.pendingZonalPods === 0) {
    // The periodic check found nothing stranded: nothing to do, and nothing to report as a refusal.
    base.planned.push("no pod is Pending for a zone: nothing to rebalance");
  }
  const short = new Set(shortZones);
  for (const group of observed.groups) {
    const decision = nextMove(factsOf(group, short), Object.fromEntries(group.zones.map((z) => [z.zone, z.instances])));
    base.planned.push(
      decision.kind === "move"
        ? `${group.group}: launch ${decision.move.launches.length} in ${[...new Set(decision.move.launches)].join(", ")}, then remove ${decision.move.removals.length}${decision.move.removals.length > 0 ? ` from ${[...new Set(decision.move.removals)].join(", ")}` : ""}`
        : decision.kind === "stuck"
          ? decision.reason
          : `${group.group}: balanced`,
    );
  }
  await updateRebalanceRun(deps, run.runId, (data) => {
    data.pendingZonalPodsBefore = observed.pendingZonalPods;
    if (shortZones.length > 0) data.notes.push(`no launches in ${shortZones.join(", ")}: recent capacity failures`);
  });
  return refusal ? { ...base, refused: true, reason: refusal } : { ...base, refused: false };
}
