/**
 * WorkflowStarterPort on Step Functions StartExecution, for the state machines this deployment names
 * (workflow name → ARN). The same name twice never makes two runs: Step Functions answers the same
 * execution for the same name and input, and ExecutionAlreadyExists otherwise; both are "already-started".
 */
import { type SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { StartOutcome, WorkflowStarterPort } from "../../core/chatops/ports";
import { TerminalError } from "../../core/errors";
import { awsErrorCode, toStepError } from "./classify";
import { executionArnFor } from "./reaction-starter";

export class SfnWorkflowStarter implements WorkflowStarterPort {
  private readonly started = new Set<string>();

  constructor(
    private readonly client: SFNClient,
    private readonly stateMachines: Record<string, string>,
    private readonly consoleRegion: string,
  ) {}

  async start(workflow: string, name: string, input: unknown): Promise<StartOutcome> {
    const stateMachineArn = this.stateMachines[workflow];
    if (!stateMachineArn) throw new TerminalError(`no state machine for workflow ${workflow} in this deployment`);
    const executionId = executionArnFor(stateMachineArn, name);
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    } catch (err) {
      if (awsErrorCode(err) === "ExecutionAlreadyExists") return { outcome: "already-started", executionId };
      throw toStepError(err, `starting ${workflow} as ${name}`);
    }
    // StartExecution is idempotent for the same name and input: a second start answers the same ARN.
    if (this.started.has(executionId)) return { outcome: "already-started", executionId };
    this.started.add(executionId);
    return { outcome: "started", executionId };
  }

  linkFor(executionId: string): string {
    return `https://${this.consoleRegion}.console.aws.amazon.com/states/home?region=${this.consoleRegion}#/v2/executions/details/${executionId}`;
  }
}
