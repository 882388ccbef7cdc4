/** Shared helpers for whole-workflow tests in the sandbox. */
import { loadScenario, parseScenario } from "../../src/sandbox/scenario/load";
import type { Scenario } from "../../src/sandbox/scenario/schema";

/** A built-in scenario, modified for one test. */
export function scenarioWith(name: string, change: (raw: Record<string, any>) => void): Scenario {
  const raw = structuredClone(loadScenario(name)) as unknown as Record<string, any>;
  change(raw);
  return parseScenario(raw, `${name} (modified for a test)`);
}
