/**
 * The two small services the sandbox answers for the rest of the runtime: Step Functions
 * DescribeExecution (the runner says which executions exist and their status; Tugboat uses it to
 * tell a live lock owner from a stale one) and STS GetCallerIdentity (a fixed sandbox account).
 */
import type { CommandHandler } from "./autoscaling";
import { awsError } from "./errors";
import { type CommandInput, requireString } from "./input";
import { type RegionContext, SANDBOX_ACCOUNT_ID } from "./world";

export type ExecutionStatusProvider = (executionArn: string) => string | undefined;

/**
 * What the sandbox's Step Functions does beyond DescribeExecution, once a sandbox provides it: start an
 * execution (as the Slack function does) and answer a task token (SendTaskSuccess/SendTaskFailure).
 */
export interface StepFunctionsBackend {
  /** The started (or, for the same name and input, the existing) execution's ARN; throws as the service does. */
  startExecution(request: { stateMachineArn: string; name: string; input: string }): { executionArn: string };
  answerTask(
    token: string,
    outcome: { kind: "success"; output: unknown } | { kind: "failure"; error: string; cause: string },
  ): "accepted" | "TaskTimedOut" | "InvalidToken";
}

const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;

export function stepFunctionsCommands(
  ctx: RegionContext,
  provider: () => ExecutionStatusProvider | undefined,
  backend: () => StepFunctionsBackend | undefined = () => undefined,
): Record<string, CommandHandler> {
  const needBackend = (command: string): StepFunctionsBackend => {
    const found = backend();
    if (!found) throw new Error(`the sandbox's Step Functions does not serve ${command} here`);
    return found;
  };
  const answer = (command: string, input: CommandInput, outcome: Parameters<StepFunctionsBackend["answerTask"]>[1]) => {
    const token = requireString("sfn", input, "taskToken");
    const result = needBackend(command).answerTask(token, outcome);
    if (result === "TaskTimedOut") {
      throw awsError("sfn", "TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");
    }
    if (result === "InvalidToken") throw awsError("sfn", "InvalidToken", "Invalid Token: 'Invalid token'");
    return {};
  };
  return {
    StartExecution: (input: CommandInput) => {
      const stateMachineArn = requireString("sfn", input, "stateMachineArn");
      const name = requireString("sfn", input, "name");
      if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
        throw awsError("sfn", "InvalidName", `Invalid Name: '${name}'`);
      }
      const started = needBackend("StartExecution").startExecution({
        stateMachineArn,
        name,
        input: typeof input.input === "string" ? input.input : "{}",
      });
      return { executionArn: started.executionArn, startDate: new Date(ctx.clock.nowMs()) };
    },
    SendTaskSuccess: (input: CommandInput) => {
      const output = requireString("sfn", input, "output");
      let parsed: unknown;
      try {
        parsed = JSON.parse(output);
      } catch {
        throw awsError("sfn", "InvalidOutput", "Invalid Output: 'output is not valid JSON'");
      }
      return answer("SendTaskSuccess", input, { kind: "success", output: parsed });
    },
    SendTaskFailure: (input: CommandInput) =>
      answer("SendTaskFailure", input, {
        kind: "failure",
        error: typeof input.error === "string" ? input.error : "",
        cause: typeof input.cause === "string" ? input.cause : "",
      }),
    DescribeExecution: (input: CommandInput) => {
      const arn = requireString("sfn", input, "executionArn");
      if (!EXECUTION_ARN.test(arn)) throw awsError("sfn", "InvalidArn", `Invalid Arn: '${arn}'`);
      const status = provider()?.(arn);
      if (status === undefined) throw awsError("sfn", "ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
      const parts = arn.split(":");
      return {
        executionArn: arn,
        stateMachineArn: [...parts.slice(0, 5), "stateMachine", parts[6]].join(":"),
        name: parts[7],
        status,
        startDate: new Date(ctx.clock.nowMs()),
      };
    },
  };
}

export function stsCommands(): Record<string, CommandHandler> {
  return {
    GetCallerIdentity: () => ({
      UserId: "AROA3SANDBOXTUGBOAT0001:tugboat",
      Account: SANDBOX_ACCOUNT_ID,
      Arn: `arn:aws:sts::${SANDBOX_ACCOUNT_ID}:assumed-role/tugboat-sandbox/tugboat`,
    }),
  };
}
