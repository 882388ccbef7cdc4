/**
 * What Slack sends, parsed once at the edge into one union: a slash command, a button click (a
 * block_actions interactive payload, form-encoded as `payload=<JSON>`), Slack's SSL check, or the
 * Events API's URL verification. Anything else is `unknown` (answered, never thrown).
 */

/** Who and where a request comes from: ids only (names can be changed by anyone who owns them). */
export interface SlackIdentity {
  appId?: string;
  teamId?: string;
  /** Enterprise Grid organisation, when the workspace belongs to one. */
  enterpriseId?: string;
  /** `U…`, or `W…` for Enterprise Grid users. */
  userId?: string;
  channelId?: string;
}

export type SlackRequest =
  | { kind: "ssl-check" }
  | { kind: "url-verification"; challenge: string; identity: SlackIdentity }
  | {
      kind: "command";
      identity: SlackIdentity;
      command: string;
      text: string;
      triggerId: string;
      responseUrl?: string;
    }
  | {
      kind: "click";
      identity: SlackIdentity;
      actionId: string;
      value: string;
      triggerId: string;
      messageTs?: string;
      responseUrl?: string;
    }
  | { kind: "unknown"; reason: string };

function present(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === "" ? undefined : value;
}

function pick(identity: SlackIdentity): SlackIdentity {
  return Object.fromEntries(Object.entries(identity).filter(([, v]) => v !== undefined)) as SlackIdentity;
}

export function parseSlackRequest(rawBody: string): SlackRequest {
  const trimmed = rawBody.trimStart();
  if (trimmed.startsWith("{")) return parseJsonBody(trimmed);
  const form = new URLSearchParams(rawBody);
  if (form.get("ssl_check") === "1") return { kind: "ssl-check" };
  const payload = form.get("payload");
  if (payload !== null) return parseInteractive(payload);
  const command = present(form.get("command"));
  if (!command) return { kind: "unknown", reason: "body has neither command, payload nor ssl_check" };
  return {
    kind: "command",
    identity: pick({
      appId: present(form.get("api_app_id")),
      teamId: present(form.get("team_id")),
      enterpriseId: present(form.get("enterprise_id")),
      userId: present(form.get("user_id")),
      channelId: present(form.get("channel_id")),
    }),
    command,
    text: form.get("text") ?? "",
    triggerId: form.get("trigger_id") ?? "",
    ...(present(form.get("response_url")) ? { responseUrl: form.get("response_url") as string } : {}),
  };
}

function parseJsonBody(text: string): SlackRequest {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { kind: "unknown", reason: "body is not valid JSON" };
  }
  if (body.type === "url_verification" && typeof body.challenge === "string") {
    return {
      kind: "url-verification",
      challenge: body.challenge,
      identity: pick({ appId: str(body.api_app_id), teamId: str(body.team_id) }),
    };
  }
  return { kind: "unknown", reason: `JSON body of type ${String(body.type)} is not handled` };
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function obj(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

function parseInteractive(payload: string): SlackRequest {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return { kind: "unknown", reason: "payload is not valid JSON" };
  }
  if (body.type !== "block_actions") {
    return { kind: "unknown", reason: `interactive payload of type ${String(body.type)} is not handled` };
  }
  const action = obj((body.actions as unknown[] | undefined)?.[0]);
  const user = obj(body.user);
  const team = obj(body.team);
  const enterprise = obj(body.enterprise);
  const container = obj(body.container);
  const message = obj(body.message);
  const messageTs = str(container.message_ts) ?? str(message.ts);
  return {
    kind: "click",
    identity: pick({
      appId: str(body.api_app_id),
      teamId: str(team.id) ?? str(user.team_id),
      enterpriseId: str(enterprise.id),
      userId: str(user.id),
      channelId: str(obj(body.channel).id) ?? str(container.channel_id),
    }),
    actionId: str(action.action_id) ?? "",
    value: str(action.value) ?? "",
    triggerId: str(body.trigger_id) ?? "",
    ...(messageTs ? { messageTs } : {}),
    ...(str(body.response_url) ? { responseUrl: body.response_url as string } : {}),
  };
}
