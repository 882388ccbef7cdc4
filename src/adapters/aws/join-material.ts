/**
 * SSM Parameter Store for a self-managed cluster's join material (SecureString, KMS's AWS-managed key):
 * read with decryption, written with Overwrite, deleted after use.
 */
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
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
}
