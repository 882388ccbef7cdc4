/**
 * Reactions to EC2 instance events, end to end in the sandbox: the region emits (or a test builds) an
 * EventBridge event, the real receive handler takes it from a simulated SQS message, and the
 * react-to-instance-event workflow runs in the local interpreter on the virtual clock.
 */
import { PutLifecycleHookCommand } from "@aws-sdk/client-auto-scaling";
import { afterEach, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/sandbox";
import { type DeliveryReport, interruptSpotNode, SandboxEvents } from "../../src/sandbox/sandbox-events";
import type { Scenario } from "../../src/sandbox/scenario/schema";
import { loadAwsEventFixture } from "../unit/core/events/aws-event-fixtures";
import { scenarioWith } from "./helpers";

const SPOT_NOTICE_MS = 120_000;
const PDB_WORKLOADS = new Set(["default/web", "data/db", "kube-system/coredns"]);

function spotScenario(): Scenario {
  return scenarioWith("small", (raw) => {
    raw.cluster.nodeGroups[0].capacityType = "SPOT";
  });
}

let open: Sandbox | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function start(scenario: Scenario = spotScenario()): Promise<Sandbox> {
  open = await Sandbox.start(scenario);
  return open;
}

/** The node running the most pods that a PodDisruptionBudget covers. */
function busiestProtectedNode(sandbox: Sandbox): string {
  const counts = new Map<string, number>();
  for (const pod of sandbox.cluster.pods()) {
    if (!pod.nodeName || !PDB_WORKLOADS.has(`${pod.namespace}/${pod.workload}`)) continue;
    counts.set(pod.nodeName, (counts.get(pod.nodeName) ?? 0) + 1);
  }
  const [name] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
  return name;
}

function cordonEventsOn(sandbox: Sandbox, node: string): number {
  return sandbox.cluster.events().filter((e) => e.involvedName === node && e.reason === "TugboatCordon").length;
}

function expectNoFailure(reports: DeliveryReport[]): void {
  for (const report of reports) {
    expect(report.error, `message ${report.messageId}`).toBeUndefined();
    for (const reaction of report.reactions) {
      expect(reaction.status, `${reaction.executionName}: ${reaction.summary?.reason}`).toBe("SUCCEEDED");
    }
  }
}

describe("Spot interruption warning", () => {
  it("cordons within 5 s, drains PDB-protected pods before the two minutes are up, with no violation and no pod lost", async () => {
    const sandbox = await start();
    const events = await SandboxEvents.attach(sandbox);
    const node = busiestProtectedNode(sandbox);
    const protectedBefore = sandbox.cluster
      .pods()
      .filter((p) => p.nodeName === node && PDB_WORKLOADS.has(`${p.namespace}/${p.workload}`));
    expect(protectedBefore.length).toBeGreaterThanOrEqual(2);
    const before = sandbox.cluster.metrics();

    const t0 = sandbox.clock.nowMs();
    const warning = interruptSpotNode(sandbox, node);
    const report = await events.deliver(warning);

    expect(report.rules).toEqual(["SpotInterruptionWarning"]);
    expect(report.outcome?.outcome).toBe("handled");
    expect(report.reactions).toHaveLength(1);
    const [reaction] = report.reactions;
    expect(reaction!.status, reaction!.summary?.reason).toBe("SUCCEEDED");
    expect(reaction!.action).toBe("drain");
    expect(reaction!.cordonedAtMs! - t0).toBeLessThanOrEqual(5_000);
    // Every pod here has a 30 s grace period: all of them are gone before EC2 takes the instance.
    expect(reaction!.drainedAtMs! - t0).toBeLessThan(SPOT_NOTICE_MS);
    expect(sandbox.cluster.pods().filter((p) => p.nodeName === node && p.workloadKind !== "DaemonSet")).toEqual([]);
    expect(sandbox.cluster.nodes().find((n) => n.name === node)?.unschedulable).toBe(true);

    // EC2 takes the instance at the deadline; the evicted pods are running elsewhere by then.
    sandbox.clock.advanceTo(t0 + SPOT_NOTICE_MS + 60_000);
    const after = sandbox.cluster.metrics();
    expect(after.pdbViolations - before.pdbViolations).toBe(0);
    expect(after.podsLost - before.podsLost).toBe(0);
    for (const workload of ["web", "db", "coredns"]) {
      const pods = sandbox.cluster.pods().filter((p) => p.workload === workload && !p.deleting);
      expect(
        pods.every((p) => p.phase === "Running" && p.ready && p.nodeName !== node),
        workload,
      ).toBe(true);
    }
    // A trace on the node: the cordon and the drain, as Kubernetes Events.
    expect(cordonEventsOn(sandbox, node)).toBe(1);

    // The termination that follows is delivered too, and finds nothing left to do.
    const followUps = await events.deliverRegionEvents();
    expectNoFailure(followUps);
    expect(followUps.some((r) => r.rules.includes("InstanceStateChange"))).toBe(true);
  });

  it("drains once when the same event is delivered three times", async () => {
    const sandbox = await start();
    const events = await SandboxEvents.attach(sandbox);
    const node = busiestProtectedNode(sandbox);
    const warning = interruptSpotNode(sandbox, node);

    const reports = [await events.deliver(warning), await events.deliver(warning), await events.deliver(warning)];

    expectNoFailure(reports);
    expect(reports.map((r) => r.outcome?.outcome)).toEqual(["handled", "duplicate", "duplicate"]);
    expect(reports.flatMap((r) => r.reactions)).toHaveLength(1);
    expect(reports[2]!.outcome?.reason).toContain(`event ${warning.id} was already handled`);
    expect(cordonEventsOn(sandbox, node)).toBe(1);
    const reactions = [...sandbox.executions.keys()].filter((arn) => arn.includes("react-to-instance-event"));
    expect(reactions).toHaveLength(1);
  });
});

describe("terminate lifecycle hook", () => {
  it("completes the action at once when the instance's node no longer exists, with no error and no retry", async () => {
    const sandbox = await start(scenarioWith("small", () => undefined));
    const events = await SandboxEvents.attach(sandbox);
    await sandbox.deps.clients.autoScaling.send(
      new PutLifecycleHookCommand({
        AutoScalingGroupName: "demo-workers",
        LifecycleHookName: "drain-before-terminate",
        LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
        HeartbeatTimeout: 300,
        DefaultResult: "ABANDON",
      }),
    );
    const node = sandbox.cluster.nodes()[0]!;
    const kube = await sandbox.deps.kube("demo");
    expect(await kube.deleteNode(node.name)).toBe("deleted");
    await sandbox.deps.autoScaling.terminateInstance(node.instanceId, true);
    const t0 = sandbox.clock.nowMs();

    const reports = await events.deliverRegionEvents();
    const hook = reports.find((r) => r.rules.includes("TerminateLifecycleAction"));
    expect(hook, "the region emitted the lifecycle action").toBeDefined();
    expectNoFailure(reports);
    const [reaction] = hook!.reactions;
    expect(reaction!.action).toBe("complete-lifecycle");
    expect(reaction!.summary?.lifecycleCompleted).toBe("CONTINUE");
    expect(reaction!.summary?.reason).toContain("has no node");
    // Completed within seconds, not by the hook's 300 s timeout: the instance is on its way out now.
    const [instance] = await sandbox.deps.ec2.describeInstances([node.instanceId]);
    expect(["shutting-down", "terminated"]).toContain(instance!.state);
    expect(sandbox.clock.nowMs() - t0).toBeLessThan(30_000);

    // The same event again is acknowledged as a duplicate: nothing loops.
    const again = await events.deliver(sandbox.region.events().find((e) => e.id === hook!.eventId));
    expect(again.outcome?.outcome).toBe("duplicate");
    expect(again.error).toBeUndefined();
  });

  it("completes at once the hooks of a roll's own terminations, which the roll drained first", async () => {
    const { rollInSandbox } = await import("../../src/sandbox/sandbox-roll");
    const scenario = scenarioWith("small", (raw) => {
      raw.cluster.nodeGroups[0].zones = { "us-east-1a": 2, "us-east-1b": 2, "us-east-1c": 2 };
      raw.cluster.workloads[0].replicas = 6;
    });
    const sandbox = await start(scenario);
    const events = await SandboxEvents.attach(sandbox);
    await sandbox.deps.clients.autoScaling.send(
      new PutLifecycleHookCommand({
        AutoScalingGroupName: "demo-workers",
        LifecycleHookName: "drain-before-terminate",
        LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
        HeartbeatTimeout: 600,
        DefaultResult: "CONTINUE",
      }),
    );
    const reactions: DeliveryReport[] = [];
    const { result } = await rollInSandbox({
      scenario,
      sandbox,
      request: { cluster: "demo", nodeGroup: "workers" },
      run: {
        // Events reach the receive function while the roll runs: deliver them between its steps.
        beforeState: async (state) => {
          if (state === "Advance roll" || state === "Validate roll")
            reactions.push(...(await events.deliverRegionEvents()));
        },
      },
    });
    expect(result.outcome, result.reason).toBe("succeeded");
    const hooks = reactions.filter((r) => r.rules.includes("TerminateLifecycleAction"));
    expect(hooks.length).toBe(result.nodesReplaced);
    expectNoFailure(hooks);
    for (const hook of hooks) {
      const [reaction] = hook.reactions;
      expect(reaction!.action).toBe("complete-lifecycle");
      expect(reaction!.summary?.lifecycleCompleted).toBe("CONTINUE");
      expect(reaction!.summary?.podsEvicted).toBe(0);
      expect(reaction!.summary?.reason).toMatch(/its termination is roll .*drained and terminated it/);
    }
  });
});

describe("instances Tugboat does not manage", () => {
  it("acknowledges and ignores an event for an instance of a cluster this deployment does not manage", async () => {
    const sandbox = await start();
    const events = await SandboxEvents.attach(sandbox, { managedClusters: ["prod-eu"] });
    const node = sandbox.cluster.nodes()[0]!;
    const report = await events.deliver(interruptSpotNode(sandbox, node.name));

    expect(report.error).toBeUndefined();
    expect(report.outcome?.outcome).toBe("ignored");
    expect(report.outcome?.reason).toContain("belongs to cluster demo");
    expect(report.outcome?.reason).toContain("does not manage");
    expect(report.reactions).toEqual([]);
    expect(sandbox.cluster.nodes().find((n) => n.name === node.name)?.unschedulable).toBe(false);
  });

  it("acknowledges and ignores the published sample, whose instance is not in this account", async () => {
    const sandbox = await start();
    const events = await SandboxEvents.attach(sandbox);
    const report = await events.deliver(loadAwsEventFixture("ec2-spot-interruption-warning.nth.json"));
    expect(report.error).toBeUndefined();
    expect(report.outcome?.outcome).toBe("ignored");
    expect(report.outcome?.reason).toContain("is not an instance of this account and region");
    expect(report.reactions).toEqual([]);
  });
});

describe("rebalance recommendation", () => {
  it("surges a replacement, waits for it to be Ready, then drains and terminates the instance with decrement", async () => {
    const sandbox = await start();
    const events = await SandboxEvents.attach(sandbox);
    const node = busiestProtectedNode(sandbox);
    const instanceId = sandbox.cluster.nodes().find((n) => n.name === node)!.instanceId;
    const before = {
      group: await sandbox.deps.autoScaling.describeGroup("demo-workers"),
      metrics: sandbox.cluster.metrics(),
    };
    sandbox.region.recommendRebalance(instanceId);
    const [report] = await events.deliverRegionEvents();

    expect(report!.rules).toEqual(["RebalanceRecommendation"]);
    expectNoFailure([report!]);
    const [reaction] = report!.reactions;
    expect(reaction!.action).toBe("replace");
    const replacement = reaction!.progress?.replacementId;
    expect(replacement).toBeDefined();
    expect(sandbox.cluster.nodes().find((n) => n.instanceId === replacement)?.ready).toBe(true);
    expect(sandbox.region.terminateCalls().get(instanceId)).toBe(1);
    // The replacement was Ready before the victim was cordoned (surge first).
    const readyAt = sandbox.cluster.nodes().find((n) => n.instanceId === replacement)!.readyAtMs!;
    expect(readyAt).toBeLessThanOrEqual(reaction!.cordonedAtMs!);
    const group = await sandbox.deps.autoScaling.describeGroup("demo-workers");
    expect(group!.desiredCapacity).toBe(before.group!.desiredCapacity);
    expect(group!.maxSize).toBe(before.group!.maxSize);
    expect(await sandbox.deps.state.getLock("demo")).toBeUndefined();
    expect(sandbox.cluster.metrics().pdbViolations - before.metrics.pdbViolations).toBe(0);
  });
});

describe("launch lifecycle hook", () => {
  it("completes with CONTINUE once the new node is Ready", async () => {
    const sandbox = await start(
      scenarioWith("small", (raw) => {
        raw.cluster.nodeGroups[0].maxSize = 12;
      }),
    );
    const events = await SandboxEvents.attach(sandbox);
    await sandbox.deps.clients.autoScaling.send(
      new PutLifecycleHookCommand({
        AutoScalingGroupName: "demo-workers",
        LifecycleHookName: "wait-for-node",
        LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
        HeartbeatTimeout: 900,
        DefaultResult: "ABANDON",
      }),
    );
    await sandbox.deps.autoScaling.updateSizes("demo-workers", { desiredCapacity: 10 });
    sandbox.clock.advanceBy(15); // Auto Scaling notices the new desired capacity and launches

    const reports = await events.deliverRegionEvents();
    const launch = reports.find((r) => r.rules.includes("LaunchLifecycleAction"));
    expect(launch).toBeDefined();
    expectNoFailure(reports);
    const [reaction] = launch!.reactions;
    expect(reaction!.action).toBe("await-ready-and-complete-lifecycle");
    expect(reaction!.summary?.lifecycleCompleted).toBe("CONTINUE");
    const group = await sandbox.deps.autoScaling.describeGroup("demo-workers");
    expect(group!.instances.find((i) => i.instanceId === reaction!.instanceId)?.lifecycleState).toBe("InService");
  });
});
