/**
 * An EKS managed node group update (UpdateNodegroupVersion), modelled from the EKS User Guide,
 * "Understand each phase of node updates":
 *
 * - Scale up: max and desired grow by the larger of twice the number of AZs and maxUnavailable
 *   (default 1); the phase succeeds when every AZ that has old nodes has a new node and every new
 *   node is Ready. Old nodes are then cordoned.
 * - Upgrade: up to maxUnavailable old nodes, picked at random, are drained through the eviction API;
 *   pods still there after 15 minutes fail the update with PodEvictionFailure. Once a node is empty
 *   EKS waits 60 seconds, then asks Auto Scaling to terminate it without decrement, so a new node
 *   replaces it. The next pick waits for those replacements to be Ready (as the sandbox's own EKS
 *   model does, src/sandbox/aws/eks-nodegroup-update.ts).
 * - Scale down: max and desired go back down one at a time. Auto Scaling picks the instance (the
 *   fullest AZ, then at random among equals) and EKS drains it before it goes.
 *
 * The equal-budget run sets updateConfig.maxUnavailable to the budget (EKS takes a count up to 100,
 * or maxUnavailablePercentage; 10% of the group rounded up, at least one per AZ, is the same count).
 *
 * Here the group is a self-managed Auto Scaling group, so this driver plays EKS's part through the
 * same Auto Scaling and Kubernetes ports Tugboat uses.
 */
import { SeededRandom } from "../../src/sandbox/clock";
import type { Sandbox } from "../../src/sandbox/sandbox";
import { equalBudget, type RunOptions } from "./budget";
import { cordon, type DrainPolicy, drainNodes } from "./drain";
import { Lanes } from "./lanes";
import { Pace } from "./pace";
import {
  capacityMembers,
  describeAsg,
  isCurrent,
  nodeNamesOf,
  nodesByInstance,
  openRollTarget,
  type RollTarget,
  replacementsReady,
} from "./roll-target";
import { type BenchGroup, type DriverReport, StrategyFailed } from "./types";

/** EKS gives no polling figures; these match the sandbox's EKS model. */
const POLL_SECONDS = 10;
const EVICTION_RETRY_SECONDS = 5;
/** "If the Pods don't leave the node within 15 minutes … PodEvictionFailure". */
const EVICTION_DEADLINE_SECONDS = 15 * 60;
/** "It cordons the node after every Pod is evicted and waits for 60 seconds." */
const EVICTED_WAIT_SECONDS = 60;
/** NodeCreationFailure when new nodes do not join. */
const NODE_READY_TIMEOUT_SECONDS = 20 * 60;
const EKS_DRAIN: DrainPolicy = {
  retrySeconds: EVICTION_RETRY_SECONDS,
  pollSeconds: EVICTION_RETRY_SECONDS,
  timeoutSeconds: EVICTION_DEADLINE_SECONDS,
  failureLabel: "PodEvictionFailure",
};

export async function eksManagedUpdate(
  sandbox: Sandbox,
  group: BenchGroup,
  options: RunOptions,
): Promise<DriverReport> {
  const pace = new Pace(sandbox);
  const target = await openRollTarget(sandbox, group);
  const autoScaling = sandbox.deps.autoScaling;
  // EKS picks victims at random; a seed of its own keeps the run repeatable.
  const random = new SeededRandom(sandbox.scenario.seed);
  const spec = sandbox.scenario.cluster.nodeGroups.find((g) => g.name === group.nodeGroup);
  const maxUnavailable =
    options.variant === "equal-budget"
      ? equalBudget(target.original.desiredCapacity, target.zones.length)
      : (spec?.maxUnavailable ?? 1);
  const drain = (names: string[]) => Lanes.run(pace, (lanes) => drainNodes(target.kube, lanes, names, EKS_DRAIN));
  const surge = Math.max(2 * target.zones.length, maxUnavailable);
  const waitForReplacements = () =>
    pace.until("replacement nodes Ready (NodeCreationFailure)", () => replacementsReady(sandbox, target), {
      every: POLL_SECONDS,
      timeoutSeconds: NODE_READY_TIMEOUT_SECONDS,
    });

  // Scale up.
  await autoScaling.updateSizes(target.asgName, {
    maxSize: target.original.maxSize + surge,
    desiredCapacity: target.original.desiredCapacity + surge,
  });
  await pace.until(
    "new nodes Ready in every AZ with old nodes (NodeCreationFailure)",
    () => newNodesCover(sandbox, target),
    {
      every: POLL_SECONDS,
      timeoutSeconds: NODE_READY_TIMEOUT_SECONDS,
    },
  );
  const oldNodes = await nodeNamesOf(
    target,
    target.outdated.map((m) => m.instanceId),
  );
  await cordon(target.kube, [...oldNodes.values()]);

  // Upgrade.
  let remaining = target.outdated.map((m) => m.instanceId);
  while (remaining.length > 0) {
    await waitForReplacements();
    const batch = random.shuffle(remaining).slice(0, maxUnavailable);
    const names = await nodeNamesOf(target, batch);
    await cordon(target.kube, [...names.values()]);
    await drain([...names.values()]);
    pace.sleep(EVICTED_WAIT_SECONDS);
    for (const instanceId of batch) await autoScaling.terminateInstance(instanceId, false);
    remaining = remaining.filter((id) => !batch.includes(id));
    pace.sleep(POLL_SECONDS);
  }

  // Scale down, one instance at a time, each drained before it goes.
  await waitForReplacements();
  const notes: string[] = [];
  for (let step = 0; step < surge; step++) {
    const pick = await scaleInPick(sandbox, target, random);
    if (!pick) break;
    const names = await nodeNamesOf(target, [pick]);
    await cordon(target.kube, [...names.values()]);
    try {
      await drain([...names.values()]);
    } catch (err) {
      if (!(err instanceof StrategyFailed)) throw err;
      // The termination lifecycle hook times out and the instance goes with what is left.
      notes.push(`scale down: ${err.message}; terminated anyway`);
    }
    await autoScaling.terminateInstance(pick, true);
    pace.sleep(POLL_SECONDS);
  }
  await autoScaling.updateSizes(target.asgName, {
    maxSize: target.original.maxSize,
    desiredCapacity: target.original.desiredCapacity,
  });
  pace.settle();
  return { budget: maxUnavailable, notes: [`maxUnavailable ${maxUnavailable}`, ...notes] };
}

/** Scale-up success: a new node in every AZ that has old ones, and every new node Ready. */
async function newNodesCover(sandbox: Sandbox, target: RollTarget): Promise<true | undefined> {
  const asg = await describeAsg(sandbox, target);
  const live = capacityMembers(asg);
  if (live.length < asg.desiredCapacity) return undefined;
  const fresh = live.filter((m) => isCurrent(target, m));
  const oldZones = new Set(live.filter((m) => !isCurrent(target, m)).map((m) => m.availabilityZone));
  const nodes = await nodesByInstance(target.kube);
  const covered = [...oldZones].every((zone) => fresh.some((m) => m.availabilityZone === zone));
  const ready = fresh.length > 0 && fresh.every((m) => nodes.get(m.instanceId)?.ready === true);
  return covered && ready ? true : undefined;
}

/** Auto Scaling's Default termination policy among in-service members: the fullest AZ, then at random. */
async function scaleInPick(sandbox: Sandbox, target: RollTarget, random: SeededRandom): Promise<string | undefined> {
  const live = capacityMembers(await describeAsg(sandbox, target)).filter((m) => m.lifecycleState === "InService");
  const byZone = new Map<string, string[]>();
  for (const member of live)
    byZone.set(member.availabilityZone, [...(byZone.get(member.availabilityZone) ?? []), member.instanceId]);
  const fullest = [...byZone.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0];
  if (!fullest) return undefined;
  return random.shuffle(fullest[1].sort())[0];
}
