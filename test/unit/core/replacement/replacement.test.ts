import { describe, expect, it } from "vitest";
import { nextDrainLook } from "../../../../src/core/replacement/drain";
import { journalFor, loadJournal, recordSurge } from "../../../../src/core/replacement/journal";
import { acquireClusterLock } from "../../../../src/core/replacement/lock";
import { reconcile, reconcileDeadRuns } from "../../../../src/core/replacement/reconcile";
import { fakeDeps, fakeWorld, group, node } from "../events/react-fakes";

const OWNER = { cluster: "prod", runId: "run-1", executionId: "arn:exec:run-1", workflow: "rebalance-azs" };

function member(instanceId: string, lifecycleState = "InService") {
  return {
    instanceId,
    availabilityZone: "us-east-1a",
    lifecycleState,
    healthStatus: "Healthy",
    protectedFromScaleIn: false,
  };
}

describe("change journal", () => {
  it("keeps the first record of an open entry, lists open entries in record order, and forgets settled ones", async () => {
    const deps = fakeDeps(fakeWorld());
    const journal = journalFor(deps, OWNER);
    const first = { id: "sizes/g", kind: "raise-sizes" as const, asgName: "g", original: sizes(1, 3, 3) };
    await journal.record(first);
    // A retried step sees the change already made: its record must not replace the state before it.
    await journal.record({ ...first, original: sizes(1, 4, 4) });
    const [kept] = await journal.openEntries();
    expect(kept).toMatchObject({ id: "sizes/g", original: sizes(1, 3, 3) });
    await journal.record({ id: "cordon", kind: "cordon", nodes: [{ node: "n1" }] });
    expect((await journal.openEntries()).map((e) => e.id)).toEqual(["sizes/g", "cordon"]);
    await journal.settle("sizes/g");
    expect((await journal.openEntries()).map((e) => e.id)).toEqual(["cordon"]);
    const loaded = await loadJournal(deps, "run-1");
    expect(loaded?.owner).toEqual(OWNER);
    expect(await loadJournal(deps, "run-2")).toBeUndefined();
  });

  it("refuses an entry without an id", async () => {
    const journal = journalFor(fakeDeps(fakeWorld()), OWNER);
    await expect(journal.record({ id: "", kind: "terminate", instanceIds: [] })).rejects.toThrow(/journal entry id/);
  });
});

function sizes(minSize: number, maxSize: number, desiredCapacity: number) {
  return { minSize, maxSize, desiredCapacity };
}

describe("reconcile", () => {
  it("undoes newest first: uncordons what was not terminated, terminates newcomers that never became Ready, restores min/max, resumes", async () => {
    const world = fakeWorld({
      groups: [
        group("g", {
          ...sizes(1, 3, 3),
          suspendedProcesses: ["AZRebalance"],
          instances: [member("i-old1"), member("i-old2"), member("i-old3")],
        }),
      ],
      nodes: new Map([
        [
          "prod",
          [
            node("n-old1", "i-old1", { unschedulable: true }),
            node("n-old2", "i-old2", { unschedulable: true }),
            node("n-new", "i-new1"),
          ],
        ],
      ]),
    });
    const deps = fakeDeps(world);
    const journal = journalFor(deps, OWNER);
    await journal.record({ id: "suspend/g", kind: "suspend", asgName: "g", processes: ["AZRebalance"] });
    await recordSurge(journal, world.groups[0]!);
    // The surge: two newcomers, one Ready node, one never joined.
    Object.assign(world.groups[0]!, sizes(1, 6, 5));
    world.groups[0]!.instances.push(member("i-new1"), member("i-new2", "Pending"));
    await journal.record({
      id: "cordon",
      kind: "cordon",
      nodes: [
        { node: "n-old1", instanceId: "i-old1" },
        { node: "n-old2", instanceId: "i-old2" },
      ],
    });
    await journal.record({ id: "terminate", kind: "terminate", instanceIds: ["i-old2"] });

    const report = await reconcile(journal, deps);

    expect(world.calls.filter((c) => !c.startsWith("autoscaling:describe") && !c.startsWith("kube:list"))).toEqual([
      "kube:uncordon n-old1",
      "autoscaling:terminate i-new2 decrement=true",
      'autoscaling:updateSizes g {"minSize":1,"maxSize":5}',
    ]);
    expect(report.originalSizes).toEqual({ g: sizes(1, 3, 3) });
    expect(report.actions.join("\n")).toMatch(/resumed AZRebalance on g/);
    expect(await journal.openEntries()).toEqual([]);
    // Reconciling again finds nothing open: it changes nothing.
    world.calls.length = 0;
    await reconcile(journal, deps);
    expect(world.calls).toEqual([]);
  });

  it("reconciles only dead runs' journals, whatever workflow wrote them, and marks them failed", async () => {
    const world = fakeWorld({ nodes: new Map([["prod", [node("n1", "i-1", { unschedulable: true })]]]) });
    world.executions.set("arn:exec:live", "RUNNING");
    world.executions.set("arn:exec:dead", "ABORTED");
    const deps = fakeDeps(world);
    for (const [runId, workflow] of [
      ["live", "react-to-instance-event"],
      ["dead", "rebalance-azs"],
    ] as const) {
      await deps.state.putRun({
        runId,
        cluster: "prod",
        nodeGroup: "g",
        workflow,
        status: "running",
        startedAt: "2026-01-01T00:00:00Z",
        updatedAt: "2026-01-01T00:00:00Z",
        data: {},
      });
      await journalFor(deps, { cluster: "prod", runId, executionId: `arn:exec:${runId}`, workflow }).record({
        id: "cordon",
        kind: "cordon",
        nodes: [{ node: runId === "dead" ? "n1" : "n-live" }],
      });
    }
    const result = await reconcileDeadRuns(deps, { cluster: "prod", runId: "me" });
    expect(result.reconciledRuns).toEqual(["dead"]);
    expect(world.calls).toContain("kube:uncordon n1");
    expect((await deps.state.getRun("dead"))?.status).toBe("failed");
    expect((await deps.state.getRun("dead"))?.data.reconciledBy).toBe("me");
    expect((await deps.state.getRun("live"))?.status).toBe("running");
  });
});

describe("cluster lock", () => {
  it("refuses while a running holder's lease lasts, and takes over once it has expired", async () => {
    const world = fakeWorld();
    world.executions.set("arn:exec:a", "RUNNING");
    const deps = fakeDeps(world);
    const first = await acquireClusterLock(deps, {
      cluster: "prod",
      owner: "arn:exec:a",
      operation: "a",
      leaseSeconds: 60,
    });
    expect(first.acquired).toBe(true);
    expect((await deps.state.getLock("prod"))?.expiresAt).toBe("2026-01-01T00:01:00.000Z");
    const refused = await acquireClusterLock(deps, { cluster: "prod", owner: "arn:exec:b", operation: "b" });
    expect(refused).toMatchObject({
      acquired: false,
      reason: expect.stringMatching(/lease until 2026-01-01T00:01:00/),
    });
    world.now = new Date("2026-01-01T00:01:00Z");
    const taken = await acquireClusterLock(deps, { cluster: "prod", owner: "arn:exec:b", operation: "b" });
    expect(taken).toMatchObject({ acquired: true, tookOverFrom: { owner: "arn:exec:a" } });
  });

  it("takes over from a holder that is no longer running, without a lease", async () => {
    const world = fakeWorld();
    world.executions.set("arn:exec:a", "FAILED");
    const deps = fakeDeps(world);
    await acquireClusterLock(deps, { cluster: "prod", owner: "arn:exec:a", operation: "a" });
    const taken = await acquireClusterLock(deps, { cluster: "prod", owner: "arn:exec:b", operation: "b" });
    expect(taken).toMatchObject({ acquired: true, tookOverFrom: { owner: "arn:exec:a" } });
  });
});

describe("drain polling", () => {
  it("looks first when an evicted pod's replacement should be Ready, then backs off to at most 15 s", () => {
    const look = (secondsSinceProgress: number) =>
      nextDrainLook({ secondsSinceProgress, refused: true, podStartSeconds: 10 });
    expect(look(0)).toBe(11);
    expect(look(10)).toBe(2);
    expect(look(31)).toBe(10);
    expect(look(600)).toBe(15);
    expect(nextDrainLook({ secondsSinceProgress: 600, refused: false, podStartSeconds: 10 })).toBe(2);
  });
});
