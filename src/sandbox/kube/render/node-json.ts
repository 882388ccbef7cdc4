/**
 * Node list items as JSON text, remembered per node. Every tick of a roll lists every node (10 pages
 * of 500 on a 5,000-node cluster) while few of them changed since the last list: re-rendering and
 * re-serializing each one was most of what a list cost. A node's text depends on its record (every
 * change to it moves its resourceVersion), on how many DaemonSets cover it (the pods in its capacity)
 * and on the time of the answer (Ready heartbeats, the timeAdded of derived taints). The text is
 * kept for a resourceVersion and DaemonSet count, rendered with a stand-in for the time that is
 * replaced by the time of each answer, so the bytes are those of rendering the node anew.
 */
import { randomUUID } from "node:crypto";
import type { ClusterState } from "../state";
import { rfc3339 } from "../time";
import type { NodeRecord } from "../types";
import { daemonSetsFor, renderNode } from "./nodes";

/** Stands for the time of the answer while a node is rendered; unique to this process so no label holds it. */
const NOW_STAND_IN = `now-${randomUUID()}`;

interface RenderedNode {
  resourceVersion: string;
  daemonSets: number;
  /** The item's JSON text cut where the time of the answer goes. */
  parts: string[];
}

const rendered = new WeakMap<NodeRecord, RenderedNode>();

/** The node as an item of a NodeList (no kind or apiVersion), as JSON.stringify would write it now. */
export function nodeItemJson(state: ClusterState, node: NodeRecord, now: string = rfc3339(state.now())): string {
  const daemonSets = daemonSetsFor(state, node);
  let cached = rendered.get(node);
  if (cached === undefined || cached.resourceVersion !== node.resourceVersion || cached.daemonSets !== daemonSets) {
    const { kind: _kind, apiVersion: _version, ...item } = renderNode(state, node, NOW_STAND_IN);
    cached = { resourceVersion: node.resourceVersion, daemonSets, parts: JSON.stringify(item).split(NOW_STAND_IN) };
    rendered.set(node, cached);
  }
  return cached.parts.length === 1 ? (cached.parts[0] as string) : cached.parts.join(now);
}
