/**
 * Reading and recording observations from the steps. Observations only improve estimates: a store that
 * cannot answer costs a roll its history (it falls back to the defaults), never the roll itself.
 */
import type { Deps } from "../ports";
import type { Observation, ObservationKind, ObservationScope } from "./observations";

export async function loadObservations(
  deps: Pick<Deps, "state" | "log">,
  scope: ObservationScope,
): Promise<Observation[]> {
  try {
    return await deps.state.listObservations(scope);
  } catch (err) {
    deps.log.warn(`observations of ${describe(scope)} unreadable: estimating from published defaults`, {
      error: err instanceof Error ? err.message : String(err),
    });
    return [];
  }
}

export async function recordObservations(
  deps: Pick<Deps, "state" | "log">,
  scope: ObservationScope,
  observations: Observation[],
): Promise<void> {
  if (observations.length === 0) return;
  try {
    await deps.state.recordObservations(scope, observations);
  } catch (err) {
    deps.log.warn(`could not record ${observations.length} observations of ${describe(scope)}`, {
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

/** One observation, its id made of the run and what was observed (a retried step makes the same id). */
export function observation(
  deps: Pick<Deps, "clock">,
  runId: string,
  what: string,
  kind: ObservationKind,
  seconds: number,
): Observation {
  return {
    id: `${runId}/${what}/${kind}`,
    kind,
    seconds: Math.round(seconds * 10) / 10,
    runId,
    at: deps.clock.now().toISOString(),
  };
}

function describe(scope: ObservationScope): string {
  return scope.nodeGroup === undefined ? `cluster ${scope.cluster}` : `node group ${scope.cluster}/${scope.nodeGroup}`;
}
