/**
 * Safety invariant 8: every action on a node leaves a trace: a structured log line with standard keys
 * and a Kubernetes Event on the Node, so `kubectl describe node` shows what Tugboat did and why.
 */
import type { KubePort, Log } from "./ports";

export interface NodeAction {
  runId: string;
  node: string;
  instanceId?: string;
  action: "cordon" | "uncordon" | "evict" | "drained" | "terminate" | "force-delete";
  reason: string;
  warning?: boolean;
}

const EVENT_REASONS: Record<NodeAction["action"], string> = {
  cordon: "TugboatCordon",
  uncordon: "TugboatUncordon",
  evict: "TugboatEvict",
  drained: "TugboatDrained",
  terminate: "TugboatTerminate",
  "force-delete": "TugboatForceDelete",
};

export async function traceNodeAction(log: Log, kube: KubePort, action: NodeAction): Promise<void> {
  const attributes = { runId: action.runId, node: action.node, instanceId: action.instanceId, action: action.action };
  if (action.warning) log.warn(action.reason, attributes);
  else log.info(action.reason, attributes);
  try {
    await kube.recordEvent({
      nodeName: action.node,
      type: action.warning ? "Warning" : "Normal",
      reason: EVENT_REASONS[action.action],
      message: `${action.reason} (run ${action.runId})`,
    });
  } catch (err) {
    // An Event is a courtesy to the operator; failing to write one must not fail the action itself.
    log.warn("could not record a Kubernetes Event", { ...attributes, error: String(err) });
  }
}
