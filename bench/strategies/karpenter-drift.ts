/**
 * Karpenter replacing drifted nodes (a new AMI in the EC2NodeClass), modelled from Karpenter's
 * docs, "Disruption" (https://karpenter.sh/docs/concepts/disruption/), and its source
 * (kubernetes-sigs/karpenter: pkg/controllers/disruption, node/termination):
 *
 * - The disruption controller reconciles every 10 s and Drift yields one node per reconcile.
 * - NodePool disruption budget: `nodes: "10%"` by default (Karpenter's default when none is set);
 *   the equal-budget run sets `nodes: "<budget>"`. Allowed disruptions = roundup(total × percentage)
 *   (or the count) − nodes being deleted − nodes NotReady, counted over the pool's initialized nodes.
 * - A disrupted node gets the `karpenter.sh/disrupted:NoSchedule` taint, its replacement is
 *   pre-spun, and the node is deleted only once the replacement is initialized (Ready). Then the
 *   termination controller evicts its pods through the Eviction API, each pod retried with the
 *   eviction queue's backoff (100 ms doubling to 10 s), and terminates the instance once it is empty.
 *
 * Here the pool is the scenario's Auto Scaling group: a pre-spun replacement is one more desired
 * instance, and the drifted instance leaves with a decrement. Karpenter may skip the replacement
 * when the node's pods fit elsewhere; the model always launches one, so the pool keeps its size as
 * every other strategy does. A NodePool has no AZRebalance: the model suspends that process for the
 * run, so Auto Scaling does not move instances Karpenter would have left alone. How often the orchestration queue re-checks a replacement is not
 * published; the model looks every second.
 */

import { interleaveByZone } from "../../src/core/roll/outdated";
import type { Sandbox } from "../../src/sandbox/sandbox";
import { equalBudget, type RunOptions } from "./budget";
import { type DrainPolicy, drainNodes } from "./drain";
import { Lanes } from "./lanes";
import { Pace } from "./pace";
import {
  capacityMembers,
  describeAsg,
  isCurrent,
  nodesByInstance,
  type OutdatedMember,
  openRollTarget,
  type RollTarget,
} from "./roll-target";
import { type BenchGroup, type DriverReport, StrategyFailed } from "./types";

const DISRUPTION_POLL_SECONDS = 10;
const DEFAULT_BUDGET_PERCENT = 10;
const REPLACEMENT_CHECK_SECONDS = 1;
/** A replacement that does not initialize is given up on (Karpenter's registration TTL is 15 min). */
const REPLACEMENT_TIMEOUT_SECONDS = 15 * 60;
const DISRUPTED_TAINT = { key: "karpenter.sh/disrupted", effect: "NoSchedule" };
const KARPENTER_EVICTION: DrainPolicy = { retrySeconds: 0.1, retryMaxSeconds: 10, pollSeconds: 1 };

type Budget = { percent: number } | { count: number };

export async function karpenterDrift(sandbox: Sandbox, group: BenchGroup, options: RunOptions): Promise<DriverReport> {
  const pace = new Pace(sandbox);
  const target = await openRollTarget(sandbox, group);
  const autoScaling = sandbox.deps.autoScaling;
  const budget: Budget =
    options.variant === "equal-budget"
      ? { count: equalBudget(target.original.desiredCapacity, target.zones.length) }
      : { percent: DEFAULT_BUDGET_PERCENT };
  const queue = interleaveByZone(target.outdated);
  // Instances there before the roll are never a replacement.
  const claimed = new Set((await describeAsg(sandbox, target)).instances.map((m) => m.instanceId));
  const marked = new Set<string>();
  const failures: unknown[] = [];
  let finished = 0;
  let desired = target.original.desiredCapacity;
  let maxSize = target.original.maxSize;
  let peakInFlight = 0;

  const disrupt = async (lanes: Lanes, member: OutdatedMember) => {
    const nodeName = (await nodesByInstance(target.kube)).get(member.instanceId)?.name;
    if (nodeName !== undefined) await target.kube.setTaint(nodeName, DISRUPTED_TAINT, true);
    desired += 1;
    maxSize = Math.max(maxSize, desired);
    await autoScaling.updateSizes(target.asgName, { desiredCapacity: desired, maxSize });
    await lanes.until("the replacement node to initialize", () => claimReplacement(sandbox, target, claimed), {
      every: REPLACEMENT_CHECK_SECONDS,
      timeoutSeconds: REPLACEMENT_TIMEOUT_SECONDS,
    });
    if (nodeName !== undefined) await drainNodes(target.kube, lanes, [nodeName], KARPENTER_EVICTION);
    desired -= 1;
    await autoScaling.terminateInstance(member.instanceId, true);
    if (nodeName !== undefined) await target.kube.deleteNode(nodeName);
  };

  await autoScaling.suspendProcesses(target.asgName, ["AZRebalance"]);
  await Lanes.run(pace, async (lanes) => {
    const work: Promise<void>[] = [];
    while (finished < target.outdated.length) {
      if (failures.length > 0) throw failures[0];
      if (queue.length > 0 && (await allowedDisruptions(sandbox, target, budget, marked)) > 0) {
        const member = queue.shift() as OutdatedMember;
        marked.add(member.instanceId);
        peakInFlight = Math.max(peakInFlight, marked.size);
        work.push(
          lanes.spawn(async () => {
            try {
              await disrupt(lanes, member);
              marked.delete(member.instanceId);
              finished += 1;
            } catch (err) {
              failures.push(err);
            }
          }),
        );
      }
      if (queue.length === 0) {
        await lanes.join(Promise.all(work));
        continue;
      }
      await lanes.sleep(DISRUPTION_POLL_SECONDS, "the drifted nodes to be replaced");
    }
  });
  await autoScaling.updateSizes(target.asgName, { maxSize: target.original.maxSize });
  await autoScaling.resumeProcesses(target.asgName, ["AZRebalance"]);
  pace.settle();
  const label = "percent" in budget ? `${budget.percent}%` : String(budget.count);
  return {
    budget: "count" in budget ? budget.count : undefined,
    notes: [`budget nodes: "${label}", at most ${peakInFlight} node(s) disrupted at a time`],
  };
}

/** roundup(total × percentage) or the count, minus nodes being deleted and nodes NotReady. */
async function allowedDisruptions(
  sandbox: Sandbox,
  target: RollTarget,
  budget: Budget,
  marked: Set<string>,
): Promise<number> {
  const members = capacityMembers(await describeAsg(sandbox, target));
  const nodes = await nodesByInstance(target.kube);
  let total = 0;
  let notReady = 0;
  for (const member of members) {
    const node = nodes.get(member.instanceId);
    if (!node) continue; // not registered yet: not initialized, not counted
    total += 1;
    if (!node.ready && !marked.has(member.instanceId)) notReady += 1;
  }
  const allowed = "percent" in budget ? Math.ceil((total * budget.percent) / 100) : budget.count;
  return allowed - marked.size - notReady;
}

/** A Ready node on the new version that no other disruption has claimed as its replacement. */
async function claimReplacement(sandbox: Sandbox, target: RollTarget, claimed: Set<string>): Promise<true | undefined> {
  const members = capacityMembers(await describeAsg(sandbox, target));
  const nodes = await nodesByInstance(target.kube);
  for (const member of members) {
    if (claimed.has(member.instanceId) || !isCurrent(target, member)) continue;
    if (nodes.get(member.instanceId)?.ready !== true) continue;
    claimed.add(member.instanceId);
    return true;
  }
  if (members.length === 0) throw new StrategyFailed(`node pool ${target.asgName} has no instances left`);
  return undefined;
}
