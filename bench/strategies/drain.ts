/**
 * A drain as the modelled tools run it: cordon (done by the caller), then evict every pod that is
 * not a DaemonSet or mirror pod through the Eviction API, retrying refusals (429) until each pod is
 * gone. kubectl drain retries a refused eviction every 5 s and, once a pod is evicted, polls every
 * 1 s for it to be deleted; EKS retries on its own schedule. Either way no pod is deleted past its
 * PodDisruptionBudget.
 */
import type { KubePort } from "../../src/core/ports";
import type { Pace } from "./pace";
import { StrategyFailed } from "./types";

export interface DrainPolicy {
  /** Seconds before trying again when a budget refused an eviction. */
  retrySeconds: number;
  /** Seconds between checks while evicted pods finish terminating. */
  pollSeconds: number;
  /** The drain fails past this many seconds; none = it waits for ever (kubectl's default). */
  timeoutSeconds?: number;
  /** Names the failure, e.g. "PodEvictionFailure" for EKS. */
  failureLabel?: string;
}

/** kubectl drain's own loop (k8s.io/kubectl/pkg/drain): evictions retried every 5 s, deletions polled every 1 s. */
export const KUBECTL_DRAIN: DrainPolicy = { retrySeconds: 5, pollSeconds: 1 };

/** Drains the nodes together; resolves when none of them runs a pod that must move. */
export async function drainNodes(kube: KubePort, pace: Pace, nodeNames: string[], policy: DrainPolicy): Promise<void> {
  const startMs = pace.nowMs();
  for (;;) {
    let remaining = 0;
    let refusal: string | undefined;
    for (const nodeName of nodeNames) {
      const pods = (await kube.listPods({ nodeName })).filter((p) => p.ownerKind !== "DaemonSet" && !p.mirror);
      remaining += pods.length;
      for (const pod of pods) {
        if (pod.deleting) continue;
        const result = await kube.evictPod(pod.namespace, pod.name);
        if (result.outcome === "blocked") refusal = `${pod.namespace}/${pod.name} on ${nodeName}: ${result.message}`;
        if (result.outcome === "refused") {
          throw new StrategyFailed(
            `draining ${nodeName}: eviction of ${pod.namespace}/${pod.name} refused with ${result.status}: ${result.message}`,
          );
        }
      }
    }
    if (remaining === 0) return;
    const elapsed = pace.secondsSince(startMs);
    if (policy.timeoutSeconds !== undefined && elapsed >= policy.timeoutSeconds) {
      const label = policy.failureLabel ? `${policy.failureLabel}: ` : "";
      throw new StrategyFailed(
        `${label}pods still on ${nodeNames.join(", ")} after ${Math.round(elapsed)} s (${refusal ?? "waiting for evicted pods to exit"})`,
      );
    }
    const waitingFor = `the drain of ${nodeNames.join(", ")} (${refusal ?? "evicted pods exiting"})`;
    pace.sleep(refusal ? policy.retrySeconds : policy.pollSeconds, waitingFor);
  }
}

export async function cordon(kube: KubePort, nodeNames: string[]): Promise<void> {
  for (const nodeName of nodeNames) await kube.setUnschedulable(nodeName, true);
}
