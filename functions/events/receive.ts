/**
 * The receive function: an SQS batch of EventBridge events (and lifecycle hook messages) in, one
 * reaction workflow started per managed instance. Partial batch responses: only the messages that
 * failed for a reason a retry can fix are handed back; everything else, unreadable or about another
 * cluster included, is acknowledged, so nothing is redelivered for ever (the queue's DLQ catches what
 * keeps failing).
 */
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { describeError } from "../../src/core/errors";
import { IdentityLookup } from "../../src/core/events/react/identity";
import { type ReceiveOutcome, receiveEvent } from "../../src/core/events/react/receive";
import { currentReceiveDeps, type ReceiveDeps } from "./lib/receive-runtime";

export interface ReceivedMessage {
  messageId: string;
  outcome?: ReceiveOutcome;
  error?: string;
}

/** What one invocation did, for the sandbox and tests; Lambda only sees the batch response. */
export type ReceiveReport = SQSBatchResponse & { messages: ReceivedMessage[] };

/** Handles a batch and reports per message; `handler` hands Lambda only the partial batch response. */
export async function receiveBatch(
  event: SQSEvent,
  resolve: () => ReceiveDeps = currentReceiveDeps,
): Promise<ReceiveReport> {
  const receive = resolve();
  const { deps } = receive;
  // One cache per invocation: instances and nodes change between invocations.
  const identity = new IdentityLookup(deps, { managedClusters: receive.managedClusters });
  const messages: ReceivedMessage[] = [];
  const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
  for (const record of event.Records) {
    try {
      const outcome = await receiveEvent({ ...receive, identity }, record.body);
      messages.push({ messageId: record.messageId, outcome });
      const log = outcome.outcome === "unreadable" ? deps.log.warn : deps.log.info;
      log.call(deps.log, `event ${outcome.eventId ?? "(no id)"} ${outcome.outcome}: ${outcome.reason}`, {
        messageId: record.messageId,
        eventId: outcome.eventId,
        outcome: outcome.outcome,
        ...("action" in outcome ? { kind: outcome.kind, action: outcome.action } : {}),
        ...("instances" in outcome ? { instances: outcome.instances } : {}),
      });
    } catch (err) {
      messages.push({ messageId: record.messageId, error: describeError(err) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
      deps.log.error("event not handled; SQS delivers it again", {
        messageId: record.messageId,
        receiveCount: record.attributes?.ApproximateReceiveCount,
        error: describeError(err),
      });
    }
  }
  return { batchItemFailures, messages };
}

export async function handler(event: SQSEvent, _context?: Context): Promise<SQSBatchResponse> {
  const { batchItemFailures } = await receiveBatch(event);
  return { batchItemFailures };
}
