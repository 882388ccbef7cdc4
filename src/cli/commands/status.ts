/** `tug status [cluster]` and `tug abort <cluster>`: read and steer runs through Tugboat's store. */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoStateStore } from "../../adapters/aws/state-store";
import type { StatePort } from "../../core/ports";
import { parseCommand } from "../args";
import type { CliIO } from "../io";
import { UsageError } from "../io";

const STORE_FLAGS = { table: { type: "string" }, endpoint: { type: "string" }, json: { type: "boolean" } } as const;

export function storeFrom(values: { table?: string; endpoint?: string }): StatePort {
  const table = values.table ?? process.env.TUGBOAT_TABLE;
  if (!table) {
    throw new UsageError("no store: pass --table <name> or set TUGBOAT_TABLE (an output of `npx sst deploy`)");
  }
  const client = new DynamoDBClient(values.endpoint ? { endpoint: values.endpoint } : {});
  return new DynamoStateStore(DynamoDBDocumentClient.from(client), table);
}

export async function statusCommand(argv: string[], io: CliIO, store?: StatePort): Promise<number> {
  const usage = "tug status <cluster> [--table <name>] [--json]";
  const { values, positionals } = parseCommand(argv, STORE_FLAGS, usage);
  const [cluster] = positionals;
  if (!cluster) throw new UsageError(`expected <cluster>\nusage: ${usage}`);
  const state = store ?? storeFrom(values);
  const [lock, runs] = await Promise.all([state.getLock(cluster), state.listRuns(cluster, 10)]);
  if (values.json) {
    io.stdout(JSON.stringify({ cluster, lock: lock ?? null, runs }));
    return 0;
  }
  io.stdout(
    lock
      ? `${cluster}: locked by ${lock.owner} (${lock.operation}, since ${lock.acquiredAt})${lock.abortRequested ? `, abort requested by ${lock.abortRequestedBy}` : ""}`
      : `${cluster}: idle (no lock)`,
  );
  for (const run of runs) {
    const summary = (run.data as { summary?: { reason?: string; nodesReplaced?: number } }).summary;
    io.stdout(
      `  ${run.startedAt}  ${run.runId}  ${run.workflow} ${run.nodeGroup}  ${run.status}${summary?.nodesReplaced !== undefined ? `  replaced ${summary.nodesReplaced}` : ""}${summary?.reason ? `  (${summary.reason})` : ""}`,
    );
  }
  return 0;
}

export async function abortCommand(argv: string[], io: CliIO, store?: StatePort): Promise<number> {
  const usage = "tug abort <cluster> [--table <name>]";
  const { values, positionals } = parseCommand(argv, STORE_FLAGS, usage);
  const [cluster] = positionals;
  if (!cluster) throw new UsageError(`expected <cluster>\nusage: ${usage}`);
  const state = store ?? storeFrom(values);
  const lock = await state.requestAbort(cluster, `tug cli (${process.env.USER ?? "unknown"})`);
  if (!lock) {
    io.stderr(`${cluster} has no running operation to abort`);
    return 1;
  }
  io.stdout(
    `abort requested for ${lock.owner} (${lock.operation}): it stops before its next batch, restores the group and releases the lock`,
  );
  return 0;
}
