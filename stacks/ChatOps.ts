/**
 * Slack (docs/chatops.md): the Slack function behind a Lambda function URL (Slack cannot sign AWS
 * requests, so the URL is public and every request is verified in code against Slack's signature),
 * with reserved concurrency so a flood of requests cannot take the account's Lambda capacity, and the
 * progress updater on a one-minute schedule. Secrets stay in Secrets Manager (SLACK_SECRET_NAME): the
 * environment holds names, ARNs and the policy (ids only).
 */
import { Duration } from "aws-cdk-lib";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { FunctionUrlAuthType } from "aws-cdk-lib/aws-lambda";
import { Function as ChatFunction, type StackContext, use } from "sst/constructs";
import { CHATOPS_ENVIRONMENT } from "../functions/slack/lib/environment";
import { chatPolicySchema } from "../src/core/chatops/policy";
import { describeIssues } from "../src/core/roll/input";
import { chatWorkflows, slackFunction, slackProgressFunction, workflows } from "../workflows/index";
import { slackStepFunctionsStatements, statementsForAccess, toCdkStatement } from "./lib/access-policies";
import { BUNDLED_FUNCTION_ENVIRONMENT, nodejsBundling } from "./lib/bundling";
import { readStackSettings } from "./lib/settings";
import { SERVICE_NAME } from "./lib/step-functions";
import { stateMachineName } from "./lib/workflow-state-machine";
import { State } from "./State";
import { Workflows } from "./Workflows";

/** Slack wants an answer within three seconds; the function gives up before Slack does. */
export const SLACK_TIMEOUT_SECONDS = 3;
/** Concurrent Slack requests served at most (Slack sends few; more is a flood). */
export const SLACK_RESERVED_CONCURRENCY = 5;
/** The policy (JSON, src/core/chatops/policy.ts) is a deployment setting, reviewed like code. */
export const SLACK_POLICY_SETTING = "TUGBOAT_SLACK_POLICY";
const EMPTY_POLICY = '{"appId":"A0","teams":["T0"],"clusters":{}}';

export function readSlackPolicy(env: NodeJS.ProcessEnv = process.env): string {
  const text = env[SLACK_POLICY_SETTING] ?? EMPTY_POLICY;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${SLACK_POLICY_SETTING} is not JSON: ${(err as Error).message}`);
  }
  const parsed = chatPolicySchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${SLACK_POLICY_SETTING}: ${describeIssues(parsed.error.issues)}`);
  return JSON.stringify(parsed.data);
}

export function ChatOps({ stack, app }: StackContext) {
  const { table } = use(State);
  const { stateMachines } = use(Workflows);
  const settings = readStackSettings();
  const startable = Object.fromEntries(
    chatWorkflows.map((w) => {
      const machine = stateMachines[w.name];
      if (!machine) throw new Error(`the Workflows stack has no ${w.name} state machine`);
      return [w.name, machine.stateMachineArn];
    }),
  );
  const environment = {
    ...BUNDLED_FUNCTION_ENVIRONMENT,
    [CHATOPS_ENVIRONMENT.table]: table.tableName,
    [CHATOPS_ENVIRONMENT.policy]: readSlackPolicy(),
    [CHATOPS_ENVIRONMENT.stateMachines]: stack.toJsonString(startable),
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
  };
  const access = {
    stack,
    table,
    clusters: settings.clusters,
    stateMachineNames: Object.keys(workflows).map((name) => stateMachineName(app, name)),
  };

  const http = new ChatFunction(stack, "SlackHttp", {
    handler: `${slackFunction.module}.handler`,
    timeout: SLACK_TIMEOUT_SECONDS,
    memorySize: 512,
    reservedConcurrentExecutions: SLACK_RESERVED_CONCURRENCY,
    environment,
    nodejs: nodejsBundling(slackFunction),
  });
  for (const statement of statementsForAccess(slackFunction.access, access)) http.addToRolePolicy(statement);
  for (const statement of slackStepFunctionsStatements(Object.values(startable))) {
    http.addToRolePolicy(toCdkStatement(statement));
  }
  const url = http.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });

  const progress = new ChatFunction(stack, "SlackProgress", {
    handler: `${slackProgressFunction.module}.handler`,
    timeout: 60,
    memorySize: 512,
    reservedConcurrentExecutions: 1,
    environment,
    nodejs: nodejsBundling(slackProgressFunction),
  });
  for (const statement of statementsForAccess(slackProgressFunction.access, access)) {
    progress.addToRolePolicy(statement);
  }
  new Rule(stack, "SlackProgressSchedule", {
    description: "Tugboat: update the Slack progress messages of runs started from Slack",
    schedule: Schedule.rate(Duration.minutes(1)),
    targets: [new LambdaFunction(progress)],
  });

  stack.addOutputs({ SlackRequestUrl: url.url, SlackRoleArn: http.role?.roleArn ?? "" });
  return { http, progress, url };
}
