import { describe, expect, it } from "vitest";
import { ClusterLockedError } from "../../../../src/core/errors";
import { cleanUpAfterInstance } from "../../../../src/core/events/react/cleanup-step";
import {
  drainForEvent,
  drainVerdict,
  initialDrainDeadline,
  MIN_DRAIN_WINDOW_SECONDS,
} from "../../../../src/core/events/react/drain-step";
import { finishReaction } from "../../../../src/core/events/react/finish-step";
import { findInstanceHolder, replacementOperation } from "../../../../src/core/events/react/holder";
import { drainAndCompleteLifecycle, HEARTBEAT_EVERY_SECONDS } from "../../../../src/core/events/react/lifecycle-steps";
import { replaceInstance } from "../../../../src/core/events/react/replace-step";
import { DEFAULT_REACTION_TIMING, type ReactionRequest } from "../../../../src/core/events/react/request";
import type { InstanceHolder, ReactionState, TargetResult } from "../../../../src/core/events/react/state";
import { effectiveAction } from "../../../../src/core/events/react/target";
import { nextDrainLook } from "../../../../src/core/replacement/drain";
import { batchKey, type StoredBatch } from "../../../../src/core/roll/state";
import { fakeDeps, fakeWorld, instance, MemoryState, node, pod } from "./react-fakes";

const A = "i-0aaaaaaaaaaaaaaaa";
const NODE = "ip-10-0-0-1.ec2.internal";

function request(fields: Partial<ReactionRequest> = {}): ReactionRequest {
  return {
    eventId: "e-1",
    eventKind: "spot-interruption",
    action: "drain",
    reason: "Spot interruption warning (terminate) gives two minutes",
    deadline: "2026-01-01T00:02:00.000Z",
    eventTime: "2026-01-01T00:00:00.000Z",
    receivedAt: "2026-01-01T00:00:01.000Z",
    cluster: "prod-eu",
    instanceId: A,
    availabilityZone: "us-east-1a",
    groupName: "prod-eu-workers",
    nodeName: NODE,
    privateDnsName: NODE,
    lifecycle: null,
    timing: DEFAULT_REACTION_TIMING,
    ...fields,
  };
}

function target(fields: Partial<TargetResult> = {}): TargetResult {
  return {
    action: "drain",
    note: "",
    nodeName: NODE,
    nodeReady: true,
    instanceState: "running",
    availabilityZone: "us-east-1a",
    groupName: "prod-eu-workers",
    privateDnsName: NODE,
    holder: null,
    ...fields,
  };
}

const RUN = {
  executionId: "arn:aws:states:us-east-1:1:execution:react:e-1",
  runId: "e-1",
  startedAt: "2026-01-01T00:00:01Z",
};
const rollHolder = (fields: Partial<InstanceHolder> = {}): InstanceHolder => ({
  kind: "roll",
  executionId: "arn:roll:r-1",
  runId: "r-1",
  draining: false,
  terminated: false,
  description: "roll r-1",
  ...fields,
});

const terminateLifecycle = {
  groupName: "prod-eu-workers",
  hookName: "drain",
  instanceId: A,
  token: "t",
  transition: "autoscaling:EC2_INSTANCE_TERMINATING" as const,
  result: "CONTINUE" as const,
  rootVolumeReplacement: false,
};

describe("effectiveAction: re-validate before acting", () => {
  const facts = { instanceState: "running", nodeName: NODE, holder: null };
  it.each([
    ["drain", facts, "drain"],
    ["drain", { ...facts, instanceState: "terminated" }, "cleanup"],
    ["drain", { ...facts, instanceState: null, nodeName: null }, "ignore"],
    ["drain", { ...facts, nodeName: null }, "ignore"],
    ["drain", { ...facts, holder: rollHolder({ draining: true }) }, "drain"],
    ["drain", { ...facts, holder: rollHolder({ terminated: true }) }, "ignore"],
    ["replace", facts, "replace"],
    ["replace", { ...facts, holder: rollHolder() }, "ignore"],
    ["replace", { ...facts, instanceState: "shutting-down" }, "cleanup"],
    ["drain-and-complete-lifecycle", facts, "drain-and-complete-lifecycle"],
    ["drain-and-complete-lifecycle", { ...facts, nodeName: null }, "complete-lifecycle"],
    ["drain-and-complete-lifecycle", { ...facts, holder: rollHolder({ terminated: true }) }, "complete-lifecycle"],
    ["await-ready-and-complete-lifecycle", { ...facts, nodeName: null }, "await-ready-and-complete-lifecycle"],
    ["cleanup", facts, "cleanup"],
  ] as const)("%s with %j → %s", (decided, live, expected) => {
    const result = effectiveAction(request({ action: decided }), live);
    expect(result.action).toBe(expected);
    if (expected !== decided) expect(result.note).not.toBe("");
  });
});

describe("drain timing", () => {
  const pass = { nodeGone: false, cordonedNow: false, remaining: 2, evicted: 0, refused: 0, blocked: [] };
  it("keeps the event's deadline, but never less than the minimum window", () => {
    const now = Date.parse("2026-01-01T00:00:02Z");
    expect(initialDrainDeadline(request(), now)).toEqual({ ms: Date.parse("2026-01-01T00:02:00Z"), hard: true });
    expect(initialDrainDeadline(request({ deadline: "2026-01-01T00:00:00Z" }), now)).toEqual({
      ms: now + MIN_DRAIN_WINDOW_SECONDS * 1000,
      hard: true,
    });
    expect(initialDrainDeadline(request({ deadline: null }), now)).toEqual({ ms: now + 900_000, hard: false });
  });

  it("ends a drain when the node is empty or gone; past a hard deadline always, past a soft one only when blocked", () => {
    expect(drainVerdict({ ...pass, remaining: 0 }, 0, 10, true)).toBe("drained");
    expect(drainVerdict({ ...pass, nodeGone: true }, 0, 10, true)).toBe("gone");
    expect(drainVerdict(pass, 5, 10, true)).toBe("continue");
    expect(drainVerdict(pass, 10, 10, true)).toBe("deadline");
    expect(drainVerdict(pass, 10, 10, false)).toBe("continue");
    expect(drainVerdict({ ...pass, blocked: [{ pod: "a/b", message: "429" }] }, 10, 10, false)).toBe("deadline");
  });

  it("looks again every two seconds near a deadline; far from one, first when a slot frees, then backs off", () => {
    const look = (secondsSinceProgress: number, refused: boolean, secondsToDeadline: number) =>
      nextDrainLook({ secondsSinceProgress, refused, podStartSeconds: 10, secondsToDeadline });
    expect(look(8, true, 60)).toBe(2);
    expect(look(8, false, 60)).toBe(2);
    expect(look(120, true, 3_600)).toBe(15);
    expect(look(0, true, 3_600)).toBe(11);
  });
});

describe("drain", () => {
  it("cordons and evicts everything on the first pass, and reports PDB refusals", async () => {
    const world = fakeWorld({
      nodes: new Map([["prod-eu", [node(NODE, A)]]]),
      pods: [
        pod("default", "web-1", NODE),
        pod("default", "web-2", NODE),
        pod("kube-system", "exporter", NODE, { ownerKind: "DaemonSet" }),
      ],
      now: new Date("2026-01-01T00:00:02Z"),
    });
    world.evictions.set("default/web-2", {
      outcome: "blocked",
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
    });
    const deps = fakeDeps(world);
    const progress = await drainForEvent(deps, { request: request(), run: RUN, target: target() });
    expect(world.calls.filter((c) => c.startsWith("kube:cordon") || c.startsWith("kube:evict"))).toEqual([
      `kube:cordon ${NODE}`,
      "kube:evict default/web-1",
      "kube:evict default/web-2",
    ]);
    expect(progress).toMatchObject({
      done: false,
      failed: false,
      evicted: 1,
      refusedByPdb: 1,
      remainingPods: 2,
      retryInSeconds: 2,
    });
    expect(progress.cordonedAt).toBe("2026-01-01T00:00:02.000Z");
  });

  it("only watches a node its holder is draining: no cordon, no eviction", async () => {
    const world = fakeWorld({ nodes: new Map([["prod-eu", [node(NODE, A)]]]), pods: [pod("default", "web-1", NODE)] });
    const progress = await drainForEvent(fakeDeps(world), {
      request: request(),
      run: RUN,
      target: target({ holder: rollHolder({ draining: true }) }),
    });
    expect(world.calls.filter((c) => c.startsWith("kube:cordon") || c.startsWith("kube:evict"))).toEqual([]);
    expect(progress).toMatchObject({ done: false, remainingPods: 1 });
  });

  it("fails, naming the budget, when pods are still there at a hard deadline", async () => {
    const world = fakeWorld({
      nodes: new Map([["prod-eu", [node(NODE, A, { unschedulable: true })]]]),
      pods: [pod("default", "web-2", NODE)],
      now: new Date("2026-01-01T00:02:00Z"),
    });
    world.evictions.set("default/web-2", { outcome: "blocked", message: "PDB default/web allows 0 disruptions" });
    const state: ReactionState = {
      request: request(),
      run: RUN,
      target: target(),
      reaction: {
        done: false,
        failed: false,
        phase: "draining",
        attempts: 5,
        retryInSeconds: 2,
        evicted: 1,
        refusedByPdb: 4,
        drainDeadline: "2026-01-01T00:02:00.000Z",
      },
    };
    const progress = await drainForEvent(fakeDeps(world), state);
    expect(progress.failed).toBe(true);
    expect(progress.reason).toMatch(
      /could not drain .* before the event's deadline .*PDB default\/web allows 0 disruptions/,
    );
  });
});

describe("drain and complete a terminate lifecycle action", () => {
  function lifecycleState(): ReactionState {
    return {
      request: request({ action: "drain-and-complete-lifecycle", deadline: null, lifecycle: terminateLifecycle }),
      run: RUN,
      target: target({ action: "drain-and-complete-lifecycle" }),
    };
  }

  it("records a heartbeat once the last one is 10 s old, and completes with CONTINUE when drained", async () => {
    const world = fakeWorld({ nodes: new Map([["prod-eu", [node(NODE, A)]]]), pods: [pod("default", "web-1", NODE)] });
    const deps = fakeDeps(world);
    const state = lifecycleState();
    world.now = new Date(Date.parse("2026-01-01T00:00:00Z") + (HEARTBEAT_EVERY_SECONDS - 1) * 1000);
    state.reaction = await drainAndCompleteLifecycle(deps, state);
    expect(world.calls.filter((c) => c.startsWith("autoscaling:heartbeat"))).toEqual([]);
    expect(state.reaction).toMatchObject({ done: false, heartbeats: 0 });

    world.pods = [];
    world.now = new Date("2026-01-01T00:00:12Z");
    state.reaction = await drainAndCompleteLifecycle(deps, state);
    expect(world.calls.filter((c) => c.startsWith("autoscaling:"))).toEqual([
      `autoscaling:heartbeat ${A}`,
      `autoscaling:complete ${A} CONTINUE`,
    ]);
    expect(state.reaction).toMatchObject({ done: true, heartbeats: 1, lifecycleCompleted: "CONTINUE" });
  });

  it("stops when the action is no longer active, instead of draining for an instance already gone", async () => {
    const world = fakeWorld({
      nodes: new Map([["prod-eu", [node(NODE, A)]]]),
      pods: [pod("default", "web-1", NODE)],
      lifecycleActive: false,
    });
    world.now = new Date("2026-01-01T00:01:00Z");
    const progress = await drainAndCompleteLifecycle(fakeDeps(world), lifecycleState());
    expect(progress).toMatchObject({ done: true, lifecycleCompleted: "not-found" });
    expect(world.calls.some((c) => c.startsWith("kube:evict"))).toBe(false);
  });
});

describe("holders", () => {
  it("finds the running roll whose current batch holds the instance, and what it has done to it", async () => {
    const state = new MemoryState();
    const world = fakeWorld({ executions: new Map([["arn:aws:states:us-east-1:1:execution:roll:r-1", "RUNNING"]]) });
    await state.putLockIfAbsent({
      cluster: "prod-eu",
      owner: "arn:aws:states:us-east-1:1:execution:roll:r-1",
      operation: "roll-node-group workers",
      acquiredAt: "x",
    });
    await state.putRun({
      runId: "r-1",
      cluster: "prod-eu",
      nodeGroup: "workers",
      workflow: "roll-node-group",
      status: "running",
      startedAt: "x",
      updatedAt: "x",
      data: { batchesStarted: 2 },
    });
    const batch: StoredBatch = {
      index: 1,
      victims: [{ instanceId: A, availabilityZone: "us-east-1a", nodeName: NODE, reasons: [] }],
      byZone: {},
      cordoned: [NODE],
      terminated: [A],
      startedAt: "x",
    };
    await state.putItem("r-1", batchKey(1), batch);
    const deps = fakeDeps(world, state);
    expect(await findInstanceHolder(deps, "prod-eu", A, RUN.executionId)).toMatchObject({
      kind: "roll",
      runId: "r-1",
      draining: true,
      terminated: true,
    });
    expect(await findInstanceHolder(deps, "prod-eu", "i-0bbbbbbbbbbbbbbbb", RUN.executionId)).toBeNull();
    world.executions.set("arn:aws:states:us-east-1:1:execution:roll:r-1", "FAILED");
    expect(await findInstanceHolder(deps, "prod-eu", A, RUN.executionId)).toBeNull();
  });

  it("finds the child roll of a running upgrade whose batch holds the instance", async () => {
    const upgrade = "arn:aws:states:us-east-1:1:execution:upgrade:u-1";
    const state = new MemoryState();
    const world = fakeWorld({ executions: new Map([[upgrade, "RUNNING"]]) });
    await state.putLockIfAbsent({
      cluster: "prod-eu",
      owner: upgrade,
      operation: "upgrade-cluster to 1.33",
      acquiredAt: "x",
    });
    const child = (runId: string, parentExecutionId: string, victim: string) => ({
      run: {
        runId,
        cluster: "prod-eu",
        nodeGroup: "workers",
        workflow: "roll-node-group",
        status: "running" as const,
        startedAt: "x",
        updatedAt: "x",
        data: { batchesStarted: 1, parentExecutionId },
      },
      batch: {
        index: 0,
        victims: [{ instanceId: victim, availabilityZone: "us-east-1a", nodeName: NODE, reasons: [] }],
        byZone: {},
        cordoned: [],
        terminated: [],
        startedAt: "x",
      } satisfies StoredBatch,
    });
    // A roll under another (dead) upgrade holds nothing; the one under the lock's owner does.
    for (const { run, batch } of [child("u-0-workers", "arn:old", A), child("u-1-workers-1-33", upgrade, A)]) {
      await state.putRun(run);
      await state.putItem(run.runId, batchKey(0), batch);
    }
    const deps = fakeDeps(world, state);
    expect(await findInstanceHolder(deps, "prod-eu", A, RUN.executionId)).toMatchObject({
      kind: "roll",
      runId: "u-1-workers-1-33",
      executionId: upgrade,
      draining: false,
    });
    expect(await findInstanceHolder(deps, "prod-eu", "i-0bbbbbbbbbbbbbbbb", RUN.executionId)).toBeNull();
  });

  it("recognises a running replacement of the same instance by its lock", async () => {
    const state = new MemoryState();
    await state.putLockIfAbsent({
      cluster: "prod-eu",
      owner: "arn:x:execution:react:other",
      operation: replacementOperation(A),
      acquiredAt: "x",
    });
    const deps = fakeDeps(fakeWorld({ executions: new Map([["arn:x:execution:react:other", "RUNNING"]]) }), state);
    expect(await findInstanceHolder(deps, "prod-eu", A, RUN.executionId)).toMatchObject({
      kind: "replacement",
      runId: "other",
      draining: true,
    });
  });
});

describe("finish and cleanup", () => {
  it("completes a terminate hook the failed reaction left open, and records the failure", async () => {
    const world = fakeWorld();
    const deps = fakeDeps(world);
    const summary = await finishReaction(deps, {
      request: request({ action: "drain-and-complete-lifecycle", lifecycle: terminateLifecycle }),
      run: RUN,
      target: target({ action: "drain-and-complete-lifecycle" }),
      error: { Error: "TerminalError", Cause: JSON.stringify({ errorMessage: "listing pods: 500" }) },
    });
    expect(summary).toMatchObject({
      outcome: "failed",
      reason: "TerminalError: listing pods: 500",
      lifecycleCompleted: "CONTINUE",
    });
    expect(world.calls).toContain(`autoscaling:complete ${A} CONTINUE`);
  });

  it("touches nothing for a request that never validated", async () => {
    const world = fakeWorld();
    const summary = await finishReaction(fakeDeps(world), {
      request: { eventId: "e-1" } as unknown as ReactionRequest,
      run: RUN,
      error: { Error: "InvalidInputError", Cause: "reaction request: cluster: expected string" },
    });
    expect(summary.outcome).toBe("failed");
    expect(world.calls).toEqual([]);
  });

  it("deletes the node a terminated instance left behind, but never the node of a running one", async () => {
    const world = fakeWorld({
      instances: [instance(A, { state: "terminated", privateDnsName: "" })],
      nodes: new Map([["prod-eu", [node(NODE, A)]]]),
    });
    const state: ReactionState = {
      request: request({ action: "cleanup" }),
      run: RUN,
      target: target({ action: "cleanup" }),
    };
    expect((await cleanUpAfterInstance(fakeDeps(world), state)).reason).toContain(`deleted node ${NODE}`);
    world.instances = [instance(A, { state: "running" })];
    world.nodes.set("prod-eu", [node(NODE, A)]);
    expect((await cleanUpAfterInstance(fakeDeps(world), state)).reason).toContain("is running again");
    expect(world.nodes.get("prod-eu")).toHaveLength(1);
  });
});

describe("a replacement waiting for the cluster lock", () => {
  it("gives up with ClusterLockedError past its wait, and the way out leaves the holder's lock alone", async () => {
    const roll = "arn:aws:states:us-east-1:1:execution:roll:r-1";
    const world = fakeWorld({ executions: new Map([[roll, "RUNNING"]]) });
    const deps = fakeDeps(world);
    await deps.state.putLockIfAbsent({
      cluster: "prod-eu",
      owner: roll,
      operation: "roll-node-group workers",
      acquiredAt: "2026-01-01T00:00:00Z",
    });
    const state: ReactionState = {
      request: request({ action: "replace", deadline: null }),
      run: RUN,
      target: target({ action: "replace" }),
    };
    // The first pass waits; a pass after lockWaitSeconds gives up.
    const waiting = await replaceInstance(deps, state);
    expect(waiting).toMatchObject({ phase: "waiting-for-lock", done: false, failed: false });
    world.now = new Date(world.now.getTime() + (DEFAULT_REACTION_TIMING.lockWaitSeconds + 1) * 1000);
    const gaveUp = replaceInstance(deps, { ...state, reaction: waiting });
    await expect(gaveUp).rejects.toBeInstanceOf(ClusterLockedError);
    await expect(gaveUp).rejects.toThrow(/gave up waiting 1800 s for the cluster lock: .*locked by execution .*r-1/);

    const summary = await finishReaction(deps, {
      ...state,
      reaction: waiting,
      error: { Error: "ClusterLockedError", Cause: JSON.stringify({ errorMessage: "gave up waiting" }) },
    });
    expect(summary).toMatchObject({ outcome: "failed", reason: "ClusterLockedError: gave up waiting" });
    expect((await deps.state.getLock("prod-eu"))?.owner).toBe(roll);
  });
});
