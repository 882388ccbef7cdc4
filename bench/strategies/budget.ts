/**
 * The disruption budget every peer gets in its `equal-budget` run: as many extra (or unavailable)
 * nodes at a time as Tugboat's default surge allows, computed here from the group itself (its size
 * and AZs at the start), never from what Tugboat did: 10% of the group rounded up, at least one per
 * AZ, rounded up to a multiple of the AZ count (docs/roll.md). 9 nodes over 3 AZs: 3; 300: 30.
 */
import { defaultSurge } from "../../src/core/roll/surge";

export type Variant = "defaults" | "equal-budget";
export const VARIANTS: readonly Variant[] = ["defaults", "equal-budget"];

export interface RunOptions {
  variant: Variant;
}

export function equalBudget(groupSize: number, zoneCount: number): number {
  return defaultSurge(groupSize, zoneCount);
}
