/**
 * Slack in the sandbox, end to end: the real Slack function (functions/slack/http.ts) under its own
 * role, the real approval step and progress updater, the Slack secret in the simulated Secrets Manager,
 * the Web API stand-in on loopback, and the sandbox's Step Functions starting executions by name (a
 * second start under the same name is refused as the service refuses it) and answering task tokens.
 */
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { runWithDeps } from "../../../functions/lib/runtime";
import { type ChatOpsEnvironment, runWithChatOpsEnvironment } from "../../../functions/slack/lib/environment";
import { SLACK_SECRET_NAME } from "../../../stacks/lib/access-documents";
import { chatWorkflows, slackFunction, slackProgressFunction, workflows } from "../../../workflows/index";
import type { ProgressPass } from "../../core/chatops/progress";
import type { HttpRequest } from "../../core/chatops/signature";
import { awsError } from "../aws/errors";
import { sandboxStateMachineArn } from "../iam/roles";
import { SANDBOX_ACCOUNT } from "../runner/definition";
import type { LocalRunResult } from "../runner/local-workflow";
import type { Sandbox } from "../sandbox";
import { policyOf, type SlackScenario } from "./scenario";
import { SlackWebApiStandIn } from "./web-api-stand-in";

export interface StartedExecution {
  name: string;
  workflow: string;
  executionArn: string;
  input: string;
  startedAtMs: number;
  result?: LocalRunResult;
  done: Promise<LocalRunResult>;
}

type HttpHandler = (event: LambdaFunctionURLEvent) => Promise<{ statusCode?: number; body?: string }>;

export class SandboxSlack {
  readonly started: StartedExecution[] = [];

  private constructor(
    readonly sandbox: Sandbox,
    readonly scenario: SlackScenario,
    readonly standIn: SlackWebApiStandIn,
    readonly environment: ChatOpsEnvironment,
  ) {}

  static async attach(sandbox: Sandbox, scenario: SlackScenario): Promise<SandboxSlack> {
    const standIn = await SlackWebApiStandIn.start({
      botToken: scenario.botToken,
      clock: sandbox.clock,
      ...(scenario.rateLimit ? { rateLimit: scenario.rateLimit } : {}),
    });
    const secretArn = sandbox.region.addSecret(SLACK_SECRET_NAME, () =>
      JSON.stringify({
        signingSecret: scenario.signingSecret,
        ...(scenario.previousSigningSecret ? { previousSigningSecret: scenario.previousSigningSecret } : {}),
        botToken: scenario.botToken,
      }),
    );
    const acct = { account: SANDBOX_ACCOUNT, region: sandbox.scenario.region, tableName: "", clusters: [] };
    const environment: ChatOpsEnvironment = {
      tableName: "tugboat-sandbox",
      region: sandbox.scenario.region,
      slackSecret: secretArn,
      slackApiUrl: standIn.url,
      policy: JSON.stringify(policyOf(scenario)),
      stateMachines: Object.fromEntries(chatWorkflows.map((w) => [w.name, sandboxStateMachineArn(acct, w.name)])),
    };
    const slack = new SandboxSlack(sandbox, scenario, standIn, environment);
    sandbox.region.setStepFunctionsBackend({
      startExecution: (request) => slack.startExecution(request),
      answerTask: (token, outcome) => sandbox.tasks.answer(token, outcome),
    });
    return slack;
  }

  /** One request through the real Slack function, as a function URL hands it over. */
  async handle(request: HttpRequest): Promise<{ status: number; body: string }> {
    const { handler } = (await import("../../../functions/slack/http")) as { handler: HttpHandler };
    const event = {
      headers: request.headers,
      body: request.body ?? "",
      isBase64Encoded: request.isBase64Encoded === true,
    } as unknown as LambdaFunctionURLEvent;
    const deps = this.sandbox.depsForModule(slackFunction.module);
    const out = await runWithChatOpsEnvironment(this.environment, () => runWithDeps(deps, () => handler(event)));
    return { status: out.statusCode ?? 200, body: out.body ?? "" };
  }

  /** One pass of the progress updater (a schedule invokes it in AWS). */
  async progress(): Promise<ProgressPass> {
    const { handler } = (await import("../../../functions/slack/progress")) as { handler: () => Promise<ProgressPass> };
    const deps = this.sandbox.depsForModule(slackProgressFunction.module);
    return runWithChatOpsEnvironment(this.environment, () => runWithDeps(deps, () => handler()));
  }

  /** Executions started from Slack still running. */
  running(): number {
    return this.started.filter((s) => !s.result).length;
  }

  async close(): Promise<void> {
    await this.standIn.close();
  }

  private startExecution(request: { stateMachineArn: string; name: string; input: string }): { executionArn: string } {
    const workflow = request.stateMachineArn.split(":stateMachine:tugboat-")[1] ?? "";
    const spec = workflows[workflow];
    if (!spec) {
      throw awsError("sfn", "StateMachineDoesNotExist", `State Machine Does Not Exist: '${request.stateMachineArn}'`);
    }
    const executionArn = `${request.stateMachineArn.replace(":stateMachine:", ":execution:")}:${request.name}`;
    const existing = this.started.find((s) => s.executionArn === executionArn);
    if (existing || this.sandbox.executions.has(executionArn)) {
      // Step Functions: the same name and input while it runs is the same execution; anything else is refused.
      if (existing && existing.input === request.input && !existing.result) return { executionArn };
      throw awsError("sfn", "ExecutionAlreadyExists", `Execution Already Exists: '${executionArn}'`);
    }
    const done = this.sandbox.run(spec, JSON.parse(request.input), { executionName: request.name });
    const started: StartedExecution = {
      name: request.name,
      workflow,
      executionArn,
      input: request.input,
      startedAtMs: this.sandbox.clock.nowMs(),
      done,
    };
    done.then(
      (result) => {
        started.result = result;
      },
      () => undefined,
    );
    this.started.push(started);
    return { executionArn };
  }
}
