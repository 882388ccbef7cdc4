/**
 * The sandbox samples its timings per entity: instances launched together boot in different times,
 * spread as the scenario's distribution says, and the same seed gives the same boots. The SDK's
 * retry back-off is charged on the virtual clock, by the call meter's rule.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Sandbox } from "../../../../src/sandbox/sandbox";
import { parseScenario } from "../../../../src/sandbox/scenario/load";
import { PLAIN_TIMING } from "../../../support/plain-timing";

// biome-ignore lint/suspicious/noExplicitAny: scenario input as a file spells it.
function scenario(overrides: { timing?: any; faults?: any[]; seed?: number } = {}) {
  return parseScenario(
    {
      seed: overrides.seed ?? 21,
      timing: overrides.timing ?? { instanceBootSeconds: { min: 60, max: 120 } },
      cluster: {
        name: "demo",
        kind: "eks",
        version: "1.30",
        nodeGroups: [
          { name: "workers", kind: "self-managed-asg", zones: { "us-east-1a": 1, "us-east-1b": 1 }, maxSize: 42 },
        ],
      },
      faults: overrides.faults ?? [],
    },
    "sampled.json",
  );
}

const open: Sandbox[] = [];
afterEach(async () => {
  for (const sandbox of open.splice(0)) await sandbox.close();
});

/** Launches 40 instances at once and returns each one's boot (pending → running) as EC2's events report it. */
async function observedBoots(seed: number): Promise<Map<string, number>> {
  const sandbox = await Sandbox.start(scenario({ seed }));
  open.push(sandbox);
  const [group] = await sandbox.deps.autoScaling.findGroupsByTags({ "tugboat:nodegroup": "workers" });
  expect(group, "the scenario's group").toBeDefined();
  await sandbox.deps.autoScaling.updateSizes(group?.name ?? "", { desiredCapacity: 42 });
  sandbox.clock.advanceBy(300);
  const pendingAt = new Map<string, number>();
  const boots = new Map<string, number>();
  for (const event of sandbox.region.events()) {
    if (event["detail-type"] !== "EC2 Instance State-change Notification") continue;
    const id = event.detail["instance-id"] as string;
    if (event.detail.state === "pending") pendingAt.set(id, Date.parse(event.time));
    if (event.detail.state === "running" && pendingAt.has(id)) {
      boots.set(id, (Date.parse(event.time) - (pendingAt.get(id) as number)) / 1000);
    }
  }
  // What the simulator recorded is what the world saw.
  for (const sample of sandbox.timing.records.all().filter((s) => s.purpose === "instance-boot")) {
    expect(Math.abs((boots.get(sample.entity) as number) - sample.seconds)).toBeLessThanOrEqual(1);
  }
  return boots;
}

describe("sampled timings in the sandbox", () => {
  it("boots each launched instance in its own time, within the scenario's distribution", async () => {
    const boots = [...(await observedBoots(21)).values()];
    expect(boots).toHaveLength(40);
    expect(new Set(boots.map(Math.round)).size).toBeGreaterThan(20);
    expect(Math.min(...boots)).toBeGreaterThanOrEqual(59);
    expect(Math.max(...boots)).toBeLessThanOrEqual(121);
    expect(Math.max(...boots) - Math.min(...boots)).toBeGreaterThan(40);
    const mean = boots.reduce((a, b) => a + b, 0) / boots.length;
    expect(mean).toBeGreaterThan(80);
    expect(mean).toBeLessThan(100);
  });

  it("boots the same instances in the same times for the same seed", async () => {
    expect([...(await observedBoots(21)).entries()]).toEqual([...(await observedBoots(21)).entries()]);
  });

  it("charges the SDK's retry back-off of a throttled call on the virtual clock", async () => {
    const sandbox = await Sandbox.start(
      scenario({ timing: PLAIN_TIMING, faults: [{ kind: "throttle", rate: 0.6, service: "autoscaling" }] }),
    );
    open.push(sandbox);
    const attemptsBefore = sandbox.region.apiCalls().total;
    const charge = sandbox.startCharge();
    for (let i = 0; i < 10; i++) {
      await sandbox.deps.autoScaling.findGroupsByTags({ "tugboat:nodegroup": "workers" }).catch(() => undefined);
    }
    const attempts = sandbox.region.apiCalls().total - attemptsBefore;
    const backoff = sandbox.timing.records.callTotals()["aws-backoff"];
    expect(attempts).toBeGreaterThan(10);
    expect(backoff.count).toBeGreaterThan(0);
    // Sequential calls weigh 1: each attempt's round trip plus every back-off wait.
    expect(charge()).toBeCloseTo(attempts * PLAIN_TIMING.awsCallSeconds + backoff.seconds, 6);
    expect(backoff.seconds).toBeGreaterThan(0.1);
  });
});
