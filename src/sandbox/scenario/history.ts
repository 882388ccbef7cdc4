/**
 * A scenario's `history`: observations Tugboat made on earlier runs of this cluster, written into its
 * state store when the sandbox starts (through the production store adapter), so that a twin can start
 * warm. They are Tugboat's records, not the simulator's timings: the bench fills them from a previous
 * roll's store, never from the scenario's timing section.
 */
import { z } from "zod";
import { OBSERVATION_KINDS, type Observation } from "../../core/estimates/observations";

const observationSchema = z
  .object({
    kind: z.enum(OBSERVATION_KINDS),
    seconds: z.number().nonnegative(),
    /** The run that observed it (distinct runs are what "history (N runs)" counts). */
    runId: z.string().min(1).default("prior-run"),
    /** Unique per observation; derived from the run and its position when omitted. */
    id: z.string().min(1).optional(),
    at: z.string().datetime().optional(),
  })
  .strict();

export const scenarioHistorySchema = z
  .object({
    /** Per node group: replacement Ready, batch drain, whole batch, pod start, managed update per node. */
    nodeGroups: z.record(z.string(), z.array(observationSchema)).default({}),
    /** The cluster itself: control-plane and add-on updates. */
    cluster: z.array(observationSchema).default([]),
  })
  .strict();

export type ScenarioHistory = z.infer<typeof scenarioHistorySchema>;
type ScenarioObservation = z.infer<typeof observationSchema>;

/** Observations as the store keeps them, each with an id and a time before the sandbox's start. */
export function toObservations(list: ScenarioObservation[], scope: string, beforeMs: number): Observation[] {
  return list.map((o, i) => ({
    id: o.id ?? `${o.runId}/scenario-${scope}-${i}/${o.kind}`,
    kind: o.kind,
    seconds: o.seconds,
    runId: o.runId,
    at: o.at ?? new Date(beforeMs - (list.length - i) * 1000).toISOString(),
  }));
}
