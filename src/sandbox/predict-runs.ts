/**
 * The runs of a prediction (predict.ts), where they run: in a worker process, or in the caller's when
 * there is one worker. Each run starts its own sandbox from the scenario with its own seed, runs the
 * workflow and reports what the simulator observed.
 */
import type { PredictRequest, RunFigures } from "./predict";
import { Sandbox } from "./sandbox";
import { rebalanceInSandbox } from "./sandbox-rebalance";
import { rollInSandbox } from "./sandbox-roll";
import { upgradeInSandbox } from "./sandbox-upgrade";
import type { Scenario } from "./scenario/schema";

/**
 * Watches one run from the simulator's side: virtual seconds during which a PDB refused an eviction (an
 * interval between two clock ticks counts when a refusal happened in it), and each round of every Task
 * state: from one entry to the next entry of the same state (or the end), so a round of the batch loop
 * spans the whole batch, its waits included, with the refusals that fell inside it.
 */
function watch(sandbox: Sandbox) {
  const counters = sandbox.cluster.state.counters;
  let lastRefusals = counters.evictionsRefusedByPdb;
  let lastTickMs = sandbox.clock.nowMs();
  let blockedMs = 0;
  sandbox.clock.onTick((nowMs) => {
    if (counters.evictionsRefusedByPdb > lastRefusals) blockedMs += nowMs - lastTickMs;
    lastRefusals = counters.evictionsRefusedByPdb;
    lastTickMs = nowMs;
  });
  const open = new Map<string, { state: string; occurrence: number; atMs: number; refusals: number }>();
  let longest: RunFigures["longest"];
  const close = (round: { state: string; occurrence: number; atMs: number; refusals: number }, atMs: number) => {
    const seconds = (atMs - round.atMs) / 1000;
    if (!longest || seconds > longest.seconds) {
      const refusals = counters.evictionsRefusedByPdb - round.refusals;
      longest = { state: round.state, occurrence: round.occurrence, seconds, refusals };
    }
  };
  const onEvent = (event: { kind: string; state: string; stateType: string; atMs: number; execution?: string }) => {
    if (event.stateType !== "Task" || event.kind !== "state-entered") return;
    const key = `${event.execution ?? ""}/${event.state}`;
    const previous = open.get(key);
    if (previous) close(previous, event.atMs);
    open.set(key, {
      state: event.state,
      occurrence: (previous?.occurrence ?? 0) + 1,
      atMs: event.atMs,
      refusals: counters.evictionsRefusedByPdb,
    });
  };
  const finish = () => {
    // The last round of a loop ends with the run; a state entered once is no loop (it would span the run).
    for (const round of open.values()) if (round.occurrence > 1) close(round, sandbox.clock.nowMs());
    open.clear();
    return longest;
  };
  return { onEvent, blockedSeconds: () => blockedMs / 1000, longest: finish };
}

/** Runs `indices` one after another in this process: run i uses the scenario's seed + i. */
export async function runSeeds(scenario: Scenario, what: PredictRequest, indices: number[]): Promise<RunFigures[]> {
  const figures: RunFigures[] = [];
  for (const index of indices) figures.push(await runOnce(scenario, what, index));
  return figures;
}

async function runOnce(scenario: Scenario, what: PredictRequest, index: number): Promise<RunFigures> {
  const seeded: Scenario = { ...scenario, seed: scenario.seed + index };
  const sandbox = await Sandbox.start(seeded);
  // The roll measures its own capacity window; the upgrade and the rebalance are measured here.
  const capacity = what.workflow === "roll" ? undefined : sandbox.cluster.openCapacityWindow();
  try {
    const watcher = watch(sandbox);
    const options = { scenario: seeded, sandbox, run: { onEvent: watcher.onEvent } };
    const ran = await runWorkflow(what, options);
    return {
      index,
      outcome: ran.outcome,
      makespanSeconds: ran.makespanSeconds,
      minCapacityRatio: capacity ? capacity.minimum().az : (ran.minCapacityRatio ?? null),
      pdbBlockedSeconds: watcher.blockedSeconds(),
      ...longestOf(watcher.longest()),
    };
  } finally {
    capacity?.close();
    await sandbox.close();
  }
}

interface Ran {
  outcome: string;
  makespanSeconds: number;
  minCapacityRatio?: number | null;
}

async function runWorkflow(
  what: PredictRequest,
  options: { scenario: Scenario; sandbox: Sandbox; run: { onEvent: ReturnType<typeof watch>["onEvent"] } },
): Promise<Ran> {
  switch (what.workflow) {
    case "roll": {
      const { result } = await rollInSandbox({ ...options, request: what.request });
      return {
        outcome: result.outcome,
        makespanSeconds: result.makespanSeconds,
        minCapacityRatio: result.minCapacityRatio.az,
      };
    }
    case "rebalance": {
      const { result } = await rebalanceInSandbox({ ...options, request: what.request });
      return { outcome: result.outcome, makespanSeconds: result.makespanSeconds };
    }
    case "upgrade": {
      const { result } = await upgradeInSandbox({ ...options, request: what.request });
      return { outcome: result.outcome, makespanSeconds: result.durationSeconds };
    }
  }
}

function longestOf(longest: RunFigures["longest"]): Pick<RunFigures, "longest"> {
  return longest ? { longest } : {};
}
