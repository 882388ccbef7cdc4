/**
 * ChatPort on Slack's Web API (chat.postMessage, chat.update), with fetch: a 429 is a
 * ChatRateLimitedError carrying Retry-After, never retried here (the progress updater waits it out),
 * and `ok: false` is an error naming the method and Slack's error code. The base URL is Slack's
 * (https://slack.com/api/) or, in the sandbox, the loopback stand-in.
 */
import { type ChatMessage, type ChatPort, ChatRateLimitedError } from "../../core/chatops/ports";

export const SLACK_API_URL = "https://slack.com/api/";

export class SlackWebApi implements ChatPort {
  constructor(
    private readonly token: () => Promise<string>,
    private readonly baseUrl: string = SLACK_API_URL,
  ) {}

  async postMessage(message: ChatMessage): Promise<{ ts: string }> {
    const out = await this.call("chat.postMessage", {
      channel: message.channel,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    });
    if (typeof out.ts !== "string") throw new Error("chat.postMessage: the answer has no ts");
    return { ts: out.ts };
  }

  async updateMessage(message: ChatMessage & { ts: string }): Promise<void> {
    await this.call("chat.update", {
      channel: message.channel,
      ts: message.ts,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
    });
  }

  private async call(method: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const url = `${this.baseUrl.replace(/\/?$/, "/")}${method}`;
    const response = await fetch(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await this.token()}`,
        "content-type": "application/json; charset=utf-8",
      },
      body: JSON.stringify(body),
    });
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get("retry-after") ?? "1");
      throw new ChatRateLimitedError(
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1,
        `${method}: rate limited by Slack (429), retry after ${retryAfter} s`,
      );
    }
    const out = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok || out.ok !== true) {
      throw new Error(`${method}: Slack answered ${response.status} ${String(out.error ?? "without ok")}`);
    }
    return out;
  }
}
