import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { APPROVE_ACTION, type ApprovalRecord, judgeClick } from "../../../../src/core/chatops/approval";
import { parseCommand } from "../../../../src/core/chatops/commands";
import { executionNameFor } from "../../../../src/core/chatops/execution-name";
import { authorize, type ChatPolicy } from "../../../../src/core/chatops/policy";
import { parseSlackRequest } from "../../../../src/core/chatops/slack-request";
import { publishedFixture } from "../../../support/published-fixtures";

const read = (name: string) => readFileSync(publishedFixture(`slack/${name}`), "utf8");

describe("Slack requests, parsed at the edge", () => {
  it("parses the published slash commands as they are (unencoded doc sample, Enterprise Grid W… user)", () => {
    const doc = parseSlackRequest(read("slack-slash-command-doc-example.body.txt"));
    expect(doc).toMatchObject({
      kind: "command",
      command: "/weather",
      text: "94070",
      identity: {
        teamId: "T0001",
        enterpriseId: "E0001",
        userId: "U2147483697",
        channelId: "C2147483705",
        appId: "A123456",
      },
    });
    const grid = parseSlackRequest(read("slack-slash-command-real-modified.body.txt"));
    expect(grid).toMatchObject({
      kind: "command",
      command: "/hello",
      text: "",
      identity: { teamId: "T111", enterpriseId: "E111", userId: "W111", channelId: "C111", appId: "A111" },
    });
  });

  it("parses the published block_actions payload, form-encoded as Slack sends it", () => {
    const json = read("slack-block-actions-payload.json");
    const click = parseSlackRequest(new URLSearchParams({ payload: json }).toString());
    expect(click).toEqual({
      kind: "click",
      identity: { appId: "AABA1ABCD", teamId: "T9TK3CUKW", userId: "UA8RXUSPL", channelId: "CBR2V3XEX" },
      actionId: "WaXA",
      value: "click_me_123",
      triggerId: "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3",
      messageTs: "1548261231.000200",
      responseUrl: "https://hooks.slack.com/actions/AABA1ABCD/1232321423432/D09sSasdasdAS9091209",
    });
  });

  it("knows ssl_check and url_verification, and calls anything else unknown", () => {
    expect(parseSlackRequest("ssl_check=1&token=x")).toEqual({ kind: "ssl-check" });
    expect(parseSlackRequest('{"type":"url_verification","challenge":"abc","token":"x"}')).toMatchObject({
      kind: "url-verification",
      challenge: "abc",
    });
    expect(parseSlackRequest("hello=world").kind).toBe("unknown");
    expect(parseSlackRequest("payload=%7Bnot-json").kind).toBe("unknown");
  });
});

const policy: ChatPolicy = {
  appId: "A111",
  teams: ["E111"],
  clusters: {
    "prod-eu": {
      channels: ["C111"],
      operators: ["W111"],
      approvers: ["U2"],
      allow: { status: ["U3"] },
      approval: "required",
    },
  },
};

describe("the policy: ids only, per cluster and action, deny by default", () => {
  const grid = { appId: "A111", teamId: "T111", enterpriseId: "E111", userId: "W111", channelId: "C111" };
  it("allows an Enterprise Grid operator in the cluster's channel, through the organisation id", () => {
    expect(authorize(policy, grid, "prod-eu", "upgrade")).toEqual({ allowed: true });
    expect(authorize(policy, { ...grid, userId: "U3" }, "prod-eu", "status")).toEqual({ allowed: true });
    expect(authorize(policy, { ...grid, userId: "U2" }, "prod-eu", "approve")).toEqual({ allowed: true });
  });
  it("refuses another app, team, channel, user, action or cluster, and a request without ids", () => {
    const refused = (who: object, cluster = "prod-eu", action: "upgrade" | "approve" | "roll" = "upgrade") =>
      authorize(policy, who, cluster, action).allowed;
    expect(refused({ ...grid, appId: "A999" })).toBe(false);
    expect(refused({ ...grid, appId: undefined })).toBe(false);
    expect(refused({ ...grid, teamId: "T111", enterpriseId: undefined })).toBe(false);
    expect(refused({ ...grid, channelId: "C999" })).toBe(false);
    expect(refused({ ...grid, userId: "U3" })).toBe(false);
    expect(refused(grid, "prod-eu", "approve")).toBe(false);
    expect(refused(grid, "prod-us")).toBe(false);
    expect(refused(grid, "constructor")).toBe(false);
    expect(refused({})).toBe(false);
  });
});

describe("commands, execution names and clicks", () => {
  it("routes the /tug commands and explains what it cannot parse", () => {
    expect(parseCommand("upgrade prod-eu 1.33")).toMatchObject({
      ok: true,
      command: { name: "upgrade", cluster: "prod-eu", toVersion: "1.33" },
    });
    expect(parseCommand("roll prod-eu workers")).toMatchObject({
      ok: true,
      command: { name: "roll", nodeGroup: "workers" },
    });
    expect(parseCommand("status")).toMatchObject({ ok: true, command: { name: "status" } });
    expect(parseCommand("abort slack-roll-x")).toMatchObject({
      ok: true,
      command: { name: "abort", target: "slack-roll-x" },
    });
    expect(parseCommand("")).toMatchObject({ ok: true, command: { name: "help" } });
    expect(parseCommand("upgrade prod-eu 2.0")).toEqual({
      ok: false,
      error: 'expected a Kubernetes minor version such as "1.33": /tug upgrade <cluster> <version>',
    });
    expect(parseCommand("destroy prod-eu").ok).toBe(false);
  });

  it("names an execution after the request: the same request gives the same name, another one another", () => {
    const request = {
      action: "upgrade",
      cluster: "prod-eu",
      teamId: "T1",
      triggerId: "1.2.abc",
      text: "upgrade prod-eu 1.33",
    };
    const name = executionNameFor(request);
    expect(name).toMatch(/^slack-upgrade-prod-eu-[0-9a-f]{16}$/);
    expect(executionNameFor({ ...request })).toBe(name);
    expect(executionNameFor({ ...request, triggerId: "1.2.abd" })).not.toBe(name);
    expect(executionNameFor({ ...request, cluster: "x".repeat(200) }).length).toBeLessThanOrEqual(80);
  });

  it("refuses the requester's own approval and any click on a decided approval", () => {
    const record: ApprovalRecord = {
      approvalId: "a".repeat(32),
      taskToken: "token",
      workflow: "upgrade-cluster",
      cluster: "prod-eu",
      runId: "r",
      executionId: "arn",
      what: "upgrade prod-eu to 1.33",
      requestedBy: "U1",
      requestedAt: "2026-01-01T00:00:00.000Z",
      expiresAt: "2026-01-01T01:00:00.000Z",
      status: "pending",
    };
    expect(judgeClick(record, "U1", APPROVE_ACTION).ok).toBe(false);
    expect(judgeClick(record, "U1", "tug-reject")).toEqual({ ok: true, status: "rejected" });
    expect(judgeClick(record, "U2", APPROVE_ACTION)).toEqual({ ok: true, status: "approved" });
    expect(judgeClick({ ...record, status: "approved", decidedBy: "U2" }, "U3", APPROVE_ACTION)).toEqual({
      ok: false,
      reason: "This approval is already approved (by U2).",
    });
  });
});
