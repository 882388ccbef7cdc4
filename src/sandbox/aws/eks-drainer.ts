/**
 * EKS drains managed nodes before Auto Scaling terminates them (scale-in, node group updates,
 * TerminateInstanceInAutoScalingGroup): "Amazon EKS managed node groups … gracefully drain nodes"
 * (EKS User Guide, managed node groups). The instance waits in Terminating:Wait while its node is
 * cordoned and its pods are evicted through the eviction API, refusals retried.
 *
 * Modelled choice: after DRAIN_GIVE_UP_SECONDS (the 15 minutes EKS allows an update's drain) the
 * termination proceeds with whatever pods are left, as a lifecycle hook whose timeout passed would.
 */
import type { RegionContext } from "./world";

export const DRAIN_RETRY_SECONDS = 5;
export const DRAIN_GIVE_UP_SECONDS = 15 * 60;

export function drainManagedNode(
  ctx: RegionContext,
  instanceId: string,
  isStillWaiting: () => boolean,
  done: () => void,
): void {
  const { clock } = ctx;
  // The node is in the cluster its kubelet registered with.
  const instance = ctx.world.instances.get(instanceId);
  const cluster = ctx.clusterControl(instance?.joins ?? instance?.clusterName ?? "");
  const nodeName = cluster.nodeNameForInstance(instanceId);
  if (nodeName === undefined) {
    done();
    return;
  }
  cluster.setUnschedulable(nodeName, true);
  const startMs = clock.nowMs();
  const tick = () => {
    if (!isStillWaiting()) return;
    const pods = cluster.evictablePodsOnNode(nodeName);
    if (pods.length === 0 || clock.nowMs() - startMs >= DRAIN_GIVE_UP_SECONDS * 1000) {
      done();
      return;
    }
    for (const pod of pods) if (!pod.deleting) cluster.evict(pod.namespace, pod.name);
    clock.after(DRAIN_RETRY_SECONDS, `eks drain ${nodeName}`, tick);
  };
  tick();
}
