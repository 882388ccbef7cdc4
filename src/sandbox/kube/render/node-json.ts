/**
 * Node list items as JSON, remembered per node as UTF-8 bytes. Every tick of a roll lists every node (10 pages
 * of 500 on a 5,000-node cluster) while few of them changed since the last list: re-rendering and
 * re-serializing each one was most of what a list cost. A node's text depends on its record (every
 * change to it moves its resourceVersion), on how many DaemonSets cover it (the pods in its capacity)
 * and on the time of the answer (Ready heartbeats, the timeAdded of derived taints). The bytes are
 * kept for a resourceVersion and DaemonSet count, rendered with a stand-in for the time that is
 * replaced by the time of each answer, so they are those of rendering the node anew.
 */
import { randomUUID } from "node:crypto";
import type { ClusterState } from "../state";
import type { NodeRecord } from "../types";
import { daemonSetsFor, renderNode } from "./nodes";

/**
 * Stands for the time of the answer while a node is rendered: as long as an RFC 3339 second (20 bytes),
 * so the time of each answer is written over it in place; unique to this process so no label holds it.
 */
const NOW_STAND_IN = `~${randomUUID().replaceAll("-", "").slice(0, 19)}`;
const STAND_IN_BYTES = Buffer.from(NOW_STAND_IN);

/** A list item's JSON as UTF-8 with the stand-in at `nowAt`: copied into an answer, the time written over. */
export interface ItemTemplate {
  /** The node's own buffer, not the shared pool's (which one node's remembered bytes would keep alive for others). */
  bytes: Buffer;
  nowAt: readonly number[];
}

interface RenderedNode extends ItemTemplate {
  resourceVersion: string;
  daemonSets: number;
}

const rendered = new WeakMap<NodeRecord, RenderedNode>();

/** The node as an item of a NodeList (no kind or apiVersion), as JSON.stringify writes it, the time left to fill. */
export function nodeItemTemplate(state: ClusterState, node: NodeRecord): ItemTemplate {
  const daemonSets = daemonSetsFor(state, node);
  let cached = rendered.get(node);
  if (cached === undefined || cached.resourceVersion !== node.resourceVersion || cached.daemonSets !== daemonSets) {
    const { kind: _kind, apiVersion: _version, ...item } = renderNode(state, node, NOW_STAND_IN);
    const json = JSON.stringify(item);
    const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
    bytes.write(json, "utf8");
    const nowAt: number[] = [];
    for (let at = bytes.indexOf(STAND_IN_BYTES); at !== -1; at = bytes.indexOf(STAND_IN_BYTES, at + 1)) nowAt.push(at);
    cached = { resourceVersion: node.resourceVersion, daemonSets, bytes, nowAt };
    rendered.set(node, cached);
  }
  return cached;
}
