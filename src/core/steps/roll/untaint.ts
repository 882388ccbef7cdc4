/** Removes the outdated-node taint a roll put on nodes it did not replace. */
import type { KubePort } from "../../ports";
import { OUTDATED_TAINT_KEY } from "../../roll/pods";

/** `runId` undefined: remove every run's taint (the caller holds the cluster lock). */
export async function removeOutdatedTaints(kube: KubePort, runId?: string): Promise<string[]> {
  const removed: string[] = [];
  for (const node of await kube.listNodes()) {
    const taint = node.taints.find(
      (t) =>
        t.key === OUTDATED_TAINT_KEY && t.effect === "PreferNoSchedule" && (runId === undefined || t.value === runId),
    );
    if (!taint) continue;
    if ((await kube.setTaint(node.name, taint, false)) === "changed") removed.push(node.name);
  }
  return removed;
}
