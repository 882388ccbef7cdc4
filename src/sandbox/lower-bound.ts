/**
 * The lower bound a roll's makespan is judged against (docs/roll.md, "Lower bound"), computed from the
 * durations the simulator sampled during that same run (src/sandbox/timing/records.ts), so a run whose
 * boots happened to be slow is judged against those slow boots. No surge-first roll that keeps every
 * PDB can finish faster than the larger of:
 *
 *  A. surge-limited: each of the N outdated nodes is replaced by a new instance that boots and joins
 *     (its sampled join J = boot + node Ready) before the old node drains (at least the longest sampled
 *     shutdown among its pods; D = the smallest such drain over the nodes to replace). With E extra
 *     nodes at a time, the replacements run in at most E parallel chains, one of which holds at least
 *     k = ceil(N / E) of them, and together they hold all N: with J₁ ≤ J₂ ≤ … the N smallest joins,
 *     A = max(Σ_{i≤k} (Jᵢ + D), Σ_{i≤N} (Jᵢ + D) / E);
 *  B. PDB-limited: the first replacement must join (J₁), then each budget lets through at most
 *     `allowed` evictions at a time, and a slot frees only when the evicted pod's replacement is Ready
 *     (a Deployment's pod starts at once; a StatefulSet's pod is recreated after the old one exited,
 *     then attaches its zonal volume): k = ceil(pods to move / allowed) restarts in a row, each taking
 *     at least the k smallest sampled starts (and, for StatefulSets, shutdowns and attaches) of that
 *     workload's pods in the run: B = J₁ + max over PDBs of Σ over those k smallest.
 *
 *  C. StatefulSet-limited (orderedReadyChain below): B's first join, then an OrderedReady
 *     StatefulSet's moved pods restarted one at a time.
 *
 * Where the run sampled fewer values than a term needs (a failed roll), the missing ones count at the
 * duration's floor (a plain number: itself; uniform: its min; log-normal: 0). With plain-number timings
 * every sample equals the number and the bound is the constant formula: ceil(N/E) × (J + D) and
 * J + ceil(moved/allowed) × restart.
 */
import type { Scenario, ScenarioWorkload } from "./scenario/schema";
import { floorSeconds } from "./timing/duration";
import type { SampledRun } from "./timing/records";

export interface LowerBoundInput {
  scenario: Scenario;
  /** Outdated nodes at the start, each with the workloads of the pods it runs (DaemonSets excluded). */
  outdatedNodes: { name: string; workloads: { namespace: string; name: string }[] }[];
  /** Peak of extra nodes the run used (≥ 1). */
  maxExtraNodes: number;
  /** What the simulator sampled during the run (SampleRecords.sampledRun for the group and window). */
  sampled: SampledRun;
}

export function lowerBoundSeconds({ scenario, outdatedNodes, maxExtraNodes, sampled }: LowerBoundInput): number {
  const n = outdatedNodes.length;
  if (n === 0) return 0;
  const timing = scenario.timing;
  const joinFloor = floorSeconds(timing.instanceBootSeconds) + floorSeconds(timing.nodeReadySeconds);
  const joins = smallest(sampled.joinSeconds, n, joinFloor);
  const byKey = new Map(scenario.cluster.workloads.map((w) => [`${w.namespace}/${w.name}`, w]));

  const drainOf = (node: LowerBoundInput["outdatedNodes"][number]) => {
    const floors = node.workloads.map((ref) => {
      const w = byKey.get(`${ref.namespace}/${ref.name}`);
      return w ? shutdownFloor(w) : 0;
    });
    return Math.max(0, ...floors, ...(sampled.shutdownsByNode.get(node.name) ?? []));
  };
  const minDrain = outdatedNodes.reduce((min, node) => Math.min(min, drainOf(node)), Number.POSITIVE_INFINITY);
  const extra = Math.max(1, maxExtraNodes);
  const k = Math.ceil(n / extra);
  const longestChain = sum(joins.slice(0, k)) + k * minDrain;
  const spread = (sum(joins) + n * minDrain) / extra;
  const surgeLimited = Math.max(longestChain, spread);

  const podsToMove = new Map<string, number>();
  for (const node of outdatedNodes) {
    for (const ref of node.workloads) {
      const key = `${ref.namespace}/${ref.name}`;
      podsToMove.set(key, (podsToMove.get(key) ?? 0) + 1);
    }
  }
  let pdbChain = 0;
  for (const [key, moved] of podsToMove) {
    const w = byKey.get(key);
    if (w?.kind === "StatefulSet") pdbChain = Math.max(pdbChain, orderedReadyChain(w, moved, sampled, timing));
    if (!w?.pdb || w.kind === "DaemonSet") continue;
    const replicas = w.replicas ?? 1;
    const allowed = Math.max(1, replicas - desiredHealthy(w.pdb, replicas));
    const rounds = Math.ceil(moved / allowed);
    const samples = sampled.byWorkload.get(key) ?? { start: [], attach: [], shutdown: [] };
    const starts = sum(smallest(samples.start, rounds, floorSeconds(w.startSeconds ?? timing.podStartSeconds)));
    const chain =
      w.kind === "StatefulSet"
        ? sum(smallest(samples.shutdown, rounds, shutdownFloor(w))) +
          starts +
          (w.zonalVolumes ? sum(smallest(samples.attach, rounds, floorSeconds(timing.volumeAttachSeconds))) : 0)
        : starts;
    pdbChain = Math.max(pdbChain, chain);
  }
  const pdbLimited = (joins[0] ?? joinFloor) + pdbChain;
  return Math.round(Math.max(surgeLimited, pdbLimited));
}

/**
 * C. StatefulSet-limited: an OrderedReady StatefulSet (the default policy, and every StatefulSet of the
 * sandbox) recreates one ordinal at a time, each once the ones before it are Running and Ready, so its
 * moved pods restart one after another whatever the budget allows: the first old pod's shutdown, then
 * for each moved pod a start (and a zonal volume's attach), the smallest the run sampled.
 */
function orderedReadyChain(
  w: ScenarioWorkload,
  moved: number,
  sampled: SampledRun,
  timing: Scenario["timing"],
): number {
  const samples = sampled.byWorkload.get(`${w.namespace}/${w.name}`) ?? { start: [], attach: [], shutdown: [] };
  const firstShutdown = smallest(samples.shutdown, 1, shutdownFloor(w))[0] ?? 0;
  const starts = sum(smallest(samples.start, moved, floorSeconds(w.startSeconds ?? timing.podStartSeconds)));
  const attaches = w.zonalVolumes ? sum(smallest(samples.attach, moved, floorSeconds(timing.volumeAttachSeconds))) : 0;
  return firstShutdown + starts + attaches;
}

/** The least a pod of `w` takes to exit: its shutdown, never past its grace period. */
function shutdownFloor(w: ScenarioWorkload): number {
  return Math.min(floorSeconds(w.shutdownSeconds ?? w.terminationGracePeriodSeconds), w.terminationGracePeriodSeconds);
}

/** The `count` smallest of `values`, ascending, padded with `floor` when there are fewer. */
function smallest(values: number[], count: number, floor: number): number[] {
  const sorted = [...values].sort((a, b) => a - b).slice(0, count);
  while (sorted.length < count) sorted.push(floor);
  return sorted.sort((a, b) => a - b);
}

function sum(values: number[]): number {
  return values.reduce((total, v) => total + v, 0);
}

/** Kubernetes' arithmetic: percentages of expected pods round up, for both fields. */
export function desiredHealthy(
  pdb: { minAvailable?: number | string; maxUnavailable?: number | string },
  expected: number,
): number {
  const resolve = (value: number | string) =>
    typeof value === "number" ? value : Math.ceil((expected * Number.parseInt(value, 10)) / 100);
  if (pdb.minAvailable !== undefined) return resolve(pdb.minAvailable);
  if (pdb.maxUnavailable !== undefined) return Math.max(0, expected - resolve(pdb.maxUnavailable));
  return 0;
}
