/** Reads a scenario: a built-in by name, or a JSON file; errors name the file, the field and what was expected. */
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeIssues } from "../../core/roll/input";
import { type Scenario, scenarioSchema } from "./schema";

const builtinDir = join(dirname(fileURLToPath(import.meta.url)), "builtin");
export const BUILTIN_SCENARIOS = [
  "small",
  "stateful",
  "large",
  "managed",
  "huge",
  "upgrade",
  "self-managed",
  "never-seen",
  "slack",
  "rebalance",
  "account",
] as const;

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScenarioError";
  }
}

export function parseScenario(raw: unknown, source: string): Scenario {
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) throw new ScenarioError(`scenario ${source} is invalid: ${describeIssues(result.error.issues)}`);
  const scenario = result.data;
  const groups = new Set(scenario.cluster.nodeGroups.map((g) => g.name));
  for (const workload of scenario.cluster.workloads) {
    if (workload.nodeGroup && !groups.has(workload.nodeGroup)) {
      throw new ScenarioError(
        `scenario ${source} is invalid: workload ${workload.namespace}/${workload.name}: nodeGroup "${workload.nodeGroup}" is not one of ${[...groups].join(", ")}`,
      );
    }
  }
  const zones = new Set(scenario.cluster.nodeGroups.flatMap((g) => Object.keys(g.zones)));
  for (const workload of scenario.cluster.workloads) {
    const pinned = workload.zonalVolumes;
    if (typeof pinned !== "object") continue;
    const field = `workload ${workload.namespace}/${workload.name}: zonalVolumes`;
    for (const zone of Object.keys(pinned)) {
      if (!zones.has(zone)) {
        throw new ScenarioError(
          `scenario ${source} is invalid: ${field}: zone "${zone}" is not a zone of any node group (${[...zones].join(", ")})`,
        );
      }
    }
    const total = Object.values(pinned).reduce((sum, n) => sum + n, 0);
    if (workload.kind === "DaemonSet" || total > (workload.replicas ?? 1)) {
      throw new ScenarioError(
        `scenario ${source} is invalid: ${field}: expected at most ${workload.replicas ?? 1} volume(s) (the replicas of a Deployment or StatefulSet), got ${total}${workload.kind === "DaemonSet" ? " on a DaemonSet" : ""}`,
      );
    }
  }
  for (const fault of scenario.faults) {
    if (fault.kind === "zonal-shift" && !zones.has(fault.zone)) {
      throw new ScenarioError(
        `scenario ${source} is invalid: faults: zonal-shift zone "${fault.zone}" is not a zone of any node group (${[...zones].join(", ")})`,
      );
    }
  }
  if (groups.size !== scenario.cluster.nodeGroups.length) {
    throw new ScenarioError(`scenario ${source} is invalid: cluster.nodeGroups: names must be unique`);
  }
  return scenario.name ? scenario : { ...scenario, name: basename(source).replace(/\.json$/, "") };
}

/** `nameOrPath` is a built-in scenario name ("small") or a path to a JSON scenario file. */
export function loadScenario(nameOrPath: string): Scenario {
  const isBuiltin = (BUILTIN_SCENARIOS as readonly string[]).includes(nameOrPath);
  const path = isBuiltin ? join(builtinDir, `${nameOrPath}.json`) : nameOrPath;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ScenarioError(
      `cannot read scenario ${nameOrPath}${code ? ` (${code})` : ""}: give a path to a JSON file or one of ${BUILTIN_SCENARIOS.join(", ")}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`scenario ${nameOrPath} is not valid JSON: ${(err as Error).message}`);
  }
  return parseScenario(raw, nameOrPath);
}
