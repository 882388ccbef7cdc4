/**
 * The node-replacement building block's promise (core/replacement): whatever mutating step a run dies
 * after, the next run that takes the cluster lock undoes what the dead run's journal still has open:
 * cordons and taints gone (or their nodes gone), min/max back, suspended processes resumed, instances
 * that never became Ready nodes terminated, and the dead run's lock taken over. Checked on the world
 * the simulator keeps, right after the next run's reconciliation, before it changes anything itself.
 */
import { describe, expect, it } from "vitest";
import { OUTDATED_TAINT_KEY } from "../../src/core/roll/pods";
import { Sandbox } from "../../src/sandbox/sandbox";
import { interruptSpotNode, SandboxEvents } from "../../src/sandbox/sandbox-events";
import { rollInSandbox } from "../../src/sandbox/sandbox-roll";
import { loadScenario } from "../../src/sandbox/scenario/load";
import { scenarioWith } from "./helpers";

const GROUP = "demo-workers";
const ROLL = { cluster: "demo", nodeGroup: "workers" };
/** Nodes of the small scenario's workers group at the start. */
const GROUP_SIZE = 9;

interface GroupBefore {
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  suspendedProcesses: string[];
  members: string[];
}

async function groupNow(sandbox: Sandbox): Promise<GroupBefore> {
  const group = await sandbox.deps.autoScaling.describeGroup(GROUP);
  if (!group) throw new Error(`${GROUP} is gone`);
  return {
    minSize: group.minSize,
    maxSize: group.maxSize,
    desiredCapacity: group.desiredCapacity,
    suspendedProcesses: [...group.suspendedProcesses].sort(),
    members: group.instances.filter((i) => !i.lifecycleState.startsWith("Terminating")).map((i) => i.instanceId),
  };
}

/** What a dead run may not leave behind, as the simulator sees the cluster and the group. */
async function expectNothingLeftOver(sandbox: Sandbox, before: GroupBefore, terminatedByDeadRun: Set<string>) {
  const now = await groupNow(sandbox);
  const nodes = await (await sandbox.deps.kube("demo")).listNodes();
  // Nodes whose instance the dead run terminated are going away: what they carry no longer matters.
  const staying = nodes.filter((n) => !terminatedByDeadRun.has(n.instanceId ?? ""));
  expect(
    staying.filter((n) => n.unschedulable).map((n) => n.name),
    "cordoned nodes left",
  ).toEqual([]);
  expect(
    staying.filter((n) => n.taints.some((t) => t.key === OUTDATED_TAINT_KEY)).map((n) => n.name),
    "taints left",
  ).toEqual([]);
  expect(now.suspendedProcesses, "suspended processes").toEqual(before.suspendedProcesses);
  expect(now.minSize, "min size").toBe(before.minSize);
  // Max back to what it was, unless Ready up-to-date replacements kept desired above it.
  expect(now.maxSize, "max size").toBe(Math.max(before.maxSize, now.desiredCapacity));
  // Every member launched since is a Ready node: what never joined went, with the capacity it added.
  const ready = new Set(nodes.filter((n) => n.ready && n.instanceId).map((n) => n.instanceId));
  const strays = now.members.filter((id) => !before.members.includes(id) && !ready.has(id));
  expect(strays, "instances launched that are not Ready nodes").toEqual([]);
  expect(now.desiredCapacity - before.desiredCapacity, "desired above the start").toBeLessThanOrEqual(
    now.members.filter((id) => !before.members.includes(id)).length,
  );
}

describe("a crash at any mutating step is repaired by the next run", () => {
  /**
   * Where the roll dies: after Prepare group, or after the first "Advance roll" tick that left the world
   * in a given state (replacements launched, nodes cordoned, pods evicted, an instance terminated). The
   * tick is found as the dead run goes, from what the simulator holds.
   */
  const crashPoints: { name: string; reached?: (sandbox: Sandbox) => boolean }[] = [
    { name: "Prepare group" },
    { name: "replacements launched", reached: (s) => s.region.groupCounts("workers").maxAlive > GROUP_SIZE },
    { name: "nodes cordoned", reached: (s) => s.cluster.nodes().some((n) => n.unschedulable && !n.shuttingDown) },
    {
      name: "pods evicted",
      reached: (s) =>
        s.cluster.nodes().some((n) => n.unschedulable && s.cluster.evictablePodsOnNode(n.name).length === 0),
    },
    { name: "an instance terminated", reached: (s) => s.region.terminateCalls().size > 0 },
  ];
  it.each(crashPoints)("roll: crash after $name", async ({ name, reached }) => {
    const scenario = loadScenario("small");
    const sandbox = await Sandbox.start(scenario);
    try {
      const before = await groupNow(sandbox);
      const crashAfter = reached
        ? { state: "Advance roll", occurrence: Number.MAX_SAFE_INTEGER }
        : { state: name, occurrence: 1 };
      let ticks = 0;
      const first = await rollInSandbox({
        scenario,
        sandbox,
        request: ROLL,
        run: {
          executionName: "dead-roll",
          crashAfter,
          onEvent: (event) => {
            if (!reached || event.kind !== "state-exited" || event.state !== "Advance roll") return;
            ticks++;
            if (crashAfter.occurrence > ticks && reached(sandbox)) crashAfter.occurrence = ticks;
          },
        },
      });
      expect(first.result.reason).toMatch(/hard stop/);
      expect((await sandbox.deps.state.getLock("demo"))?.owner).toContain("dead-roll");
      const terminated = new Set(sandbox.region.terminateCalls().keys());
      // The next run stops right after its reconciliation: what the world holds then is the reconciler's work.
      const next = await rollInSandbox({
        scenario,
        sandbox,
        request: ROLL,
        run: { executionName: "next-roll", crashAfter: { state: "Reconcile leftovers" } },
      });
      expect(next.run.status).toBe("ABORTED");
      expect((await sandbox.deps.state.getLock("demo"))?.owner, "the dead run's lock taken over").toContain(
        "next-roll",
      );
      await expectNothingLeftOver(sandbox, before, terminated);
      const dead = (await sandbox.deps.state.listRuns("demo")).find((r) => r.runId === "dead-roll");
      expect(dead?.status).toBe("failed");
      expect(dead?.data.reconciledBy).toBe("next-roll");
    } finally {
      await sandbox.close();
    }
  });

  it("roll: after a crash mid-drain, the next run finishes the roll, terminates nothing twice and releases the lock", async () => {
    const scenario = loadScenario("small");
    const sandbox = await Sandbox.start(scenario);
    try {
      await rollInSandbox({
        scenario,
        sandbox,
        request: ROLL,
        // Mid-roll: the third tick has replacements up and nodes draining.
        run: { executionName: "dead-roll", crashAfter: { state: "Advance roll", occurrence: 3 } },
      });
      const next = await rollInSandbox({ scenario, sandbox, request: ROLL, run: { executionName: "next-roll" } });
      expect(next.result.outcome, next.result.reason).toBe("succeeded");
      expect(next.result.nodesOutdatedAfter).toBe(0);
      expect(next.result.pdbViolations).toBe(0);
      for (const [instance, count] of sandbox.region.terminateCalls()) expect(count, instance).toBe(1);
      expect(await sandbox.deps.state.getLock("demo")).toBeUndefined();
      // Cordoned nodes left are only those of terminated instances, on their way out.
      const terminated = new Set(sandbox.region.terminateCalls().keys());
      const nodes = await (await sandbox.deps.kube("demo")).listNodes();
      const cordoned = nodes.filter((n) => n.unschedulable && !terminated.has(n.instanceId ?? ""));
      expect(cordoned.map((n) => n.name)).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});

/** A rebalance recommendation's `replace` reaction for the busiest node, as far as `run` lets it go. */
async function replaceReaction(
  sandbox: Sandbox,
  run: NonNullable<Parameters<typeof SandboxEvents.attach>[1]>["run"],
): Promise<{ instanceId: string; status: string }> {
  const events = await SandboxEvents.attach(sandbox, { run });
  const node = (await (await sandbox.deps.kube("demo")).listNodes()).find((n) => n.instanceId)!;
  sandbox.region.recommendRebalance(node.instanceId!);
  const [report] = await events.deliverRegionEvents();
  const [reaction] = report!.reactions;
  return { instanceId: node.instanceId!, status: reaction!.status };
}

describe("a crash at any mutating step of an event reaction is repaired by the next run", () => {
  /** Where each pass of "Replace instance" left the reaction, from an uninterrupted run of the same seed. */
  async function phasesOfReplacement(): Promise<string[]> {
    const sandbox = await Sandbox.start(loadScenario("small"));
    const phases: string[] = [];
    try {
      await replaceReaction(sandbox, {
        onEvent: (event) => {
          if (event.kind === "state-exited" && event.state === "Replace instance") {
            const reaction = (event.output as { reaction?: { phase: string; terminated?: boolean } }).reaction;
            phases.push(reaction?.terminated ? "terminated" : (reaction?.phase ?? "none"));
          }
        },
      });
    } finally {
      await sandbox.close();
    }
    return phases;
  }

  it("replace: crash after the surge, during the drain, after the termination", async () => {
    const phases = await phasesOfReplacement();
    const crashPoints = ["awaiting-replacement", "draining", "terminated"].map((phase) => ({
      phase,
      occurrence: phases.indexOf(phase) + 1,
    }));
    for (const { phase, occurrence } of crashPoints) expect(occurrence, `a pass ending ${phase}`).toBeGreaterThan(0);

    for (const { phase, occurrence } of crashPoints) {
      const scenario = loadScenario("small");
      const sandbox = await Sandbox.start(scenario);
      try {
        const before = await groupNow(sandbox);
        const dead = await replaceReaction(sandbox, { crashAfter: { state: "Replace instance", occurrence } });
        expect(dead.status, phase).toBe("ABORTED");
        const terminated = new Set(sandbox.region.terminateCalls().keys());
        if (phase === "terminated") expect(terminated.has(dead.instanceId), phase).toBe(true);
        else expect(terminated.size, phase).toBe(0);
        const next = await rollInSandbox({
          scenario,
          sandbox,
          request: ROLL,
          run: { executionName: `roll-after-${phase}`, crashAfter: { state: "Reconcile leftovers" } },
        });
        expect(next.run.status, phase).toBe("ABORTED");
        expect((await sandbox.deps.state.getLock("demo"))?.owner, phase).toContain(`roll-after-${phase}`);
        await expectNothingLeftOver(sandbox, before, terminated);
        const runs = await sandbox.deps.state.listRuns("demo");
        const reaction = runs.find((r) => r.workflow === "react-to-instance-event");
        expect(reaction?.status, phase).toBe("failed");
        expect(reaction?.data.reconciledBy, phase).toBe(`roll-after-${phase}`);
      } finally {
        await sandbox.close();
      }
    }
  });

  it("drain: a Spot drain stopped after its cordon leaves nothing cordoned once the next run has reconciled", async () => {
    const scenario = scenarioWith("small", (raw) => {
      raw.cluster.nodeGroups[0].capacityType = "SPOT";
    });
    const sandbox = await Sandbox.start(scenario);
    try {
      const kube = await sandbox.deps.kube("demo");
      const node = (await kube.listNodes()).find((n) => n.instanceId)!;
      const events = await SandboxEvents.attach(sandbox, { run: { crashAfter: { state: "Drain node" } } });
      const report = await events.deliver(interruptSpotNode(sandbox, node.name));
      expect(report.reactions[0]?.status).toBe("ABORTED");
      expect((await kube.listNodes()).find((n) => n.name === node.name)?.unschedulable).toBe(true);
      const next = await rollInSandbox({
        scenario,
        sandbox,
        request: ROLL,
        run: { executionName: "roll-after-drain", crashAfter: { state: "Reconcile leftovers" } },
      });
      expect(next.run.status).toBe("ABORTED");
      // Uncordoned, or gone with its instance: never left cordoned by a reaction nobody runs any more.
      const after = (await kube.listNodes()).find((n) => n.name === node.name);
      expect(after?.unschedulable ?? false).toBe(false);
      const reaction = (await sandbox.deps.state.listRuns("demo")).find(
        (r) => r.workflow === "react-to-instance-event",
      );
      expect(reaction?.status).toBe("failed");
      expect(reaction?.data.reconciledBy).toBe("roll-after-drain");
    } finally {
      await sandbox.close();
    }
  });
});
