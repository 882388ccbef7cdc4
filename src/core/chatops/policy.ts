/**
 * Who may do what from Slack, per cluster and per action, on ids only (app, team or Enterprise Grid
 * organisation, channel, user: names can be changed by whoever owns them). Deny by default: a request
 * is allowed only when every id is listed; a cluster missing from the policy allows nothing.
 */
import { z } from "zod";

/** What a chat request can ask of a cluster. New commands add their action here and to the router. */
export const CHAT_ACTIONS = ["upgrade", "roll", "rebalance", "abort", "status", "approve"] as const;
export type ChatAction = (typeof CHAT_ACTIONS)[number];

/** Actions an operator (someone who may start runs) holds unless the cluster narrows them with `allow`. */
const OPERATOR_ACTIONS: readonly ChatAction[] = ["upgrade", "roll", "rebalance", "abort", "status"];

const slackId = z.string().regex(/^[A-Z][A-Z0-9]+$/, "a Slack id such as U012AB3CD, W012AB3CD or C012AB3CD");

export const clusterChatPolicySchema = z
  .object({
    /** Channels the cluster may be driven from. */
    channels: z.array(slackId).default([]),
    /** Users who may start runs (upgrade, roll, rebalance), abort them and ask their status. */
    operators: z.array(slackId).default([]),
    /** Users who may approve or reject a run waiting for approval (never their own run). */
    approvers: z.array(slackId).default([]),
    /** Per action, the users allowed in addition to the operators (e.g. status for a wider group). */
    allow: z.partialRecord(z.enum(CHAT_ACTIONS), z.array(slackId)).default({}),
    /**
     * "required": every run started from chat waits for an approval before its first change;
     * "each-control-plane-step": the same, and an upgrade also waits for one before every later
     * control-plane step (one minor each).
     */
    approval: z.enum(["required", "each-control-plane-step", "none"]).default("none"),
  })
  .strict();

export const chatPolicySchema = z
  .object({
    /** The Slack app's id: requests of any other app (installed in the same workspace) are refused. */
    appId: slackId,
    /** Workspaces (T…) or Enterprise Grid organisations (E…) whose requests are considered. */
    teams: z.array(slackId).min(1, "at least one team or enterprise id"),
    clusters: z.record(z.string(), clusterChatPolicySchema),
  })
  .strict();

export type ChatPolicy = z.infer<typeof chatPolicySchema>;
export type ClusterChatPolicy = z.infer<typeof clusterChatPolicySchema>;

export interface ChatIdentity {
  appId?: string;
  teamId?: string;
  enterpriseId?: string;
  userId?: string;
  channelId?: string;
}

export type Authorization = { allowed: true } | { allowed: false; reason: string };

/** The app and the workspace: checked before anything is parsed further. */
export function authorizeOrigin(policy: ChatPolicy, who: ChatIdentity): Authorization {
  // Every workspace the app is installed in signs validly: the app id must be ours, and present.
  if (who.appId !== policy.appId) {
    return { allowed: false, reason: `app ${who.appId ?? "(none)"} is not this app` };
  }
  const teams = [who.teamId, who.enterpriseId].filter((t): t is string => t !== undefined);
  if (!teams.some((t) => policy.teams.includes(t))) {
    return { allowed: false, reason: `team ${teams.join("/") || "(none)"} is not allowed` };
  }
  return { allowed: true };
}

/** One action on one cluster, by one user in one channel. */
export function authorize(policy: ChatPolicy, who: ChatIdentity, cluster: string, action: ChatAction): Authorization {
  const origin = authorizeOrigin(policy, who);
  if (!origin.allowed) return origin;
  const rules = Object.hasOwn(policy.clusters, cluster) ? policy.clusters[cluster] : undefined;
  if (!rules) return { allowed: false, reason: `cluster ${cluster} is not driven from Slack` };
  if (!who.channelId || !rules.channels.includes(who.channelId)) {
    return { allowed: false, reason: `channel ${who.channelId ?? "(none)"} may not act on ${cluster}` };
  }
  if (!who.userId || !usersFor(rules, action).includes(who.userId)) {
    return { allowed: false, reason: `user ${who.userId ?? "(none)"} may not ${action} ${cluster}` };
  }
  return { allowed: true };
}

/** Does the cluster's policy put an approval before the first change of runs started from chat? */
export function approvalRequired(rules: ClusterChatPolicy | undefined): boolean {
  return rules?.approval === "required" || rules?.approval === "each-control-plane-step";
}

function usersFor(rules: ClusterChatPolicy, action: ChatAction): string[] {
  const extra = rules.allow[action] ?? [];
  if (action === "approve") return [...rules.approvers, ...extra];
  if (action === "status") return [...rules.operators, ...rules.approvers, ...extra];
  return OPERATOR_ACTIONS.includes(action) ? [...rules.operators, ...extra] : extra;
}
