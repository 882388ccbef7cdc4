import { describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/sandbox";
import { rollInSandbox } from "../../src/sandbox/sandbox-roll";
import { loadScenario } from "../../src/sandbox/scenario/load";
import { PLAIN_TIMING } from "../support/plain-timing";
import { catchRecorder, cordonedLiveNodes, scenarioWith } from "./helpers";

describe("roll-node-group in the sandbox", () => {
  for (const name of ["small", "stateful"]) {
    it(`rolls the ${name} scenario safely: only outdated nodes replaced, no PDB violation, no pod lost, capacity kept`, async () => {
      const scenario = loadScenario(name);
      const group = scenario.cluster.nodeGroups[0]!;
      const { result, sandbox } = await rollInSandbox({
        scenario,
        request: { cluster: scenario.cluster.name, nodeGroup: group.name },
        keepOpen: true,
      });
      try {
        expect(result.outcome, result.reason).toBe("succeeded");
        expect(result.nodesOutdatedBefore).toBe(Object.values(group.zones).reduce((a, b) => a + b, 0));
        expect(result.nodesReplaced).toBe(result.nodesOutdatedBefore);
        expect(result.nodesOutdatedAfter).toBe(0);
        expect(result.pdbViolations).toBe(0);
        expect(result.podsLost).toBe(0);
        // The wanted pods' requests fit in every AZ throughout (allocatable of Ready schedulable nodes).
        expect(result.minCapacityRatio.az).toBeGreaterThanOrEqual(1);
        expect(result.pdbDeficitPodSeconds).toBe(0);
        expect(result.figureDisagreements).toEqual([]);
        expect(result.podsEvicted).toBeGreaterThan(0);
        // Never terminated twice, and the lock is released.
        for (const count of sandbox.region.terminateCalls().values()) expect(count).toBe(1);
        expect(await sandbox.deps.state.getLock(scenario.cluster.name)).toBeUndefined();
      } finally {
        await sandbox.close();
      }
    });
  }

  it("replaces only the outdated nodes when some are already up to date", async () => {
    const scenario = scenarioWith("small", (raw) => {
      raw.cluster.nodeGroups[0].outdated = 4;
    });
    const { result, sandbox } = await rollInSandbox({
      scenario,
      request: { cluster: "demo", nodeGroup: "workers" },
      keepOpen: true,
    });
    try {
      expect(result.outcome, result.reason).toBe("succeeded");
      expect(result.nodesOutdatedBefore).toBe(4);
      expect(result.nodesReplaced).toBe(4);
      expect(sandbox.region.terminateCalls().size).toBe(4);
      expect(result.pdbViolations).toBe(0);
    } finally {
      await sandbox.close();
    }
  });

  it("matches batches to where Auto Scaling put the replacements when AZs are uneven", async () => {
    const scenario = scenarioWith("small", (raw) => {
      raw.cluster.nodeGroups[0].zones = { "us-east-1a": 4, "us-east-1b": 3, "us-east-1c": 3 };
    });
    const { result } = await rollInSandbox({ scenario, request: { cluster: "demo", nodeGroup: "workers" } });
    expect(result.outcome, result.reason).toBe("succeeded");
    expect(result.nodesOutdatedAfter).toBe(0);
    expect(result.minCapacityRatio.az).toBeGreaterThanOrEqual(1);
    expect(result.figureDisagreements).toEqual([]);
    expect(result.pdbViolations).toBe(0);
  });

  it("refuses in preflight a PDB that can never allow a disruption, naming it, with nothing cordoned", async () => {
    const scenario = scenarioWith("small", (raw) => {
      raw.cluster.workloads[1].pdb = { minAvailable: 3 };
    });
    const { result, sandbox } = await rollInSandbox({
      scenario,
      request: { cluster: "demo", nodeGroup: "workers" },
      keepOpen: true,
    });
    try {
      expect(result.outcome).toBe("refused");
      expect(result.reason).toContain("data/db");
      expect(result.nodesReplaced).toBe(0);
      expect(cordonedLiveNodes(sandbox)).toEqual([]);
      expect(sandbox.region.terminateCalls().size).toBe(0);
      expect(await sandbox.deps.state.getLock("demo")).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });

  it("refuses an unknown node group, naming the groups that exist", async () => {
    const { result } = await rollInSandbox({
      scenario: loadScenario("small"),
      request: { cluster: "demo", nodeGroup: "nope" },
    });
    expect(result.outcome).toBe("refused");
    expect(result.reason).toMatch(/node group nope not found.*workers/);
  });

  it("plans without changing anything on a dry run", async () => {
    const { result, sandbox } = await rollInSandbox({
      scenario: loadScenario("small"),
      request: { cluster: "demo", nodeGroup: "workers", dryRun: true },
      keepOpen: true,
    });
    try {
      expect(result.outcome).toBe("succeeded");
      expect(result.predictedSeconds).toBeGreaterThan(0);
      expect(sandbox.region.terminateCalls().size).toBe(0);
      expect(sandbox.cluster.nodes().some((n) => n.unschedulable)).toBe(false);
      expect(result.maxExtraNodes).toBe(0);
    } finally {
      await sandbox.close();
    }
  });

  it("waits while a PDB blocks, then finishes when it clears", async () => {
    const scenario = scenarioWith("small", (raw) => {
      raw.faults = [{ kind: "pdb-blocked", workload: "web", namespace: "default", clearAfterSeconds: 240 }];
    });
    const { result } = await rollInSandbox({ scenario, request: { cluster: "demo", nodeGroup: "workers" } });
    expect(result.outcome, result.reason).toBe("succeeded");
    expect(result.evictionsRefusedByPdb).toBeGreaterThan(0);
    expect(result.pdbViolations).toBe(0);
    expect(result.podsLost).toBe(0);
  });

  it("halts when a PDB never clears (PdbBlockedTooLongError), restoring capacity and releasing the lock", async () => {
    const scenario = scenarioWith("small", (raw) => {
      raw.faults = [{ kind: "pdb-blocked", workload: "web", namespace: "default" }];
    });
    const history = catchRecorder();
    const { result, sandbox } = await rollInSandbox({
      scenario,
      request: { cluster: "demo", nodeGroup: "workers", drainTimeoutSeconds: 180 },
      keepOpen: true,
      run: { onEvent: history.onEvent },
    });
    try {
      expect(history.caught).toEqual(["Advance roll: PdbBlockedTooLongError"]);
      expect(result.outcome).toBe("failed");
      expect(result.reason).toMatch(/^PdbBlockedTooLongError: drain of batch \d+ blocked for 180 s: pod default\/web/);
      expect(result.pdbViolations).toBe(0);
      expect(result.podsLost).toBe(0);
      expect(cordonedLiveNodes(sandbox)).toEqual([]);
      const group = sandbox.region.snapshot().groups.find((g) => g.name === "demo-workers");
      expect(group?.suspendedProcesses ?? []).toEqual([]);
      expect(group?.maxSize).toBeGreaterThanOrEqual(group?.desiredCapacity ?? 0);
      expect(await sandbox.deps.state.getLock("demo")).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });

  it("halts when a replacement never joins (ReplacementNotReadyError), names it and removes it", async () => {
    const scenario = scenarioWith("small", (raw) => {
      raw.faults = [{ kind: "never-join", count: 1 }];
    });
    const history = catchRecorder();
    const { result, sandbox } = await rollInSandbox({
      scenario,
      request: { cluster: "demo", nodeGroup: "workers", readyTimeoutSeconds: 300 },
      keepOpen: true,
      run: { onEvent: history.onEvent },
    });
    try {
      expect(history.caught).toEqual(["Advance roll: ReplacementNotReadyError"]);
      expect(result.outcome).toBe("failed");
      expect(result.reason).toMatch(/^ReplacementNotReadyError: replacements not Ready after 300 s/);
      expect(result.reason).toMatch(/never joined/);
      const stray = /instance (i-[0-9a-f]+)/.exec(result.reason ?? "")?.[1];
      expect(stray).toBeDefined();
      expect(sandbox.region.terminateCalls().get(stray as string)).toBe(1);
      expect(cordonedLiveNodes(sandbox)).toEqual([]);
      expect(await sandbox.deps.state.getLock("demo")).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });

  it("re-validates before terminating: a replacement lost after the drain is a PlanInvalidatedError, nothing terminated", async () => {
    const scenario = loadScenario("small");
    const sandbox = await Sandbox.start(scenario);
    const original = new Set(sandbox.cluster.nodes().map((n) => n.instanceId));
    const history = catchRecorder();
    let lost: string | undefined;
    try {
      const { result } = await rollInSandbox({
        scenario,
        sandbox,
        request: { cluster: "demo", nodeGroup: "workers" },
        run: {
          onEvent: history.onEvent,
          beforeState: async (state) => {
            if (state !== "Advance roll" || lost !== undefined) return;
            // The tick about to run terminates a drained node: someone terminates the Ready
            // replacement of its AZ behind the roll's back first (EC2 TerminateInstances).
            const nodes = sandbox.cluster.nodes();
            const drained = nodes.find((n) => original.has(n.instanceId) && n.unschedulable && n.workloadPods === 0);
            if (!drained) return;
            lost = nodes.find(
              (n) => !original.has(n.instanceId) && n.ready && n.availabilityZone === drained.availabilityZone,
            )?.instanceId;
            await sandbox.region.handle("ec2", "TerminateInstances", { InstanceIds: [lost] });
          },
        },
      });
      expect(lost).toBeDefined();
      expect(history.caught).toEqual(["Advance roll: PlanInvalidatedError"]);
      expect(result.outcome).toBe("failed");
      expect(result.reason).toMatch(/^PlanInvalidatedError: before terminating batch 1, a replacement it counted on/);
      expect(result.nodesReplaced).toBe(0);
      // No outdated node was terminated: besides the lost replacement (by its terminator), at most the
      // restore's undoing of a launch that had not become a Ready node yet. Every victim serves again.
      const terminated = [...sandbox.region.terminateCalls().keys()];
      expect(terminated).toContain(lost);
      expect(terminated.filter((id) => original.has(id))).toEqual([]);
      expect(cordonedLiveNodes(sandbox)).toEqual([]);
      expect(await sandbox.deps.state.getLock("demo")).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });

  it("completes with 20% of AWS calls throttled", async () => {
    const scenario = scenarioWith("small", (raw) => {
      raw.faults = [{ kind: "throttle", rate: 0.2 }];
    });
    const { result } = await rollInSandbox({ scenario, request: { cluster: "demo", nodeGroup: "workers" } });
    expect(result.outcome, result.reason).toBe("succeeded");
    expect(result.nodesOutdatedAfter).toBe(0);
    expect(result.pdbViolations).toBe(0);
  });

  it("after a crash right after a tick that terminated nodes, the rerun reconciles and terminates nothing twice", async () => {
    const scenario = loadScenario("small");
    const sandbox = await Sandbox.start(scenario);
    // Crash after the first tick whose step terminated an instance: the occurrence is found as it runs.
    const crashAfter = { state: "Advance roll", occurrence: Number.MAX_SAFE_INTEGER };
    let ticks = 0;
    const first = await rollInSandbox({
      scenario,
      sandbox,
      request: { cluster: "demo", nodeGroup: "workers" },
      run: {
        crashAfter,
        executionName: "first",
        onEvent: (event) => {
          if (event.kind !== "state-exited" || event.state !== "Advance roll") return;
          ticks++;
          if (sandbox.region.terminateCalls().size > 0 && crashAfter.occurrence > ticks) crashAfter.occurrence = ticks;
        },
      },
    });
    try {
      expect(crashAfter.occurrence).toBeLessThan(Number.MAX_SAFE_INTEGER);
      expect(first.result.outcome).toBe("failed");
      expect(first.result.reason).toMatch(/hard stop/);
      expect((await sandbox.deps.state.getLock("demo"))?.owner).toContain("first");
      const second = await rollInSandbox({
        scenario,
        sandbox,
        request: { cluster: "demo", nodeGroup: "workers" },
        run: { executionName: "second" },
      });
      expect(second.result.outcome, second.result.reason).toBe("succeeded");
      expect(second.result.nodesOutdatedAfter).toBe(0);
      for (const [instance, count] of sandbox.region.terminateCalls()) expect(count, instance).toBe(1);
      expect(second.result.pdbViolations).toBe(0);
      const runs = await sandbox.deps.state.listRuns("demo");
      expect(runs.find((r) => r.runId === "first")?.status).toBe("failed");
    } finally {
      await sandbox.close();
    }
  });

  it("refuses a second roll of the same cluster (ClusterLockedError), naming the running one, its lock intact", async () => {
    const scenario = loadScenario("small");
    const sandbox = await Sandbox.start(scenario);
    let rival: Awaited<ReturnType<typeof rollInSandbox>> | undefined;
    const rivalHistory = catchRecorder();
    const rivalStates: string[] = [];
    let lockAfterRival: string | undefined;
    try {
      const first = await rollInSandbox({
        scenario,
        sandbox,
        request: { cluster: "demo", nodeGroup: "workers" },
        run: {
          executionName: "running-roll",
          beforeState: async (state, occurrence) => {
            if (state === "Advance roll" && occurrence === 1) {
              rival = await rollInSandbox({
                scenario,
                sandbox,
                request: { cluster: "demo", nodeGroup: "workers" },
                run: {
                  executionName: "rival-roll",
                  onEvent: (event) => {
                    rivalHistory.onEvent(event);
                    if (event.kind === "state-entered") rivalStates.push(event.state);
                  },
                },
              });
              lockAfterRival = (await sandbox.deps.state.getLock("demo"))?.owner;
            }
          },
        },
      });
      expect(first.result.outcome, first.result.reason).toBe("succeeded");
      expect(rivalHistory.caught).toEqual(["Take cluster lock: ClusterLockedError"]);
      // Refused straight away: the rival neither cleaned up nor released a lock it never held.
      expect(rivalStates).not.toContain("Release cluster lock");
      expect(rivalStates).not.toContain("Restore group");
      expect(lockAfterRival).toContain("running-roll");
      expect(rival?.result.outcome).toBe("refused");
      expect(rival?.result.reason).toMatch(/^ClusterLockedError: cluster demo is locked by execution .*running-roll/);
      expect(rival?.result.nodesReplaced).toBe(0);
    } finally {
      await sandbox.close();
    }
  });

  it("stops on a graceful abort once nodes were replaced, and restores the group", async () => {
    const scenario = loadScenario("small");
    const sandbox = await Sandbox.start(scenario);
    let requested = false;
    try {
      const { result } = await rollInSandbox({
        scenario,
        sandbox,
        request: { cluster: "demo", nodeGroup: "workers" },
        run: {
          beforeState: async (state) => {
            if (state !== "Advance roll" || requested || sandbox.region.terminateCalls().size === 0) return;
            requested = true;
            await sandbox.deps.state.requestAbort("demo", "test");
          },
        },
      });
      expect(result.outcome).toBe("aborted");
      expect(result.nodesReplaced).toBeGreaterThan(0);
      expect(result.nodesReplaced).toBeLessThan(9);
      expect(result.nodesOutdatedAfter).toBe(9 - result.nodesReplaced);
      expect(result.pdbViolations).toBe(0);
      expect(cordonedLiveNodes(sandbox)).toEqual([]);
      expect(await sandbox.deps.state.getLock("demo")).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });

  it("updates an EKS managed node group through EKS", async () => {
    const scenario = loadScenario("managed");
    const { result } = await rollInSandbox({ scenario, request: { cluster: "platform", nodeGroup: "system" } });
    expect(result.outcome, result.reason).toBe("succeeded");
    expect(result.nodesOutdatedAfter).toBe(0);
    expect(result.pdbViolations).toBe(0);
    expect(result.podsLost).toBe(0);
  });

  it("rolls the large scenario with exact timings within 1.25 × the lower bound", async () => {
    // Plain-number timings: every boot, Ready and pod start takes the same time. With the built-in
    // sampled timings the bound rests on each run's own samples and the ratio is a benchmark figure.
    const exact = scenarioWith("large", (raw) => {
      raw.timing = PLAIN_TIMING;
    });
    const { result } = await rollInSandbox({
      scenario: exact,
      request: { cluster: "prod-eu", nodeGroup: "general" },
    });
    expect(result.outcome, result.reason).toBe("succeeded");
    expect(result.pdbViolations).toBe(0);
    expect(result.podsLost).toBe(0);
    expect(result.minCapacityRatio.az).toBeGreaterThanOrEqual(1);
    expect(result.figureDisagreements).toEqual([]);
    expect(result.makespanSeconds).toBeLessThanOrEqual(1.25 * result.lowerBoundSeconds);
  });
});
