/** Shared helpers for whole-workflow tests in the sandbox. */

import type { RunnerEvent } from "../../src/sandbox/runner/local-workflow";
import type { Sandbox } from "../../src/sandbox/sandbox";
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

/** Nodes left cordoned on machines still running: what a failed or aborted roll must not leave behind. */
export function cordonedLiveNodes(sandbox: Sandbox): string[] {
  return sandbox.cluster
    .nodes()
    .filter((n) => n.unschedulable && !n.shuttingDown)
    .map((n) => n.name);
}

/** Records the execution's Catch events as "state: error name", in order, as its history shows them. */
export function catchRecorder(): {
  onEvent: (event: RunnerEvent) => void;
  caught: string[];
} {
  const caught: string[] = [];
  return {
    caught,
    onEvent: (event) => {
      if (event.kind === "state-caught") caught.push(`${event.state}: ${event.error ?? "?"}`);
    },
  };
}
