/**
 * The scenario's `slack` section (docs/scenarios.md): the app and workspace Slack would send requests
 * from, the signing secret the replay signs with, the bot token the stand-in accepts, each cluster's
 * policy, and an optional rate limit for the stand-in to enforce.
 */
import { z } from "zod";
import { type ChatPolicy, clusterChatPolicySchema } from "../../core/chatops/policy";

export const slackScenarioSchema = z
  .object({
    signingSecret: z.string().min(1, "the signing secret the replay signs requests with"),
    /** The secret being rotated out: still verifies until the rotation ends. */
    previousSigningSecret: z.string().min(1).optional(),
    teamId: z.string().regex(/^T[A-Z0-9]+$/, "a workspace id such as T012AB3CD"),
    /** Set for an Enterprise Grid organisation (E…): requests carry it beside the team id. */
    enterpriseId: z
      .string()
      .regex(/^E[A-Z0-9]+$/, "an Enterprise Grid id such as E012AB3CD")
      .optional(),
    appId: z.string().regex(/^A[A-Z0-9]+$/, "an app id such as A012AB3CD"),
    botToken: z.string().default("xoxb-tugboat-sandbox"),
    policy: z.record(z.string(), clusterChatPolicySchema).default({}),
    /**
     * The stand-in answers 429 with this Retry-After to every `everyNthWrite`-th chat.postMessage or
     * chat.update (Slack's rate limits, as a fault).
     */
    rateLimit: z
      .object({ everyNthWrite: z.number().int().min(1), retryAfterSeconds: z.number().int().min(1).default(30) })
      .strict()
      .optional(),
  })
  .strict();

export type SlackScenario = z.infer<typeof slackScenarioSchema>;

/** The deployment's policy as the scenario describes it. */
export function policyOf(slack: SlackScenario): ChatPolicy {
  return {
    appId: slack.appId,
    teams: [slack.teamId, ...(slack.enterpriseId ? [slack.enterpriseId] : [])],
    clusters: slack.policy,
  };
}
