/**
 * `kops rolling-update cluster --yes` on a node instance group, modelled from kOps'
 * docs/operations/rolling-update.md and pkg/instancegroups (rollingupdate.go, instancegroups.go):
 *
 * - rollingUpdate.maxSurge: 1 at its defaults (kOps' default on AWS since kops#8674, with
 *   maxUnavailable then 0); the equal-budget run sets maxSurge to the budget.
 * - Validate the cluster first; then surge maxSurge instances (kOps detaches that many old ones, so
 *   the group launches replacements without counting them; here: desired + maxSurge, and the old
 *   instances in the AZs the surge landed in go last, unreplaced) and validate again.
 * - Up to maxSurge + maxUnavailable nodes at a time, each on its own: cordon, drain (evictions honour
 *   PDBs; --drain-timeout 15 min), --post-drain-delay 5 s, delete the Node, terminate the instance
 *   (the group replaces it, except a detached one), --node-interval 15 s. Each time one finishes the
 *   cluster is validated before the next starts.
 * - Validation (--validate-count 2): two consecutive passes, 10 s apart (ValidateSuccessDuration);
 *   a failure waits 30 s (ValidateTickDuration); --validation-timeout 15 min. A pass needs every
 *   group member joined as a Ready node, every node Ready, and every system-critical pod Ready.
 *
 * kOps also taints the nodes to replace with PreferNoSchedule; the soft taint changes nothing here,
 * since a cordon follows before any of their pods move.
 */
import type { Sandbox } from "../../src/sandbox/sandbox";
import { equalBudget, type RunOptions } from "./budget";
import { cordon, drainNodes, KUBECTL_DRAIN } from "./drain";
import { Lanes } from "./lanes";
import { Pace } from "./pace";
import {
  capacityMembers,
  describeAsg,
  isCurrent,
  nodeNamesOf,
  nodesByInstance,
  type OutdatedMember,
  openRollTarget,
  type RollTarget,
} from "./roll-target";
import { type BenchGroup, type DriverReport, StrategyFailed } from "./types";

const VALIDATE_COUNT = 2;
const VALIDATE_SUCCESS_SECONDS = 10;
const VALIDATE_TICK_SECONDS = 30;
const VALIDATION_TIMEOUT_SECONDS = 15 * 60;
const DRAIN_TIMEOUT_SECONDS = 15 * 60;
const POST_DRAIN_DELAY_SECONDS = 5;
const NODE_INTERVAL_SECONDS = 15;
const SYSTEM_PRIORITY_CLASSES = new Set(["system-cluster-critical", "system-node-critical"]);

export async function oneByOne(sandbox: Sandbox, group: BenchGroup, options: RunOptions): Promise<DriverReport> {
  const pace = new Pace(sandbox);
  const target = await openRollTarget(sandbox, group);
  const autoScaling = sandbox.deps.autoScaling;
  const { desiredCapacity, maxSize } = target.original;
  const maxSurge =
    options.variant === "equal-budget"
      ? Math.min(equalBudget(desiredCapacity, target.zones.length), target.outdated.length)
      : 1;

  await Lanes.run(pace, async (lanes) => {
    await validateCluster(sandbox, lanes, target);
    await autoScaling.updateSizes(target.asgName, {
      desiredCapacity: desiredCapacity + maxSurge,
      maxSize: Math.max(maxSize, desiredCapacity + maxSurge),
    });
    await lanes.sleep(NODE_INTERVAL_SECONDS);
    await validateCluster(sandbox, lanes, target);
    const { order, detached } = await detachOrder(sandbox, target, maxSurge);
    const queue = [...order];

    const replaceOne = async (member: OutdatedMember) => {
      const names = await nodeNamesOf(target, [member.instanceId]);
      const nodeName = names.get(member.instanceId);
      if (nodeName !== undefined) {
        await cordon(target.kube, [nodeName]);
        await drainNodes(target.kube, lanes, [nodeName], { ...KUBECTL_DRAIN, timeoutSeconds: DRAIN_TIMEOUT_SECONDS });
        await lanes.sleep(POST_DRAIN_DELAY_SECONDS);
        await target.kube.deleteNode(nodeName);
      }
      await autoScaling.terminateInstance(member.instanceId, detached.has(member.instanceId));
      await lanes.sleep(NODE_INTERVAL_SECONDS);
    };
    // maxSurge + maxUnavailable (0 once maxSurge is set) drains at a time; each slot validates the
    // cluster after its node is gone, before it takes the next.
    const slot = async () => {
      for (let member = queue.shift(); member; member = queue.shift()) {
        await replaceOne(member);
        await validateCluster(sandbox, lanes, target);
      }
    };
    await lanes.all(Array.from({ length: maxSurge }, () => slot));
  });
  await autoScaling.updateSizes(target.asgName, { maxSize });
  pace.settle();
  return { budget: maxSurge, notes: [`maxSurge ${maxSurge}`] };
}

/**
 * kOps detaches maxSurge old instances: the group launches their replacements in their AZs, and the
 * detached instances go last, unreplaced. Raising desired instead lets the group pick the AZs, so
 * the instances that go last (with decrement) are taken from the AZs the surge landed in: the group
 * stays balanced, as it does with kOps, and AZRebalance has nothing to move.
 */
async function detachOrder(
  sandbox: Sandbox,
  target: RollTarget,
  maxSurge: number,
): Promise<{ order: OutdatedMember[]; detached: Set<string> }> {
  const asg = await describeAsg(sandbox, target);
  const surgeZones = capacityMembers(asg)
    .filter((m) => isCurrent(target, m))
    .map((m) => m.availabilityZone);
  const detached: OutdatedMember[] = [];
  for (const zone of surgeZones.slice(0, maxSurge)) {
    const pick = [...target.outdated].reverse().find((m) => m.availabilityZone === zone && !detached.includes(m));
    if (pick) detached.push(pick);
  }
  for (const m of [...target.outdated].reverse()) {
    if (detached.length >= maxSurge) break;
    if (!detached.includes(m)) detached.push(m);
  }
  const order = [...target.outdated.filter((m) => !detached.includes(m)), ...detached.reverse()];
  return { order, detached: new Set(detached.map((m) => m.instanceId)) };
}

/** validateClusterWithTimeout: VALIDATE_COUNT consecutive passes before the timeout. */
async function validateCluster(sandbox: Sandbox, lanes: Lanes, target: RollTarget): Promise<void> {
  const startMs = lanes.nowMs();
  let passes = 0;
  for (;;) {
    const failure = await validationFailure(sandbox, target);
    if (failure === undefined) {
      passes += 1;
      if (passes >= VALIDATE_COUNT) return;
      await lanes.sleep(VALIDATE_SUCCESS_SECONDS);
      continue;
    }
    passes = 0;
    if (lanes.secondsSince(startMs) >= VALIDATION_TIMEOUT_SECONDS) {
      throw new StrategyFailed(`cluster did not validate within 15m0s: ${failure}`);
    }
    await lanes.sleep(VALIDATE_TICK_SECONDS);
  }
}

/** The first validation failure kOps would report, or undefined when the cluster validates. */
async function validationFailure(sandbox: Sandbox, target: RollTarget): Promise<string | undefined> {
  const asg = await describeAsg(sandbox, target);
  const nodes = await nodesByInstance(target.kube);
  for (const member of capacityMembers(asg)) {
    const node = nodes.get(member.instanceId);
    if (!node) return `machine ${member.instanceId} has not yet joined cluster`;
    if (!node.ready) return `node ${node.name} is not ready`;
  }
  for (const node of nodes.values()) if (!node.ready) return `node ${node.name} is not ready`;
  const pods = await target.kube.listPods();
  for (const pod of pods) {
    const system = pod.namespace === "kube-system" || SYSTEM_PRIORITY_CLASSES.has(pod.priorityClassName ?? "");
    if (system && !pod.deleting && pod.phase !== "Succeeded" && !pod.ready) {
      return `system pod ${pod.namespace}/${pod.name} is not ready`;
    }
  }
  return undefined;
}
