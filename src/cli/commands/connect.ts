/**
 * `tug connect <cluster>`: makes a cluster manageable (access entries, RBAC, tags), checking the
 * authentication mode and the endpoint, and prints the operator policy. `--then-roll <group>` (sandbox)
 * shows the whole path in one sandbox: doctor, connect, doctor again, then a roll.
 */
import { connectCluster } from "../../core/connect/connect";
import { inspectCluster } from "../../core/connect/inspect";
import { rollInSandbox } from "../../sandbox/sandbox-roll";
import { parseCommand } from "../args";
import { clusterAccessContext } from "../cluster-access";
import type { CliIO } from "../io";
import { UsageError } from "../io";
import { renderResult } from "../render";
import { ACCESS_FLAGS, connectRequestFrom } from "./connect-request";
import { doctorJson, renderChecks } from "./doctor";

const USAGE =
  "tug connect <cluster> [--group <nodegroup> ...] [--role <arn> ...] [--force-drain] [--step-vpc <vpc-id>] [--dry-run] [--json] [--sandbox <scenario> [--then-roll <nodegroup>]]";

const FLAGS = { ...ACCESS_FLAGS, "dry-run": { type: "boolean" }, "then-roll": { type: "string" } } as const;

export async function connectCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, FLAGS, USAGE);
  const [cluster, ...extra] = positionals;
  if (!cluster || extra.length > 0) throw new UsageError(`expected one <cluster>\nusage: ${USAGE}`);
  if (values["then-roll"] && !values.sandbox) throw new UsageError(`--then-roll needs --sandbox\nusage: ${USAGE}`);
  const say = values.json ? io.stderr : io.stdout;
  const context = await clusterAccessContext({ cluster, sandbox: values.sandbox, roles: values.role });
  try {
    const request = connectRequestFrom(cluster, values, context);
    const thenRoll = values["then-roll"];
    let before: ReturnType<typeof doctorJson> | undefined;
    if (thenRoll) {
      before = doctorJson((await inspectCluster(context.port, request)).checks);
      say(`doctor before: ${before.ok ? "ok" : `${before.checks.filter((c) => !c.ok).length} checks failed`}`);
    }
    const result = await connectCluster(context.port, request, { dryRun: values["dry-run"] ?? false, onChange: say });
    if (result.outcome === "refused") {
      for (const line of renderChecks(result.checks.filter((c) => !c.ok))) say(line);
    }
    say(
      result.outcome === "connected"
        ? `${cluster}: connected (${result.changes.length} changes)`
        : result.outcome === "unchanged"
          ? `${cluster}: already connected, nothing changed`
          : result.outcome === "dry-run"
            ? `${cluster}: ${result.changes.length} changes to make (dry run, nothing changed)`
            : `${cluster}: refused: ${result.reason}`,
    );
    const endpoint = result.checks.find((c) => c.name === "endpoint");
    if (endpoint)
      say(`endpoint: ${endpoint.ok ? "" : "FAIL "}${endpoint.detail}${endpoint.fix ? ` (fix: ${endpoint.fix})` : ""}`);
    if (!values.json) {
      io.stdout(`operator policy (${context.operatorPolicy.source}):`);
      io.stdout(context.operatorPolicy.text);
    }
    const json: Record<string, unknown> = { outcome: result.outcome, changes: result.changes };
    if (result.reason) json.reason = result.reason;
    let exit = result.outcome === "refused" ? 1 : 0;
    if (thenRoll && context.sandbox && result.outcome !== "refused") {
      const after = doctorJson((await inspectCluster(context.port, request)).checks);
      say(`doctor after: ${after.ok ? "ok" : `${after.checks.filter((c) => !c.ok).length} checks failed`}`);
      const { result: roll } = await rollInSandbox({
        scenario: context.sandbox.scenario,
        request: { cluster, nodeGroup: thenRoll, requestedBy: "tug connect --then-roll" },
        sandbox: context.sandbox,
        keepOpen: true,
      });
      for (const line of renderResult(roll)) say(line);
      Object.assign(json, {
        doctorBefore: { ok: before?.ok ?? false },
        doctorAfter: { ok: after.ok },
        roll: { outcome: roll.outcome, nodesReplaced: roll.nodesReplaced, reason: roll.reason ?? null },
      });
      if (!after.ok || roll.outcome !== "succeeded") exit = 1;
    }
    if (values.json) io.stdout(JSON.stringify(json));
    return exit;
  } finally {
    await context.close();
  }
}
