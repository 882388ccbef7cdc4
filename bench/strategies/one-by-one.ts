/**
 * `kops rolling-update cluster --yes` on a node instance group with rollingUpdate.maxSurge: 1,
 * modelled from kOps' docs/operations/rolling-update.md and pkg/instancegroups:
 *
 * - Validate the cluster first; then surge one instance (kOps detaches one, so the group launches a
 *   replacement without counting it; here: desired + 1) and validate again.
 * - One node at a time: cordon, drain (evictions honour PDBs; --drain-timeout 15 min), wait
 *   --post-drain-delay 5 s, delete the Node object, terminate the instance (the group replaces it;
 *   the last one is the surge and is not replaced), wait --node-interval 15 s, then validate.
 * - Validation (--validate-count 2): two consecutive passes, 10 s apart (ValidateSuccessDuration);
 *   a failure waits 30 s (ValidateTickDuration); --validation-timeout 15 min. A pass needs every
 *   group member joined as a Ready node, every node Ready, and every system-critical pod Ready.
 *
 * kOps also taints the nodes to replace with PreferNoSchedule; the ports have no taint call, and a
 * soft taint changes nothing here, since a cordon follows before any of their pods move.
 */
import type { Sandbox } from "../../src/sandbox/sandbox";
import { cordon, drainNodes, KUBECTL_DRAIN } from "./drain";
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

export async function oneByOne(sandbox: Sandbox, group: BenchGroup): Promise<DriverReport> {
  const pace = new Pace(sandbox);
  const target = await openRollTarget(sandbox, group);
  const autoScaling = sandbox.deps.autoScaling;
  const { desiredCapacity, maxSize } = target.original;

  await validateCluster(sandbox, pace, target);
  await autoScaling.updateSizes(target.asgName, {
    desiredCapacity: desiredCapacity + 1,
    maxSize: Math.max(maxSize, desiredCapacity + 1),
  });
  pace.sleep(NODE_INTERVAL_SECONDS);
  await validateCluster(sandbox, pace, target);
  const victims = await detachOrder(sandbox, target);

  for (const [index, member] of victims.entries()) {
    const names = await nodeNamesOf(target, [member.instanceId]);
    const nodeName = names.get(member.instanceId);
    if (nodeName !== undefined) {
      await cordon(target.kube, [nodeName]);
      await drainNodes(target.kube, pace, [nodeName], { ...KUBECTL_DRAIN, timeoutSeconds: DRAIN_TIMEOUT_SECONDS });
      pace.sleep(POST_DRAIN_DELAY_SECONDS);
      await target.kube.deleteNode(nodeName);
    }
    const isSurgeInstance = index === victims.length - 1;
    await autoScaling.terminateInstance(member.instanceId, isSurgeInstance);
    pace.sleep(NODE_INTERVAL_SECONDS);
    await validateCluster(sandbox, pace, target);
  }
  await autoScaling.updateSizes(target.asgName, { maxSize });
  pace.settle();
  return {};
}

/**
 * kOps detaches one old instance to surge: the group launches its replacement in that instance's
 * AZ, and the detached instance goes last, unreplaced. Raising desired instead lets the group pick
 * the AZ, so the instance that goes last (with decrement) is taken from the AZ the surge landed in:
 * the group stays balanced, as it does with kOps, and AZRebalance has nothing to move.
 */
async function detachOrder(sandbox: Sandbox, target: RollTarget): Promise<OutdatedMember[]> {
  const asg = await describeAsg(sandbox, target);
  const surgeZone = capacityMembers(asg).find((m) => isCurrent(target, m))?.availabilityZone;
  const detached = [...target.outdated].reverse().find((m) => m.availabilityZone === surgeZone);
  if (!detached) return target.outdated;
  return [...target.outdated.filter((m) => m !== detached), detached];
}

/** validateClusterWithTimeout: VALIDATE_COUNT consecutive passes before the timeout. */
async function validateCluster(sandbox: Sandbox, pace: Pace, target: RollTarget): Promise<void> {
  const startMs = pace.nowMs();
  let passes = 0;
  for (;;) {
    const failure = await validationFailure(sandbox, target);
    if (failure === undefined) {
      passes += 1;
      if (passes >= VALIDATE_COUNT) return;
      pace.sleep(VALIDATE_SUCCESS_SECONDS);
      continue;
    }
    passes = 0;
    if (pace.secondsSince(startMs) >= VALIDATION_TIMEOUT_SECONDS) {
      throw new StrategyFailed(`cluster did not validate within 15m0s: ${failure}`);
    }
    pace.sleep(VALIDATE_TICK_SECONDS);
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
