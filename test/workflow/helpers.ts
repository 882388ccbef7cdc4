/** Shared helpers for whole-workflow tests in the sandbox. */
import { loadScenario, parseScenario } from "../../src/sandbox/scenario/load";
import type { Scenario } from "../../src/sandbox/scenario/schema";

// biome-ignore lint/suspicious/noExplicitAny: tests edit scenarios as the raw JSON a user would write.
type RawScenario = Record<string, any>;

/** A built-in scenario, modified for one test. */
export function scenarioWith(name: string, change: (raw: RawScenario) => void): Scenario {
  const raw = structuredClone(loadScenario(name)) as unknown as RawScenario;
  change(raw);
  return parseScenario(raw, `${name} (modified for a test)`);
}
