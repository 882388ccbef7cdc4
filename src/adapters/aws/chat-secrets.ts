/**
 * ChatSecretsPort on Secrets Manager (a secret's ARN or name) or SSM Parameter Store (`ssm:/path`, a
 * SecureString read WithDecryption). The value is JSON: `signingSecret`, optionally
 * `previousSigningSecret` (kept during a rotation) and `botToken`. Read once per container and kept for
 * CACHE_SECONDS, so a rotation reaches every container within minutes while the previous secret still
 * verifies. Never logged, never returned anywhere but to the caller that needs it.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { ChatSecretsPort } from "../../core/chatops/ports";
import { TerminalError } from "../../core/errors";
import type { Clock } from "../../core/ports";
import { toStepError } from "./classify";

export const CACHE_SECONDS = 300;

interface SlackSecretValue {
  signingSecret?: string;
  previousSigningSecret?: string;
  botToken?: string;
}

export class AwsChatSecrets implements ChatSecretsPort {
  private cached?: { value: Promise<SlackSecretValue>; atMs: number };

  constructor(
    private readonly source: string,
    private readonly clients: { secrets: SecretsManagerClient; ssm: SSMClient },
    private readonly clock: Clock,
  ) {}

  async signingSecrets(): Promise<string[]> {
    const value = await this.read();
    return [value.signingSecret, value.previousSigningSecret].filter((s): s is string => !!s);
  }

  async botToken(): Promise<string> {
    const token = (await this.read()).botToken;
    if (!token) throw new TerminalError("the Slack secret has no botToken field");
    return token;
  }

  private read(): Promise<SlackSecretValue> {
    const nowMs = this.clock.now().getTime();
    if (this.cached && nowMs - this.cached.atMs < CACHE_SECONDS * 1000) return this.cached.value;
    const value = this.fetch();
    value.catch(() => {
      this.cached = undefined;
    });
    this.cached = { value, atMs: nowMs };
    return value;
  }

  private async fetch(): Promise<SlackSecretValue> {
    let text: string | undefined;
    try {
      if (this.source.startsWith("ssm:")) {
        const out = await this.clients.ssm.send(
          new GetParameterCommand({ Name: this.source.slice(4), WithDecryption: true }),
        );
        text = out.Parameter?.Value;
      } else {
        text = (await this.clients.secrets.send(new GetSecretValueCommand({ SecretId: this.source }))).SecretString;
      }
    } catch (err) {
      throw toStepError(err, `reading the Slack secret ${this.source}`);
    }
    try {
      return JSON.parse(text ?? "") as SlackSecretValue;
    } catch {
      throw new TerminalError(
        `the Slack secret ${this.source} is not JSON with signingSecret, previousSigningSecret, botToken`,
      );
    }
  }
}
