import { describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/sandbox";
import { rebalanceInSandbox } from "../../src/sandbox/sandbox-rebalance";
import { rollInSandbox } from "../../src/sandbox/sandbox-roll";
import { loadScenario } from "../../src/sandbox/scenario/load";
import { matchesPattern } from "../../workflows/event-pattern";
import { REBALANCE_RULES, ruleInput } from "../../workflows/rebalance-rules";
import { cordonedLiveNodes, scenarioWith } from "./helpers";

/** Every zone within ±1 of the others, or at least at the floor its pinned pods need (1 node here). */
function withinOneOfEven(byZone: Record<string, number>): boolean {
  const counts = Object.values(byZone);
  return Math.max(...counts) - Math.min(...counts) <= 1 && Math.min(...counts) >= 1;
}

describe("rebalance-azs in the sandbox", () => {
  it("brings a zone at 0 nodes back: its pinned pods run, zones within ±1 of even, no PDB violation, no pod lost", async () => {
    const scenario = loadScenario("rebalance");
    const { result, sandbox } = await rebalanceInSandbox({ scenario, request: { cluster: "orders" }, keepOpen: true });
    try {
      expect(result.outcome, result.reason).toBe("succeeded");
      expect(result.before["us-east-1c"]).toBe(0);
      expect(result.pendingZonalPodsBefore).toBeGreaterThan(0);
      expect(result.pendingZonalPodsAfter).toBe(0);
      expect(withinOneOfEven(result.after), JSON.stringify(result.after)).toBe(true);
      // The group keeps its size: what was launched in the short zone was removed from the long ones.
      const total = (byZone: Record<string, number>) => Object.values(byZone).reduce((a, b) => a + b, 0);
      expect(total(result.after)).toBe(total(result.before));
      expect(result.launched).toBe(result.removed);
      expect(result.pdbViolations).toBe(0);
      expect(result.podsLost).toBe(0);
      expect(result.figureDisagreements).toEqual([]);
      // Drained before terminated: nothing left cordoned, nothing terminated twice, AZRebalance suspended with a reason.
      expect(cordonedLiveNodes(sandbox)).toEqual([]);
      for (const count of sandbox.region.terminateCalls().values()) expect(count).toBe(1);
      const group = (await sandbox.deps.autoScaling.findGroupsByTags({ "tugboat:cluster": "orders" }))[0];
      expect(group?.suspendedProcesses).toContain("AZRebalance");
      expect(result.notes.join("\n")).toMatch(
        /AZRebalance suspended on .*: suspended by Tugboat run .*without draining/,
      );
      expect(await sandbox.deps.state.getLock("orders")).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });

  it("reports a capacity shortage in the short zone without flapping: no node moves, the shortage is named", async () => {
    const scenario = scenarioWith("rebalance", (raw) => {
      raw.faults = [{ kind: "insufficient-capacity", zone: "us-east-1c" }];
    });
    const planned: number[] = [];
    const { result, sandbox } = await rebalanceInSandbox({
      scenario,
      request: { cluster: "orders" },
      keepOpen: true,
      run: {
        onEvent: (event) => {
          if (event.kind === "state-entered" && event.state === "Plan next move") planned.push(event.atMs);
        },
      },
    });
    try {
      expect(result.outcome, result.reason).toBe("partial");
      expect(result.reason).toMatch(/capacity shortage in us-east-1c/);
      // Launches that Auto Scaling moved to other zones were taken back at once; no existing node was touched.
      expect(result.after).toEqual(result.before);
      expect(result.podsEvicted).toBe(0);
      expect(result.pdbViolations).toBe(0);
      expect(result.podsLost).toBe(0);
      expect(result.figureDisagreements).toEqual([]);
      // One move only: the zone that failed is not tried again by the run.
      expect(result.tugboatSummary?.moves).toBe(1);
      expect(planned.length).toBe(2);
      // The shortage is remembered: the next run does not try that zone again.
      const again = await rebalanceInSandbox({ scenario, sandbox, request: { cluster: "orders" } });
      expect(again.result.launched).toBe(0);
      expect(again.result.reason).toMatch(/capacity shortage in us-east-1c/);
    } finally {
      await sandbox.close();
    }
  });

  it("refuses while a zonal shift is active, with the reason, and changes nothing", async () => {
    const scenario = scenarioWith("rebalance", (raw) => {
      raw.faults = [{ kind: "zonal-shift", zone: "us-east-1b" }];
    });
    const { result, sandbox } = await rebalanceInSandbox({ scenario, request: { cluster: "orders" }, keepOpen: true });
    try {
      expect(result.outcome).toBe("refused");
      expect(result.reason).toMatch(/zonal shift is active away from use1-az2/);
      expect(result.after).toEqual(result.before);
      expect(result.launched + result.removed).toBe(0);
      const group = (await sandbox.deps.autoScaling.findGroupsByTags({ "tugboat:cluster": "orders" }))[0];
      expect(group?.suspendedProcesses).not.toContain("AZRebalance");
      expect(group?.desiredCapacity).toBe(9);
    } finally {
      await sandbox.close();
    }
  });

  it("refuses while an instance refresh of the group is under way, and changes nothing", async () => {
    const scenario = scenarioWith("rebalance", (raw) => {
      raw.faults = [{ kind: "instance-refresh", nodeGroup: "workers" }];
    });
    const { result } = await rebalanceInSandbox({ scenario, request: { cluster: "orders" } });
    expect(result.outcome).toBe("refused");
    expect(result.reason).toMatch(/an instance refresh of orders-workers is InProgress/);
    expect(result.after).toEqual(result.before);
    expect(result.launched + result.removed).toBe(0);
  });

  it("changes nothing on a dry run, and says what it would do", async () => {
    const { result } = await rebalanceInSandbox({
      scenario: loadScenario("rebalance"),
      request: { cluster: "orders", dryRun: true },
    });
    expect(result.outcome).toBe("succeeded");
    expect(result.after).toEqual(result.before);
    expect(result.launched + result.removed + result.podsEvicted).toBe(0);
    expect(result.figureDisagreements).toEqual([]);
    expect(result.notes.join("\n")).toMatch(/workers: launch 3 in us-east-1c, then remove 3/);
  });

  it("a run that dies mid-drain is repaired by the next one: cordons undone, then balanced", async () => {
    const scenario = loadScenario("rebalance");
    const first = await rebalanceInSandbox({
      scenario,
      request: { cluster: "orders" },
      keepOpen: true,
      run: { crashAfter: { state: "Drain surplus" }, executionName: "first" },
    });
    const sandbox = first.sandbox;
    try {
      expect(first.result.outcome).toBe("aborted");
      expect(cordonedLiveNodes(sandbox).length).toBeGreaterThan(0);
      const second = await rebalanceInSandbox({
        scenario,
        sandbox,
        request: { cluster: "orders" },
        run: { executionName: "second" },
      });
      expect(second.result.outcome, second.result.reason).toBe("succeeded");
      expect(cordonedLiveNodes(sandbox)).toEqual([]);
      expect(withinOneOfEven(second.result.after), JSON.stringify(second.result.after)).toBe(true);
      expect(second.result.pendingZonalPodsAfter).toBe(0);
      expect(second.result.pdbViolations).toBe(0);
      expect(second.result.podsLost).toBe(0);
      const runs = await sandbox.deps.state.listRuns("orders");
      expect(runs.find((r) => r.runId === "first")?.status).toBe("failed");
    } finally {
      await sandbox.close();
    }
  });

  it("a failed launch for lack of capacity, through its rule, records the zone's shortage and moves no node into it", async () => {
    const scenario = scenarioWith("rebalance", (raw) => {
      raw.faults = [{ kind: "insufficient-capacity", zone: "us-east-1c" }];
    });
    const sandbox = await Sandbox.start(scenario);
    try {
      // Someone scales the group out: Auto Scaling tries the emptiest zone first, which has no capacity.
      await sandbox.deps.autoScaling.updateSizes("orders-workers", { desiredCapacity: 10, maxSize: 10 });
      sandbox.clock.advanceBy(30);
      const rule = REBALANCE_RULES.find((r) => r.id === "RebalanceLaunchUnsuccessful");
      const failed = sandbox.region.events().filter((e) => rule?.pattern && matchesPattern(rule.pattern, e));
      expect(failed.length).toBeGreaterThan(0);
      // Launches that failed for another reason are not a capacity shortage: the rule leaves them out.
      const other = { ...failed[0], detail: { ...failed[0]?.detail, StatusMessage: "The image id does not exist." } };
      expect(rule?.pattern && matchesPattern(rule.pattern, other)).toBe(false);
      const input = ruleInput(rule as (typeof REBALANCE_RULES)[number], failed[0]);
      expect(input).toMatchObject({ trigger: "launch-unsuccessful", autoScalingGroupName: "orders-workers" });
      const { result } = await rebalanceInSandbox({ scenario, sandbox, request: input as never });
      // A shortage in us-east-1c is never a reason to move nodes into it.
      expect(result.launched).toBe(0);
      expect(result.reason).toMatch(/capacity shortage in us-east-1c/);
      expect(result.after["us-east-1c"]).toBe(0);
      expect(result.removed + result.podsEvicted).toBe(0);
    } finally {
      await sandbox.close();
    }
  });

  it("halts when budgets keep refusing past the drain deadline: surplus uncordoned, launched nodes kept, pods safe", async () => {
    const scenario = scenarioWith("rebalance", (raw) => {
      raw.faults = [{ kind: "pdb-blocked", workload: "orders-api", namespace: "api" }];
    });
    const { result, sandbox } = await rebalanceInSandbox({
      scenario,
      request: { cluster: "orders", drainTimeoutSeconds: 60 },
      keepOpen: true,
    });
    try {
      expect(result.outcome).toBe("failed");
      expect(result.reason).toMatch(
        /PdbBlockedTooLongError: draining surplus nodes of orders-workers: pod api\/orders-api-/,
      );
      expect(cordonedLiveNodes(sandbox)).toEqual([]);
      expect(result.removed).toBe(0);
      expect(result.figureDisagreements).toEqual([]);
      // The launches stay: the zone that had none holds its pinned pods again.
      expect(result.after["us-east-1c"]).toBeGreaterThan(0);
      expect(result.pendingZonalPodsAfter).toBe(0);
      expect(result.pdbViolations).toBe(0);
      expect(result.podsLost).toBe(0);
      expect(await sandbox.deps.state.getLock("orders")).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });

  it("a launch that never joins fails the run, which undoes through its journal: the stray terminated, sizes back, the rest kept", async () => {
    const scenario = scenarioWith("rebalance", (raw) => {
      raw.faults = [{ kind: "never-join", count: 1 }];
    });
    const sandbox = await Sandbox.start(scenario);
    try {
      const before = await groupOf(sandbox);
      const { result } = await rebalanceInSandbox({
        scenario,
        sandbox,
        request: { cluster: "orders", readyTimeoutSeconds: 180 },
      });
      expect(result.outcome).toBe("failed");
      expect(result.reason).toMatch(
        /ReplacementNotReadyError: move 0 of group workers: 2 of 3 launched node\(s\) Ready/,
      );
      const now = await groupOf(sandbox);
      const nodes = await (await sandbox.deps.kube("orders")).listNodes();
      const ready = new Set(nodes.filter((n) => n.ready && n.instanceId).map((n) => n.instanceId));
      const launched = now.members.filter((id) => !before.members.includes(id));
      // The one that never joined is gone with the capacity it added; the two that joined keep serving.
      expect(launched.filter((id) => !ready.has(id))).toEqual([]);
      expect(launched).toHaveLength(2);
      expect(now.desiredCapacity).toBe(before.desiredCapacity + 2);
      expect(now.maxSize).toBe(Math.max(before.maxSize, now.desiredCapacity));
      expect(now.minSize).toBe(before.minSize);
      expect(cordonedLiveNodes(sandbox)).toEqual([]);
      expect(result.notes.join("\n")).toMatch(/terminated i-\S+, launched by run .* and never a Ready node/);
      expect(result.podsLost).toBe(0);
      // Its figures hold what it did although it failed: 3 launched, 1 of them removed.
      expect([result.launched, result.removed]).toEqual([3, 1]);
      expect(result.figureDisagreements).toEqual([]);
      expect(await sandbox.deps.state.getLock("orders")).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });

  it("repairs what a dead roll left (suspended processes, raised sizes) before it moves anything", async () => {
    const first = await rollInSandbox({
      scenario: loadScenario("small"),
      request: { cluster: "demo", nodeGroup: "workers" },
      keepOpen: true,
      run: { crashAfter: { state: "Prepare group" }, executionName: "dead-roll" },
    });
    const sandbox = first.sandbox;
    try {
      const { run } = await rebalanceInSandbox({
        scenario: loadScenario("small"),
        sandbox,
        request: { cluster: "demo" },
        run: { executionName: "rebalance-after" },
      });
      const state = (run.output ?? run.lastOutput) as { reconcile?: { actions: string[]; reconciledRuns: string[] } };
      expect(state.reconcile?.reconciledRuns).toEqual(["dead-roll"]);
      expect(state.reconcile?.actions.join("\n")).toMatch(/resumed .* on demo-workers/);
      expect(state.reconcile?.actions.join("\n")).toMatch(/restored demo-workers min/);
    } finally {
      await sandbox.close();
    }
  });
});

const REBALANCED_GROUP = "orders-workers";

async function groupOf(sandbox: Sandbox) {
  const group = await sandbox.deps.autoScaling.describeGroup(REBALANCED_GROUP);
  if (!group) throw new Error(`${REBALANCED_GROUP} is gone`);
  return {
    ...group,
    members: group.instances.filter((i) => !i.lifecycleState.startsWith("Terminating")).map((i) => i.instanceId),
  };
}

describe("a crash at any mutating step of a rebalance is repaired by the next run", () => {
  const cases: { step: string; shortage?: boolean }[] = [
    { step: "Plan next move" },
    { step: "Check launches" },
    // The launch lands outside the short zone and is terminated at once: the termination is journalled.
    { step: "Check launches", shortage: true },
    { step: "Drain surplus" },
    { step: "Remove surplus" },
  ];
  it.each(cases)("crash after $step (capacity shortage: $shortage)", async ({ step, shortage }) => {
    const scenario = scenarioWith("rebalance", (raw) => {
      if (shortage) raw.faults = [{ kind: "insufficient-capacity", zone: "us-east-1c" }];
    });
    const sandbox = await Sandbox.start(scenario);
    try {
      const before = await groupOf(sandbox);
      const first = await rebalanceInSandbox({
        scenario,
        sandbox,
        request: { cluster: "orders" },
        run: { executionName: "dead-rebalance", crashAfter: { state: step } },
      });
      expect(first.result.outcome).toBe("aborted");
      const terminatedByDeadRun = new Set(sandbox.region.terminateCalls().keys());
      // The next run stops right after its reconciliation: what the world holds then is the reconciler's work.
      const next = await rebalanceInSandbox({
        scenario,
        sandbox,
        request: { cluster: "orders" },
        run: { executionName: "next-rebalance", crashAfter: { state: "Reconcile leftovers" } },
      });
      expect(next.run.status).toBe("ABORTED");
      expect((await sandbox.deps.state.getLock("orders"))?.owner, "the dead run's lock taken over").toContain(
        "next-rebalance",
      );
      const now = await groupOf(sandbox);
      const nodes = await (await sandbox.deps.kube("orders")).listNodes();
      const staying = nodes.filter((n) => !terminatedByDeadRun.has(n.instanceId ?? ""));
      expect(
        staying.filter((n) => n.unschedulable).map((n) => n.name),
        "cordoned nodes left",
      ).toEqual([]);
      expect(now.minSize, "min size").toBe(before.minSize);
      expect(now.maxSize, "max size").toBe(Math.max(before.maxSize, now.desiredCapacity));
      // AZRebalance stays suspended on purpose; nothing else the dead run suspended is left.
      expect([...now.suspendedProcesses].sort()).toEqual(
        [...new Set([...before.suspendedProcesses, "AZRebalance"])].sort(),
      );
      const ready = new Set(nodes.filter((n) => n.ready && n.instanceId).map((n) => n.instanceId));
      const strays = now.members.filter((id) => !before.members.includes(id) && !ready.has(id));
      expect(strays, "instances launched that are not Ready nodes").toEqual([]);
      expect(now.desiredCapacity - before.desiredCapacity, "desired above the start").toBeLessThanOrEqual(
        now.members.filter((id) => !before.members.includes(id)).length,
      );
      const dead = (await sandbox.deps.state.listRuns("orders")).find((r) => r.runId === "dead-rebalance");
      expect(dead?.status).toBe("failed");
      expect(dead?.data.reconciledBy).toBe("next-rebalance");

      // A run after that finishes the job: balanced (or the shortage named), nothing cordoned, no pod lost.
      const last = await rebalanceInSandbox({ scenario, sandbox, request: { cluster: "orders" } });
      expect(cordonedLiveNodes(sandbox)).toEqual([]);
      expect(last.result.pdbViolations).toBe(0);
      expect(last.result.podsLost).toBe(0);
      if (shortage) {
        expect(last.result.reason).toMatch(/capacity shortage in us-east-1c/);
      } else {
        expect(last.result.outcome, last.result.reason).toBe("succeeded");
        expect(withinOneOfEven(last.result.after), JSON.stringify(last.result.after)).toBe(true);
        expect(last.result.pendingZonalPodsAfter).toBe(0);
      }
    } finally {
      await sandbox.close();
    }
  });
});
