/**
 * Approvals outside Slack and the approval steps Slack could not reach before: `--approve` on roll,
 * upgrade and rebalance answered as `tug approve` answers (the operator policy, the same single-use
 * approval record, SendTaskSuccess/SendTaskFailure), the approval before each later control-plane step
 * of an upgrade, and `/tug rebalance` on a cluster whose policy requires approval. Approve, reject and
 * expiry each end in their named path; rejected and expired runs release the lock and change nothing.
 */
import { describe, expect, it } from "vitest";
import { runWithChatOpsEnvironment } from "../../functions/slack/lib/environment";
import { parseRequests } from "../../src/cli/commands/slack";
import { Sandbox } from "../../src/sandbox/sandbox";
import { rebalanceInSandbox } from "../../src/sandbox/sandbox-rebalance";
import { rollInSandbox } from "../../src/sandbox/sandbox-roll";
import { upgradeInSandbox } from "../../src/sandbox/sandbox-upgrade";
import { loadScenario } from "../../src/sandbox/scenario/load";
import type { Scenario } from "../../src/sandbox/scenario/schema";
import { parseScriptedAnswer, SandboxApprovals } from "../../src/sandbox/slack/cli-approvals";
import { type ReplayJson, replaySlack } from "../../src/sandbox/slack/replay";
import { SandboxSlack } from "../../src/sandbox/slack/sandbox-slack";
import { scenarioWith } from "./helpers";

/** Every call that changes a node group or a cluster: none may happen before an approval. */
const CHANGES = [
  "eks:UpdateClusterVersion",
  "eks:UpdateAddon",
  "eks:UpdateNodegroupVersion",
  "autoscaling:UpdateAutoScalingGroup",
  "autoscaling:SuspendProcesses",
  "autoscaling:TerminateInstanceInAutoScalingGroup",
];

function changesMade(sandbox: Sandbox): Record<string, number> {
  const calls = sandbox.region.apiCalls().byCommand;
  return Object.fromEntries(CHANGES.flatMap((c) => ((calls[c] ?? 0) > 0 ? [[c, calls[c] as number]] : [])));
}

async function withSandbox<T>(scenario: Scenario, fn: (sandbox: Sandbox) => Promise<T>): Promise<T> {
  const sandbox = await Sandbox.start(scenario);
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.close();
  }
}

const answers = (...texts: string[]) => texts.map((t) => parseScriptedAnswer(t));

describe("approvals from the CLI, in the sandbox", () => {
  it("tug roll --approve waits: the requester's own approval is refused, another's resumes the roll, which succeeds", async () => {
    const scenario = loadScenario("small");
    await withSandbox(scenario, async (sandbox) => {
      const approvals = new SandboxApprovals(sandbox, "demo", answers("approve:alice@30", "approve:bob@90"));
      let changesWhileWaiting: Record<string, number> | undefined;
      const { result } = await approvals.run(() =>
        rollInSandbox({
          scenario,
          sandbox,
          request: { cluster: "demo", nodeGroup: "workers", approval: { requestedBy: "cli:alice" } },
          run: {
            onEvent: (event) => {
              approvals.onEvent(event);
              if (event.kind === "state-exited" && event.state === "Wait for approval")
                changesWhileWaiting = changesMade(sandbox);
            },
          },
        }),
      );
      expect(approvals.given.map((g) => [g.by, g.ok, g.message])).toEqual([
        ["cli:alice", false, "You asked for this run: someone else must approve it."],
        ["cli:bob", true, expect.stringMatching(/^Approved: roll demo\/workers \(run roll-node-group-1\) goes on\.$/)],
      ]);
      expect(approvals.given[1]!.atSeconds).toBeGreaterThanOrEqual(90);
      // Nothing changed until the approval: the first change came after it.
      expect(changesWhileWaiting).toEqual({});
      expect(result.outcome).toBe("succeeded");
      expect(result.nodesReplaced).toBeGreaterThan(0);
      expect(result.nodesOutdatedAfter).toBe(0);
      expect(await sandbox.deps.state.getLock("demo")).toBeUndefined();
    });
  });

  it("a rejection from the CLI ends the roll in its named path: refused, lock released, nothing changed", async () => {
    const scenario = loadScenario("small");
    await withSandbox(scenario, async (sandbox) => {
      const approvals = new SandboxApprovals(sandbox, "demo", answers("reject:bob@45"));
      const { result, run } = await approvals.run(() =>
        rollInSandbox({
          scenario,
          sandbox,
          request: { cluster: "demo", nodeGroup: "workers", approval: { requestedBy: "cli:alice" } },
          run: { onEvent: approvals.onEvent },
        }),
      );
      expect(approvals.given[0]).toMatchObject({ ok: true, status: "rejected", by: "cli:bob" });
      expect(run.error).toBe("RollRefused");
      expect(result).toMatchObject({ outcome: "refused", reason: "ApprovalRejected: rejected by cli:bob" });
      expect(result.nodesReplaced).toBe(0);
      expect(changesMade(sandbox)).toEqual({});
      expect(await sandbox.deps.state.getLock("demo")).toBeUndefined();
    });
  });

  it("a rebalance asked with an approval that nobody gives expires: refused, lock released, no node moved", async () => {
    const scenario = loadScenario("rebalance");
    await withSandbox(scenario, async (sandbox) => {
      const approvals = new SandboxApprovals(sandbox, "orders", []);
      const { result } = await approvals.run(() =>
        rebalanceInSandbox({
          scenario,
          sandbox,
          request: { cluster: "orders", approval: { requestedBy: "cli:alice" } },
          run: { onEvent: approvals.onEvent },
        }),
      );
      expect(result.outcome).toBe("refused");
      expect(result.reason).toBe("ApprovalExpired: nobody approved within 3600 s; nothing was changed");
      expect(result.launched).toBe(0);
      expect(result.removed).toBe(0);
      expect(result.after).toEqual(result.before);
      expect(changesMade(sandbox)).toEqual({});
      expect(await sandbox.deps.state.getLock("orders")).toBeUndefined();
    });
  });

  it("an upgrade approved step by step: approved before the first change, rejected before the next control-plane step, it stops consistent with the lock released", async () => {
    const scenario = loadScenario("upgrade");
    await withSandbox(scenario, async (sandbox) => {
      const approvals = new SandboxApprovals(sandbox, "prod-eu", answers("approve:bob@20", "reject:carol@40"));
      const asked: string[] = [];
      const { result } = await approvals.run(() =>
        upgradeInSandbox({
          scenario,
          sandbox,
          request: {
            cluster: "prod-eu",
            toVersion: "1.32",
            approval: { requestedBy: "cli:alice", eachControlPlaneStep: true },
          },
          run: {
            onEvent: (event) => {
              approvals.onEvent(event);
              if (event.kind === "state-entered" && !event.execution && event.state.endsWith("approval"))
                asked.push(event.state);
            },
          },
        }),
      );
      // Asked once before the first change (it covers the 1.31 control-plane step), once before 1.32.
      expect(asked).toEqual(["Wait for approval", "Wait for control-plane approval"]);
      expect(approvals.given.map((g) => [g.by, g.status])).toEqual([
        ["cli:bob", "approved"],
        ["cli:carol", "rejected"],
      ]);
      expect(approvals.given[1]!.message).toContain("upgrade prod-eu: control plane to 1.32");
      expect(result.outcome).toBe("aborted");
      expect(result.reason).toMatch(
        /^ApprovalRejected: rejected by cli:carol; stopped before the control plane went to 1\.32, the cluster is consistent at 1\.31/,
      );
      expect(result.controlPlaneUpdates).toBe(1);
      expect((await sandbox.deps.eks.describeCluster("prod-eu"))?.version).toBe("1.31");
      expect(await sandbox.deps.state.getLock("prod-eu")).toBeUndefined();
    });
  });
});

describe("approvals before each control-plane step", () => {
  it("a later control-plane step nobody approves expires: the upgrade stops before it, consistent, lock released", async () => {
    const scenario = loadScenario("upgrade");
    await withSandbox(scenario, async (sandbox) => {
      const approvals = new SandboxApprovals(sandbox, "prod-eu", answers("approve:bob@20"));
      const { result } = await approvals.run(() =>
        upgradeInSandbox({
          scenario,
          sandbox,
          request: {
            cluster: "prod-eu",
            toVersion: "1.32",
            approval: { requestedBy: "cli:alice", eachControlPlaneStep: true },
          },
          run: { onEvent: approvals.onEvent },
        }),
      );
      expect(approvals.given.map((g) => g.status)).toEqual(["approved"]);
      expect(result.outcome).toBe("aborted");
      expect(result.reason).toMatch(
        /^ApprovalExpired: nobody approved the control-plane step within 3600 s; stopped before the control plane went to 1\.32/,
      );
      expect(result.controlPlaneUpdates).toBe(1);
      expect((await sandbox.deps.eks.describeCluster("prod-eu"))?.version).toBe("1.31");
      expect(await sandbox.deps.state.getLock("prod-eu")).toBeUndefined();
    });
  });
});

describe("approvals asked in Slack", () => {
  it("/tug rebalance where the policy requires approval starts the rebalance, which waits for another approver before its first move, then balances the zones", async () => {
    const scenario = scenarioWith("rebalance", (raw) => {
      raw.slack = {
        signingSecret: "8f742231b10e8888abcd99yyyzzz85a5",
        teamId: "T1",
        appId: "A1",
        policy: { orders: { channels: ["C1"], operators: ["U1"], approvers: ["U1", "U2"], approval: "required" } },
      };
    });
    const sandbox = await Sandbox.start(scenario);
    const slack = await SandboxSlack.attach(sandbox, scenario.slack!);
    try {
      const requests = [
        { at: 0, command: "/tug rebalance orders", user: "U1", channel: "C1" },
        { at: 60, click: "approve", user: "U1" },
        { at: 600, click: "approve", user: "U2" },
      ];
      const json = await replaySlack(slack, parseRequests(JSON.stringify(requests), "test"));
      const text = (i: number) => (JSON.parse(json.responses[i]!.body) as { text: string }).text;
      expect(text(0)).toMatch(/^Accepted: run slack-rebalance-orders-.*It waits for an approver/);
      expect(text(1)).toBe("You asked for this run: someone else must approve it.");
      expect(text(2)).toMatch(/^Approved: rebalance orders/);
      expect(json.executions).toEqual([expect.objectContaining({ workflow: "rebalance-azs", outcome: "succeeded" })]);
      expect(await sandbox.deps.state.getLock("orders")).toBeUndefined();
      const approval = slack.standIn.messages.find((m) => m.threadTs);
      expect(approval?.text).toContain("approved by <@U2>");
    } finally {
      await slack.close();
      await sandbox.close();
    }
  });

  it("a CLI run given --approval-channel is asked in Slack, and an approver's click resumes it", async () => {
    const scenario = loadScenario("slack");
    const sandbox = await Sandbox.start(scenario);
    const slack = await SandboxSlack.attach(sandbox, scenario.slack!);
    try {
      // The click comes a minute after the approval is asked (the replay's times count from its start).
      const click = parseRequests(JSON.stringify([{ at: 60, click: "approve", user: "U2" }]), "t");
      let replay: Promise<ReplayJson> | undefined;
      const { result } = await runWithChatOpsEnvironment(slack.environment, () =>
        rollInSandbox({
          scenario,
          sandbox,
          request: { cluster: "prod-eu", nodeGroup: "workers", approval: { requestedBy: "cli:alice", channel: "C1" } },
          run: {
            onEvent: (event) => {
              if (event.kind === "state-entered" && event.state === "Wait for approval") {
                replay = replaySlack(slack, click);
              }
            },
          },
        }),
      );
      const json = await replay!;
      expect((JSON.parse(json.responses[0]!.body) as { text: string }).text).toMatch(
        /^Approved: roll prod-eu\/workers/,
      );
      expect(result.outcome).toBe("succeeded");
      // The one message: the approval, asked in the channel given (a CLI run has no progress message).
      expect(slack.standIn.messages).toHaveLength(1);
      const asked = slack.standIn.messages[0];
      expect(asked?.channel).toBe("C1");
      expect(asked?.text).toContain("approved by <@U2>");
      expect(JSON.stringify(asked)).not.toContain("AQCE");
    } finally {
      await slack.close();
      await sandbox.close();
    }
  });
});
