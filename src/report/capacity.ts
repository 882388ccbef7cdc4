/**
 * Capacity against demand per AZ, sampled over a run: what the report's capacity picture draws. It is
 * an observation of the cluster (the sandbox's simulator records it), not something a workflow's history
 * holds, so a report built from a deployed execution's history alone goes without it and says so.
 */
export interface ZoneCapacity {
  /** CPU that Ready, schedulable nodes offer pods: allocatable less the DaemonSets' requests. */
  allocatableMillis: number;
  /** CPU requested by the pods bound to the AZ's nodes or waiting for a place there. */
  requestedMillis: number;
}

export interface CapacitySample {
  atMs: number;
  byZone: Record<string, ZoneCapacity>;
}
