/**
 * `tug twin capture <cluster> [--sandbox <scenario>] [--out scenario.json] [--anonymize]`: reads the
 * cluster read-only through the production adapters (the caller's AWS credentials, or a sandbox started
 * from the scenario) and writes the scenario of its twin, ready for `--sandbox` and `tug predict`.
 */
import { writeFileSync } from "node:fs";
import { createAwsDeps } from "../../adapters/deps";
import { captureTwin } from "../../core/twin/capture";
import { instanceTypeFacts } from "../../sandbox/aws/catalog";
import { Sandbox } from "../../sandbox/sandbox";
import { parseScenario } from "../../sandbox/scenario/load";
import { captureSandboxCluster } from "../../sandbox/twin-capture";
import { loadScenarioOf, parseCommand } from "../args";
import type { CliIO } from "../io";
import { UsageError } from "../io";

const USAGE = "tug twin capture <cluster> [--sandbox <scenario>] [--out <scenario.json>] [--anonymize]";

const FLAGS = {
  sandbox: { type: "string" },
  out: { type: "string" },
  anonymize: { type: "boolean" },
} as const;

export async function twinCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "capture")
    throw new UsageError(`unknown twin command "${sub ?? ""}": expected "capture"\nusage: ${USAGE}`);
  const { values, positionals } = parseCommand(rest, FLAGS, USAGE);
  const [cluster, ...extra] = positionals;
  if (!cluster) throw new UsageError(`expected <cluster>\nusage: ${USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"\nusage: ${USAGE}`);
  const anonymize = values.anonymize ?? false;

  let captured: { scenario: unknown; notes: string[] };
  if (values.sandbox) {
    const sandbox = await Sandbox.start(loadScenarioOf(values.sandbox, cluster));
    try {
      captured = await captureSandboxCluster(sandbox, { anonymize });
    } finally {
      await sandbox.close();
    }
  } else {
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
    const deps = createAwsDeps({ region, tableName: process.env.TUGBOAT_TABLE ?? "" });
    captured = await captureTwin(deps, cluster, { region, instanceFacts: instanceTypeFacts, anonymize });
    // What is written must load as a scenario: checked before the file is.
    parseScenario(captured.scenario, `${cluster} (captured)`);
  }
  for (const note of captured.notes) io.stderr(`note: ${note}`);
  const text = `${JSON.stringify(captured.scenario, null, 2)}\n`;
  if (values.out) {
    writeFileSync(values.out, text);
    io.stderr(`twin of ${cluster} written to ${values.out}`);
  } else {
    io.stdout(text.trimEnd());
  }
  return 0;
}
