/** How many replacements a batch launches (pure). */

/**
 * Default surge: 10% of the group, at least one per AZ, rounded up to a multiple of the AZ count so
 * every batch takes the same number of nodes from each zone. A 9-node group over 3 AZs rolls 3 at a
 * time; 300 nodes, 30; 5,000 nodes, 501.
 */
export function defaultSurge(groupSize: number, zoneCount: number): number {
  const zones = Math.max(1, zoneCount);
  const tenPercent = Math.ceil(groupSize * 0.1);
  const atLeastOnePerZone = Math.max(tenPercent, zones);
  return Math.ceil(atLeastOnePerZone / zones) * zones;
}

/** Resolves a requested surge ("25%" or a count) against the group size; never below 1. */
export function resolveSurge(requested: number | string | undefined, groupSize: number, zoneCount: number): number {
  if (requested === undefined) return defaultSurge(groupSize, zoneCount);
  if (typeof requested === "number") return Math.max(1, requested);
  const percent = Number.parseInt(requested, 10);
  return Math.max(1, Math.ceil((groupSize * percent) / 100));
}
