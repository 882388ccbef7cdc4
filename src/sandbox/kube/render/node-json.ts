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

/** Stands for the time of the answer while a node is rendered; unique to this process so no label holds it. */
const NOW_STAND_IN = `now-${randomUUID()}`;
const STAND_IN_BYTES = Buffer.from(NOW_STAND_IN);

interface RenderedNode {
  resourceVersion: string;
  daemonSets: number;
  /**
   * The item's JSON as UTF-8, cut where the time of the answer goes: views into one buffer of the
   * node's own (not the shared pool's, which one node's remembered bytes would keep alive for others).
   */
  parts: Buffer[];
}

const rendered = new WeakMap<NodeRecord, RenderedNode>();

/**
 * The node as an item of a NodeList (no kind or apiVersion), as JSON.stringify would write it at the
 * time `now` (RFC 3339, as UTF-8): its pieces are pushed onto `out`.
 */
export function nodeItemBytes(state: ClusterState, node: NodeRecord, now: Buffer, out: Buffer[]): void {
  const daemonSets = daemonSetsFor(state, node);
  let cached = rendered.get(node);
  if (cached === undefined || cached.resourceVersion !== node.resourceVersion || cached.daemonSets !== daemonSets) {
    const { kind: _kind, apiVersion: _version, ...item } = renderNode(state, node, NOW_STAND_IN);
    cached = { resourceVersion: node.resourceVersion, daemonSets, parts: cutAtStandIns(JSON.stringify(item)) };
    rendered.set(node, cached);
  }
  const { parts } = cached;
  out.push(parts[0] as Buffer);
  for (let i = 1; i < parts.length; i++) out.push(now, parts[i] as Buffer);
}

function cutAtStandIns(json: string): Buffer[] {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
  bytes.write(json, "utf8");
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = bytes.indexOf(STAND_IN_BYTES); at !== -1; at = bytes.indexOf(STAND_IN_BYTES, from)) {
    parts.push(bytes.subarray(from, at));
    from = at + STAND_IN_BYTES.length;
  }
  parts.push(bytes.subarray(from));
  return parts;
}
