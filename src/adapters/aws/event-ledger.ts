/**
 * EventLedgerPort on Tugboat's DynamoDB table (layout in state-table.ts): one item per event id,
 *
 *   pk = EVENT#<event id>   sk = RECEIPT   status, claimedAt, summary, expiresAt
 *
 * A claim is a conditional PutItem, so two deliveries of the same event, even concurrent ones, cannot
 * both win it; a claim left "in-progress" by an invocation that died is taken over once stale.
 *
 * Receipts expire (the table's TTL attribute) RECEIPT_RETENTION_SECONDS after their claim. A receipt
 * only has to outlive the redeliveries of its event: EventBridge retries for an hour, the queue keeps a
 * message a day; a week is ample, and keeps a recent week for an operator to look at.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { ClaimResult, EventLedgerPort, EventReceipt } from "../../core/events/react/ports";
import { isConditionalCheckFailed, toStepError } from "./classify";
import { TTL_ATTRIBUTE } from "./state-table";

export const eventPk = (eventId: string) => `EVENT#${eventId}`;
export const RECEIPT_SK = "RECEIPT";
export const RECEIPT_RETENTION_SECONDS = 7 * 24 * 3600;

/** When a receipt claimed at `claimedAt` expires, in the epoch seconds DynamoDB's TTL reads. */
export function receiptExpiresAt(claimedAt: Date): number {
  return Math.floor(claimedAt.getTime() / 1000) + RECEIPT_RETENTION_SECONDS;
}

export class DynamoEventLedger implements EventLedgerPort {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(eventId: string, now: Date, staleAfterSeconds: number): Promise<ClaimResult> {
    const staleBefore = new Date(now.getTime() - staleAfterSeconds * 1000).toISOString();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: eventPk(eventId),
            sk: RECEIPT_SK,
            eventId,
            status: "in-progress",
            claimedAt: now.toISOString(),
            [TTL_ATTRIBUTE]: receiptExpiresAt(now),
          },
          ConditionExpression: "attribute_not_exists(pk) OR (#status = :inProgress AND claimedAt < :staleBefore)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":inProgress": "in-progress", ":staleBefore": staleBefore },
        }),
      );
      return { claimed: true };
    } catch (err) {
      if (!isConditionalCheckFailed(err))
        throw toStepError(err, `claiming event ${eventId} in table ${this.tableName}`);
    }
    const receipt = await this.read(eventId);
    // Released between our write and our read: the redelivery that released it will try again.
    return { claimed: false, receipt: receipt ?? { eventId, status: "in-progress", claimedAt: now.toISOString() } };
  }

  async finish(eventId: string, summary: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: RECEIPT_SK },
          UpdateExpression: "SET #status = :done, summary = :summary",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":done": "done", ":summary": summary.slice(0, 4000) },
        }),
      );
    } catch (err) {
      throw toStepError(err, `recording event ${eventId} as handled in table ${this.tableName}`);
    }
  }

  async release(eventId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: RECEIPT_SK },
          ConditionExpression: "#status = :inProgress",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":inProgress": "in-progress" },
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) return; // already gone, or finished by now: nothing to give back
      throw toStepError(err, `releasing event ${eventId} in table ${this.tableName}`);
    }
  }

  private async read(eventId: string): Promise<EventReceipt | undefined> {
    try {
      const out = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: RECEIPT_SK },
          ConsistentRead: true,
        }),
      );
      if (!out.Item) return undefined;
      const item = out.Item;
      return {
        eventId,
        status: item.status === "done" ? "done" : "in-progress",
        claimedAt: String(item.claimedAt),
        ...(typeof item.summary === "string" ? { summary: item.summary } : {}),
      };
    } catch (err) {
      throw toStepError(err, `reading event ${eventId} from table ${this.tableName}`);
    }
  }
}
