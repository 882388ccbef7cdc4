/**
 * One Slack message per run, updated in place: where it is (kept with the run in the store, under the
 * run's own partition) and what it last said, so the updater posts only what changed, at most once per
 * interval, and waits out a 429's Retry-After.
 */
import type { StatePort } from "../ports";
import type { ChatOpsDeps } from "./ports";

export const PROGRESS_MESSAGE_ITEM = "slack-progress";
export const PENDING_APPROVAL_ITEM = "slack-pending-approval";

export interface ProgressMessage {
  runId: string;
  executionId: string;
  workflow: string;
  cluster: string;
  what: string;
  channel: string;
  requestedBy: string;
  /** Set once posted. */
  ts?: string;
  /** The text last sent: an update that would say the same is not sent. */
  lastText?: string;
  lastUpdateAt?: string;
  /** After a 429: nothing is sent before this instant. */
  notBefore?: string;
  /** Every update made to the message in place, counted (the summary included). */
  updates: number;
  /** The final summary was posted: the run is no longer followed. */
  final: boolean;
}

export async function progressMessageOf(state: StatePort, runId: string): Promise<ProgressMessage | undefined> {
  return state.getItem<ProgressMessage>(runId, PROGRESS_MESSAGE_ITEM);
}

/** Posts the run's message (its thread gets the details) and remembers it with the run. */
export async function followRun(
  deps: Pick<ChatOpsDeps, "state" | "chat" | "clock" | "log">,
  run: Omit<ProgressMessage, "updates" | "final" | "ts" | "lastText">,
): Promise<ProgressMessage> {
  const text = `:hourglass_flowing_sand: ${run.what}: accepted, run ${run.runId} (asked by <@${run.requestedBy}>)`;
  const record: ProgressMessage = { ...run, updates: 0, final: false, lastText: text };
  try {
    const posted = await deps.chat.postMessage({ channel: run.channel, text });
    record.ts = posted.ts;
    record.lastUpdateAt = deps.clock.now().toISOString();
  } catch (err) {
    // The run is started either way; the updater posts the message on its next pass.
    deps.log.warn(`progress message for ${run.runId} not posted yet: ${(err as Error).message}`);
  }
  await deps.state.putItem(run.runId, PROGRESS_MESSAGE_ITEM, record);
  return record;
}
