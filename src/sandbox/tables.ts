/**
 * Tables of the sandbox's own DynamoDB (dynalite). CreateTable answers while the table is CREATING,
 * as DynamoDB does, and a read before it is ACTIVE is a ResourceNotFoundException; dynalite turns it
 * ACTIVE on its next timer. Loopback TCP used to hide that; in-process connections do not.
 */
import { CreateTableCommand, type CreateTableCommandInput, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** Looks at the table's status this many times (one timer turn apart) before giving up. */
const ACTIVE_LOOKS = 100;

/** Creates the table (an existing one is kept when `existing` is "keep") and returns once it is ACTIVE. */
export async function createActiveTable(
  dynamo: DynamoDBDocumentClient,
  input: CreateTableCommandInput,
  existing: "keep" | "refuse" = "refuse",
): Promise<void> {
  try {
    await dynamo.send(new CreateTableCommand(input));
  } catch (err) {
    if (existing === "refuse" || (err as Error).name !== "ResourceInUseException") throw err;
  }
  for (let look = 0; look < ACTIVE_LOOKS; look++) {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: input.TableName }));
    if (Table?.TableStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`sandbox table ${input.TableName} did not turn ACTIVE`);
}
