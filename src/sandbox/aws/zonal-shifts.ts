/**
 * ARC zonal shift as the simulated region answers it. Tugboat reads ARC with a signed request of its
 * own (src/adapters/aws/zonal-shifts.ts); the sandbox answers that one call here.
 */
import type { RegionContext } from "./world";

/**
 * ARC ListZonalShifts (status ACTIVE): one shift per shifted zone and resource registered with zonal
 * shift, here the EKS cluster and the cluster's Auto Scaling groups spanning the zone. `awayFrom` is
 * the zone's ID, as ARC names it.
 */
export function activeZonalShifts(ctx: RegionContext): { items: Record<string, unknown>[] } {
  const { world, scenario } = ctx;
  const items: Record<string, unknown>[] = [];
  const startTime = new Date(ctx.clock.nowMs());
  const expiryTime = new Date(ctx.clock.nowMs() + 3 * 3600_000);
  for (const zone of ctx.faults.zonalShifts()) {
    const subnet = [...world.subnets.values()].find((s) => s.availabilityZone === zone);
    const awayFrom = subnet?.availabilityZoneId ?? zone;
    const resources: string[] = [];
    const eksCluster = world.clusters.get(scenario.cluster.name);
    if (eksCluster) resources.push(eksCluster.arn);
    for (const group of world.groups.values()) {
      if (group.subnets.some((s) => s.availabilityZone === zone)) resources.push(group.arn);
    }
    for (const resourceIdentifier of resources) {
      items.push({
        zonalShiftId: `${awayFrom}-${items.length + 1}`,
        resourceIdentifier,
        awayFrom,
        status: "ACTIVE",
        startTime,
        expiryTime,
        comment: "zonal shift started by the scenario",
      });
    }
  }
  return { items };
}
