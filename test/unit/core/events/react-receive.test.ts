import { describe, expect, it } from "vitest";
import { RetryableError } from "../../../../src/core/errors";
import { IdentityLookup } from "../../../../src/core/events/react/identity";
import { type ReceiveContext, receiveEvent } from "../../../../src/core/events/react/receive";
import { reactionExecutionName } from "../../../../src/core/events/react/request";
import {
  type FakeWorld,
  fakeDeps,
  fakeWorld,
  group,
  instance,
  MemoryLedger,
  node,
  RecordingStarter,
} from "./react-fakes";

const A = "i-0aaaaaaaaaaaaaaaa";
const EVENT_ID = "6a7e3c1a-5b3f-4c9e-9f4e-1a2b3c4d5e6f";

function spot(instanceId = A, id = EVENT_ID): string {
  return JSON.stringify({
    version: "0",
    id,
    "detail-type": "EC2 Spot Instance Interruption Warning",
    source: "aws.ec2",
    account: "123456789012",
    time: "2026-01-01T00:00:00Z",
    region: "us-east-1",
    resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${instanceId}`],
    detail: { "instance-id": instanceId, "instance-action": "terminate" },
  });
}

function terminateHook(instanceId: string, groupName: string): string {
  return JSON.stringify({
    version: "0",
    id: "7b8e3c1a-5b3f-4c9e-9f4e-1a2b3c4d5e6f",
    "detail-type": "EC2 Instance-terminate Lifecycle Action",
    source: "aws.autoscaling",
    account: "123456789012",
    time: "2026-01-01T00:00:00Z",
    region: "us-east-1",
    resources: [],
    detail: {
      LifecycleActionToken: "87654321-4321-4321-4321-210987654321",
      AutoScalingGroupName: groupName,
      LifecycleHookName: "drain",
      EC2InstanceId: instanceId,
      LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
    },
  });
}

function managedWorld(fields: Partial<FakeWorld> = {}): FakeWorld {
  return fakeWorld({
    instances: [
      instance(A, { tags: { "tugboat:cluster": "prod-eu", "aws:autoscaling:groupName": "prod-eu-workers" } }),
    ],
    nodes: new Map([["prod-eu", [node("ip-10-0-0-1.ec2.internal", A)]]]),
    now: new Date("2026-01-01T00:00:01Z"),
    ...fields,
  });
}

function context(world: FakeWorld, managedClusters: string[] = []) {
  const deps = fakeDeps(world);
  const ledger = new MemoryLedger();
  const starter = new RecordingStarter();
  const ctx = (): ReceiveContext => ({
    deps,
    ledger,
    starter,
    identity: new IdentityLookup(deps, { managedClusters }),
  });
  return { deps, ledger, starter, ctx };
}

describe("receiveEvent", () => {
  it("starts one reaction per managed instance, with the decision, the cluster and the node", async () => {
    const { starter, ledger, ctx } = context(managedWorld());
    const outcome = await receiveEvent(ctx(), spot());
    expect(outcome).toMatchObject({
      outcome: "handled",
      eventId: EVENT_ID,
      kind: "spot-interruption",
      action: "drain",
    });
    expect(starter.started).toHaveLength(1);
    const [{ name, request }] = starter.started as [(typeof starter.started)[number]];
    expect(name).toBe(reactionExecutionName(EVENT_ID, A));
    expect(request).toMatchObject({
      eventId: EVENT_ID,
      action: "drain",
      deadline: "2026-01-01T00:02:00Z",
      cluster: "prod-eu",
      instanceId: A,
      groupName: "prod-eu-workers",
      nodeName: "ip-10-0-0-1.ec2.internal",
      lifecycle: null,
    });
    expect(ledger.receipts.get(EVENT_ID)).toMatchObject({ status: "done", summary: `${A} started as ${name}` });
  });

  it("acknowledges a duplicate delivery without starting anything, even while the first is in progress", async () => {
    const { starter, ledger, ctx } = context(managedWorld());
    await receiveEvent(ctx(), spot());
    const again = await receiveEvent(ctx(), spot());
    expect(again).toMatchObject({ outcome: "duplicate", reason: expect.stringContaining("was already handled") });
    expect(starter.started).toHaveLength(1);
    ledger.receipts.set("other", { eventId: "other", status: "in-progress", claimedAt: "2026-01-01T00:00:00.500Z" });
    expect(await receiveEvent(ctx(), spot(A, "other"))).toMatchObject({
      outcome: "duplicate",
      reason: expect.stringContaining("being handled"),
    });
  });

  it("gives the claim back when starting fails, so the redelivery starts the reaction", async () => {
    const { starter, ledger, ctx } = context(managedWorld());
    starter.failNext = new RetryableError("StartExecution throttled");
    await expect(receiveEvent(ctx(), spot())).rejects.toThrow("throttled");
    expect(ledger.receipts.has(EVENT_ID)).toBe(false);
    expect(await receiveEvent(ctx(), spot())).toMatchObject({ outcome: "handled" });
    expect(starter.started).toHaveLength(1);
  });

  it("takes over a claim left in progress by an invocation that died", async () => {
    const { starter, ledger, ctx } = context(managedWorld({ now: new Date("2026-01-01T00:05:00Z") }));
    ledger.receipts.set(EVENT_ID, { eventId: EVENT_ID, status: "in-progress", claimedAt: "2026-01-01T00:00:01Z" });
    expect(await receiveEvent(ctx(), spot())).toMatchObject({ outcome: "handled" });
    expect(starter.started).toHaveLength(1);
  });

  it("claims nothing and starts nothing for an event it ignores", async () => {
    const { starter, ledger, ctx } = context(managedWorld());
    const pending = JSON.parse(spot()) as Record<string, unknown>;
    pending["detail-type"] = "EC2 Instance State-change Notification";
    pending.detail = { "instance-id": A, state: "pending" };
    expect(await receiveEvent(ctx(), JSON.stringify(pending))).toMatchObject({ outcome: "ignored", action: "ignore" });
    expect(ledger.receipts.size).toBe(0);
    expect(starter.started).toEqual([]);
  });

  it("acknowledges text that is not an event, saying what it is", async () => {
    const { ctx } = context(managedWorld());
    expect(await receiveEvent(ctx(), "not json")).toMatchObject({
      outcome: "unreadable",
      reason: expect.stringContaining("not JSON"),
    });
    expect(await receiveEvent(ctx(), "[1]")).toMatchObject({
      outcome: "unreadable",
      reason: expect.stringContaining("not an EventBridge event"),
    });
  });

  it("acknowledges and ignores instances of clusters it does not manage, remembering the event", async () => {
    const { starter, ledger, ctx } = context(managedWorld(), ["prod-us"]);
    const outcome = await receiveEvent(ctx(), spot());
    expect(outcome).toMatchObject({ outcome: "ignored", reason: expect.stringContaining("does not manage") });
    expect(starter.started).toEqual([]);
    expect(ledger.receipts.get(EVENT_ID)?.status).toBe("done");
    expect(await receiveEvent(ctx(), spot())).toMatchObject({ outcome: "duplicate" });
  });

  it("never completes the lifecycle hook of a group it does not manage", async () => {
    const world = managedWorld({ groups: [group("someone-elses", { tags: {} })], instances: [] });
    const { starter, ctx } = context(world);
    const outcome = await receiveEvent(ctx(), terminateHook("i-0cccccccccccccccc", "someone-elses"));
    expect(outcome).toMatchObject({ outcome: "ignored" });
    expect(starter.started).toEqual([]);
    expect(world.calls.filter((c) => c.startsWith("autoscaling:complete"))).toEqual([]);
  });

  it("passes the lifecycle action on for a managed group, found by the group's tag", async () => {
    const world = managedWorld({ groups: [group("prod-eu-workers", { tags: { "tugboat:cluster": "prod-eu" } })] });
    world.instances = [instance(A, { tags: { "aws:autoscaling:groupName": "prod-eu-workers" } })];
    const { starter, ctx } = context(world);
    await receiveEvent(ctx(), terminateHook(A, "prod-eu-workers"));
    expect(starter.started[0]?.request).toMatchObject({
      action: "drain-and-complete-lifecycle",
      cluster: "prod-eu",
      lifecycle: { groupName: "prod-eu-workers", hookName: "drain", instanceId: A, result: "CONTINUE" },
    });
  });

  it("starts the reaction without a node name when the cluster's API cannot be reached", async () => {
    const { starter, deps, ctx } = context(managedWorld({ kubeDown: new Error("connect ECONNREFUSED") }));
    const outcome = await receiveEvent(ctx(), spot());
    expect(outcome).toMatchObject({ outcome: "handled" });
    expect(starter.started[0]?.request.nodeName).toBeNull();
    expect(deps.logs.some((l) => l.startsWith("warn node lookup failed"))).toBe(true);
  });
});

describe("reactionExecutionName", () => {
  it("is made of the characters Step Functions accepts, at most 80 of them, and keeps the instance id whole", () => {
    const name = reactionExecutionName(`arn:aws:health:region::event/${"x".repeat(100)}`, A);
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(name.endsWith(`-${A}`)).toBe(true);
    expect(reactionExecutionName(EVENT_ID, A)).toBe(`${EVENT_ID}-${A}`);
  });
});
