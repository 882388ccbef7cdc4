/**
 * A drain as the modelled tools run it: cordon (done by the caller), then evict every pod that is
 * not a DaemonSet or mirror pod through the Eviction API, each pod on its own lane, as kubectl
 * drain runs one goroutine per pod (k8s.io/kubectl/pkg/drain, evictPods): a refused eviction (429)
 * is retried after a pause, then the evicted pod is polled until it is gone. The pods to move are
 * listed once, at the start, as kubectl does. No pod is deleted past its PodDisruptionBudget.
 */
import type { KubePod } from "../../src/core/model/kube";
import type { KubePort } from "../../src/core/ports";
import type { Lanes } from "./lanes";
import { StrategyFailed } from "./types";

export interface DrainPolicy {
  /** Seconds before trying again when a budget refused an eviction (kubectl: a fixed 5 s). */
  retrySeconds: number;
  /** With a backoff, the pause doubles after each refusal of the same pod, up to this many seconds. */
  retryMaxSeconds?: number;
  /** Seconds between checks while an evicted pod finishes terminating. */
  pollSeconds: number;
  /** The drain fails past this many seconds; none = it waits for ever (kubectl's default). */
  timeoutSeconds?: number;
  /** Names the failure, e.g. "PodEvictionFailure" for EKS. */
  failureLabel?: string;
}

/** kubectl drain's own loop: evictions retried every 5 s, deletions polled every 1 s. */
export const KUBECTL_DRAIN: DrainPolicy = { retrySeconds: 5, pollSeconds: 1 };

/** Drains the nodes together; resolves when none of them runs a pod that must move. */
export async function drainNodes(
  kube: KubePort,
  lanes: Lanes,
  nodeNames: string[],
  policy: DrainPolicy,
): Promise<void> {
  const startMs = lanes.nowMs();
  const listed = await Promise.all(
    nodeNames.map(async (nodeName) =>
      (await kube.listPods({ nodeName }))
        .filter((p) => p.ownerKind !== "DaemonSet" && !p.mirror)
        .map((pod) => ({ pod, nodeName })),
    ),
  );
  const state = { cancelled: false };
  try {
    await lanes.all(
      listed.flat().map(
        ({ pod, nodeName }) =>
          () =>
            evictAndWait(pod, nodeName),
      ),
    );
  } finally {
    state.cancelled = true;
  }

  function overdue(nodeName: string, what: string): void {
    const elapsed = lanes.secondsSince(startMs);
    if (policy.timeoutSeconds === undefined || elapsed < policy.timeoutSeconds) return;
    const label = policy.failureLabel ? `${policy.failureLabel}: ` : "";
    throw new StrategyFailed(`${label}pods still on ${nodeName} after ${Math.round(elapsed)} s (${what})`);
  }

  async function evictAndWait(pod: KubePod, nodeName: string): Promise<void> {
    let pause = policy.retrySeconds;
    while (!pod.deleting && !state.cancelled) {
      const result = await kube.evictPod(pod.namespace, pod.name);
      if (result.outcome === "evicted" || result.outcome === "not-found") break;
      if (result.outcome === "refused") {
        throw new StrategyFailed(
          `draining ${nodeName}: eviction of ${pod.namespace}/${pod.name} refused with ${result.status}: ${result.message}`,
        );
      }
      const refusal = `${pod.namespace}/${pod.name} on ${nodeName}: ${result.message}`;
      overdue(nodeName, refusal);
      await lanes.sleep(pause, `the drain of ${nodeName} (${refusal})`);
      if (policy.retryMaxSeconds !== undefined) pause = Math.min(policy.retryMaxSeconds, pause * 2);
    }
    // waitForDelete: check at once, then every pollSeconds.
    while (!state.cancelled) {
      const left = await kube.listPods({ nodeName });
      if (!left.some((p) => p.namespace === pod.namespace && p.name === pod.name)) return;
      overdue(nodeName, `waiting for ${pod.namespace}/${pod.name} to exit`);
      await lanes.sleep(policy.pollSeconds, `the drain of ${nodeName} (${pod.namespace}/${pod.name} exiting)`);
    }
  }
}

export async function cordon(kube: KubePort, nodeNames: string[]): Promise<void> {
  for (const nodeName of nodeNames) await kube.setUnschedulable(nodeName, true);
}
