/**
 * hellofresh/eks-rolling-update with its defaults (RUN_MODE 1), modelled from its source
 * (eksrollup/cli.py, lib/aws.py, lib/k8s.py, config.py):
 *
 * 1. Raise the group's desired capacity by the number of outdated instances (and max size if it has
 *    no room), after resuming any Launch/ReplaceUnhealthy suspension left by an earlier run.
 * 2. validate_cluster_health, tried CLUSTER_HEALTH_RETRY = 1 time: sleep CLUSTER_HEALTH_WAIT = 90 s;
 *    the group lists as many instances as desired; every instance is Healthy; the cluster has as many
 *    nodes as the cluster's Auto Scaling groups have instances (every node counts, whatever its
 *    group); no node reports Ready=False. The last three are retried GLOBAL_MAX_RETRY − 1 = 11 times,
 *    GLOBAL_HEALTH_WAIT = 20 s apart. A failure ends the run ("ASG healthcheck failed").
 * 3. Cordon every outdated node; suspend Launch and ReplaceUnhealthy.
 * 4. One node at a time: `kubectl drain --ignore-daemonsets --delete-emptydir-data` (no timeout),
 *    delete the Node object, TerminateInstanceInAutoScalingGroup, then poll DescribeInstances every
 *    20 s (11 tries) until the instance is terminated. BETWEEN_NODES_WAIT = 0.
 * 5. Desired and max back to their original values; resume the suspended processes.
 *
 * The tool has no setting that bounds the extra instances: it always adds one per outdated instance.
 * Its closest knob, BATCH_SIZE (scale_up_asg), only paces the scale-up: desired grows BATCH_SIZE at
 * a time, with validate_cluster_health after each step. The equal-budget run sets BATCH_SIZE to the
 * budget; its peak of extra instances stays the number of outdated ones.
 */
import type { Sandbox } from "../../src/sandbox/sandbox";
import { equalBudget, type RunOptions } from "./budget";
import { cordon, drainNodes, KUBECTL_DRAIN } from "./drain";
import { Lanes } from "./lanes";
import { Pace } from "./pace";
import { describeAsg, nodeNamesOf, openRollTarget, type RollTarget } from "./roll-target";
import { type BenchGroup, type DriverReport, StrategyFailed } from "./types";

const CLUSTER_HEALTH_WAIT_SECONDS = 90;
const GLOBAL_MAX_RETRY = 12;
const GLOBAL_HEALTH_WAIT_SECONDS = 20;
const SUSPENDED = ["Launch", "ReplaceUnhealthy"];

export async function doubleThenDrain(sandbox: Sandbox, group: BenchGroup, options: RunOptions): Promise<DriverReport> {
  const pace = new Pace(sandbox);
  const target = await openRollTarget(sandbox, group);
  const autoScaling = sandbox.deps.autoScaling;
  const { desiredCapacity, maxSize } = target.original;
  const raised = desiredCapacity + target.outdated.length;

  // BATCH_SIZE 0 (the default) scales up in one step.
  const batchSize =
    options.variant === "equal-budget" ? equalBudget(desiredCapacity, target.zones.length) : raised - desiredCapacity;

  await autoScaling.resumeProcesses(target.asgName, SUSPENDED);
  for (let current = desiredCapacity; current < raised; ) {
    current = Math.min(raised, current + Math.max(1, batchSize));
    await autoScaling.updateSizes(target.asgName, { desiredCapacity: current, maxSize: Math.max(maxSize, current) });
    await validateClusterHealth(sandbox, pace, target, current);
  }

  const names = await nodeNamesOf(
    target,
    target.outdated.map((m) => m.instanceId),
  );
  await cordon(target.kube, [...names.values()]);
  await autoScaling.suspendProcesses(target.asgName, SUSPENDED);

  for (const member of target.outdated) {
    const nodeName = names.get(member.instanceId);
    if (nodeName === undefined)
      throw new StrategyFailed(`Could not find a k8s node name for instance ${member.instanceId}`);
    await Lanes.run(pace, (lanes) => drainNodes(target.kube, lanes, [nodeName], KUBECTL_DRAIN));
    await target.kube.deleteNode(nodeName);
    await autoScaling.terminateInstance(member.instanceId, false);
    if (!(await instanceTerminated(sandbox, pace, member.instanceId))) {
      throw new StrategyFailed(`Instance ${member.instanceId} is failing to terminate. Cancelling out.`);
    }
  }

  await autoScaling.updateSizes(target.asgName, { desiredCapacity, maxSize });
  await autoScaling.resumeProcesses(target.asgName, SUSPENDED);
  pace.settle();
  return { notes: [`BATCH_SIZE ${options.variant === "equal-budget" ? batchSize : 0}`] };
}

async function validateClusterHealth(sandbox: Sandbox, pace: Pace, target: RollTarget, desired: number) {
  pace.sleep(CLUSTER_HEALTH_WAIT_SECONDS);
  const asg = await describeAsg(sandbox, target);
  if (asg.instances.length !== desired) {
    throw new StrategyFailed(
      `ASG healthcheck failed: ${target.asgName} has ${asg.instances.length} instances, desired ${desired}`,
    );
  }
  const healthy = await retry(pace, async () => {
    const members = (await describeAsg(sandbox, target)).instances;
    return members.every((m) => m.healthStatus === "Healthy");
  });
  if (!healthy) throw new StrategyFailed(`ASG healthcheck failed: instances of ${target.asgName} not yet healthy`);
  const clusterInstances = await countClusterInstances(sandbox, target);
  const counted = await retry(pace, async () => (await target.kube.listNodes()).length === clusterInstances);
  if (!counted) throw new StrategyFailed(`ASG healthcheck failed: the cluster did not reach ${clusterInstances} nodes`);
  const ready = await retry(pace, async () => (await target.kube.listNodes()).every((n) => n.ready));
  if (!ready) throw new StrategyFailed("ASG healthcheck failed: expected node count reached but nodes are not ready");
}

/** Instances of every group tagged kubernetes.io/cluster/<name>=owned, as count_all_cluster_instances adds them up. */
async function countClusterInstances(sandbox: Sandbox, target: RollTarget): Promise<number> {
  const groups = await sandbox.deps.autoScaling.findGroupsByTags({
    [`kubernetes.io/cluster/${target.group.cluster}`]: "owned",
  });
  return groups.reduce((sum, g) => sum + g.instances.length, 0);
}

/** The tool's health-check loop: up to GLOBAL_MAX_RETRY − 1 checks, GLOBAL_HEALTH_WAIT apart. */
async function retry(pace: Pace, check: () => Promise<boolean>): Promise<boolean> {
  for (let attempt = 1; attempt < GLOBAL_MAX_RETRY; attempt++) {
    if (await check()) return true;
    pace.sleep(GLOBAL_HEALTH_WAIT_SECONDS);
  }
  return false;
}

async function instanceTerminated(sandbox: Sandbox, pace: Pace, instanceId: string): Promise<boolean> {
  return retry(pace, async () => {
    const [instance] = await sandbox.deps.ec2.describeInstances([instanceId]);
    return instance === undefined || instance.state === "terminated" || instance.state === "stopped";
  });
}
