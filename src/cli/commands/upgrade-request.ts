/** `tug upgrade` and `tug predict upgrade`: the flags and the upgrade request they make. */
import type { UpgradeRequest } from "../../sandbox/sandbox-upgrade";
import { APPROVAL_FLAGS, APPROVAL_USAGE, approvalFrom } from "../approval-flags";
import { parseCommand, positiveInt } from "../args";
import { UsageError } from "../io";

const USAGE = `tug upgrade <cluster> --to <version> [--sandbox <scenario>] [--dry-run] [--accept-insight <name>]... [--max-parallel-rolls N] [--json] [--report <file.html>] [--state-machine <arn>] ${APPROVAL_USAGE} [--approve-each-control-plane-step]`;

const FLAGS = {
  to: { type: "string" },
  sandbox: { type: "string" },
  "dry-run": { type: "boolean" },
  "accept-insight": { type: "string", multiple: true },
  "max-parallel-rolls": { type: "string" },
  "drain-timeout": { type: "string" },
  json: { type: "boolean" },
  report: { type: "string" },
  "state-machine": { type: "string" },
  ...APPROVAL_FLAGS,
  "approve-each-control-plane-step": { type: "boolean" },
} as const;

export function upgradeRequestFrom(argv: string[]) {
  const { values, positionals } = parseCommand(argv, FLAGS, USAGE);
  const [cluster, ...extra] = positionals;
  if (!cluster) throw new UsageError(`expected <cluster>\nusage: ${USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"\nusage: ${USAGE}`);
  const to = values.to;
  if (!to) throw new UsageError(`--to: expected the target Kubernetes version, such as --to 1.33\nusage: ${USAGE}`);
  if (!/^1\.\d+$/.test(to)) throw new UsageError(`--to: expected a Kubernetes minor version such as 1.33, got "${to}"`);
  const maxParallelRolls = positiveInt(values["max-parallel-rolls"], "--max-parallel-rolls");
  const drainTimeoutSeconds = positiveInt(values["drain-timeout"], "--drain-timeout");
  const approval = approvalFrom(values, { eachControlPlaneStep: values["approve-each-control-plane-step"] ?? false });
  const request: UpgradeRequest = {
    cluster,
    toVersion: to,
    dryRun: values["dry-run"] ?? false,
    acceptInsights: values["accept-insight"] ?? [],
    requestedBy: `tug cli (${process.env.USER ?? "unknown"})`,
    ...(maxParallelRolls !== undefined ? { maxParallelRolls } : {}),
    ...(drainTimeoutSeconds !== undefined ? { drainTimeoutSeconds } : {}),
    ...(approval ? { approval } : {}),
  };
  return { request, values };
}
