/**
 * A loopback stand-in for Slack's Web API (`slackApiUrl`): chat.postMessage and chat.update, with the bot
 * token checked, message timestamps on the virtual clock, and every post and update recorded, so the
 * whole flow runs in the sandbox and the tests read what Slack would show. Writes are limited as Slack
 * limits them (about one message per second per channel): a second write to a channel within the same
 * virtual second, or every N-th write when the scenario asks for it, gets 429 with Retry-After.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { VirtualClock } from "../clock";

export interface RecordedMessage {
  ts: string;
  channel: string;
  threadTs?: string;
  text: string;
  blocks?: unknown[];
  /** The blocks as first posted (an approval message loses its buttons once decided). */
  firstBlocks?: unknown[];
  postedAtMs: number;
  /** Each update in place, in order (text and virtual time). */
  updates: { text: string; blocks?: unknown[]; atMs: number }[];
}

export interface StandInOptions {
  botToken: string;
  clock: VirtualClock;
  rateLimit?: { everyNthWrite: number; retryAfterSeconds: number };
}

export class SlackWebApiStandIn {
  readonly messages: RecordedMessage[] = [];
  /** Requests answered 429, by method. */
  readonly rateLimited: { method: string; atMs: number; retryAfterSeconds: number }[] = [];
  private writes = 0;
  private sequence = 0;
  private readonly lastWriteSecond = new Map<string, number>();

  private constructor(
    private readonly options: StandInOptions,
    readonly url: string,
    readonly close: () => Promise<void>,
  ) {}

  static async start(options: StandInOptions): Promise<SlackWebApiStandIn> {
    let standIn: SlackWebApiStandIn | undefined;
    const server = createServer((req, res) => {
      void standIn?.serve(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const { port } = server.address() as { port: number };
    standIn = new SlackWebApiStandIn(
      options,
      `http://127.0.0.1:${port}/api/`,
      () => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    return standIn;
  }

  /** The latest message that offered approval buttons (a click on it may come after it was decided). */
  latestApprovalMessage(): RecordedMessage | undefined {
    return [...this.messages].reverse().find((m) => approvalIdOf(m) !== undefined);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = (req.url ?? "").replace(/^\/api\//, "");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${this.options.botToken}`) {
      send(200, { ok: false, error: "invalid_auth" });
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
    } catch {
      send(200, { ok: false, error: "invalid_json" });
      return;
    }
    const channel = typeof body.channel === "string" ? body.channel : "";
    if (method !== "chat.postMessage" && method !== "chat.update") {
      send(200, { ok: false, error: "unknown_method" });
      return;
    }
    if (!channel) {
      send(200, { ok: false, error: "channel_not_found" });
      return;
    }
    const limited = this.limit(channel);
    if (limited) {
      this.rateLimited.push({ method, atMs: this.options.clock.nowMs(), retryAfterSeconds: limited });
      send(429, { ok: false, error: "ratelimited" }, { "retry-after": String(limited) });
      return;
    }
    const text = typeof body.text === "string" ? body.text : "";
    const blocks = Array.isArray(body.blocks) ? (body.blocks as unknown[]) : undefined;
    const nowMs = this.options.clock.nowMs();
    if (method === "chat.postMessage") {
      const ts = `${Math.floor(nowMs / 1000)}.${String(++this.sequence).padStart(6, "0")}`;
      this.messages.push({
        ts,
        channel,
        ...(typeof body.thread_ts === "string" ? { threadTs: body.thread_ts } : {}),
        text,
        ...(blocks ? { blocks, firstBlocks: blocks } : {}),
        postedAtMs: nowMs,
        updates: [],
      });
      send(200, { ok: true, channel, ts });
      return;
    }
    const message = this.messages.find((m) => m.ts === body.ts && m.channel === channel);
    if (!message) {
      send(200, { ok: false, error: "message_not_found" });
      return;
    }
    message.text = text;
    if (blocks) message.blocks = blocks;
    else delete message.blocks;
    message.updates.push({ text, ...(blocks ? { blocks } : {}), atMs: nowMs });
    send(200, { ok: true, channel, ts: message.ts, text });
  }

  /** Seconds to wait when this write is refused, or 0. */
  private limit(channel: string): number {
    this.writes++;
    const rule = this.options.rateLimit;
    if (rule && this.writes % rule.everyNthWrite === 0) return rule.retryAfterSeconds;
    const second = Math.floor(this.options.clock.nowMs() / 1000);
    const last = this.lastWriteSecond.get(channel);
    this.lastWriteSecond.set(channel, second);
    // Slack allows bursts briefly; the stand-in refuses only a third write to a channel in one second.
    if (last === second) {
      const key = `${channel}#${second}`;
      const count = (this.burst.get(key) ?? 1) + 1;
      this.burst.set(key, count);
      if (count > 2) return 1;
    }
    return 0;
  }

  private readonly burst = new Map<string, number>();
}

/** The approval id a message's buttons carried when it was posted. */
export function approvalIdOf(message: RecordedMessage): string | undefined {
  for (const block of (message.firstBlocks ?? []) as {
    type?: string;
    elements?: { action_id?: string; value?: string }[];
  }[]) {
    if (block.type !== "actions") continue;
    const button = block.elements?.find((e) => e.action_id === "tug-approve");
    if (button?.value) return button.value;
  }
  return undefined;
}
