/**
 * The Spot interruption part of `tug demo`: on a sandbox (the small scenario, after its roll), EC2
 * sends a two-minute warning for the node running the most PDB-protected pods, Tugboat drains it, EC2
 * takes the instance when the two minutes are up, and the termination is cleaned up after.
 */
import { SHUTDOWN_SECONDS } from "../../sandbox/aws/fleet";
import type { Sandbox } from "../../sandbox/sandbox";
import { type DeliveryReport, interruptSpotNode, SandboxEvents } from "../../sandbox/sandbox-events";
import type { CliIO } from "../io";
import { describeDelivery } from "./events-replay";

/** EC2's notice before it interrupts a Spot instance. */
const SPOT_NOTICE_SECONDS = 120;
/** How long after the notice the demo keeps watching: the termination, then pods settling elsewhere. */
const WATCH_AFTER_SECONDS = 60;

export interface SpotDemoResult {
  nodeName: string;
  instanceId: string;
  /** Seconds after the warning; null when the reaction did not get there. */
  cordonedAfterSeconds: number | null;
  drainedAfterSeconds: number | null;
  podsEvicted: number;
  pdbViolations: number;
  podsLost: number;
  deliveries: DeliveryReport[];
  ok: boolean;
}

function protectedPodsByNode(sandbox: Sandbox): Map<string, number> {
  const protectedWorkloads = new Set(
    sandbox.scenario.cluster.workloads.filter((w) => w.pdb).map((w) => `${w.namespace}/${w.name}`),
  );
  const counts = new Map<string, number>();
  for (const pod of sandbox.cluster.pods()) {
    if (!pod.nodeName || pod.deleting || !protectedWorkloads.has(`${pod.namespace}/${pod.workload}`)) continue;
    counts.set(pod.nodeName, (counts.get(pod.nodeName) ?? 0) + 1);
  }
  return counts;
}

export async function demoSpotInterruption(sandbox: Sandbox, io: CliIO): Promise<SpotDemoResult> {
  const events = await SandboxEvents.attach(sandbox);
  const counts = protectedPodsByNode(sandbox);
  const candidates = sandbox.cluster
    .nodes()
    .filter((n) => n.ready && !n.unschedulable && !n.shuttingDown)
    .sort((a, b) => (counts.get(b.name) ?? 0) - (counts.get(a.name) ?? 0) || a.name.localeCompare(b.name));
  const node = candidates[0];
  if (!node) throw new Error("the sandbox has no Ready node to interrupt");
  const before = sandbox.cluster.metrics();

  io.stdout("");
  io.stdout(
    `Spot interruption: EC2 reclaims ${node.instanceId} (node ${node.name}, ${counts.get(node.name) ?? 0} PDB-protected pods) in ${SPOT_NOTICE_SECONDS} s`,
  );
  const originMs = sandbox.clock.nowMs();
  const warning = interruptSpotNode(sandbox, node.name);
  const deliveries = [await events.deliver(warning)];
  for (const line of describeDelivery(deliveries[0]!, 1, originMs)) io.stdout(`  ${line}`);

  // EC2 takes the instance at the deadline, then reports it shutting down and terminated: each notice
  // is delivered as it would be, shortly after it is emitted.
  for (const afterSeconds of [SPOT_NOTICE_SECONDS + 1, SPOT_NOTICE_SECONDS + SHUTDOWN_SECONDS + 1]) {
    if (sandbox.clock.nowMs() < originMs + afterSeconds * 1000) sandbox.clock.advanceTo(originMs + afterSeconds * 1000);
    for (const report of await events.deliverRegionEvents()) {
      deliveries.push(report);
      for (const line of describeDelivery(report, deliveries.length, originMs)) io.stdout(`  ${line}`);
    }
  }
  sandbox.clock.advanceTo(
    Math.max(sandbox.clock.nowMs(), originMs + (SPOT_NOTICE_SECONDS + WATCH_AFTER_SECONDS) * 1000),
  );

  const after = sandbox.cluster.metrics();
  const reaction = deliveries[0]?.reactions[0];
  const at = (ms: number | undefined) => (ms === undefined ? null : (ms - originMs) / 1000);
  const result: SpotDemoResult = {
    nodeName: node.name,
    instanceId: node.instanceId,
    cordonedAfterSeconds: at(reaction?.cordonedAtMs),
    drainedAfterSeconds: at(reaction?.drainedAtMs),
    podsEvicted: reaction?.summary?.podsEvicted ?? 0,
    pdbViolations: after.pdbViolations - before.pdbViolations,
    podsLost: after.podsLost - before.podsLost,
    deliveries,
    ok: false,
  };
  result.ok =
    reaction?.status === "SUCCEEDED" &&
    result.drainedAfterSeconds !== null &&
    result.drainedAfterSeconds < SPOT_NOTICE_SECONDS &&
    result.pdbViolations === 0 &&
    result.podsLost === 0 &&
    deliveries.every((d) => !d.error);
  io.stdout(
    `  ${result.ok ? "drained in time" : "NOT drained in time"}: cordoned after ${result.cordonedAfterSeconds?.toFixed(1) ?? "-"} s, drained after ${result.drainedAfterSeconds?.toFixed(1) ?? "-"} s of ${SPOT_NOTICE_SECONDS}; ${result.podsEvicted} pods evicted, PDB violations ${result.pdbViolations}, pods lost ${result.podsLost}`,
  );
  return result;
}
