/**
 * `tug slack replay`: a list of requests run in order through the real Slack function, each at its
 * virtual time (`at`, seconds from the start). A request is raw (`{ at, headers, body }`, signed by the
 * caller) or a shorthand the replay builds and signs with the scenario's secret at the virtual now:
 *   { "at": 0, "command": "/tug upgrade prod-eu 1.33", "user": "U1", "channel": "C1" }
 *   { "at": 60, "click": "approve", "user": "U2" }   (the latest approval message's button)
 * Shorthands may also set `team`, `enterprise`, `app`, `triggerId`, `retryNum` (X-Slack-Retry-Num: Slack's
 * retry of the first earlier shorthand that is the same but for `at`, with its trigger id), `skewSeconds` (the timestamp's distance
 * from now) and `secret` (sign with another secret). Between requests, and until the runs Slack started
 * have ended, the progress updater runs every PROGRESS_INTERVAL_SECONDS, as its schedule does in AWS.
 */
import { z } from "zod";
import { APPROVE_ACTION, REJECT_ACTION } from "../../core/chatops/approval";
import { signSlackRequest } from "../../core/chatops/signature";
import type { SandboxSlack } from "./sandbox-slack";
import { approvalIdOf } from "./web-api-stand-in";

/** The progress updater's schedule (an EventBridge rate of one minute in the stack). */
export const PROGRESS_INTERVAL_SECONDS = 60;

const shorthandFields = {
  at: z.number().nonnegative(),
  user: z.string().min(1),
  channel: z.string().min(1).optional(),
  team: z.string().min(1).optional(),
  enterprise: z.string().min(1).optional(),
  app: z.string().min(1).optional(),
  triggerId: z.string().min(1).optional(),
  retryNum: z.number().int().min(1).optional(),
  skewSeconds: z.number().int().optional(),
  secret: z.string().min(1).optional(),
};

export const replayRequestSchema = z.union([
  z
    .object({
      at: z.number().nonnegative(),
      headers: z.record(z.string(), z.string()),
      body: z.string(),
      isBase64Encoded: z.boolean().optional(),
    })
    .strict(),
  z.object({ ...shorthandFields, command: z.string().regex(/^\/\S+/, 'a slash command such as "/tug help"') }).strict(),
  z.object({ ...shorthandFields, click: z.enum(["approve", "reject"]) }).strict(),
]);

export type ReplayRequest = z.infer<typeof replayRequestSchema>;

export interface ReplayJson {
  responses: { at: number; status: number; body: string }[];
  executions: { name: string; workflow: string; outcome: string; reason?: string }[];
  messages: { ts: string; channel: string; threadTs?: string; text: string; updates: number }[];
}

export async function replaySlack(slack: SandboxSlack, requests: ReplayRequest[]): Promise<ReplayJson> {
  const { sandbox } = slack;
  const scheduler = sandbox.virtualScheduler;
  const clock = sandbox.clock;
  const startMs = clock.nowMs();
  const responses: ReplayJson["responses"] = [];
  const sleepTo = async (targetMs: number) => {
    while (clock.nowMs() < targetMs) {
      const next =
        slack.running() > 0 ? Math.min(targetMs, clock.nowMs() + PROGRESS_INTERVAL_SECONDS * 1000) : targetMs;
      await scheduler.sleepUntil(next);
      if (slack.started.length > 0) await scheduler.exclusive(() => slack.progress());
    }
  };
  scheduler.join();
  try {
    let index = 0;
    for (const request of requests) {
      await sleepTo(startMs + request.at * 1000);
      const http = buildRequest(slack, request, index++);
      const response = await scheduler.exclusive(() => slack.handle(http));
      responses.push({ at: request.at, ...response });
    }
    while (slack.running() > 0) {
      await sleepTo(clock.nowMs() + PROGRESS_INTERVAL_SECONDS * 1000);
    }
    if (slack.started.length > 0) await scheduler.exclusive(() => slack.progress());
  } finally {
    scheduler.leave();
  }
  await Promise.all(slack.started.map((s) => s.done.catch(() => undefined)));
  return {
    responses,
    executions: slack.started.map((s) => {
      const state = (s.result?.output ?? s.result?.lastOutput) as
        | { summary?: { outcome?: string; reason?: string } }
        | undefined;
      const outcome = state?.summary?.outcome ?? s.result?.status.toLowerCase() ?? "running";
      return {
        name: s.name,
        workflow: s.workflow,
        outcome,
        ...(state?.summary?.reason ? { reason: state.summary.reason } : {}),
      };
    }),
    messages: slack.standIn.messages.map((m) => ({
      ts: m.ts,
      channel: m.channel,
      ...(m.threadTs ? { threadTs: m.threadTs } : {}),
      text: m.text,
      updates: m.updates.length,
    })),
  };
}

/**
 * Trigger ids of earlier commands by their fields (`at` and `retryNum` aside): a `retryNum` shorthand is
 * Slack's retry of the first such command, so it carries that command's trigger id.
 */
const firstTriggerIds = new WeakMap<SandboxSlack, Map<string, string>>();

function buildRequest(slack: SandboxSlack, request: ReplayRequest, index: number) {
  if ("headers" in request) {
    return {
      headers: request.headers,
      body: request.body,
      ...(request.isBase64Encoded !== undefined ? { isBase64Encoded: request.isBase64Encoded } : {}),
    };
  }
  const scenario = slack.scenario;
  const team = request.team ?? scenario.teamId;
  const app = request.app ?? scenario.appId;
  const enterprise = request.enterprise ?? scenario.enterpriseId;
  const channel = request.channel ?? Object.values(scenario.policy)[0]?.channels[0] ?? "C0";
  let body: string;
  if ("command" in request) {
    const [command = "", ...words] = request.command.trim().split(/\s+/);
    const seen = firstTriggerIds.get(slack) ?? new Map<string, string>();
    firstTriggerIds.set(slack, seen);
    const { at: _at, retryNum: _retry, ...same } = request;
    const key = JSON.stringify(Object.entries(same).sort(([a], [b]) => a.localeCompare(b)));
    const triggerId =
      request.triggerId ??
      (request.retryNum ? seen.get(key) : undefined) ??
      `${1000 + index}.${Math.round(request.at * 1000)}.tugreplay`;
    if (!seen.has(key)) seen.set(key, triggerId);
    body = new URLSearchParams({
      token: "deprecated-verification-token",
      team_id: team,
      ...(enterprise ? { enterprise_id: enterprise } : {}),
      channel_id: channel,
      user_id: request.user,
      command,
      text: words.join(" "),
      api_app_id: app,
      response_url: `https://hooks.slack.com/commands/${team}/${index}/replay`,
      trigger_id: triggerId,
    }).toString();
  } else {
    const message = slack.standIn.latestApprovalMessage();
    const approvalId = message ? approvalIdOf(message) : undefined;
    const payload = {
      type: "block_actions",
      team: { id: team },
      ...(enterprise ? { enterprise: { id: enterprise } } : {}),
      user: { id: request.user, team_id: team },
      api_app_id: app,
      container: { type: "message", message_ts: message?.ts ?? "", channel_id: message?.channel ?? channel },
      trigger_id: request.triggerId ?? `${2000 + index}.${Math.round(request.at * 1000)}.tugreplay`,
      channel: { id: message?.channel ?? channel },
      actions: [
        {
          action_id: request.click === "approve" ? APPROVE_ACTION : REJECT_ACTION,
          block_id: "tug-approval",
          value: approvalId ?? "",
          type: "button",
        },
      ],
    };
    body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  }
  const timestamp = String(Math.floor(slack.sandbox.clock.nowMs() / 1000) + (request.skewSeconds ?? 0));
  return {
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": signSlackRequest(request.secret ?? scenario.signingSecret, timestamp, body),
      ...(request.retryNum
        ? { "x-slack-retry-num": String(request.retryNum), "x-slack-retry-reason": "http_timeout" }
        : {}),
    },
    body,
  };
}
