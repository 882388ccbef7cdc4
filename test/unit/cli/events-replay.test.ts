import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { demoSpotInterruption } from "../../../src/cli/commands/events-demo";
import { aimEvent, eventsReplayCommand } from "../../../src/cli/commands/events-replay";
import { type CliIO, UsageError } from "../../../src/cli/io";
import { Sandbox } from "../../../src/sandbox/sandbox";
import { loadScenario } from "../../../src/sandbox/scenario/load";
import { AWS_EVENT_FIXTURES_DIR, loadAwsEventFixture } from "../core/events/aws-event-fixtures";

function capturingIO(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, interactive: false, stdout: (line) => out.push(line), stderr: (line) => err.push(line) };
}

const fixture = (name: string) => `${AWS_EVENT_FIXTURES_DIR}${name}`;
const target = {
  nodeName: "ip-10-0-0-10.ec2.internal",
  instanceId: "i-0aaaaaaaaaaaaaaaa",
  groupName: "demo-workers",
  nowIso: "2026-01-01T00:00:00.000Z",
  region: "us-east-1",
};

describe("aiming an event at a sandbox node", () => {
  it("replaces every instance id, the time and the region of a published Spot warning", () => {
    const aimed = JSON.parse(aimEvent(loadAwsEventFixture("ec2-spot-interruption-warning.nth.json"), target));
    expect(aimed.detail["instance-id"]).toBe(target.instanceId);
    expect(aimed.resources[0]).toContain(target.instanceId);
    expect(JSON.stringify(aimed)).not.toContain("i-0b662ef9931388ba0");
    expect(aimed.time).toBe(target.nowIso);
    expect(aimed.region).toBe("us-east-1");
  });

  it("fills the NTH template and points a lifecycle action at the node's group", () => {
    const raw = `${loadAwsEventFixture("asg-instance-terminate-lifecycle-action.nth.json")}`;
    const aimed = JSON.parse(aimEvent(raw, target));
    expect(aimed.detail.EC2InstanceId).toBe(target.instanceId);
    expect(aimed.detail.AutoScalingGroupName).toBe("demo-workers");
    // The NTH e2e heredoc as published, shell expressions and all.
    const heredoc = readFileSync(fixture("ec2-instance-state-change-stopping.nth-e2e.json.tmpl"), "utf8");
    const template = JSON.parse(aimEvent(heredoc, target));
    expect(template.detail["instance-id"]).toBe(target.instanceId);
    expect(template.time).toBe(target.nowIso);
  });
});

describe("tug events replay", () => {
  it("drains the target node once for a Spot warning delivered three times, ending with the JSON line", async () => {
    const io = capturingIO();
    const code = await eventsReplayCommand(
      ["--sandbox", "small", fixture("ec2-spot-interruption-warning.json"), "--times", "3", "--json"],
      io,
    );
    expect(code, io.out.join("\n")).toBe(0);
    const result = JSON.parse(io.out.at(-1)!);
    expect(result.deliveries.map((d: { outcome: string }) => d.outcome)).toEqual(["handled", "duplicate", "duplicate"]);
    expect(result.reactions).toBe(1);
    expect(result.deliveries[0].reactions[0]).toMatchObject({
      action: "drain",
      status: "SUCCEEDED",
      outcome: "succeeded",
    });
    expect(result.deliveries[0].reactions[0].cordonedAfterSeconds).toBeLessThanOrEqual(5);
    expect(result.pdbViolations).toBe(0);
    expect(io.err.join("\n")).toContain(
      `replaying ${fixture("ec2-spot-interruption-warning.json")} against node ${result.node}`,
    );
  });

  it("completes a terminate hook replayed for a named node, saying the action was no longer active", async () => {
    const io = capturingIO();
    const code = await eventsReplayCommand(
      [
        "--sandbox",
        "small",
        fixture("asg-instance-terminate-lifecycle-action.json"),
        "--node",
        "ip-10-0-16-10.ec2.internal",
        "--json",
      ],
      io,
    );
    expect(code, io.out.join("\n")).toBe(0);
    const result = JSON.parse(io.out.at(-1)!);
    expect(result.node).toBe("ip-10-0-16-10.ec2.internal");
    expect(result.deliveries[0].reactions[0].action).toBe("drain-and-complete-lifecycle");
    expect(result.deliveries[0].reactions[0].lifecycleCompleted).toBe("not-found");
  });

  it("refuses usage errors and unreadable events, saying why", async () => {
    await expect(eventsReplayCommand([fixture("ec2-spot-interruption-warning.json")], capturingIO())).rejects.toThrow(
      /--sandbox <scenario>/,
    );
    await expect(eventsReplayCommand(["--sandbox", "small"], capturingIO())).rejects.toBeInstanceOf(UsageError);
    await expect(
      eventsReplayCommand(
        ["--sandbox", "small", fixture("ec2-spot-interruption-warning.json"), "--node", "nope"],
        capturingIO(),
      ),
    ).rejects.toThrow(/--node nope: no such node/);
    const io = capturingIO();
    expect(
      await eventsReplayCommand(["--sandbox", "small", fixture("asg-lifecycle-hook-notification.sqs-sns.txt")], io),
    ).toBe(1);
    expect(io.err.join("\n")).toMatch(/is not JSON/);
  });
});

describe("the demo's Spot interruption", () => {
  it("drains the busiest node in time on the small scenario, and reports it", async () => {
    const sandbox = await Sandbox.start(loadScenario("small"));
    try {
      const io = capturingIO();
      const result = await demoSpotInterruption(sandbox, io);
      expect(result.ok, io.out.join("\n")).toBe(true);
      expect(result.cordonedAfterSeconds).toBeLessThanOrEqual(5);
      expect(result.drainedAfterSeconds).toBeLessThan(120);
      expect(result.podsEvicted).toBeGreaterThan(0);
      expect(io.out.join("\n")).toContain("drained in time");
    } finally {
      await sandbox.close();
    }
  });
});
