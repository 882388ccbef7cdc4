/** The real Slack handler (handle-request.ts and what it routes to) on in-memory ports. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { handleSlackRequest } from "../../../../src/core/chatops/handle-request";
import type { ChatPolicy } from "../../../../src/core/chatops/policy";
import { updateProgress } from "../../../../src/core/chatops/progress";
import { requestApproval } from "../../../../src/core/chatops/request-approval";
import { signSlackRequest } from "../../../../src/core/chatops/signature";
import { publishedFixture } from "../../../support/published-fixtures";
import { fakeChatOps } from "./fakes";

const vector = JSON.parse(readFileSync(publishedFixture("slack/slack-signing-vector.json"), "utf8")) as {
  secret: string;
  timestamp: string;
  body: string;
  signature: string;
};
const nowMs = Number(vector.timestamp) * 1000;
const policy: ChatPolicy = {
  appId: "A1",
  teams: ["T1DC2JH3J"],
  clusters: {
    "prod-eu": { channels: ["G8PSS9T3V"], operators: ["U2CERLKJA"], approvers: ["U2"], allow: {}, approval: "none" },
  },
};

function command(text: string, extra: Record<string, string> = {}) {
  const body = new URLSearchParams({
    team_id: "T1DC2JH3J",
    channel_id: "G8PSS9T3V",
    user_id: "U2CERLKJA",
    command: "/tug",
    text,
    api_app_id: "A1",
    trigger_id: "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
    ...extra,
  }).toString();
  const signature = signSlackRequest(vector.secret, vector.timestamp, body);
  return { headers: { "x-slack-request-timestamp": vector.timestamp, "x-slack-signature": signature }, body };
}

const text = (body: string) => (JSON.parse(body) as { text: string }).text;

describe("the Slack handler", () => {
  it("verifies the published signing vector; it is refused only for what the policy says (no app id)", async () => {
    const fake = fakeChatOps({ secrets: [vector.secret], nowMs, policy });
    const headers = { "X-Slack-Request-Timestamp": vector.timestamp, "X-Slack-Signature": vector.signature };
    const response = await handleSlackRequest(fake.deps, { headers, body: vector.body });
    expect(response.status).toBe(200);
    expect(text(response.body)).toBe("Not allowed: app (none) is not this app.");
    const base64 = Buffer.from(vector.body).toString("base64");
    const encoded = await handleSlackRequest(fake.deps, { headers, body: base64, isBase64Encoded: true });
    expect(encoded.status).toBe(200);
    expect(fake.starts).toEqual([]);
  });

  it("starts nothing on a wrong signature, a stale timestamp, a stranger or a retry of an accepted command", async () => {
    const fake = fakeChatOps({ secrets: [vector.secret], nowMs, policy });
    const good = command("roll prod-eu workers");
    const forged = {
      ...good,
      headers: { ...good.headers, "x-slack-signature": signSlackRequest("x", vector.timestamp, good.body) },
    };
    expect((await handleSlackRequest(fake.deps, forged)).status).toBe(401);
    fake.clock.nowMs = nowMs + 301_000;
    expect((await handleSlackRequest(fake.deps, good)).status).toBe(401);
    fake.clock.nowMs = nowMs;
    expect(
      text((await handleSlackRequest(fake.deps, command("roll prod-eu workers", { team_id: "T9" }))).body),
    ).toMatch(/^Not allowed: team T9/);
    expect(
      text((await handleSlackRequest(fake.deps, command("roll prod-eu workers", { user_id: "W9" }))).body),
    ).toMatch(/^Not allowed: user W9/);
    expect(fake.starts).toEqual([]);

    const accepted = await handleSlackRequest(fake.deps, good);
    expect(text(accepted.body)).toMatch(/^Accepted: run slack-roll-prod-eu-/);
    const retry = { ...good, headers: { ...good.headers, "X-Slack-Retry-Num": "1" } };
    expect(text((await handleSlackRequest(fake.deps, retry)).body)).toMatch(/^Already accepted/);
    expect(fake.starts).toHaveLength(1);
    expect(fake.starts[0]).toMatchObject({
      workflow: "roll-node-group",
      input: { cluster: "prod-eu", nodeGroup: "workers" },
    });
    // One progress message per run, not per request.
    expect(fake.posts).toHaveLength(1);
  });

  it("starts a rebalance for an operator, with an approval step where the cluster requires approvals", async () => {
    const fake = fakeChatOps({ secrets: [vector.secret], nowMs, policy });
    expect(text((await handleSlackRequest(fake.deps, command("rebalance prod-eu"))).body)).toMatch(
      /^Accepted: run slack-rebalance-prod-eu-.*\(rebalance prod-eu\)/,
    );
    expect(fake.starts).toHaveLength(1);
    expect(fake.starts[0]).toMatchObject({
      workflow: "rebalance-azs",
      input: { cluster: "prod-eu", trigger: "operator", requestedBy: "slack:U2CERLKJA" },
    });
    expect(text((await handleSlackRequest(fake.deps, command("rebalance prod-eu extra"))).body)).toMatch(
      /^unexpected extra: \/tug rebalance <cluster>/,
    );

    const guarded = fakeChatOps({
      secrets: [vector.secret],
      nowMs,
      policy: { ...policy, clusters: { "prod-eu": { ...policy.clusters["prod-eu"]!, approval: "required" } } },
    });
    const accepted = text((await handleSlackRequest(guarded.deps, command("rebalance prod-eu"))).body);
    expect(accepted).toMatch(
      /^Accepted: run slack-rebalance-prod-eu-.*It waits for an approver before changing anything\.$/,
    );
    expect(guarded.starts[0]?.input).toMatchObject({
      approval: { requestedBy: "U2CERLKJA", channel: "G8PSS9T3V" },
    });
  });

  it('"each-control-plane-step" asks upgrades for an approval before every control-plane step, other runs before their first change', async () => {
    const stepwise = fakeChatOps({
      secrets: [vector.secret],
      nowMs,
      policy: {
        ...policy,
        clusters: { "prod-eu": { ...policy.clusters["prod-eu"]!, approval: "each-control-plane-step" } },
      },
    });
    for (const request of ["upgrade prod-eu 1.33", "roll prod-eu workers", "rebalance prod-eu"]) {
      expect(text((await handleSlackRequest(stepwise.deps, command(request))).body)).toMatch(
        /It waits for an approver/,
      );
    }
    expect(stepwise.starts.map((s) => [s.workflow, (s.input as { approval?: unknown }).approval])).toEqual([
      ["upgrade-cluster", { requestedBy: "U2CERLKJA", channel: "G8PSS9T3V", eachControlPlaneStep: true }],
      ["roll-node-group", { requestedBy: "U2CERLKJA", channel: "G8PSS9T3V" }],
      ["rebalance-azs", { requestedBy: "U2CERLKJA", channel: "G8PSS9T3V" }],
    ]);
  });

  it("answers ssl_check and url_verification once the signature verifies", async () => {
    const fake = fakeChatOps({ secrets: [vector.secret], nowMs, policy });
    const sign = (body: string) => ({
      headers: {
        "x-slack-request-timestamp": vector.timestamp,
        "x-slack-signature": signSlackRequest(vector.secret, vector.timestamp, body),
      },
      body,
    });
    expect(await handleSlackRequest(fake.deps, sign("ssl_check=1&token=x"))).toMatchObject({ status: 200, body: "" });
    const challenge = await handleSlackRequest(
      fake.deps,
      sign('{"type":"url_verification","challenge":"c-1","api_app_id":"A1","team_id":"T1DC2JH3J"}'),
    );
    expect(JSON.parse(challenge.body)).toEqual({ challenge: "c-1" });
  });
});

describe("approvals and progress on the ports", () => {
  it("keeps the task token out of the message: the buttons carry only the approval id", async () => {
    const fake = fakeChatOps({ secrets: [vector.secret], nowMs, policy });
    const token = "AQCEAAAAKgAAAAsecret-task-token";
    const { approvalId } = await requestApproval(fake.deps, {
      taskToken: token,
      workflow: "upgrade-cluster",
      cluster: "prod-eu",
      what: "upgrade prod-eu to 1.33",
      run: { runId: "r1", executionId: "arn:r1" },
      approval: { requestedBy: "U1", channel: "G8PSS9T3V" },
      timeoutSeconds: 3600,
    });
    expect(approvalId).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(fake.posts)).not.toContain(token);
    expect(JSON.stringify(fake.posts)).toContain(approvalId);
    expect(fake.approvals.get(approvalId)).toMatchObject({
      taskToken: token,
      status: "pending",
      expiresAt: new Date(nowMs + 3_600_000).toISOString(),
    });
  });

  it("/tug abort of a run still waiting for its approval rejects it through the task token, once", async () => {
    const fake = fakeChatOps({ secrets: [vector.secret], nowMs, policy });
    const started = new Date(nowMs).toISOString();
    fake.runs.set("r1", {
      runId: "r1",
      cluster: "prod-eu",
      nodeGroup: "workers",
      workflow: "roll-node-group",
      status: "running",
      startedAt: started,
      updatedAt: started,
      data: {},
    });
    await requestApproval(fake.deps, {
      taskToken: "token-r1",
      workflow: "roll-node-group",
      cluster: "prod-eu",
      what: "roll prod-eu/workers",
      run: { runId: "r1", executionId: "arn:aws:states:us-east-1:123456789012:execution:tugboat-roll-node-group:r1" },
      approval: { requestedBy: "U1", channel: "G8PSS9T3V" },
      timeoutSeconds: 3600,
    });
    const first = await handleSlackRequest(fake.deps, command("abort r1"));
    expect(text(first.body)).toBe(
      "Aborted r1 at its approval: roll prod-eu/workers does not go ahead, and the run releases the lock.",
    );
    expect(fake.tasks).toEqual([{ token: "token-r1", kind: "failure" }]);
    const second = await handleSlackRequest(fake.deps, command("abort r1", { trigger_id: "2" }));
    expect(text(second.body)).toBe("Run r1 is not running on prod-eu.");
    expect(fake.tasks).toHaveLength(1);
  });

  it("updates the run's message only when it changed, coalesced, and waits out a 429's Retry-After", async () => {
    const fake = fakeChatOps({ secrets: [vector.secret], nowMs, policy });
    const started = new Date(nowMs).toISOString();
    fake.runs.set("r1", {
      runId: "r1",
      cluster: "prod-eu",
      nodeGroup: "workers",
      workflow: "roll-node-group",
      status: "running",
      startedAt: started,
      updatedAt: started,
      data: { batchesStarted: 1, outdatedBefore: 6, counters: { nodesReplaced: 0 } },
    });
    await fake.deps.state.putItem("r1", "slack-progress", {
      runId: "r1",
      executionId: "arn:r1",
      workflow: "roll-node-group",
      cluster: "prod-eu",
      what: "roll prod-eu/workers",
      channel: "G8PSS9T3V",
      requestedBy: "U1",
      ts: "1.000000",
      lastText: "accepted",
      lastUpdateAt: started,
      updates: 0,
      final: false,
    });
    fake.clock.nowMs += 10_000;
    expect(await updateProgress(fake.deps, ["prod-eu"])).toEqual({ updated: [], deferred: ["r1"], finished: [] });
    fake.clock.nowMs += 20_000;
    fake.rateLimitOnce(45);
    expect((await updateProgress(fake.deps, ["prod-eu"])).deferred).toEqual(["r1"]);
    fake.clock.nowMs += 30_000;
    expect((await updateProgress(fake.deps, ["prod-eu"])).deferred).toEqual(["r1"]);
    expect(fake.updates).toHaveLength(0);
    fake.clock.nowMs += 20_000;
    expect((await updateProgress(fake.deps, ["prod-eu"])).updated).toEqual(["r1"]);
    expect(fake.updates[0]?.text).toContain("roll prod-eu/workers: batch 1; 0/6 nodes replaced");
    // Nothing new: nothing sent.
    fake.clock.nowMs += 60_000;
    const run = fake.runs.get("r1")!;
    run.data = { ...run.data, estimate: 1 };
    expect(await updateProgress(fake.deps, ["prod-eu"])).toEqual({ updated: [], deferred: [], finished: [] });
    run.status = "succeeded";
    run.data = {
      ...run.data,
      summary: { outcome: "succeeded", nodesReplaced: 6, nodesOutdatedBefore: 6, notes: ["resumed Launch"] },
    };
    expect((await updateProgress(fake.deps, ["prod-eu"])).finished).toEqual(["r1"]);
    expect(fake.updates.at(-1)?.text).toContain("roll prod-eu/workers: succeeded; 6/6 nodes replaced");
    expect(fake.posts.at(-1)).toMatchObject({ threadTs: "1.000000", text: "resumed Launch" });
    expect(await updateProgress(fake.deps, ["prod-eu"])).toEqual({ updated: [], deferred: [], finished: [] });
  });
});
