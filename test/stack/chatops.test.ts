/**
 * The ChatOps stack, synthesized offline: the Slack function may start only Tugboat's operator state
 * machines and answer task tokens, reads only the Slack secret, keeps no secret in its environment,
 * sits behind a function URL with reserved concurrency; the approval step's role reads the same secret.
 */
import type { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleNameForModule, sandboxRoles } from "../../src/sandbox/iam/roles";
import { SLACK_RESERVED_CONCURRENCY, SLACK_TIMEOUT_SECONDS } from "../../stacks/ChatOps";
import { slackFunction } from "../../workflows/index";
import { type SynthesizedApp, synthesizeTugboat } from "./synthesize";
import {
  environmentOf,
  render,
  resourcesOfType,
  roleOfFunction,
  statementsOfRole,
  stepFunctionResource,
} from "./template-queries";

let synth: SynthesizedApp;
let chatops: Template;
const savedPolicy = process.env.TUGBOAT_SLACK_POLICY;
const policy = {
  appId: "A1",
  teams: ["T1"],
  clusters: { "prod-eu": { channels: ["C1"], operators: ["U1"], approvers: ["U2"], approval: "required" } },
};

beforeAll(async () => {
  process.env.TUGBOAT_SLACK_POLICY = JSON.stringify(policy);
  synth = await synthesizeTugboat({ stage: "test", settings: { clusters: "prod-eu" }, bundle: false });
  chatops = synth.chatops;
}, 600_000);

afterAll(() => {
  if (savedPolicy === undefined) delete process.env.TUGBOAT_SLACK_POLICY;
  else process.env.TUGBOAT_SLACK_POLICY = savedPolicy;
  synth?.dispose();
});

describe("the ChatOps stack", () => {
  it("serves Slack from a public function URL with reserved concurrency and a three-second timeout", () => {
    const [, fn] = resourcesOfType(chatops, "AWS::Lambda::Function").find(([id]) => id.startsWith("SlackHttp"))!;
    expect(fn.Properties?.["ReservedConcurrentExecutions"]).toBe(SLACK_RESERVED_CONCURRENCY);
    expect(fn.Properties?.["Timeout"]).toBe(SLACK_TIMEOUT_SECONDS);
    const urls = resourcesOfType(chatops, "AWS::Lambda::Url");
    expect(urls).toHaveLength(1);
    expect(urls[0]![1].Properties?.["AuthType"]).toBe("NONE");
  });

  it("keeps no secret in the environment: names, ARNs and the ids-only policy", () => {
    for (const [id, fn] of resourcesOfType(chatops, "AWS::Lambda::Function").filter(([i]) => i.startsWith("Slack"))) {
      const env = environmentOf(fn);
      const text = JSON.stringify(env);
      expect(text, id).not.toMatch(/xox[abp]-|signingSecret|botToken/i);
      expect(JSON.parse(String(env["TUGBOAT_SLACK_POLICY"]))).toMatchObject({ appId: "A1", teams: ["T1"] });
      // SST's own (app, stage, SSM prefix) and the SDK's connection reuse aside.
      const ours = Object.keys(env).filter((k) => !k.startsWith("SST_") && k !== "AWS_NODEJS_CONNECTION_REUSE_ENABLED");
      expect(ours.sort(), id).toEqual(
        ["POWERTOOLS_SERVICE_NAME", "TUGBOAT_SLACK_POLICY", "TUGBOAT_STATE_MACHINES", "TUGBOAT_TABLE"].sort(),
      );
    }
  });

  it("lets the Slack function start only the roll, upgrade and rebalance state machines and answer task tokens, nothing else in Step Functions", () => {
    const [, fn] = resourcesOfType(chatops, "AWS::Lambda::Function").find(([id]) => id.startsWith("SlackHttp"))!;
    const statements = statementsOfRole(chatops, roleOfFunction(fn));
    const states = statements.filter((s) => s.actions.some((a) => a.startsWith("states:")));
    expect(states.map((s) => s.actions.sort())).toEqual([
      ["states:StartExecution"],
      ["states:SendTaskFailure", "states:SendTaskSuccess"],
    ]);
    const started = states[0]!.resources.map(render);
    expect(started).toHaveLength(3);
    expect(started.join(" ")).toMatch(/RollNodeGroup/);
    expect(started.join(" ")).toMatch(/UpgradeCluster/);
    expect(started.join(" ")).toMatch(/RebalanceAzs/);
    expect(started.join(" ")).not.toMatch(/ReactToInstanceEvent|CreateCluster|DeleteCluster|\*/);
    const actions = statements.flatMap((s) => s.actions).sort();
    expect(actions).not.toContain("states:StopExecution");
    expect(
      actions.filter((a) => !a.startsWith("states:") && !a.startsWith("dynamodb:") && !a.startsWith("xray:")),
    ).toEqual(["secretsmanager:GetSecretValue"]);
    const secret = statements.find((s) => s.actions.includes("secretsmanager:GetSecretValue"))!;
    expect(secret.resources.map(render)).toEqual([expect.stringMatching(/:secret:tugboat\/slack-\?\?\?\?\?\?$/)]);
  });

  it("gives the approval step the Slack secret and the table, and no Step Functions action", () => {
    const [, fn] = stepFunctionResource(synth.workflows, "functions/slack/request-approval");
    const statements = statementsOfRole(synth.workflows, roleOfFunction(fn));
    const actions = statements
      .flatMap((s) => s.actions)
      .filter((a) => !a.startsWith("xray:"))
      .sort();
    expect(actions).toEqual([
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "secretsmanager:GetSecretValue",
    ]);
  });

  it("lets tug approve answer approval tasks under the operator policy, and stop nothing", () => {
    const policies = resourcesOfType(synth.workflows, "AWS::IAM::ManagedPolicy");
    expect(policies).toHaveLength(1);
    const statements = policies[0]![1].Properties?.["PolicyDocument"] as {
      Statement: { Sid: string; Action: string | string[]; Resource: unknown }[];
    };
    const answer = statements.Statement.find((s) => s.Sid === "AnswerApprovalsFromTug");
    expect(answer).toMatchObject({ Action: ["states:SendTaskSuccess", "states:SendTaskFailure"], Resource: "*" });
    const actions = statements.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).not.toContain("states:StopExecution");
    expect(actions.filter((a) => a.startsWith("states:")).sort()).toEqual([
      "states:DescribeExecution",
      "states:GetExecutionHistory",
      "states:SendTaskFailure",
      "states:SendTaskSuccess",
      "states:StartExecution",
    ]);
  });

  it("is what the sandbox enforces: the Slack role's actions in the twin are the template's", () => {
    const [, fn] = resourcesOfType(chatops, "AWS::Lambda::Function").find(([id]) => id.startsWith("SlackHttp"))!;
    const deployed = statementsOfRole(chatops, roleOfFunction(fn))
      .flatMap((s) => s.actions)
      .filter((a) => !a.startsWith("xray:"));
    const acct = { account: "123456789012", region: "us-east-1", tableName: "t", clusters: ["prod-eu"] };
    const twin = sandboxRoles(acct).get(roleNameForModule(slackFunction.module))!;
    const enforced = twin.policy.Statement.flatMap((s) => s.Action);
    expect([...new Set(enforced)].sort()).toEqual([...new Set(deployed)].sort());
  });

  it("updates progress on a one-minute schedule", () => {
    const rules = resourcesOfType(chatops, "AWS::Events::Rule");
    expect(rules.map(([, r]) => r.Properties?.["ScheduleExpression"])).toEqual(["rate(1 minute)"]);
  });
});
