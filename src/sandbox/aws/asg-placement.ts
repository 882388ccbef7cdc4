/**
 * Where Auto Scaling launches and which instances it terminates: pure functions, so the rules can be
 * read (and tested) apart from the clock.
 *
 * - Launch: the enabled zone with the fewest instances first; ties go to the zone listed first.
 * - Scale in, Default termination policy (EC2 Auto Scaling User Guide, "Configure termination
 *   policies"): among zones holding at least one unprotected instance, those with the most instances
 *   (balanced zones are all considered together); then instances on the oldest launch template
 *   version; then those closest to the next billing hour; then one of those at random.
 * - AZRebalance: when the most and least populated usable zones differ by more than one instance,
 *   launch in the emptiest zone first, then terminate in the fullest.
 */
import type { SeededRandom } from "../clock";

export interface PlacementCandidate {
  instanceId: string;
  availabilityZone: string;
  launchTemplateVersion: number;
  launchTimeMs: number;
  protectedFromScaleIn: boolean;
}

export function countByZone(zones: string[], members: { availabilityZone: string }[]): Map<string, number> {
  const counts = new Map<string, number>(zones.map((zone) => [zone, 0]));
  for (const member of members) counts.set(member.availabilityZone, (counts.get(member.availabilityZone) ?? 0) + 1);
  return counts;
}

/** The group's zones in the order a launch should try them: fewest instances first, stable on ties. */
export function launchZoneOrder(zones: string[], counts: Map<string, number>): string[] {
  return zones
    .map((zone, index) => ({ zone, index, count: counts.get(zone) ?? 0 }))
    .sort((a, b) => a.count - b.count || a.index - b.index)
    .map((entry) => entry.zone);
}

/** Instances to terminate, in order, by the Default termination policy. */
export function pickForScaleIn(
  candidates: PlacementCandidate[],
  count: number,
  nowMs: number,
  rng: SeededRandom,
): string[] {
  const remaining = [...candidates];
  const chosen: string[] = [];
  while (chosen.length < count) {
    const eligible = remaining.filter((c) => !c.protectedFromScaleIn);
    if (eligible.length === 0) break;
    const counts = new Map<string, number>();
    for (const c of remaining) counts.set(c.availabilityZone, (counts.get(c.availabilityZone) ?? 0) + 1);
    const fullest = Math.max(...eligible.map((c) => counts.get(c.availabilityZone) ?? 0));
    let pool = eligible.filter((c) => counts.get(c.availabilityZone) === fullest);
    const oldestVersion = Math.min(...pool.map((c) => c.launchTemplateVersion));
    pool = pool.filter((c) => c.launchTemplateVersion === oldestVersion);
    const intoHour = (c: PlacementCandidate) => Math.floor((nowMs - c.launchTimeMs) / 1000) % 3600;
    const closest = Math.max(...pool.map(intoHour));
    pool = pool.filter((c) => intoHour(c) === closest).sort((a, b) => a.instanceId.localeCompare(b.instanceId));
    const pick =
      pool.length === 1 ? (pool[0] as PlacementCandidate) : (pool[rng.int(pool.length)] as PlacementCandidate);
    chosen.push(pick.instanceId);
    remaining.splice(remaining.indexOf(pick), 1);
  }
  return chosen;
}

/** The AZRebalance move for an imbalanced group, or undefined when the usable zones are balanced. */
export function rebalanceMove(
  usableZones: string[],
  counts: Map<string, number>,
): { launchZone: string; terminateZone: string } | undefined {
  if (usableZones.length < 2) return undefined;
  const order = launchZoneOrder(usableZones, counts);
  const launchZone = order[0] as string;
  const terminateZone = order[order.length - 1] as string;
  const gap = (counts.get(terminateZone) ?? 0) - (counts.get(launchZone) ?? 0);
  return gap > 1 ? { launchZone, terminateZone } : undefined;
}
