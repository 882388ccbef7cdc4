/**
 * SSM parameters written in the region (PutParameter, DeleteParameter): the join material Tugboat keeps
 * for a self-managed cluster and what its first node publishes (the CA certificate hash, the
 * kubeconfig). Reads fall through to the region's built-in parameters (AMI ids, a scenario cluster's
 * kubeconfig). Without WithDecryption a SecureString reads as KMS ciphertext, as in SSM.
 */
import type { CommandHandler } from "./autoscaling";
import { awsError } from "./errors";
import { type CommandInput, requireString, stringList } from "./input";
import { type RegionContext, SANDBOX_ACCOUNT_ID } from "./world";

export interface StoredParameter {
  name: string;
  type: "String" | "SecureString";
  value: string;
  version: number;
  lastModifiedMs: number;
}

export class ParameterStore {
  readonly parameters = new Map<string, StoredParameter>();

  constructor(private readonly ctx: RegionContext) {}

  put(name: string, value: string, type: "String" | "SecureString", overwrite: boolean): StoredParameter {
    const existing = this.parameters.get(name);
    if (existing && !overwrite) {
      throw awsError(
        "ssm",
        "ParameterAlreadyExists",
        "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
      );
    }
    const record = { name, type, value, version: (existing?.version ?? 0) + 1, lastModifiedMs: this.ctx.clock.nowMs() };
    this.parameters.set(name, record);
    return record;
  }

  /** The value a reader gets: a SecureString without decryption is its ciphertext. */
  read(name: string, decrypt: boolean): string | undefined {
    const record = this.parameters.get(name);
    if (!record) return undefined;
    return record.type === "SecureString" && !decrypt ? ciphertext(record.value) : record.value;
  }

  /** Wraps the region's SSM handlers with writes and the parameters written. */
  commands(base: Record<string, CommandHandler>, beforeEach: () => void): Record<string, CommandHandler> {
    const shape = (record: StoredParameter, decrypt: boolean) => ({
      Name: record.name,
      Type: record.type,
      Value: this.read(record.name, decrypt),
      Version: record.version,
      LastModifiedDate: new Date(record.lastModifiedMs),
      ARN: `arn:aws:ssm:${this.ctx.regionName}:${SANDBOX_ACCOUNT_ID}:parameter${record.name}`,
      DataType: "text",
    });
    const wrapped: Record<string, CommandHandler> = {};
    for (const [command, handler] of Object.entries(base)) {
      wrapped[command] = (input: CommandInput) => {
        beforeEach();
        return handler(input);
      };
    }
    return {
      ...wrapped,
      GetParameter: (input: CommandInput) => {
        beforeEach();
        const name = requireString("ssm", input, "Name");
        const record = this.parameters.get(name);
        if (!record) return (base.GetParameter as CommandHandler)(input);
        return { Parameter: shape(record, input.WithDecryption === true) };
      },
      GetParameters: (input: CommandInput) => {
        beforeEach();
        const names = stringList(input, "Names") ?? [];
        const mine = names.filter((n) => this.parameters.has(n));
        const rest = names.filter((n) => !this.parameters.has(n));
        const out = (rest.length > 0 ? (base.GetParameters as CommandHandler)({ ...input, Names: rest }) : {}) as {
          Parameters?: unknown[];
          InvalidParameters?: string[];
        };
        return {
          Parameters: [
            ...mine.map((n) => shape(this.parameters.get(n) as StoredParameter, input.WithDecryption === true)),
            ...(out.Parameters ?? []),
          ],
          InvalidParameters: out.InvalidParameters ?? [],
        };
      },
      PutParameter: (input: CommandInput) => {
        beforeEach();
        const name = requireString("ssm", input, "Name");
        const value = requireString("ssm", input, "Value");
        const type = input.Type === "SecureString" ? "SecureString" : "String";
        if (!name.startsWith("/") || name.startsWith("/aws/")) {
          throw awsError(
            "ssm",
            "ValidationException",
            `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive).`,
          );
        }
        const record = this.put(name, value, type, input.Overwrite === true);
        return { Version: record.version, Tier: "Standard" };
      },
      DeleteParameter: (input: CommandInput) => {
        beforeEach();
        const name = requireString("ssm", input, "Name");
        if (!this.parameters.delete(name)) throw awsError("ssm", "ParameterNotFound", `Parameter ${name} not found.`);
        return {};
      },
    };
  }
}

function ciphertext(value: string): string {
  return `AQICAH${Buffer.from(value, "utf8").toString("base64").split("").reverse().join("").slice(0, 120)}`;
}
