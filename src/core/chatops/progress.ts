/**
 * The progress updater: for every run started from Slack and not yet summed up, it reads the run from
 * the store (phase, nodes replaced per zone from the batches, the plan's prediction) and updates the
 * run's one message in place, but only when the text changed, at most once per MIN_UPDATE_SECONDS
 * (Slack allows about one message a second per channel, and chat.update is a rate-limited method), and
 * never before a 429's Retry-After has passed. The run's end replaces the message with the summary
 * (outcome, reason, link to the execution) and posts the details in its thread.
 */
import type { RunRecord } from "../model/state";
import type { Deps } from "../ports";
import { messageOfError } from "./errors";
import { type ProgressView, progressMessage } from "./messages";
import { type ChatOpsDeps, ChatRateLimitedError } from "./ports";
import { PENDING_APPROVAL_ITEM, PROGRESS_MESSAGE_ITEM, type ProgressMessage } from "./progress-record";

/** Updates of one message closer than this are coalesced into the next pass. */
export const MIN_UPDATE_SECONDS = 20;
/** Recent runs per cluster looked at on each pass. */
const RUNS_PER_CLUSTER = 5;

export interface ProgressPass {
  updated: string[];
  deferred: string[];
  finished: string[];
}

export async function updateProgress(deps: ChatOpsDeps, clusters: string[]): Promise<ProgressPass> {
  const pass: ProgressPass = { updated: [], deferred: [], finished: [] };
  for (const cluster of clusters) {
    for (const run of await deps.state.listRuns(cluster, RUNS_PER_CLUSTER)) {
      const message = await deps.state.getItem<ProgressMessage>(run.runId, PROGRESS_MESSAGE_ITEM);
      if (!message || message.final) continue;
      const outcome = await updateOne(deps, run, message);
      if (outcome !== "unchanged") pass[outcome].push(run.runId);
    }
  }
  return pass;
}

async function updateOne(
  deps: ChatOpsDeps,
  run: RunRecord,
  message: ProgressMessage,
): Promise<"updated" | "deferred" | "finished" | "unchanged"> {
  const now = deps.clock.now();
  const final = run.status !== "running";
  const rendered = progressMessage(await viewOf(deps, run, message, now));
  if (rendered.text === message.lastText && !final) return "unchanged";
  if (message.notBefore && now.toISOString() < message.notBefore) return "deferred";
  const sinceLast = message.lastUpdateAt ? (now.getTime() - Date.parse(message.lastUpdateAt)) / 1000 : Infinity;
  if (!final && sinceLast < MIN_UPDATE_SECONDS) return "deferred";
  try {
    if (message.ts) {
      await deps.chat.updateMessage({ channel: message.channel, ts: message.ts, ...rendered });
      message.updates++;
    } else {
      message.ts = (await deps.chat.postMessage({ channel: message.channel, ...rendered })).ts;
    }
    if (final) await postDetails(deps, run, message);
  } catch (err) {
    if (err instanceof ChatRateLimitedError) {
      message.notBefore = new Date(now.getTime() + err.retryAfterSeconds * 1000).toISOString();
      await deps.state.putItem(run.runId, PROGRESS_MESSAGE_ITEM, message);
      deps.log.warn(`slack rate limit: progress of ${run.runId} waits ${err.retryAfterSeconds} s`);
      return "deferred";
    }
    deps.log.warn(`progress of ${run.runId} not updated: ${messageOfError(err)}`);
    return "deferred";
  }
  message.lastText = rendered.text;
  message.lastUpdateAt = now.toISOString();
  delete message.notBefore;
  message.final = final;
  await deps.state.putItem(run.runId, PROGRESS_MESSAGE_ITEM, message);
  return final ? "finished" : "updated";
}

async function postDetails(deps: ChatOpsDeps, run: RunRecord, message: ProgressMessage): Promise<void> {
  const notes = ((run.data as { summary?: { notes?: string[] } }).summary?.notes ?? []).slice(0, 20);
  if (notes.length === 0 || !message.ts) return;
  await deps.chat.postMessage({ channel: message.channel, threadTs: message.ts, text: notes.join("\n") });
}

interface RunData {
  summary?: {
    outcome?: string;
    reason?: string;
    nodesReplaced?: number;
    nodesOutdatedBefore?: number;
    controlPlaneUpdates?: number;
    addonUpdates?: number;
    nodeGroupRolls?: Record<string, number>;
  };
  outdatedBefore?: number;
  batchesStarted?: number;
  counters?: { nodesReplaced?: number };
  plan?: { predictedSeconds?: number };
}

async function viewOf(
  deps: Pick<Deps, "state"> & Pick<ChatOpsDeps, "starter">,
  run: RunRecord,
  message: ProgressMessage,
  now: Date,
): Promise<ProgressView> {
  const data = run.data as RunData;
  const waiting = await deps.state.getItem<{ approvalId: string } | null>(run.runId, PENDING_APPROVAL_ITEM);
  const batches = data.batchesStarted ?? 0;
  const replacedByZone: Record<string, number> = {};
  for (let index = 0; index < batches; index++) {
    const batch = await deps.state.getItem<{
      victims: { instanceId: string; availabilityZone: string }[];
      terminated: string[];
    }>(run.runId, `batch-${String(index).padStart(5, "0")}`);
    for (const victim of batch?.victims ?? []) {
      if (batch?.terminated.includes(victim.instanceId)) {
        replacedByZone[victim.availabilityZone] = (replacedByZone[victim.availabilityZone] ?? 0) + 1;
      }
    }
  }
  const nodesReplaced = data.summary?.nodesReplaced ?? data.counters?.nodesReplaced ?? 0;
  const plan = await deps.state.getItem<{ predictedSeconds?: number }>(run.runId, "plan");
  const predicted = data.plan?.predictedSeconds ?? plan?.predictedSeconds;
  const elapsed = (now.getTime() - Date.parse(run.startedAt)) / 1000;
  const phase = waiting
    ? "waiting for approval"
    : batches > 0
      ? `batch ${batches}`
      : run.workflow === "upgrade-cluster"
        ? "upgrading"
        : "planning";
  const outdated = data.summary?.nodesOutdatedBefore ?? data.outdatedBefore;
  const summary = data.summary;
  const detail =
    run.workflow === "upgrade-cluster" && summary
      ? `${summary.controlPlaneUpdates ?? 0} control-plane update(s), ${summary.addonUpdates ?? 0} add-on update(s), node groups rolled: ${Object.keys(summary.nodeGroupRolls ?? {}).join(", ") || "none"}`
      : undefined;
  return {
    what: message.what,
    runId: run.runId,
    status: run.status,
    phase,
    replacedByZone,
    nodesReplaced,
    ...(outdated !== undefined ? { nodesToReplace: outdated } : {}),
    ...(detail ? { detail } : {}),
    ...(predicted !== undefined && !waiting ? { etaSeconds: Math.max(0, predicted - elapsed) } : {}),
    ...(run.status !== "running" ? { outcome: run.status } : {}),
    ...(data.summary?.reason ? { reason: data.summary.reason } : {}),
    link: deps.starter.linkFor(message.executionId),
  };
}
