/** Command-line parsing on node:util parseArgs, with errors that name the flag and what it expects. */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { loadScenario } from "../sandbox/scenario/load";
import type { Scenario } from "../sandbox/scenario/schema";
import { UsageError } from "./io";

export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

export function parseCommand<T extends FlagSpec>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true } as const);
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify.*$/s, "");
    throw new UsageError(`${message}\nusage: ${usage}`);
  }
}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) <= 0)
    throw new UsageError(`${flag}: expected a positive whole number, got "${value}"`);
  return Number(value);
}

/** A count ("3") or a percentage ("10%"), as Kubernetes writes surge values. */
export function countOrPercent(value: string | undefined, flag: string): number | string | undefined {
  if (value === undefined) return undefined;
  if (/^\d+%$/.test(value) && Number.parseInt(value, 10) > 0) return value;
  return positiveInt(value, flag);
}

/** The scenario named by --sandbox, which must hold the cluster the command names. */
export function loadScenarioOf(nameOrPath: string, cluster: string): Scenario {
  const scenario = loadScenario(nameOrPath);
  if (scenario.cluster.name !== cluster) {
    throw new UsageError(
      `cluster "${cluster}" is not in scenario ${nameOrPath}: its cluster is "${scenario.cluster.name}"`,
    );
  }
  return scenario;
}
