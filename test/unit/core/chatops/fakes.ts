/** In-memory stand-ins for the chat functions' ports, recording what they were asked. */
import type { ApprovalRecord, ApprovalStatus } from "../../../../src/core/chatops/approval";
import type { ChatPolicy } from "../../../../src/core/chatops/policy";
import { type ChatMessage, type ChatOpsDeps, ChatRateLimitedError } from "../../../../src/core/chatops/ports";
import type { LockRecord, RunRecord } from "../../../../src/core/model/state";
import type { StatePort } from "../../../../src/core/ports";

export function fakeChatOps(options: { secrets: string[]; nowMs: number; policy: ChatPolicy }) {
  const items = new Map<string, unknown>();
  const runs = new Map<string, RunRecord>();
  const locks = new Map<string, LockRecord>();
  const approvals = new Map<string, ApprovalRecord>();
  const starts: { workflow: string; name: string; input: unknown }[] = [];
  const posts: (ChatMessage & { ts: string })[] = [];
  const updates: (ChatMessage & { ts: string })[] = [];
  const tasks: { token: string; kind: string }[] = [];
  const clock = { nowMs: options.nowMs };
  let rateLimitNext = 0;
  const state = {
    getItem: async (runId: string, key: string) => items.get(`${runId}/${key}`),
    putItem: async (runId: string, key: string, value: unknown) => {
      items.set(`${runId}/${key}`, structuredClone(value));
    },
    getRun: async (runId: string) => runs.get(runId),
    listRuns: async (cluster: string) => [...runs.values()].filter((r) => r.cluster === cluster),
    getLock: async (cluster: string) => locks.get(cluster),
    requestAbort: async (cluster: string, by: string) => {
      const lock = locks.get(cluster);
      if (lock) Object.assign(lock, { abortRequested: true, abortRequestedBy: by });
      return lock;
    },
  } as unknown as StatePort;
  const started = new Set<string>();
  const deps: ChatOpsDeps = {
    state,
    approvals: {
      create: async (record) => {
        approvals.set(record.approvalId, { ...record });
      },
      get: async (id) => approvals.get(id),
      decide: async (id, decision, from: ApprovalStatus = "pending") => {
        const record = approvals.get(id);
        if (!record || record.status !== from) return undefined;
        Object.assign(record, { status: decision.status, decidedBy: decision.by, decidedAt: decision.at });
        return { ...record };
      },
      setMessage: async (id, message) => {
        const record = approvals.get(id);
        if (record) record.message = message;
      },
    },
    starter: {
      start: async (workflow, name, input) => {
        const executionId = `arn:aws:states:us-east-1:123456789012:execution:tugboat-${workflow}:${name}`;
        if (started.has(name)) return { outcome: "already-started", executionId };
        started.add(name);
        starts.push({ workflow, name, input });
        return { outcome: "started", executionId };
      },
      linkFor: (id) => `https://console/${id}`,
    },
    tasks: {
      succeed: async (token) => {
        tasks.push({ token, kind: "success" });
        return "sent";
      },
      fail: async (token) => {
        tasks.push({ token, kind: "failure" });
        return "sent";
      },
    },
    chat: {
      postMessage: async (message) => {
        const ts = `${posts.length + 1}.000000`;
        posts.push({ ...message, ts });
        return { ts };
      },
      updateMessage: async (message) => {
        if (rateLimitNext > 0) {
          const seconds = rateLimitNext;
          rateLimitNext = 0;
          throw new ChatRateLimitedError(seconds, "chat.update: rate limited");
        }
        updates.push(message);
      },
    },
    secrets: { signingSecrets: async () => options.secrets, botToken: async () => "xoxb-test" },
    policy: async () => options.policy,
    clock: { now: () => new Date(clock.nowMs) },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  };
  return {
    deps,
    clock,
    runs,
    locks,
    approvals,
    starts,
    posts,
    updates,
    tasks,
    rateLimitOnce: (seconds: number) => {
      rateLimitNext = seconds;
    },
  };
}
