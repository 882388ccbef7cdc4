/**
 * No oracle: Tugboat's plan and polls come from its own observations, never from the scenario. A roll
 * of the same cluster with other timings plans and polls the same way at first; a second roll of the
 * same cluster predicts from the first one's history, and better.
 */
import { CreateLaunchTemplateVersionCommand } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import type { RollState } from "../../src/core/roll/state";
import { loadPlan } from "../../src/core/steps/roll/plan";
import type { RunnerEvent } from "../../src/sandbox/runner/local-workflow";
import type { Sandbox } from "../../src/sandbox/sandbox";
import { rollInSandbox } from "../../src/sandbox/sandbox-roll";
import { loadScenario } from "../../src/sandbox/scenario/load";
import { scenarioWith } from "./helpers";

const request = { cluster: "demo", nodeGroup: "workers" };

/** The wait each tick asked for while the first replacements were on their way (before any cordon), in order. */
function readyWaitRecorder() {
  const waits: number[] = [];
  let cordoned = false;
  const onEvent = (event: RunnerEvent) => {
    if (event.kind !== "state-exited" || event.state !== "Advance roll") return;
    const output = event.output as { Payload?: RollState } & RollState;
    const tick = (output.Payload ?? output).pipeline;
    if (!tick || tick.finished || tick.aborted) return;
    cordoned ||= tick.draining > 0 || tick.remaining < 9;
    if (!cordoned) waits.push(tick.retryInSeconds);
  };
  return { waits, onEvent };
}

async function firstRoll(timing: Record<string, number>) {
  const scenario = scenarioWith("small", (raw) => {
    raw.timing = { ...raw.timing, ...timing };
  });
  const recorder = readyWaitRecorder();
  const { result, sandbox, run } = await rollInSandbox({
    scenario,
    request,
    keepOpen: true,
    run: { onEvent: recorder.onEvent },
  });
  try {
    expect(result.outcome, result.reason).toBe("succeeded");
    const plan = await loadPlan(sandbox.deps, run.executionArn.split(":").pop() as string);
    return { result, plan, waits: recorder.waits, input: run.output as RollState };
  } finally {
    await sandbox.close();
  }
}

/** A new launch template version for the group (same data, a new number): every node is outdated again. */
async function publishNewVersion(sandbox: Sandbox): Promise<void> {
  const group = (await sandbox.deps.autoScaling.findGroupsByTags({ "tugboat:nodegroup": "workers" }))[0];
  const template = group?.launchTemplate;
  if (!template) throw new Error("the workers group has no launch template");
  await sandbox.deps.clients.ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: template.id,
      SourceVersion: "$Latest",
      LaunchTemplateData: {},
      VersionDescription: "same image, new version: roll every node again",
    }),
  );
}

describe("estimates learned from Tugboat's own history", () => {
  it("plans and polls a first roll the same whatever the scenario's timings: none reaches Tugboat", async () => {
    const fast = await firstRoll({ instanceBootSeconds: 40, nodeReadySeconds: 15, podStartSeconds: 2 });
    const slow = await firstRoll({ instanceBootSeconds: 150, nodeReadySeconds: 60, podStartSeconds: 20 });
    // Nothing of the timing section in what the workflow was given.
    expect(JSON.stringify(fast.input.input)).not.toMatch(/Seconds":(40|15|2)\b/);
    expect(Object.keys(fast.input.input)).not.toContain("timing");
    // The same plan: batches, prediction and where it came from.
    expect(fast.plan?.batches).toEqual(slow.plan?.batches);
    expect(fast.plan?.predictedSeconds).toBe(slow.plan?.predictedSeconds);
    expect(fast.result.estimateSource).toBe("defaults");
    expect(slow.result.estimateSource).toBe("defaults");
    // The same poll schedule: the slower boot only makes it run longer along the same back-off.
    expect(slow.waits.length).toBeGreaterThan(fast.waits.length);
    expect(slow.waits.slice(0, fast.waits.length)).toEqual(fast.waits);
    // The world did differ: the slow roll took longer.
    expect(slow.result.makespanSeconds).toBeGreaterThan(fast.result.makespanSeconds);
  });

  it("predicts a second roll of the same group from the first one's history, closer than the first", async () => {
    const scenario = loadScenario("small");
    const first = await rollInSandbox({ scenario, request, keepOpen: true });
    const { sandbox } = first;
    try {
      expect(first.result.outcome, first.result.reason).toBe("succeeded");
      expect(first.result.estimateSource).toBe("defaults");
      const observations = await sandbox.deps.state.listObservations(request);
      expect(new Set(observations.map((o) => o.kind))).toEqual(
        new Set(["replacement-ready", "batch-drain", "batch", "pod-start"]),
      );
      // One observation per wave and kind: retries and repeated looks recorded nothing twice.
      const ids = observations.map((o) => o.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(observations.filter((o) => o.kind === "batch-drain")).toHaveLength(first.result.batches);
      // The whole pipeline, as the time per batch of `surge` nodes: one per run.
      expect(observations.filter((o) => o.kind === "batch")).toHaveLength(1);

      await publishNewVersion(sandbox);
      const second = await rollInSandbox({ scenario, request, sandbox });
      expect(second.result.outcome, second.result.reason).toBe("succeeded");
      expect(second.result.nodesReplaced).toBe(first.result.nodesReplaced);
      expect(second.result.estimateSource).toBe("history (1 runs)");
      const error = (r: typeof first.result) =>
        Math.abs(r.makespanSeconds - (r.predictedSeconds ?? 0)) / r.makespanSeconds;
      expect(error(second.result)).toBeLessThan(error(first.result));
      expect(error(second.result)).toBeLessThanOrEqual(0.15);
    } finally {
      await sandbox.close();
    }
  });

  it("writes a scenario's history into the store at start, so a first dry run plans from it", async () => {
    const scenario = scenarioWith("small", (raw) => {
      raw.history = {
        nodeGroups: {
          workers: [
            { kind: "batch", seconds: 150, runId: "earlier-1" },
            { kind: "batch", seconds: 160, runId: "earlier-2" },
            { kind: "replacement-ready", seconds: 95, runId: "earlier-2" },
          ],
        },
      };
    });
    const { result, sandbox } = await rollInSandbox({
      scenario,
      request: { ...request, dryRun: true },
      keepOpen: true,
    });
    try {
      expect(result.estimateSource).toBe("history (2 runs)");
      // Three batches of the observed median, whatever the scenario's timings say.
      expect(result.predictedSeconds).toBe(3 * 155);
      expect((await sandbox.deps.state.listObservations(request)).map((o) => o.runId)).toEqual([
        "earlier-1",
        "earlier-2",
        "earlier-2",
      ]);
    } finally {
      await sandbox.close();
    }
  });
});
