/**
 * The layout of Tugboat's single DynamoDB table, shared by the stack (which creates it in AWS), the
 * sandbox (which creates it in dynalite) and DynamoStateStore (which reads and writes it).
 *
 *   pk = CLUSTER#<name>   sk = LOCK                          the cluster's lock (one operation at a time)
 *   pk = CLUSTER#<name>   sk = RUN#<startedAt>#<runId>       index entry: lists a cluster's runs, newest first
 *   pk = RUN#<runId>      sk = META                          the run record
 *   pk = RUN#<runId>      sk = ITEM#<key>                    per-run values too big for workflow state
 *   pk = CLUSTER#<name>   sk = OBS#GROUP#<nodeGroup>         Tugboat's observations of a node group
 *   pk = CLUSTER#<name>   sk = OBS#CLUSTER                   … of the cluster itself (control plane, add-ons)
 *
 *   pk = EVENT#<event id> sk = RECEIPT                       an instance event's receipt (event-ledger.ts)
 *
 * No secondary index is needed: a cluster's runs are a Query on its own partition.
 *
 * TTL: an item with a number attribute `expiresAt` (epoch seconds) is deleted by DynamoDB some time after
 * that instant (usually within days). Only event receipts carry it; locks and run history have none.
 */
import type { AttributeDefinition, BillingMode, KeySchemaElement } from "@aws-sdk/client-dynamodb";
import { TerminalError } from "../../core/errors";

export const PARTITION_KEY = "pk";
export const SORT_KEY = "sk";

/** The table's TTL attribute (the stack enables TTL on it): epoch seconds. */
export const TTL_ATTRIBUTE = "expiresAt";

export const LOCK_SK = "LOCK";
export const RUN_META_SK = "META";
export const RUN_INDEX_PREFIX = "RUN#";
export const ITEM_PREFIX = "ITEM#";

export const OBSERVATIONS_PREFIX = "OBS#";

export const clusterPk = (cluster: string) => `CLUSTER#${cluster}`;
export const runPk = (runId: string) => `RUN#${runId}`;
export const runIndexSk = (startedAt: string, runId: string) => `${RUN_INDEX_PREFIX}${startedAt}#${runId}`;
export const itemSk = (key: string) => `${ITEM_PREFIX}${key}`;
export const observationsSk = (nodeGroup: string | undefined) =>
  nodeGroup === undefined ? `${OBSERVATIONS_PREFIX}CLUSTER` : `${OBSERVATIONS_PREFIX}GROUP#${nodeGroup}`;

/**
 * DynamoDB refuses items over 400 KB (attribute names and values counted). Values are stored as one
 * JSON string; this bound leaves room for the keys and the other attributes of the item.
 */
export const MAX_VALUE_BYTES = 390 * 1024;

export interface StateTableDefinition {
  KeySchema: KeySchemaElement[];
  AttributeDefinitions: AttributeDefinition[];
  BillingMode: BillingMode;
}

/** Key schema and attributes, to spread into a CreateTable input (`{ TableName, ...tableDefinition() }`). */
export function tableDefinition(): StateTableDefinition {
  return {
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: "HASH" },
      { AttributeName: SORT_KEY, KeyType: "RANGE" },
    ],
    AttributeDefinitions: [
      { AttributeName: PARTITION_KEY, AttributeType: "S" },
      { AttributeName: SORT_KEY, AttributeType: "S" },
    ],
    BillingMode: "PAY_PER_REQUEST",
  };
}

/** JSON of a value, refused when it would not fit in one item. */
export function boundedJson(value: unknown, what: string): string {
  const json = JSON.stringify(value);
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes > MAX_VALUE_BYTES) {
    throw new TerminalError(
      `${what}: ${bytes} bytes of JSON is over the ${MAX_VALUE_BYTES} bytes one DynamoDB item can hold ` +
        "(400 KB limit); store it in smaller pieces, for example one item per batch",
    );
  }
  return json;
}
