/**
 * The rebalance plan, pure: for one group, how many nodes each zone should hold and which move brings
 * it closer. Each zone keeps at least what its pinned pods need (its floor); the rest is spread within
 * ±1 of even across the zones that can take nodes. Zones that cannot (short of capacity) keep what
 * they have: a shortage is never a reason to move nodes into a zone.
 */

export interface ZoneFacts {
  zone: string;
  /** Ready nodes of the group in the zone (launching ones are not counted yet). */
  nodes: number;
  /** Nodes the zone must keep for the pods whose volumes live there. */
  floor: number;
  /** Launches may be tried here (no recent capacity failure). */
  launchable: boolean;
}

export interface GroupFacts {
  group: string;
  /** The group's zones in its subnet order: Auto Scaling breaks ties between zones in this order. */
  zones: ZoneFacts[];
}

/** Nodes per zone to aim for; the total is kept unless the floors need more. */
export function targetByZone(facts: GroupFacts): Record<string, number> {
  const total = facts.zones.reduce((sum, z) => sum + z.nodes, 0);
  const target: Record<string, number> = {};
  // Zones that cannot take nodes keep theirs (or fewer, never below the floor: that would strand pods).
  const fixed = facts.zones.filter((z) => !z.launchable);
  const open = facts.zones.filter((z) => z.launchable);
  for (const z of fixed) target[z.zone] = Math.max(z.nodes, z.floor);
  let remaining = Math.max(0, total - fixed.reduce((sum, z) => sum + (target[z.zone] ?? 0), 0));
  // Water-filling: a zone whose floor is above the even share gets its floor; the rest share what is left.
  let sharing = [...open];
  for (;;) {
    const share = sharing.length > 0 ? Math.floor(remaining / sharing.length) : 0;
    const above = sharing.filter((z) => z.floor > share);
    if (above.length === 0) break;
    for (const z of above) {
      target[z.zone] = z.floor;
      remaining = Math.max(0, remaining - z.floor);
    }
    sharing = sharing.filter((z) => !above.includes(z));
  }
  if (sharing.length > 0) {
    const share = Math.floor(remaining / sharing.length);
    let extra = remaining - share * sharing.length;
    // The +1s go to the zones holding most now (fewest moves), ties to the zone listed first.
    const byNodes = [...sharing].sort((a, b) => b.nodes - a.nodes || order(facts, a) - order(facts, b));
    for (const z of byNodes) {
      target[z.zone] = share + (extra > 0 ? 1 : 0);
      if (extra > 0) extra--;
    }
  }
  return target;
}

function order(facts: GroupFacts, zone: ZoneFacts): number {
  return facts.zones.indexOf(zone);
}

/**
 * Where Auto Scaling will put `count` more instances: each in the enabled zone with the fewest
 * instances, ties to the zone listed first (EC2 Auto Scaling User Guide, "Instance distribution").
 */
export function predictLaunchZones(zones: { zone: string; instances: number }[], count: number): string[] {
  const counts = zones.map((z) => ({ ...z }));
  const placed: string[] = [];
  for (let i = 0; i < count; i++) {
    let best = counts[0];
    for (const c of counts) if (best && c.instances < best.instances) best = c;
    if (!best) break;
    placed.push(best.zone);
    best.instances++;
  }
  return placed;
}

export interface Move {
  group: string;
  /** Zones to launch into, one entry per instance, as Auto Scaling will place them. */
  launches: string[];
  /** Zones to take surplus nodes from, one entry per node, after the launches are Ready. */
  removals: string[];
}

export type MoveDecision =
  | { kind: "move"; move: Move }
  | { kind: "balanced" }
  /** Short zones exist, but Auto Scaling would launch elsewhere (or nowhere): say so, move nothing. */
  | { kind: "stuck"; reason: string };

/**
 * The next move for a group: launch as many nodes as Auto Scaling will place in short zones, then
 * remove as many surplus nodes from long zones, never taking a zone below its target (≥ its floor).
 * `instances` are the group's instances per zone as Auto Scaling counts them (launching ones included).
 */
export function nextMove(facts: GroupFacts, instances: Record<string, number>): MoveDecision {
  const target = targetByZone(facts);
  const shortBy = new Map<string, number>();
  const longBy = new Map<string, number>();
  for (const z of facts.zones) {
    const want = target[z.zone] ?? z.nodes;
    if (z.nodes < want && z.launchable) shortBy.set(z.zone, want - z.nodes);
    if (z.nodes > want) longBy.set(z.zone, z.nodes - want);
  }
  const shortTotal = [...shortBy.values()].reduce((a, b) => a + b, 0);
  if (shortTotal === 0) {
    // Nothing to launch: surplus alone (the floors shrank) is left in place; removing it frees nothing stranded.
    return { kind: "balanced" };
  }
  const zoneInstances = facts.zones.map((z) => ({ zone: z.zone, instances: instances[z.zone] ?? z.nodes }));
  const predicted = predictLaunchZones(zoneInstances, shortTotal);
  const launches: string[] = [];
  const room = new Map(shortBy);
  for (const zone of predicted) {
    const left = room.get(zone) ?? 0;
    // The first launch Auto Scaling would put outside a short zone ends the move: launches beyond it would land there.
    if (left <= 0) break;
    launches.push(zone);
    room.set(zone, left - 1);
  }
  if (launches.length === 0) {
    const first = predicted[0];
    return {
      kind: "stuck",
      reason: `group ${facts.group}: ${[...shortBy.keys()].join(", ")} ${shortBy.size > 1 ? "are" : "is"} short of nodes, but Auto Scaling would launch in ${first ?? "no zone"} (it fills the zone with the fewest instances first)`,
    };
  }
  const removals: string[] = [];
  const surplus = [...longBy.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  let toRemove = Math.min(
    launches.length,
    surplus.reduce((sum, [, n]) => sum + n, 0),
  );
  // Take from the longest zone first, one at a time, so the zones come down together.
  const left = new Map(surplus);
  while (toRemove > 0) {
    const [zone] = [...left.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [];
    if (zone === undefined || (left.get(zone) ?? 0) <= 0) break;
    removals.push(zone);
    left.set(zone, (left.get(zone) ?? 0) - 1);
    toRemove--;
  }
  return { kind: "move", move: { group: facts.group, launches, removals } };
}

/** Nodes a zone needs for its pinned pods: enough pod slots, and at least one node when any pod is pinned. */
export function floorFor(pinnedPods: number, podsPerNode: number): number {
  if (pinnedPods <= 0) return 0;
  return Math.max(1, Math.ceil(pinnedPods / Math.max(1, podsPerNode)));
}

/** Every zone within ±1 of the even share of the zones at no floor, or at its floor. */
export function isBalanced(facts: GroupFacts): boolean {
  const target = targetByZone(facts);
  return facts.zones.every((z) => z.nodes >= (target[z.zone] ?? 0) || !z.launchable);
}
