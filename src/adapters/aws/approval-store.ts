/**
 * ApprovalStorePort on Tugboat's table: pk = APPROVAL#<approval id>, sk = APPROVAL. The decision is one
 * conditional update (the status must still be what the caller saw), so a click is used once.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ApprovalRecord, ApprovalStatus } from "../../core/chatops/approval";
import type { ApprovalStorePort } from "../../core/chatops/ports";
import { isConditionalCheckFailed, toStepError } from "./classify";

const SK = "APPROVAL";
const pk = (approvalId: string) => `APPROVAL#${approvalId}`;

function toRecord(item: Record<string, unknown>): ApprovalRecord {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as ApprovalRecord;
}

export class DynamoApprovalStore implements ApprovalStorePort {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(record: ApprovalRecord): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: pk(record.approvalId), sk: SK, ...record },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (err) {
      throw toStepError(err, `storing approval ${record.approvalId} of run ${record.runId}`);
    }
  }

  async get(approvalId: string): Promise<ApprovalRecord | undefined> {
    try {
      const out = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: pk(approvalId), sk: SK }, ConsistentRead: true }),
      );
      return out.Item ? toRecord(out.Item) : undefined;
    } catch (err) {
      throw toStepError(err, `reading approval ${approvalId}`);
    }
  }

  async decide(
    approvalId: string,
    decision: { status: "approved" | "rejected" | "expired"; by: string; at: string },
    from: ApprovalStatus = "pending",
  ): Promise<ApprovalRecord | undefined> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: pk(approvalId), sk: SK },
          UpdateExpression: "SET #status = :to, decidedBy = :by, decidedAt = :at",
          ConditionExpression: "#status = :from",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":to": decision.status, ":by": decision.by, ":at": decision.at, ":from": from },
          ReturnValues: "ALL_NEW",
        }),
      );
      return out.Attributes ? toRecord(out.Attributes) : undefined;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return undefined;
      throw toStepError(err, `deciding approval ${approvalId}`);
    }
  }

  async setMessage(approvalId: string, message: { channel: string; ts: string }): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: pk(approvalId), sk: SK },
          UpdateExpression: "SET #message = :message",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#message": "message" },
          ExpressionAttributeValues: { ":message": message },
        }),
      );
    } catch (err) {
      throw toStepError(err, `recording the message of approval ${approvalId}`);
    }
  }
}
