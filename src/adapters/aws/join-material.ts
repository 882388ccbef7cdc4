/**
 * SSM Parameter Store for a self-managed cluster's join material (SecureString, KMS's AWS-managed key):
 * read with decryption, written with Overwrite, deleted after use; and SSM Run Command, through which a
 * control-plane node registers renewed material with its cluster.
 */
import {
  DeleteParameterCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  PutParameterCommand,
  SendCommandCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import type { JoinMaterialPort, SecureParameter } from "../../core/create/self-managed/ports";
import { isNotFound, toStepError } from "./classify";

export class JoinMaterialAdapter implements JoinMaterialPort {
  constructor(private readonly ssm: SSMClient) {}

  async getParameter(name: string): Promise<SecureParameter | undefined> {
    try {
      const out = await this.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      const value = out.Parameter?.Value;
      if (value === undefined) return undefined;
      return { value, lastModified: out.Parameter?.LastModifiedDate ?? new Date(0) };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toStepError(err, `reading SSM parameter ${name}`);
    }
  }

  async putParameter(name: string, value: string): Promise<void> {
    try {
      await this.ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: "SecureString", Overwrite: true }));
    } catch (err) {
      throw toStepError(err, `writing SSM parameter ${name}`);
    }
  }

  async deleteParameter(name: string): Promise<"deleted" | "not-found"> {
    try {
      await this.ssm.send(new DeleteParameterCommand({ Name: name }));
      return "deleted";
    } catch (err) {
      if (isNotFound(err)) return "not-found";
      throw toStepError(err, `deleting SSM parameter ${name}`);
    }
  }

  async runOnNode(instanceId: string, commands: string[], comment: string): Promise<string> {
    try {
      const out = await this.ssm.send(
        new SendCommandCommand({
          DocumentName: "AWS-RunShellScript",
          InstanceIds: [instanceId],
          Parameters: { commands },
          Comment: comment.slice(0, 100),
        }),
      );
      const id = out.Command?.CommandId;
      if (!id) throw new Error("SendCommand returned no command id");
      return id;
    } catch (err) {
      throw toStepError(err, `running a command on ${instanceId}`);
    }
  }

  async commandStatus(
    commandId: string,
    instanceId: string,
  ): Promise<{ status: "pending" | "success" | "failed"; detail: string }> {
    try {
      const out = await this.ssm.send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
      );
      const status = out.Status ?? "Pending";
      if (status === "Success") return { status: "success", detail: status };
      if (["Pending", "InProgress", "Delayed"].includes(status)) return { status: "pending", detail: status };
      return { status: "failed", detail: `${status}: ${out.StandardErrorContent ?? ""}`.trim() };
    } catch (err) {
      // An invocation is not visible for a moment after SendCommand returns.
      if (isNotFound(err) || (err as { name?: string }).name === "InvocationDoesNotExist") {
        return { status: "pending", detail: "not visible yet" };
      }
      throw toStepError(err, `reading command ${commandId} on ${instanceId}`);
    }
  }
}
