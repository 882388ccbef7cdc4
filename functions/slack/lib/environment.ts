/**
 * The chat functions' configuration. In Lambda: environment variables the ChatOps stack sets (names and
 * ARNs only: the secrets themselves stay in Secrets Manager or SSM). In the sandbox: the same values
 * for one sandbox, scoped with AsyncLocalStorage so that executions it starts carry them too.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { SLACK_SECRET_NAME } from "../../../stacks/lib/access-documents";

export const CHATOPS_ENVIRONMENT = {
  table: "TUGBOAT_TABLE",
  /** A Secrets Manager secret ARN, or "ssm:/name" of a SecureString: JSON with the signing secrets and bot token. */
  slackSecret: "TUGBOAT_SLACK_SECRET",
  /** Slack's Web API base (default https://slack.com/api/); the sandbox's loopback stand-in. */
  slackApiUrl: "TUGBOAT_SLACK_API_URL",
  /** The policy (ids only, no secret): JSON, see src/core/chatops/policy.ts. */
  policy: "TUGBOAT_SLACK_POLICY",
  /** JSON: workflow name → state machine ARN, for the workflows the Slack function may start. */
  stateMachines: "TUGBOAT_STATE_MACHINES",
} as const;

export interface ChatOpsEnvironment {
  tableName: string;
  region: string;
  slackSecret: string;
  slackApiUrl?: string;
  policy: string;
  stateMachines: Record<string, string>;
}

const scoped = new AsyncLocalStorage<ChatOpsEnvironment>();

export function runWithChatOpsEnvironment<T>(environment: ChatOpsEnvironment, fn: () => T): T {
  return scoped.run(environment, fn);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the ChatOps stack sets it on the Slack functions`);
  return value;
}

export function currentChatOpsEnvironment(): ChatOpsEnvironment {
  const sandbox = scoped.getStore();
  if (sandbox) return sandbox;
  return {
    tableName: required(CHATOPS_ENVIRONMENT.table),
    region: process.env.AWS_REGION ?? "us-east-1",
    // The approval step is deployed with the workflows, which name the secret by its conventional name.
    slackSecret: process.env[CHATOPS_ENVIRONMENT.slackSecret] ?? SLACK_SECRET_NAME,
    ...(process.env[CHATOPS_ENVIRONMENT.slackApiUrl]
      ? { slackApiUrl: process.env[CHATOPS_ENVIRONMENT.slackApiUrl] }
      : {}),
    policy: process.env[CHATOPS_ENVIRONMENT.policy] ?? '{"appId":"A0","teams":["T0"],"clusters":{}}',
    stateMachines: JSON.parse(process.env[CHATOPS_ENVIRONMENT.stateMachines] ?? "{}") as Record<string, string>,
  };
}
