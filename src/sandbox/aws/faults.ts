/**
 * The scenario's AWS-side faults: throttling (a seeded fraction of calls answered with the service's
 * throttling error), an Availability Zone short of capacity, an ARC zonal shift away from a zone, and
 * instances whose kubelet never joins.
 * `pdb-blocked` belongs to the Kubernetes side and is ignored here.
 */
import type { SeededRandom } from "../clock";
import type { ScenarioFault } from "../scenario/schema";
import type { ServiceId } from "./errors";

interface NeverJoinBudget {
  nodeGroup?: string;
  remaining: number;
}

export class FaultInjector {
  private readonly throttles: { rate: number; service: string }[] = [];
  private readonly shortZones = new Set<string>();
  private readonly shiftedZones = new Set<string>();
  private readonly neverJoin: NeverJoinBudget[] = [];
  private throttledCalls = 0;

  constructor(
    faults: ScenarioFault[],
    private readonly rng: SeededRandom,
  ) {
    for (const fault of faults) {
      if (fault.kind === "throttle") this.throttles.push({ rate: fault.rate, service: fault.service });
      else if (fault.kind === "insufficient-capacity") this.shortZones.add(fault.zone);
      else if (fault.kind === "zonal-shift") this.shiftedZones.add(fault.zone);
      else if (fault.kind === "never-join") this.neverJoin.push({ nodeGroup: fault.nodeGroup, remaining: fault.count });
    }
  }

  /**
   * Whether to answer this call with a throttling error. A fault with service "any" applies to every
   * service; several applicable faults combine as independent chances.
   */
  shouldThrottle(service: ServiceId): boolean {
    let pass = 1;
    for (const throttle of this.throttles) {
      if (throttle.service === "any" || throttle.service === service) pass *= 1 - throttle.rate;
    }
    if (pass >= 1) return false;
    const throttled = this.rng.next() >= pass;
    if (throttled) this.throttledCalls++;
    return throttled;
  }

  throttled(): number {
    return this.throttledCalls;
  }

  isCapacityShort(zone: string): boolean {
    return this.shortZones.has(zone);
  }

  /** Zones with an active ARC zonal shift away from them. */
  zonalShifts(): string[] {
    return [...this.shiftedZones].sort();
  }

  /** Starts or ends a zonal shift away from a zone while a run is under way. */
  setZonalShift(zone: string, active: boolean): void {
    if (active) this.shiftedZones.add(zone);
    else this.shiftedZones.delete(zone);
  }

  /** Starts or ends a capacity shortage in a zone while a run is under way. */
  setCapacityShort(zone: string, short: boolean): void {
    if (short) this.shortZones.add(zone);
    else this.shortZones.delete(zone);
  }

  /** Whether the next launched instance of `nodeGroup` is one that never joins (uses up the budget). */
  takeNeverJoin(nodeGroup: string): boolean {
    const budget = this.neverJoin.find(
      (b) => b.remaining > 0 && (b.nodeGroup === undefined || b.nodeGroup === nodeGroup),
    );
    if (!budget) return false;
    budget.remaining--;
    return true;
  }
}
