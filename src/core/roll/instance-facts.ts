/**
 * What never changes over an instance's life, its AMI and its private DNS name, kept per EC2 port (one
 * per warm Lambda container, one per sandbox role), so that a roll's tick describes only the instances
 * it has not seen yet. Without it a 5,000-node roll described every instance of the group on every tick:
 * six DescribeInstances pages a tick, against EC2's request-rate limits.
 */
import type { Deps } from "../ports";

export interface InstanceFacts {
  imageId: string;
  privateDnsName: string;
}

const kept = new WeakMap<object, Map<string, InstanceFacts>>();
/** More instances than any group a roll reads: past it the map starts again. */
const MAX_KEPT = 50_000;

/** The facts of each of `instanceIds` that EC2 knows (a terminated instance long gone has none). */
export async function instanceFacts(ec2: Deps["ec2"], instanceIds: string[]): Promise<Map<string, InstanceFacts>> {
  let known = kept.get(ec2);
  if (!known) {
    known = new Map();
    kept.set(ec2, known);
  }
  const missing = instanceIds.filter((id) => !known.has(id));
  if (missing.length > 0) {
    if (known.size + missing.length > MAX_KEPT) known.clear();
    for (const instance of await ec2.describeInstances(missing)) {
      // Kept only once both are there (a pending instance may not have its DNS name yet).
      if (instance.imageId && instance.privateDnsName) {
        known.set(instance.instanceId, { imageId: instance.imageId, privateDnsName: instance.privateDnsName });
      }
    }
  }
  const facts = new Map<string, InstanceFacts>();
  for (const id of instanceIds) {
    const found = known.get(id);
    if (found) facts.set(id, found);
  }
  return facts;
}
