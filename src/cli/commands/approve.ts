/**
 * `tug approve <run|cluster> [--reject] [--reason <text>]`: answers a run waiting for an approval, as a
 * Slack click does, through the same single-use approval record (src/core/chatops/cli-approval.ts).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoApprovalStore } from "../../adapters/aws/approval-store";
import { DynamoStateStore } from "../../adapters/aws/state-store";
import { SfnTaskResults } from "../../adapters/aws/task-results";
import { answerApproval, type CliApprovalDeps } from "../../core/chatops/cli-approval";
import { cliIdentity } from "../approval-flags";
import { parseCommand } from "../args";
import type { CliIO } from "../io";
import { UsageError } from "../io";

export const APPROVE_USAGE =
  "tug approve <run|cluster> [--reject] [--reason <text>] [--table <name>] [--endpoint <url>] [--json]";

const FLAGS = {
  reject: { type: "boolean" },
  reason: { type: "string" },
  table: { type: "string" },
  endpoint: { type: "string" },
  json: { type: "boolean" },
} as const;

function depsFrom(values: { table?: string; endpoint?: string }): CliApprovalDeps {
  const table = values.table ?? process.env.TUGBOAT_TABLE;
  if (!table) {
    throw new UsageError("no store: pass --table <name> or set TUGBOAT_TABLE (an output of `npx sst deploy`)");
  }
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient(values.endpoint ? { endpoint: values.endpoint } : {}),
  );
  return {
    state: new DynamoStateStore(documents, table),
    approvals: new DynamoApprovalStore(documents, table),
    tasks: new SfnTaskResults(new SFNClient({})),
    clock: { now: () => new Date() },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  };
}

export async function approveCommand(argv: string[], io: CliIO, deps?: CliApprovalDeps): Promise<number> {
  const { values, positionals } = parseCommand(argv, FLAGS, APPROVE_USAGE);
  const [target, ...extra] = positionals;
  if (!target) throw new UsageError(`expected <run> or <cluster>\nusage: ${APPROVE_USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"\nusage: ${APPROVE_USAGE}`);
  if (values.reason !== undefined && !values.reject) throw new UsageError("--reason: only with --reject");
  const result = await answerApproval(deps ?? depsFrom(values), target, {
    reject: values.reject ?? false,
    by: cliIdentity(),
    ...(values.reason ? { reason: values.reason } : {}),
  });
  if (values.json) io.stdout(JSON.stringify(result));
  else (result.ok ? io.stdout : io.stderr)(result.message);
  return result.ok ? 0 : 1;
}
