/**
 * ExecutionStatusPort on Step Functions DescribeExecution. Stale-lock recovery asks whether the lock's
 * owner is still running; an execution Step Functions no longer knows is reported as "NOT_FOUND".
 */
import { DescribeExecutionCommand, type SFNClient } from "@aws-sdk/client-sfn";
import type { ExecutionStatusPort } from "../../core/model/state";
import { awsErrorCode, toStepError } from "./classify";

export class SfnExecutionStatus implements ExecutionStatusPort {
  constructor(private readonly client: SFNClient) {}

  async status(executionId: string): Promise<string> {
    try {
      const out = await this.client.send(new DescribeExecutionCommand({ executionArn: executionId }));
      return out.status ?? "NOT_FOUND";
    } catch (err) {
      if (awsErrorCode(err) === "ExecutionDoesNotExist") return "NOT_FOUND";
      throw toStepError(err, `DescribeExecution ${executionId}`);
    }
  }
}
