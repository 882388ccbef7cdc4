/**
 * The CLI's own calls are authorized against the operator policy the stack outputs: `tug abort` during a
 * roll and `tug status` after it reach the store as the operator, and `tug roll` against a deployed stack
 * starts and follows the execution (runRemote) through an SFN client under the same policy.
 */
import { SFNClient } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { abortCommand, statusCommand } from "../../../src/cli/commands/status";
import type { CliIO } from "../../../src/cli/io";
import { runRemote } from "../../../src/cli/remote";
import { sandboxClientConfig } from "../../../src/sandbox/aws/plugin";
import { IamEnforcer } from "../../../src/sandbox/iam/enforcer";
import { iamPlugin } from "../../../src/sandbox/iam/plugin";
import { writeRecording } from "../../../src/sandbox/iam/recording";
import { OPERATOR_ROLE, sandboxRoles, sandboxStateMachineArn } from "../../../src/sandbox/iam/roles";
import { Sandbox } from "../../../src/sandbox/sandbox";
import { rollInSandbox } from "../../../src/sandbox/sandbox-roll";
import { loadScenario } from "../../../src/sandbox/scenario/load";

function captureIO(): CliIO & { out: string[] } {
  const out: string[] = [];
  return { out, stdout: (line) => out.push(line), stderr: () => undefined, interactive: false };
}

let open: Sandbox | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe("the operator policy", () => {
  it("lets tug abort stop a running roll and tug status read it, as the operator", async () => {
    const scenario = loadScenario("small");
    const sandbox = await Sandbox.start(scenario);
    open = sandbox;
    let aborted = -1;
    const { result } = await rollInSandbox({
      scenario,
      sandbox,
      request: { cluster: "demo", nodeGroup: "workers" },
      keepOpen: true,
      run: {
        beforeState: async (state, occurrence) => {
          if (state !== "Advance roll" || occurrence !== 2) return;
          aborted = await abortCommand(["demo"], captureIO(), sandbox.operatorDeps().state);
        },
      },
    });
    expect(result.outcome).toBe("aborted");
    expect(aborted).toBe(0);
    const io = captureIO();
    expect(await statusCommand(["demo", "--json"], io, sandbox.operatorDeps().state)).toBe(0);
    expect(JSON.parse(io.out.at(-1)!).runs.length).toBeGreaterThan(0);
    const operatorCalls = sandbox.iam.recorded.filter((r) => r.role === OPERATOR_ROLE);
    expect(new Set(operatorCalls.map((r) => r.action))).toEqual(
      new Set(["dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"]),
    );
    expect(operatorCalls.every((r) => r.decision === "Allowed")).toBe(true);
  });

  it("lets tug start and follow a deployed roll, and refuses it without GetExecutionHistory", async () => {
    const account = { account: "123456789012", region: "us-east-1", tableName: "tugboat", clusters: ["demo"] };
    const directory = {
      account: account.account,
      region: account.region,
      group: () => undefined,
      groupOfInstance: () => undefined,
      launchTemplate: () => undefined,
      cluster: () => undefined,
      nodegroup: () => undefined,
      addon: () => undefined,
      secretArn: () => undefined,
      loadBalancingTags: () => undefined,
      loadBalancingArnForCreate: () => "",
    };
    const arn = sandboxStateMachineArn(account, "roll-node-group");
    const executionArn = `${arn.replace(":stateMachine:", ":execution:")}:roll-demo-workers`;
    const client = (iam: IamEnforcer) => {
      const sfn = new SFNClient(sandboxClientConfig(account.region));
      sfn.middlewareStack.use(iamPlugin(iam, OPERATOR_ROLE, "sfn"));
      // Step Functions itself is a stand-in here: what is under test is what IAM lets through.
      sfn.middlewareStack.add(
        (_next, context) => async () => {
          const output: Record<string, Record<string, unknown>> = {
            StartExecutionCommand: { executionArn, startDate: new Date(0) },
            GetExecutionHistoryCommand: { events: [] },
            DescribeExecutionCommand: { executionArn, status: "SUCCEEDED" },
          };
          return {
            output: { $metadata: { httpStatusCode: 200 }, ...output[String(context.commandName)] },
            response: { statusCode: 200, headers: {}, body: undefined },
          };
        },
        { step: "deserialize", priority: "high", name: "sfnStandIn" },
      );
      return sfn;
    };
    const allowed = new IamEnforcer(sandboxRoles(account), directory);
    const remote = await runRemote(captureIO(), arn, "roll-demo-workers", {}, { client: client(allowed), pollMs: 0 });
    expect(remote.status).toBe("SUCCEEDED");
    expect(allowed.recorded.map((r) => `${r.action} ${r.decision}`)).toEqual([
      "states:StartExecution Allowed",
      "states:DescribeExecution Allowed",
      "states:GetExecutionHistory Allowed",
    ]);

    writeRecording(allowed.recorded, account);

    const without = new IamEnforcer(sandboxRoles(account), directory);
    without.revoke(OPERATOR_ROLE, "states:GetExecutionHistory");
    await expect(
      runRemote(captureIO(), arn, "roll-demo-workers", {}, { client: client(without), pollMs: 0 }),
    ).rejects.toMatchObject({
      name: "AccessDeniedException",
      message: expect.stringContaining(`states:GetExecutionHistory on resource: ${executionArn}`),
    });
  });
});
