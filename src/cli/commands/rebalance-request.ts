/** `tug rebalance` and `tug predict rebalance`: the flags and the rebalance request they make. */
import type { RebalanceRequest } from "../../core/rebalance/input";
import { APPROVAL_FLAGS, APPROVAL_USAGE, approvalFrom } from "../approval-flags";
import { parseCommand, positiveInt } from "../args";
import { UsageError } from "../io";

const USAGE = `tug rebalance <cluster> [--sandbox <scenario>] [--dry-run] [--group <nodegroup>]... [--drain-timeout S] [--json] [--state-machine <arn>] ${APPROVAL_USAGE}`;

const FLAGS = {
  sandbox: { type: "string" },
  "dry-run": { type: "boolean" },
  group: { type: "string", multiple: true },
  "drain-timeout": { type: "string" },
  json: { type: "boolean" },
  "state-machine": { type: "string" },
  ...APPROVAL_FLAGS,
} as const;

export function rebalanceRequestFrom(argv: string[]) {
  const { values, positionals } = parseCommand(argv, FLAGS, USAGE);
  const [cluster, ...extra] = positionals;
  if (!cluster) throw new UsageError(`expected <cluster>\nusage: ${USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"\nusage: ${USAGE}`);
  const drainTimeoutSeconds = positiveInt(values["drain-timeout"], "--drain-timeout");
  const approval = approvalFrom(values);
  const request: Partial<RebalanceRequest> & { cluster: string } = {
    cluster,
    dryRun: values["dry-run"] ?? false,
    trigger: "operator",
    requestedBy: `tug cli (${process.env.USER ?? "unknown"})`,
    ...(values.group && values.group.length > 0 ? { nodeGroups: values.group } : {}),
    ...(drainTimeoutSeconds !== undefined ? { drainTimeoutSeconds } : {}),
    ...(approval ? { approval } : {}),
  };
  return { request, values };
}
