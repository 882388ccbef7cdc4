/**
 * The chat functions' dependencies, built once per container from the step runtime's AWS clients (the
 * role's own clients in the sandbox) and the chat configuration: secrets are read on first use and
 * cached by the secrets adapter, the policy is parsed once.
 */
import { DynamoApprovalStore } from "../../../src/adapters/aws/approval-store";
import { AwsChatSecrets } from "../../../src/adapters/aws/chat-secrets";
import { SfnTaskResults } from "../../../src/adapters/aws/task-results";
import { SfnWorkflowStarter } from "../../../src/adapters/aws/workflow-starter";
import type { AwsClients } from "../../../src/adapters/deps";
import { SlackWebApi } from "../../../src/adapters/slack/web-api";
import { chatPolicySchema } from "../../../src/core/chatops/policy";
import type { ChatOpsDeps } from "../../../src/core/chatops/ports";
import type { Deps } from "../../../src/core/ports";
import { describeIssues } from "../../../src/core/roll/input";
import { currentDeps } from "../../lib/runtime";
import { type ChatOpsEnvironment, currentChatOpsEnvironment } from "./environment";

const built = new WeakMap<object, Map<string, ChatOpsDeps>>();

export function currentChatOpsDeps(): ChatOpsDeps {
  return chatOpsDepsFor(currentDeps(), currentChatOpsEnvironment());
}

export function chatOpsDepsFor(base: Deps, env: ChatOpsEnvironment): ChatOpsDeps {
  const clients = (base as Deps & { clients?: AwsClients }).clients;
  if (!clients) throw new Error("the chat functions need the AWS clients of their runtime");
  let byEnv = built.get(base);
  if (!byEnv) {
    byEnv = new Map();
    built.set(base, byEnv);
  }
  const key = JSON.stringify(env);
  const cached = byEnv.get(key);
  if (cached) return cached;
  const secrets = new AwsChatSecrets(env.slackSecret, clients, base.clock);
  const parsed = chatPolicySchema.safeParse(JSON.parse(env.policy));
  if (!parsed.success) throw new Error(`the Slack policy is invalid: ${describeIssues(parsed.error.issues)}`);
  const policy = parsed.data;
  const deps: ChatOpsDeps = {
    state: base.state,
    approvals: new DynamoApprovalStore(clients.dynamo, env.tableName),
    starter: new SfnWorkflowStarter(clients.sfn, env.stateMachines, env.region),
    tasks: new SfnTaskResults(clients.sfn),
    chat: new SlackWebApi(() => secrets.botToken(), env.slackApiUrl),
    secrets,
    policy: async () => policy,
    clock: base.clock,
    log: base.log,
  };
  byEnv.set(key, deps);
  return deps;
}
