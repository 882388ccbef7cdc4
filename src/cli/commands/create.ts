/**
 * `tug create --spec <file>`: create a cluster from a spec (docs/create.md), in the sandbox with
 * --sandbox (against the scenario's account), else on the deployed create-cluster state machine.
 * With --json the last stdout line is { outcome, cluster, kind, version, durationSeconds,
 * predictedSeconds, resources, healthChecks, changes, reason } (and, in the sandbox, what the
 * simulator observed).
 */
import { readFileSync } from "node:fs";
import { Sandbox } from "../../sandbox/sandbox";
import type { CreateJson } from "../../sandbox/sandbox-create";
import { createInSandbox } from "../../sandbox/sandbox-create";
import { loadScenario } from "../../sandbox/scenario/load";
import { parseCommand } from "../args";
import { duration } from "../format";
import type { CliIO } from "../io";
import { UsageError } from "../io";
import { executionName, printRemoteOutcome, runRemote, stateMachineArn } from "../remote";

const USAGE =
  "tug create --spec <file> [--sandbox <scenario>] [--dry-run] [--json] [--repeat] [--role <arn>]... [--account <id>] [--state-machine <arn>]";

const FLAGS = {
  spec: { type: "string" },
  sandbox: { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  repeat: { type: "boolean" },
  role: { type: "string", multiple: true },
  account: { type: "string" },
  "state-machine": { type: "string" },
} as const;

export function readSpecFile(path: string | undefined): unknown {
  if (!path) throw new UsageError(`--spec: expected the cluster spec file\nusage: ${USAGE}`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`--spec: cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--spec: ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

export function createExitCode(outcome: string): number {
  return outcome === "created" || outcome === "unchanged" || outcome === "dry-run" ? 0 : outcome === "refused" ? 3 : 1;
}

export function renderCreateResult(result: CreateJson): string[] {
  const lines = [`${result.outcome}: ${result.cluster}: ${result.reason}`];
  for (const step of result.plan ?? []) lines.push(`  plan: ${step}`);
  lines.push(
    `  took ${duration(result.durationSeconds)} (predicted ${duration(result.predictedSeconds)}), ${result.changes} change(s)`,
  );
  const resources = Object.entries(result.resources)
    .map(([type, count]) => `${type} ${count}`)
    .join(", ");
  if (resources) lines.push(`  resources: ${resources}`);
  for (const check of result.healthChecks)
    lines.push(`  ${check.passed ? "ok  " : "FAIL"} ${check.name}: ${check.detail}`);
  return lines;
}

export async function createCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, FLAGS, USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\nusage: ${USAGE}`);
  const spec = readSpecFile(values.spec);
  const dryRun = values["dry-run"] ?? false;
  if (!values.sandbox) {
    const roles = values.role ?? [];
    if (roles.length === 0 || !values.account) {
      throw new UsageError(
        `--role and --account: the stack's KubeRoleArns and its account are needed\nusage: ${USAGE}`,
      );
    }
    const arn = stateMachineArn(values["state-machine"], "TUGBOAT_CREATE_STATE_MACHINE_ARN");
    const name = String((spec as { name?: unknown }).name ?? "cluster");
    const remote = await runRemote(io, arn, executionName(["create", name]), {
      spec,
      kubeRoleArns: roles,
      accountId: values.account,
      dryRun,
    });
    return createExitCode(printRemoteOutcome(io, remote, values.json ?? false));
  }
  const scenario = loadScenario(values.sandbox);
  if (!scenario.account) {
    throw new UsageError(
      `--sandbox: scenario ${values.sandbox} has no account to create clusters in (docs/scenarios.md)`,
    );
  }
  const sandbox = await Sandbox.start(scenario);
  try {
    const out = values.json ? io.stderr : io.stdout;
    let result = await createInSandbox(sandbox, spec, { dryRun });
    for (const line of renderCreateResult(result)) out(line);
    if (values.repeat && !dryRun) {
      // The same request again, in the same sandbox: what a second `tug create` finds.
      if (values.json) io.stderr(JSON.stringify(result));
      result = await createInSandbox(sandbox, spec);
      for (const line of renderCreateResult(result)) out(line);
    }
    if (values.json) io.stdout(JSON.stringify(result));
    return createExitCode(result.outcome);
  } finally {
    await sandbox.close();
  }
}
