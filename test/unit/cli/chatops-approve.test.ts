/**
 * `--approve` and `tug approve` as an operator types them: flags checked with errors that say what is
 * expected, a sandbox run answered by the scripted `tug approve`, and `tug approve` itself on the ports.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { approveCommand } from "../../../src/cli/commands/approve";
import type { CliIO } from "../../../src/cli/io";
import { main } from "../../../src/cli/main";
import { requestApproval } from "../../../src/core/chatops/request-approval";
import { fakeChatOps } from "../core/chatops/fakes";

function capture(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l), interactive: false };
}

const savedUser = process.env.USER;
beforeEach(() => {
  process.env.USER = "alice";
});
afterEach(() => {
  process.env.USER = savedUser;
});

describe("tug roll|upgrade|rebalance --approve", () => {
  const usage: [string[], RegExp][] = [
    [["roll", "demo", "workers", "--approval-channel", "C1"], /--approval-channel: only with --approve/],
    [["roll", "demo", "workers", "--approve", "--approval-channel", "general"], /expected a Slack channel id/],
    [
      ["roll", "demo", "workers", "--sandbox", "small", "--approve", "--approval-channel", "C1"],
      /the sandbox has no Slack here/,
    ],
    [["roll", "demo", "workers", "--approve", "--then-answer", "approve:bob"], /--then-answer: sandbox only/],
    [
      ["rebalance", "orders", "--sandbox", "rebalance", "--approve", "--then-answer", "yes:bob"],
      /expected approve:<name>\[@<seconds>\] or reject:<name>/,
    ],
    [
      ["upgrade", "prod-eu", "--to", "1.31", "--sandbox", "upgrade", "--then-answer", "approve:bob"],
      /only with --approve/,
    ],
  ];
  for (const [argv, message] of usage) {
    it(`refuses ${argv.slice(3).join(" ")} with a usage error`, async () => {
      const io = capture();
      expect(await main(argv, io)).toBe(2);
      expect(io.err.join("\n")).toMatch(message);
    });
  }

  it("a roll rejected through the scripted tug approve exits 3, refused, having changed nothing", async () => {
    const io = capture();
    const argv = ["roll", "demo", "workers", "--sandbox", "small", "--approve", "--then-answer", "reject:bob@20"];
    const code = await main([...argv, "--json"], io);
    expect(code, io.err.join("\n")).toBe(3);
    const result = JSON.parse(io.out.at(-1) as string);
    expect(result).toMatchObject({ outcome: "refused", reason: "ApprovalRejected: rejected by cli:bob" });
    expect(result.nodesReplaced).toBe(0);
    expect(io.err.join("\n")).toMatch(/tug approve as cli:bob: Rejected: roll demo\/workers/);
  });
});

describe("tug approve", () => {
  async function waiting() {
    const fake = fakeChatOps({
      secrets: [],
      nowMs: Date.UTC(2026, 0, 1),
      policy: { appId: "A1", teams: ["T1"], clusters: {} },
    });
    fake.locks.set("demo", {
      cluster: "demo",
      owner: "arn:aws:states:us-east-1:123456789012:execution:tugboat-roll-node-group:roll-demo-1",
      operation: "roll",
      acquiredAt: "2026-01-01T00:00:00.000Z",
    } as never);
    await requestApproval(fake.deps, {
      taskToken: "token-1",
      workflow: "roll-node-group",
      cluster: "demo",
      what: "roll demo/workers",
      run: { runId: "roll-demo-1", executionId: "arn:…:roll-demo-1" },
      approval: { requestedBy: "cli:alice" },
      timeoutSeconds: 3600,
    });
    return fake;
  }

  it("refuses the requester's own approval, lets someone else approve once, by run or by cluster", async () => {
    const fake = await waiting();
    const own = capture();
    expect(await approveCommand(["demo"], own, fake.deps)).toBe(1);
    expect(own.err).toEqual(["You asked for this run: someone else must approve it."]);
    expect(fake.tasks).toEqual([]);

    process.env.USER = "bob";
    const other = capture();
    expect(await approveCommand(["roll-demo-1"], other, fake.deps)).toBe(0);
    expect(other.out).toEqual(["Approved: roll demo/workers (run roll-demo-1) goes on."]);
    expect(fake.tasks).toEqual([{ token: "token-1", kind: "success" }]);

    const again = capture();
    expect(await approveCommand(["demo", "--reject", "--json"], again, fake.deps)).toBe(1);
    expect(JSON.parse(again.out[0] as string)).toMatchObject({ ok: false, status: "approved" });
    expect(fake.tasks).toHaveLength(1);
  });

  it("rejects with a reason the run's summary carries; --reason needs --reject", async () => {
    const fake = await waiting();
    const io = capture();
    expect(await main(["approve", "demo", "--reason", "not today"], io)).toBe(2);
    expect(io.err.join("\n")).toMatch(/--reason: only with --reject/);
    expect(await approveCommand(["demo", "--reject", "--reason", "freeze week"], capture(), fake.deps)).toBe(0);
    expect(fake.tasks).toEqual([{ token: "token-1", kind: "failure" }]);
    expect([...fake.approvals.values()][0]).toMatchObject({ status: "rejected", decidedBy: "cli:alice" });
  });

  it("says so when nothing waits", async () => {
    const fake = await waiting();
    const io = capture();
    expect(await approveCommand(["other-cluster"], io, fake.deps)).toBe(1);
    expect(io.err).toEqual(["No run waits for an approval as or on other-cluster."]);
  });
});
