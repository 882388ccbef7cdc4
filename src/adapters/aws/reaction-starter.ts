/**
 * ReactionStarterPort on Step Functions StartExecution. The execution is named after the event and the
 * instance: a second start of the same name is refused by the service (ExecutionAlreadyExists), which
 * is the last line of deduplication behind the event ledger.
 */
import { type SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { ReactionStart, ReactionStarterPort } from "../../core/events/react/ports";
import type { ReactionRequest } from "../../core/events/react/request";
import { awsErrorCode, toStepError } from "./classify";

/** arn:…:stateMachine:<machine> → arn:…:execution:<machine>:<name>. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
}

export class SfnReactionStarter implements ReactionStarterPort {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(name: string, request: ReactionRequest): Promise<ReactionStart> {
    try {
      const out = await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(request) }),
      );
      return { outcome: "started", executionId: out.executionArn ?? executionArnFor(this.stateMachineArn, name) };
    } catch (err) {
      if (awsErrorCode(err) === "ExecutionAlreadyExists") {
        return { outcome: "already-started", executionId: executionArnFor(this.stateMachineArn, name) };
      }
      throw toStepError(err, `starting reaction ${name} on ${this.stateMachineArn}`);
    }
  }
}
