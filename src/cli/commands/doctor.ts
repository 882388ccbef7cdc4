/** `tug doctor <cluster>`: read-only; names every missing piece of Tugboat's access and the command that fixes it. */
import { type Check, inspectCluster } from "../../core/connect/inspect";
import { parseCommand } from "../args";
import { clusterAccessContext } from "../cluster-access";
import type { CliIO } from "../io";
import { UsageError } from "../io";
import { ACCESS_FLAGS, connectRequestFrom } from "./connect-request";

const USAGE =
  "tug doctor <cluster> [--group <nodegroup> ...] [--role <arn> ...] [--force-drain] [--step-vpc <vpc-id>] [--json] [--sandbox <scenario>]";

export function renderChecks(checks: Check[]): string[] {
  return checks.map(
    (c) => `${c.ok ? "ok  " : "FAIL"}  ${c.name}: ${c.detail}${c.ok || !c.fix ? "" : `\n        fix: ${c.fix}`}`,
  );
}

export function doctorJson(checks: Check[]) {
  return {
    ok: checks.every((c) => c.ok),
    checks: checks.map((c) => ({ name: c.name, ok: c.ok, detail: c.detail, fix: c.fix ?? null })),
  };
}

export async function doctorCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, ACCESS_FLAGS, USAGE);
  const [cluster, ...extra] = positionals;
  if (!cluster || extra.length > 0) throw new UsageError(`expected one <cluster>\nusage: ${USAGE}`);
  const context = await clusterAccessContext({ cluster, sandbox: values.sandbox, roles: values.role });
  try {
    const inspection = await inspectCluster(context.port, connectRequestFrom(cluster, values, context));
    const report = doctorJson(inspection.checks);
    for (const line of renderChecks(inspection.checks)) (values.json ? io.stderr : io.stdout)(line);
    const failing = inspection.checks.filter((c) => !c.ok).length;
    (values.json ? io.stderr : io.stdout)(
      report.ok
        ? `${cluster}: ready for Tugboat`
        : `${cluster}: ${failing} of ${inspection.checks.length} checks failed`,
    );
    if (values.json) io.stdout(JSON.stringify(report));
    return report.ok ? 0 : 1;
  } finally {
    await context.close();
  }
}
