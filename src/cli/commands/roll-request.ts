/** `tug roll` and `tug predict roll`: the flags and the roll request they make. */
import type { RollRequest } from "../../sandbox/sandbox-roll";
import { APPROVAL_FLAGS, APPROVAL_USAGE, approvalFrom } from "../approval-flags";
import { countOrPercent, parseCommand, positiveInt } from "../args";
import { UsageError } from "../io";

const USAGE = `tug roll <cluster> <nodegroup> [--sandbox <scenario>] [--dry-run] [--max-surge N|N%] [--force] [--drain-timeout S] [--ready-timeout S] [--launch-template-version V] [--kubernetes-version 1.N] [--json] [--report <file.html>] [--state-machine <arn>] ${APPROVAL_USAGE}`;

const FLAGS = {
  sandbox: { type: "string" },
  "dry-run": { type: "boolean" },
  "max-surge": { type: "string" },
  force: { type: "boolean" },
  "drain-timeout": { type: "string" },
  "ready-timeout": { type: "string" },
  "launch-template-version": { type: "string" },
  "kubernetes-version": { type: "string" },
  json: { type: "boolean" },
  report: { type: "string" },
  "state-machine": { type: "string" },
  ...APPROVAL_FLAGS,
} as const;

export function rollRequestFrom(argv: string[]) {
  const { values, positionals } = parseCommand(argv, FLAGS, USAGE);
  const [cluster, nodeGroup, ...extra] = positionals;
  if (!cluster || !nodeGroup) throw new UsageError(`expected <cluster> and <nodegroup>\nusage: ${USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"\nusage: ${USAGE}`);
  const maxSurge = countOrPercent(values["max-surge"], "--max-surge");
  const drainTimeoutSeconds = positiveInt(values["drain-timeout"], "--drain-timeout");
  const readyTimeoutSeconds = positiveInt(values["ready-timeout"], "--ready-timeout");
  const approval = approvalFrom(values);
  const request: RollRequest = {
    cluster,
    nodeGroup,
    dryRun: values["dry-run"] ?? false,
    force: values.force ?? false,
    requestedBy: `tug cli (${process.env.USER ?? "unknown"})`,
    ...(maxSurge !== undefined ? { maxSurge } : {}),
    ...(drainTimeoutSeconds !== undefined ? { drainTimeoutSeconds } : {}),
    ...(readyTimeoutSeconds !== undefined ? { readyTimeoutSeconds } : {}),
    ...(values["launch-template-version"] ? { launchTemplateVersion: values["launch-template-version"] } : {}),
    ...(values["kubernetes-version"] ? { kubernetesVersion: values["kubernetes-version"] } : {}),
    ...(approval ? { approval } : {}),
  };
  return { request, values };
}
