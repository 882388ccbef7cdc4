/**
 * Secrets Manager secrets published while the sandbox runs (a created self-managed cluster's etcd access,
 * the Slack secret of a sandbox that serves Slack), over the region's built-in ones, with DeleteSecret as
 * Secrets Manager answers it: with a recovery window (7 to 30 days, 30 by default) the secret is only
 * scheduled for deletion and keeps its name (reading it, or publishing it again, is refused with
 * InvalidRequestException until the window ends); ForceDeleteWithoutRecovery deletes it at once, and
 * succeeds for a secret that does not exist. A secret made again under a name gets a new ARN suffix.
 */
import type { CommandHandler } from "./autoscaling";
import { awsError, unsupportedCommand } from "./errors";
import { hashString } from "./ids";
import { type CommandInput, requireString } from "./input";
import { type RegionContext, SANDBOX_ACCOUNT_ID } from "./world";

interface PublishedSecret {
  name: string;
  arn: string;
  versionId: string;
  createdMs: number;
  render: () => string;
  /** When a scheduled deletion ends (the secret is gone after it); absent while the secret is live. */
  deletionMs?: number;
}

const DAY_MS = 24 * 3600 * 1000;
const MARKED = "You can't perform this operation on the secret because it was marked for deletion.";
const NOT_FOUND = "Secrets Manager can't find the specified secret.";

export class PublishedSecrets {
  private readonly secrets = new Map<string, PublishedSecret>();
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly ctx: RegionContext,
    /** name → ARN, as IAM authorizes a secret by its ARN (kept in step with what exists). */
    private readonly arns: Map<string, string>,
  ) {}

  /** The secret by name or ARN, forgetting one whose scheduled deletion has ended. */
  private find(id: string): PublishedSecret | undefined {
    const secret = [...this.secrets.values()].find((s) => s.name === id || s.arn === id);
    if (secret?.deletionMs !== undefined && secret.deletionMs <= this.ctx.clock.nowMs()) {
      this.remove(secret);
      return undefined;
    }
    return secret;
  }

  private remove(secret: PublishedSecret): void {
    this.secrets.delete(secret.name);
    this.arns.delete(secret.name);
  }

  /**
   * Publishes (or re-renders) a secret; its ARN. A name scheduled for deletion cannot be made again: the
   * publisher is refused, and the secret stays unreadable.
   */
  publish(name: string, render: () => string): string {
    const existing = this.find(name);
    if (existing?.deletionMs !== undefined) throw awsError("secretsmanager", "InvalidRequestException", MARKED);
    if (existing) {
      existing.render = render;
      return existing.arn;
    }
    const generation = this.generations.get(name) ?? 0;
    this.generations.set(name, generation + 1);
    const seed = generation === 0 ? "" : `#${generation}`;
    const suffix =
      generation === 0
        ? `${name.replace(/[^a-z]/g, "").slice(-3)}000`.slice(-6).padStart(6, "x")
        : hashString(`${name}${seed}`).toString(36).padStart(6, "x").slice(-6);
    const arn = `arn:aws:secretsmanager:${this.ctx.regionName}:${SANDBOX_ACCOUNT_ID}:secret:${name}-${suffix}`;
    const versionId = `00000000-0000-4000-8000-${(51 + generation).toString().padStart(12, "0")}`;
    this.secrets.set(name, { name, arn, versionId, createdMs: this.ctx.clock.nowMs(), render });
    this.arns.set(name, arn);
    return arn;
  }

  /** Whether the region's built-in secrets (the scenario's) answer for this id. */
  private builtIn(getBase: CommandHandler, id: string): boolean {
    try {
      getBase({ SecretId: id });
      return true;
    } catch {
      return false;
    }
  }

  /** GetSecretValue for published secrets over `base`, and DeleteSecret for them. */
  commands(base: Record<string, CommandHandler>): Record<string, CommandHandler> {
    const getBase = base.GetSecretValue as CommandHandler;
    return {
      ...base,
      GetSecretValue: (input: CommandInput) => {
        const secret = this.find(String(input.SecretId ?? ""));
        if (!secret) return getBase(input);
        if (secret.deletionMs !== undefined) throw awsError("secretsmanager", "InvalidRequestException", MARKED);
        return {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: secret.versionId,
          SecretString: secret.render(),
          VersionStages: ["AWSCURRENT"],
          CreatedDate: new Date(secret.createdMs),
        };
      },
      DeleteSecret: (input: CommandInput) => {
        const id = requireString("secretsmanager", input, "SecretId");
        const force = input.ForceDeleteWithoutRecovery === true;
        const window = input.RecoveryWindowInDays;
        if (force && window !== undefined) {
          throw awsError(
            "secretsmanager",
            "InvalidParameterException",
            "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
          );
        }
        if (window !== undefined && (typeof window !== "number" || window < 7 || window > 30)) {
          throw awsError(
            "secretsmanager",
            "InvalidParameterException",
            "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).",
          );
        }
        const now = this.ctx.clock.nowMs();
        const secret = this.find(id);
        if (!secret) {
          if (this.builtIn(getBase, id)) {
            throw unsupportedCommand("secretsmanager", "DeleteSecret of a secret the scenario defines");
          }
          // A forced deletion of a secret that does not exist succeeds.
          if (force) return { Name: id, DeletionDate: new Date(now) };
          throw awsError("secretsmanager", "ResourceNotFoundException", NOT_FOUND);
        }
        if (force) {
          this.remove(secret);
          return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date(now) };
        }
        if (secret.deletionMs !== undefined) throw awsError("secretsmanager", "InvalidRequestException", MARKED);
        secret.deletionMs = now + (window ?? 30) * DAY_MS;
        return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date(secret.deletionMs) };
      },
    };
  }
}
