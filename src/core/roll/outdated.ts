/** Which members of a group must be replaced, and why (pure). */
import type { GroupMember, GroupTarget } from "./snapshot-types";
import { isLeaving } from "./snapshot-types";

/** Reasons a member differs from the target; empty when it is up to date. */
export function outdatedReasons(member: GroupMember, target: GroupTarget): string[] {
  const reasons: string[] = [];
  if (
    target.launchTemplateVersion !== undefined &&
    member.launchTemplateVersion !== undefined &&
    member.launchTemplateVersion !== target.launchTemplateVersion
  ) {
    reasons.push(`launch template version ${member.launchTemplateVersion} (target ${target.launchTemplateVersion})`);
  }
  if (target.imageId !== undefined && member.imageId !== undefined && member.imageId !== target.imageId) {
    reasons.push(`AMI ${member.imageId} (target ${target.imageId})`);
  }
  if (
    target.kubernetesMinor !== undefined &&
    member.kubeletMinor !== undefined &&
    member.kubeletMinor !== target.kubernetesMinor
  ) {
    reasons.push(`kubelet ${member.kubeletMinor} (target ${target.kubernetesMinor})`);
  }
  return reasons;
}

export interface OutdatedMember extends GroupMember {
  reasons: string[];
}

export function findOutdated(members: GroupMember[], target: GroupTarget): OutdatedMember[] {
  const out: OutdatedMember[] = [];
  for (const member of members) {
    if (isLeaving(member)) continue;
    const reasons = outdatedReasons(member, target);
    if (reasons.length > 0) out.push({ ...member, reasons });
  }
  return out;
}

/**
 * Deterministic, AZ-uniform order: members sorted by AZ then instance id, interleaved round-robin
 * across AZs, so every prefix of the order (every batch) takes evenly from each zone.
 */
export function interleaveByZone<T extends { availabilityZone: string; instanceId: string }>(members: T[]): T[] {
  const byZone = new Map<string, T[]>();
  for (const member of [...members].sort(
    (a, b) => a.availabilityZone.localeCompare(b.availabilityZone) || a.instanceId.localeCompare(b.instanceId),
  )) {
    const list = byZone.get(member.availabilityZone) ?? [];
    list.push(member);
    byZone.set(member.availabilityZone, list);
  }
  const zones = [...byZone.keys()].sort();
  const order: T[] = [];
  for (let round = 0; order.length < members.length; round++) {
    for (const zone of zones) {
      const member = byZone.get(zone)?.[round];
      if (member) order.push(member);
    }
  }
  return order;
}
