/**
 * Tugboat's one DynamoDB table: cluster locks, run records and per-run values too big for workflow
 * state. Its layout is src/adapters/aws/state-table.ts; the stack only has to agree on the keys.
 */
import { AttributeType, BillingMode, Table } from "aws-cdk-lib/aws-dynamodb";
import type { StackContext } from "sst/constructs";
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from "../src/adapters/aws/state-table";
import { isDevStage, removalPolicyFor } from "./lib/stage";

export function State({ stack, app }: StackContext) {
  const table = new Table(stack, "StateTable", {
    partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
    sortKey: { name: SORT_KEY, type: AttributeType.STRING },
    // Load is a few writes per workflow step; on-demand costs nothing while no workflow runs.
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Only event receipts carry the attribute (a week, event-ledger.ts); locks and run history never expire.
    timeToLiveAttribute: TTL_ATTRIBUTE,
    deletionProtection: !isDevStage(app),
    removalPolicy: removalPolicyFor(app),
  });

  stack.addOutputs({ TableName: table.tableName });
  return { table };
}
