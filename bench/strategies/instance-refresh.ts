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
 */
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { interleaveByZone } from "../../src/core/roll/outdated";
import type { Sandbox } from "../../src/sandbox/sandbox";
import { Pace } from "./pace";
import { capacityMembers, describeAsg, isCurrent, openRollTarget, type RollTarget } from "./roll-target";
import type { BenchGroup, DriverReport } from "./types";

const MIN_HEALTHY_PERCENTAGE = 90;
/** How often the refresh re-checks its replacements (not published; Auto Scaling acts within seconds). */
const CHECK_SECONDS = 10;
/** A replacement that never goes InService fails the refresh; the service gives up after about an hour. */
const REPLACEMENT_TIMEOUT_SECONDS = 3600;

export async function instanceRefresh(sandbox: Sandbox, group: BenchGroup): Promise<DriverReport> {
  const pace = new Pace(sandbox);
  const target = await openRollTarget(sandbox, group);
  const desired = target.original.desiredCapacity;
  const batchSize = Math.max(1, desired - Math.ceil((desired * MIN_HEALTHY_PERCENTAGE) / 100));
  const warmupSeconds = await instanceWarmup(sandbox, target);
  const order = interleaveByZone(target.outdated).map((m) => m.instanceId);

  for (let start = 0; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    for (const instanceId of batch) await sandbox.deps.autoScaling.terminateInstance(instanceId, false);
    pace.sleep(CHECK_SECONDS);
    await pace.until("replacement instances InService", () => replacementsInService(sandbox, target), {
      every: CHECK_SECONDS,
      timeoutSeconds: REPLACEMENT_TIMEOUT_SECONDS,
    });
    pace.sleep(warmupSeconds);
  }
  pace.settle();
  return { notes: [`${batchSize} instance(s) at a time, warm-up ${warmupSeconds} s`] };
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
