/**
 * `tug delete <cluster>`: delete a cluster Tugboat created (the delete-cluster workflow), in the
 * sandbox with --sandbox, else on the deployed state machine. A cluster Tugboat did not create is
 * refused. In the sandbox, --spec first creates the cluster, as an earlier `tug create` would have.
 */

import { Sandbox } from "../../sandbox/sandbox";
import { createInSandbox, deleteInSandbox } from "../../sandbox/sandbox-create";
import { loadScenario } from "../../sandbox/scenario/load";
import { parseCommand } from "../args";
import { duration } from "../format";
import type { CliIO } from "../io";
import { UsageError } from "../io";
import { executionName, printRemoteOutcome, runRemote, stateMachineArn } from "../remote";
import { readSpecFile } from "./create";

const USAGE =
  "tug delete <cluster> [--sandbox <scenario> [--spec <file>]] [--dry-run] [--json] [--state-machine <arn>]";

const FLAGS = {
  sandbox: { type: "string" },
  spec: { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  "state-machine": { type: "string" },
} as const;

function exitCode(outcome: string): number {
  return outcome === "deleted" || outcome === "unchanged" || outcome === "dry-run" ? 0 : outcome === "refused" ? 3 : 1;
}

export async function deleteCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, FLAGS, USAGE);
  const [cluster, ...extra] = positionals;
  if (!cluster) throw new UsageError(`expected <cluster>\nusage: ${USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"\nusage: ${USAGE}`);
  const dryRun = values["dry-run"] ?? false;
  if (!values.sandbox) {
    const arn = stateMachineArn(values["state-machine"], "TUGBOAT_DELETE_STATE_MACHINE_ARN");
    const remote = await runRemote(io, arn, executionName(["delete", cluster]), { cluster, dryRun });
    return exitCode(printRemoteOutcome(io, remote, values.json ?? false));
  }
  const sandbox = await Sandbox.start(loadScenario(values.sandbox));
  try {
    const out = values.json ? io.stderr : io.stdout;
    if (values.spec) {
      const created = await createInSandbox(sandbox, readSpecFile(values.spec));
      out(`${created.outcome}: ${created.cluster}: ${created.reason}`);
    }
    const result = await deleteInSandbox(sandbox, cluster, { dryRun });
    out(`${result.outcome}: ${result.cluster}: ${result.reason}`);
    out(`  took ${duration(result.durationSeconds)}, ${result.changes} change(s)`);
    if (values.json) io.stdout(JSON.stringify(result));
    return exitCode(result.outcome);
  } finally {
    await sandbox.close();
  }
}
