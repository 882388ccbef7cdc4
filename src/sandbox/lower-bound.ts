/**
 * The lower bound a roll's makespan is judged against (docs/metrics.md). No surge-first roll that
 * keeps every PDB can finish faster than the larger of:
 *
 *  A. surge-limited: each extra node cycles through boot + join + the drain of the node it replaces
 *     (at least the longest shutdown among that node's pods), so with E extra nodes at most E nodes
 *     are replaced per cycle: ceil(N / E) × (boot + ready + minDrain), minDrain the smallest such
 *     drain over the nodes to replace;
 *  B. PDB-limited: the first replacement must boot and join, then each budget lets through at most
 *     `allowed` evictions at a time, and each slot frees only when the evicted pod's replacement is
 *     Ready (a Deployment restarts at once; a StatefulSet recreates the pod only after the old one has
 *     exited, then attaches its zonal volume): boot + ready + max over PDBs of
 *     ceil(pods to move / allowed) × restart time.
 */
import type { Scenario, ScenarioWorkload } from "./scenario/schema";

export interface LowerBoundInput {
  scenario: Scenario;
  /** Outdated nodes at the start, each with the workloads of the pods it runs (DaemonSets excluded). */
  outdatedNodes: { workloads: { namespace: string; name: string }[] }[];
  /** Peak of extra nodes the run used (≥ 1). */
  maxExtraNodes: number;
}

export function lowerBoundSeconds({ scenario, outdatedNodes, maxExtraNodes }: LowerBoundInput): number {
  const n = outdatedNodes.length;
  if (n === 0) return 0;
  const timing = scenario.timing;
  const join = timing.instanceBootSeconds + timing.nodeReadySeconds;
  const byKey = new Map(scenario.cluster.workloads.map((w) => [`${w.namespace}/${w.name}`, w]));
  const shutdown = (w: ScenarioWorkload) =>
    Math.min(w.shutdownSeconds ?? w.terminationGracePeriodSeconds, w.terminationGracePeriodSeconds);

  const drainOf = (node: LowerBoundInput["outdatedNodes"][number]) =>
    node.workloads.reduce((max, ref) => {
      const w = byKey.get(`${ref.namespace}/${ref.name}`);
      return w ? Math.max(max, shutdown(w)) : max;
    }, 0);
  const minDrain = outdatedNodes.reduce((min, node) => Math.min(min, drainOf(node)), Number.POSITIVE_INFINITY);
  const extra = Math.max(1, maxExtraNodes);
  const surgeLimited = Math.ceil(n / extra) * (join + minDrain);

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
    if (!w?.pdb || w.kind === "DaemonSet") continue;
    const replicas = w.replicas ?? 1;
    const allowed = Math.max(1, replicas - desiredHealthy(w.pdb, replicas));
    const start = w.startSeconds ?? timing.podStartSeconds;
    const restart =
      w.kind === "StatefulSet" ? shutdown(w) + start + (w.zonalVolumes ? timing.volumeAttachSeconds : 0) : start;
    pdbChain = Math.max(pdbChain, Math.ceil(moved / allowed) * restart);
  }
  const pdbLimited = join + pdbChain;
  return Math.round(Math.max(surgeLimited, pdbLimited));
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
