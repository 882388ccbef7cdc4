/**
 * TaskResultPort on Step Functions SendTaskSuccess/SendTaskFailure. A token whose task is over (timed
 * out, already answered, its execution stopped) is "closed", an outcome rather than an error.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from "@aws-sdk/client-sfn";
import type { TaskResult, TaskResultPort } from "../../core/chatops/ports";
import { awsErrorCode, toStepError } from "./classify";

const CLOSED = new Set(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]);

export class SfnTaskResults implements TaskResultPort {
  constructor(private readonly client: SFNClient) {}

  async succeed(taskToken: string, output: unknown): Promise<TaskResult> {
    return this.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }), "success");
  }

  async fail(taskToken: string, error: string, cause: string): Promise<TaskResult> {
    return this.send(new SendTaskFailureCommand({ taskToken, error, cause }), "failure");
  }

  private async send(command: SendTaskSuccessCommand | SendTaskFailureCommand, what: string): Promise<TaskResult> {
    try {
      await this.client.send(command as SendTaskSuccessCommand);
      return "sent";
    } catch (err) {
      if (CLOSED.has(awsErrorCode(err) ?? "")) return "closed";
      // The token is never part of the message.
      throw toStepError(err, `sending a task ${what}`);
    }
  }
}
