/**
 * An EC2 Auto Scaling instance refresh (StartInstanceRefresh) with its defaults, modelled from the
 * EC2 Auto Scaling User Guide ("Understand the default values for an instance refresh") and the
 * RefreshPreferences API reference:
 *
 * - MinHealthyPercentage 90 and no MaxHealthyPercentage (100): the refresh terminates first, then
 *   launches, at most desired − ceil(90% of desired) instances at a time, and at least one.
 * - It knows nothing of Kubernetes: no cordon, no drain. Pods die with their instance, whatever
 *   their PodDisruptionBudget says.
 * - The next batch starts once the replacements are InService and their warm-up has passed:
 *   DefaultInstanceWarmup if the group has one, else its HealthCheckGracePeriod.
 *
 * The order within the group is not documented; this model takes the outdated instances spread
 * across AZs (one from each AZ in turn), the kindest order for zonal capacity.
 *
 * The equal-budget run is the refresh as a careful operator sets it up for Kubernetes:
 * MinHealthyPercentage chosen so a batch is the budget (the smallest percentage whose batch does
 * not exceed it), and a terminate lifecycle hook (EC2_INSTANCE_TERMINATING, HeartbeatTimeout 3600 s,
 * the API's default, DefaultResult CONTINUE) whose handler — as aws-node-termination-handler does in
 * queue-processor mode — cordons and drains the node with kubectl drain's loop, then completes the
 * lifecycle action. An instance waiting in Terminating:Wait no longer counts toward the desired
 * capacity, so Auto Scaling launches its replacement while it drains.
 */
import {
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  PutLifecycleHookCommand,
} from "@aws-sdk/client-auto-scaling";
import { interleaveByZone } from "../../src/core/roll/outdated";
import type { Sandbox } from "../../src/sandbox/sandbox";
import { equalBudget, type RunOptions } from "./budget";
import { cordon, drainNodes, KUBECTL_DRAIN } from "./drain";
import { Lanes } from "./lanes";
import { Pace } from "./pace";
import { capacityMembers, describeAsg, isCurrent, nodeNamesOf, openRollTarget, type RollTarget } from "./roll-target";
import type { BenchGroup, DriverReport } from "./types";

const MIN_HEALTHY_PERCENTAGE = 90;
/** How often the refresh re-checks its replacements (not published; Auto Scaling acts within seconds). */
const CHECK_SECONDS = 10;
/** A replacement that never goes InService fails the refresh; the service gives up after about an hour. */
const REPLACEMENT_TIMEOUT_SECONDS = 3600;
const HOOK_NAME = "drain-before-terminate";
/** PutLifecycleHook's default heartbeat timeout. */
const HOOK_HEARTBEAT_SECONDS = 3600;

export async function instanceRefresh(sandbox: Sandbox, group: BenchGroup, options: RunOptions): Promise<DriverReport> {
  const pace = new Pace(sandbox);
  const target = await openRollTarget(sandbox, group);
  const desired = target.original.desiredCapacity;
  const withHook = options.variant === "equal-budget";
  const minHealthy = withHook
    ? minHealthyFor(desired, equalBudget(desired, target.zones.length))
    : MIN_HEALTHY_PERCENTAGE;
  const batchSize = refreshBatch(desired, minHealthy);
  const warmupSeconds = await instanceWarmup(sandbox, target);
  const order = interleaveByZone(target.outdated).map((m) => m.instanceId);
  if (withHook) {
    await sandbox.deps.clients.autoScaling.send(
      new PutLifecycleHookCommand({
        AutoScalingGroupName: target.asgName,
        LifecycleHookName: HOOK_NAME,
        LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
        HeartbeatTimeout: HOOK_HEARTBEAT_SECONDS,
        DefaultResult: "CONTINUE",
      }),
    );
  }

  await Lanes.run(pace, async (lanes) => {
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      const names = withHook ? await nodeNamesOf(target, batch) : new Map<string, string>();
      for (const instanceId of batch) await sandbox.deps.autoScaling.terminateInstance(instanceId, false);
      const hookHandlers = withHook ? batch.map((instanceId) => () => drainThenContinue(instanceId)) : [];
      const replacements = async () => {
        await lanes.sleep(CHECK_SECONDS);
        await lanes.until("replacement instances InService", () => replacementsInService(sandbox, target), {
          every: CHECK_SECONDS,
          timeoutSeconds: REPLACEMENT_TIMEOUT_SECONDS,
        });
      };
      await lanes.all([replacements, ...hookHandlers]);
      await lanes.sleep(warmupSeconds);

      async function drainThenContinue(instanceId: string): Promise<void> {
        const nodeName = names.get(instanceId);
        if (nodeName !== undefined) {
          await cordon(target.kube, [nodeName]);
          await drainNodes(target.kube, lanes, [nodeName], KUBECTL_DRAIN);
        }
        await sandbox.deps.clients.autoScaling.send(
          new CompleteLifecycleActionCommand({
            AutoScalingGroupName: target.asgName,
            LifecycleHookName: HOOK_NAME,
            InstanceId: instanceId,
            LifecycleActionResult: "CONTINUE",
          }),
        );
      }
    }
  });
  pace.settle();
  const hook = withHook ? ", terminate hook drains first" : "";
  return {
    budget: batchSize,
    notes: [
      `MinHealthyPercentage ${minHealthy}: ${batchSize} instance(s) at a time, warm-up ${warmupSeconds} s${hook}`,
    ],
  };
}

/** Instances a refresh replaces at a time: desired − ceil(MinHealthyPercentage of desired), at least one. */
export function refreshBatch(desired: number, minHealthyPercentage: number): number {
  return Math.max(1, desired - Math.ceil((desired * minHealthyPercentage) / 100));
}

/** The smallest MinHealthyPercentage whose batch does not exceed `budget` instances. */
export function minHealthyFor(desired: number, budget: number): number {
  for (let percentage = 0; percentage <= 100; percentage++) {
    if (refreshBatch(desired, percentage) <= budget) return percentage;
  }
  return 100;
}

/** Every instance the group owes is launched, InService and Healthy on the new version. */
async function replacementsInService(sandbox: Sandbox, target: RollTarget): Promise<true | undefined> {
  const asg = await describeAsg(sandbox, target);
  const live = capacityMembers(asg);
  if (live.length < asg.desiredCapacity) return undefined;
  const fresh = live.filter((m) => isCurrent(target, m));
  return fresh.every((m) => m.lifecycleState === "InService" && m.healthStatus === "Healthy") ? true : undefined;
}

/** The refresh's default warm-up: the group's DefaultInstanceWarmup, else its health check grace period. */
async function instanceWarmup(sandbox: Sandbox, target: RollTarget): Promise<number> {
  const out = await sandbox.deps.clients.autoScaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [target.asgName] }),
  );
  const asg = out.AutoScalingGroups?.[0];
  const defaultWarmup = asg?.DefaultInstanceWarmup;
  // -1 turns the default warm-up off.
  if (defaultWarmup !== undefined && defaultWarmup >= 0) return defaultWarmup;
  return asg?.HealthCheckGracePeriod ?? 0;
}
