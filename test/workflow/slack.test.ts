/**
 * Slack end to end in the sandbox, through `tug slack replay`'s driver: the real Slack function, the real
 * approval step inside the real roll and upgrade workflows, the progress updater and the Web API
 * stand-in, every AWS call authorized against the stack's policies.
 */
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { describe, expect, it } from "vitest";
import { parseRequests } from "../../src/cli/commands/slack";
import { Sandbox } from "../../src/sandbox/sandbox";
import { loadScenario } from "../../src/sandbox/scenario/load";
import type { Scenario } from "../../src/sandbox/scenario/schema";
import { type ReplayJson, replaySlack } from "../../src/sandbox/slack/replay";
import { SandboxSlack } from "../../src/sandbox/slack/sandbox-slack";
import { cordonedLiveNodes, scenarioWith } from "./helpers";

async function replay(
  scenario: Scenario,
  requests: unknown[],
  inspect: (sandbox: Sandbox, slack: SandboxSlack) => Promise<void>,
  before?: (sandbox: Sandbox) => Promise<void>,
) {
  const sandbox = await Sandbox.start(scenario);
  const slack = await SandboxSlack.attach(sandbox, scenario.slack!);
  try {
    await before?.(sandbox);
    const json: ReplayJson = await replaySlack(slack, parseRequests(JSON.stringify(requests), "test"));
    await inspect(sandbox, slack);
    return json;
  } finally {
    await slack.close();
    await sandbox.close();
  }
}

const text = (body: string) => (JSON.parse(body) as { text: string }).text;

describe("Slack in the sandbox", () => {
  it("/tug upgrade waits at the approval: the requester's click is refused, another approver's resumes it, a second click does nothing, and the run succeeds", async () => {
    let approvalMessage: { text: string; updates: unknown[] } | undefined;
    let progressBlocks: unknown;
    const json = await replay(
      loadScenario("slack"),
      [
        { at: 0, command: "/tug upgrade prod-eu 1.31", user: "U1", channel: "C1" },
        { at: 5, command: "/tug upgrade prod-eu 1.31", user: "U1", channel: "C1", retryNum: 1 },
        { at: 60, click: "approve", user: "U1" },
        { at: 90, click: "approve", user: "U2" },
        { at: 95, click: "approve", user: "U2" },
      ],
      async (sandbox, slack) => {
        // Nothing changed while the run waited: the first control-plane update came after the approval.
        const version = await sandbox.deps.eks.describeCluster("prod-eu");
        expect(version?.version).toBe("1.31");
        expect(await sandbox.deps.state.getLock("prod-eu")).toBeUndefined();
        approvalMessage = slack.standIn.messages.find((m) => m.threadTs);
        progressBlocks = slack.standIn.messages[0]?.blocks;
      },
    );
    expect(json.executions).toHaveLength(1);
    const run = json.executions[0]!;
    expect(run).toMatchObject({ workflow: "upgrade-cluster", outcome: "succeeded" });
    expect(text(json.responses[0]!.body)).toContain(`Accepted: run ${run.name}`);
    expect(text(json.responses[1]!.body)).toContain(`Already accepted: run ${run.name}`);
    expect(text(json.responses[2]!.body)).toBe("You asked for this run: someone else must approve it.");
    expect(text(json.responses[3]!.body)).toContain("Approved");
    expect(text(json.responses[4]!.body)).toBe("This approval is already approved (by U2).");
    // One progress message, updated in place, ending with the summary and a link to the execution.
    const progress = json.messages[0]!;
    expect(progress.updates).toBeGreaterThan(2);
    expect(progress.text).toContain("upgrade prod-eu to 1.31: succeeded");
    expect(JSON.stringify(progressBlocks)).toContain(`execution ${run.name}`);
    expect(json.messages.filter((m) => !m.threadTs)).toHaveLength(1);
    // The approval asked in the thread lost its buttons and says who approved.
    expect(approvalMessage?.text).toContain("approved by <@U2>");
    expect(approvalMessage?.updates).toHaveLength(1);
  });

  it("a rejected approval and an expired one each end the run without a change and with the lock released", async () => {
    const json = await replay(
      loadScenario("slack"),
      [
        { at: 0, command: "/tug upgrade prod-eu 1.31", user: "U1", channel: "C1" },
        { at: 60, click: "reject", user: "U2" },
        { at: 120, command: "/tug upgrade prod-eu 1.31", user: "U1", channel: "C1" },
        { at: 300, command: "/tug status prod-eu", user: "U2", channel: "C1" },
        { at: 4000, click: "approve", user: "U2" },
      ],
      async (sandbox, slack) => {
        expect(await sandbox.deps.state.getLock("prod-eu")).toBeUndefined();
        expect((await sandbox.deps.eks.describeCluster("prod-eu"))?.version).toBe("1.30");
        const calls = sandbox.region.apiCalls().byCommand;
        for (const change of [
          "eks:UpdateClusterVersion",
          "eks:UpdateAddon",
          "eks:UpdateNodegroupVersion",
          "autoscaling:UpdateAutoScalingGroup",
          "autoscaling:TerminateInstanceInAutoScalingGroup",
        ]) {
          expect(calls[change] ?? 0, change).toBe(0);
        }
        const decided = slack.standIn.messages.filter((m) => m.threadTs).map((m) => m.text);
        expect(decided[0]).toContain("rejected by <@U2>");
        expect(decided[1]).toContain("expired");
      },
    );
    expect(json.executions.map((e) => e.outcome)).toEqual(["refused", "refused"]);
    expect(json.executions[0]!.reason).toBe("ApprovalRejected: rejected by U2");
    expect(json.executions[1]!.reason).toBe("ApprovalExpired: nobody approved within 3600 s; nothing was changed");
    expect(text(json.responses[1]!.body)).toContain("Rejected");
    expect(text(json.responses[3]!.body)).toContain("upgrade-cluster to 1.31 running");
    expect(text(json.responses[4]!.body)).toContain("Too late");
    const summaries = json.messages.filter((m) => !m.threadTs).map((m) => m.text);
    expect(summaries).toHaveLength(2);
    for (const summary of summaries) expect(summary).toContain(": refused: ");
  });

  it("refuses bad signatures, stale timestamps, strangers and retries; /tug abort stops a roll before its next batch with capacity restored", async () => {
    const scenario = scenarioWith("small", (raw) => {
      raw.slack = {
        signingSecret: "8f742231b10e8888abcd99yyyzzz85a5",
        teamId: "T1",
        appId: "A1",
        policy: { demo: { channels: ["C1"], operators: ["U1"], approvers: ["U2"], approval: "none" } },
      };
    });
    const roll = { command: "/tug roll demo workers", channel: "C1" };
    type Group = { minSize: number; maxSize: number; desiredCapacity: number; suspendedProcesses: string[] };
    let groupAfter: Group | undefined;
    let groupBefore: Group | undefined;
    let asgName = "";
    const json = await replay(
      scenario,
      [
        { at: 0, ...roll, user: "U1", secret: "not-the-signing-secret" },
        { at: 1, ...roll, user: "U1", skewSeconds: -301 },
        { at: 2, ...roll, user: "U1", team: "T9" },
        { at: 3, ...roll, user: "U9" },
        { at: 4, ...roll, user: "U1", channel: "C9" },
        { at: 5, ...roll, user: "U1", app: "A9" },
        { at: 10, ...roll, user: "U1" },
        { at: 13, ...roll, user: "U1", retryNum: 1 },
        { at: 14, ...roll, user: "U1", retryNum: 2 },
        { at: 240, command: "/tug abort demo", user: "U1", channel: "C1" },
      ],
      async (sandbox) => {
        groupAfter = await sandbox.deps.autoScaling.describeGroup(asgName);
        expect(cordonedLiveNodes(sandbox)).toEqual([]);
        expect(await sandbox.deps.state.getLock("demo")).toBeUndefined();
      },
      async (sandbox) => {
        const groups = await sandbox.deps.clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({}));
        asgName = groups.AutoScalingGroups?.[0]?.AutoScalingGroupName ?? "";
        groupBefore = await sandbox.deps.autoScaling.describeGroup(asgName);
      },
    );
    expect(json.responses.slice(0, 2).map((r) => r.status)).toEqual([401, 401]);
    for (const r of json.responses.slice(2, 6)) expect(text(r.body)).toMatch(/^Not allowed: /);
    expect(text(json.responses[6]!.body)).toMatch(/^Accepted: run slack-roll-demo-/);
    expect(text(json.responses[7]!.body)).toMatch(/^Already accepted/);
    expect(text(json.responses[8]!.body)).toMatch(/^Already accepted/);
    expect(text(json.responses[9]!.body)).toMatch(/^Abort requested for slack-roll-demo-/);
    expect(json.executions).toHaveLength(1);
    const run = json.executions[0]!;
    expect(run.outcome).toBe("aborted");
    expect(run.reason).toContain("capacity restored");
    // Capacity restored: no process left suspended, min and max back where they were (9 nodes).
    expect(groupAfter?.suspendedProcesses).toEqual([]);
    expect(groupAfter?.minSize).toBe(groupBefore?.minSize);
    expect(groupAfter?.maxSize).toBe(Math.max(groupBefore!.maxSize, groupAfter!.desiredCapacity));
    // Stopped before the next batch: some outdated nodes were left as they were.
    expect(groupAfter!.desiredCapacity - groupBefore!.desiredCapacity).toBeLessThan(9);
    expect(json.messages[0]!.text).toContain("roll demo/workers: aborted");
  });
});
