/**
 * The Slack entry point: verify, parse, authorize, route, answer. Thin on purpose: Slack gives it
 * three seconds, so it only verifies the signature, reads the policy, and starts or steers a run; runs
 * report their progress through the progress updater, not through this answer.
 *
 * Nothing is started unless the signature, the timestamp window, the app, the team, the channel and the
 * user all pass; every refusal is logged with its reason (never with the body or a secret).
 */
import { handleClick } from "./handle-click";
import { handleCommand } from "./handle-command";
import { authorizeOrigin } from "./policy";
import type { ChatOpsDeps } from "./ports";
import { type HttpRequest, headerOf, verifySlackSignature } from "./signature";
import { parseSlackRequest } from "./slack-request";

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function ephemeral(text: string): HttpResponse {
  return json(200, { response_type: "ephemeral", text });
}

export function json(status: number, body: unknown): HttpResponse {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

function refused(status: number, text: string): HttpResponse {
  return { status, headers: { "content-type": "text/plain" }, body: text };
}

export async function handleSlackRequest(deps: ChatOpsDeps, http: HttpRequest): Promise<HttpResponse> {
  const nowSeconds = Math.floor(deps.clock.now().getTime() / 1000);
  const check = verifySlackSignature(http, await deps.secrets.signingSecrets(), nowSeconds);
  const retry = headerOf(http.headers, "X-Slack-Retry-Num");
  if (!check.ok) {
    deps.log.warn(`slack request refused: ${check.reason}`, { retry });
    return refused(401, "invalid request signature");
  }
  const request = parseSlackRequest(check.rawBody);
  if (request.kind === "ssl-check") return refused(200, "");
  if (request.kind === "unknown") {
    deps.log.warn(`slack request ignored: ${request.reason}`);
    return refused(400, request.reason);
  }
  const policy = await deps.policy();
  const origin = authorizeOrigin(policy, request.identity);
  if (!origin.allowed) {
    deps.log.warn(`slack request refused: ${origin.reason}`, { ...request.identity });
    return ephemeral(`Not allowed: ${origin.reason}.`);
  }
  if (request.kind === "url-verification") return json(200, { challenge: request.challenge });
  if (request.kind === "click") return ephemeral(await handleClick(deps, policy, request));
  return ephemeral(await handleCommand(deps, policy, request, retry));
}
