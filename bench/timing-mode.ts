/**
 * Whether a scenario's timings are sampled: "sampled" when any of its durations is a distribution
 * (src/sandbox/timing/duration.ts), "exact" when every one is a plain number of seconds.
 */

import type { Scenario } from "../src/sandbox/scenario/schema";
import type { Duration } from "../src/sandbox/timing/duration";

export type TimingMode = "sampled" | "exact";

export function timingMode(scenario: Scenario): TimingMode {
  const durations: (Duration | undefined)[] = [
    ...Object.values(scenario.timing),
    ...scenario.cluster.workloads.flatMap((w) => [w.startSeconds, w.shutdownSeconds]),
  ];
  return durations.some((d) => d !== undefined && typeof d !== "number") ? "sampled" : "exact";
}
