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

const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;

export function stepFunctionsCommands(
  ctx: RegionContext,
  provider: () => ExecutionStatusProvider | undefined,
): Record<string, CommandHandler> {
  return {
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
