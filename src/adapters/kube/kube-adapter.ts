/**
 * KubePort on @kubernetes/client-node (1.x object-parameter API). The same code talks to an EKS API
 * server in AWS and to the simulated API server on 127.0.0.1 in the sandbox; only the KubeConfig differs.
 */
import {
  CoreV1Api,
  type CoreV1Event,
  type KubeConfig,
  PatchStrategy,
  PolicyV1Api,
  setHeaderOptions,
  type V1Node,
  type V1PersistentVolume,
  type V1Pod,
  type V1PodDisruptionBudget,
  VersionApi,
} from "@kubernetes/client-node";
import type {
  EvictionResult,
  KubeEventRecord,
  KubeNode,
  KubePdb,
  KubePod,
  KubeTaint,
  KubeZonalVolume,
  NodeChange,
} from "../../core/model/kube";
import type { Clock, KubePort } from "../../core/ports";
import { getJson } from "./json-get";
import { evictionOutcome, httpStatusOf, kubeStepError } from "./kube-errors";
import { toKubeNode, toKubePdb, toKubePod, toKubeZonalVolume } from "./kube-mapping";

/** Events about cluster-scoped objects (nodes) live in "default", where kubectl describe node finds them. */
const NODE_EVENT_NAMESPACE = "default";
export const EVENT_SOURCE_COMPONENT = "tugboat";
/** Items per list page: large enough for few round trips, small enough for a modest Lambda. */
const DEFAULT_PAGE_SIZE = 500;
const EVENT_CREATE_ATTEMPTS = 3;

interface ListPage<T> {
  items: T[];
  metadata?: { _continue?: string };
}

export interface KubeAdapterOptions {
  /** Timestamps of recorded Events (the virtual clock in the sandbox). */
  clock?: Clock;
  pageSize?: number;
}

export class KubeAdapter implements KubePort {
  private readonly core: CoreV1Api;
  private readonly policy: PolicyV1Api;
  private readonly version: VersionApi;
  private readonly clock: Clock;
  private readonly pageSize: number;
  /** Distinguishes Events recorded within the same millisecond. */
  private eventSequence = 0;

  constructor(
    private readonly kc: KubeConfig,
    options: KubeAdapterOptions = {},
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.policy = kc.makeApiClient(PolicyV1Api);
    this.version = kc.makeApiClient(VersionApi);
    this.clock = options.clock ?? { now: () => new Date() };
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  }

  async listNodes(): Promise<KubeNode[]> {
    const nodes = await this.listJson<V1Node, KubeNode>("listing nodes", "/api/v1/nodes", toKubeNode);
    return nodes.sort((a, b) => a.name.localeCompare(b.name));
  }

  async serverVersion(): Promise<{ minor: string; gitVersion: string }> {
    let info: Awaited<ReturnType<VersionApi["getCode"]>>;
    try {
      info = await this.version.getCode();
    } catch (err) {
      throw kubeStepError(err, "reading the API server version");
    }
    // Managed builds mark their minor with a "+" ("30+" on EKS and GKE).
    const minorDigits = info.minor.replace(/\+$/, "");
    return { minor: `${info.major}.${minorDigits}`, gitVersion: info.gitVersion };
  }

  async listPods(filter: { nodeName?: string } = {}): Promise<KubePod[]> {
    const fieldSelector = filter.nodeName ? `spec.nodeName=${filter.nodeName}` : undefined;
    const context = filter.nodeName ? `listing pods on node ${filter.nodeName}` : "listing pods";
    const pods = await this.listJson<V1Pod, KubePod>(
      context,
      "/api/v1/pods",
      toKubePod,
      fieldSelector ? { fieldSelector } : {},
    );
    return pods.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  }

  async listPdbs(): Promise<KubePdb[]> {
    const pdbs = await this.listAll<V1PodDisruptionBudget>("listing PodDisruptionBudgets", (page) =>
      this.policy.listPodDisruptionBudgetForAllNamespaces(page),
    );
    return pdbs.map(toKubePdb).sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  }

  async listZonalVolumes(): Promise<KubeZonalVolume[]> {
    const volumes = await this.listAll<V1PersistentVolume>("listing PersistentVolumes", (page) =>
      this.core.listPersistentVolume(page),
    );
    return volumes
      .map(toKubeZonalVolume)
      .filter((v): v is KubeZonalVolume => v !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async setUnschedulable(nodeName: string, unschedulable: boolean): Promise<NodeChange> {
    const verb = unschedulable ? "cordoning" : "uncordoning";
    const node = await this.readNodeFor(nodeName, verb);
    if (node === "not-found") return node;
    // Idempotent by reading first: "already cordoned" is success without a write.
    if ((node.spec?.unschedulable === true) === unschedulable) return "unchanged";
    // A JSON merge patch: the client's default for patch bodies is JSON Patch, which this is not.
    return this.mergePatchNode(nodeName, { spec: { unschedulable } }, verb);
  }

  async setTaint(nodeName: string, taint: KubeTaint, present: boolean): Promise<NodeChange> {
    const verb = present ? "tainting" : "untainting";
    const node = await this.readNodeFor(nodeName, verb);
    if (node === "not-found") return node;
    const current = node.spec?.taints ?? [];
    const same = (t: { key: string; effect: string }) => t.key === taint.key && t.effect === taint.effect;
    const has = current.some(same);
    if (has === present) return "unchanged";
    const taints = present
      ? [
          ...current,
          { key: taint.key, effect: taint.effect, ...(taint.value !== undefined ? { value: taint.value } : {}) },
        ]
      : current.filter((t) => !same(t));
    // The list is replaced whole, so the patch carries the resourceVersion it was computed from:
    // a concurrent change makes it fail with 409 (retried) instead of losing someone's taint.
    return this.mergePatchNode(
      nodeName,
      { metadata: { resourceVersion: node.metadata?.resourceVersion }, spec: { taints } },
      verb,
    );
  }

  private async readNodeFor(nodeName: string, verb: string): Promise<V1Node | "not-found"> {
    try {
      return await this.core.readNode({ name: nodeName });
    } catch (err) {
      if (httpStatusOf(err) === 404) return "not-found";
      throw kubeStepError(err, `${verb} node ${nodeName} (reading it)`);
    }
  }

  private async mergePatchNode(nodeName: string, body: object, verb: string): Promise<NodeChange> {
    try {
      await this.core.patchNode({ name: nodeName, body }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
      return "changed";
    } catch (err) {
      if (httpStatusOf(err) === 404) return "not-found";
      throw kubeStepError(err, `${verb} node ${nodeName}`);
    }
  }

  async evictPod(namespace: string, name: string): Promise<EvictionResult> {
    try {
      await this.core.createNamespacedPodEviction({
        name,
        namespace,
        body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace } },
      });
      return { outcome: "evicted" };
    } catch (err) {
      const outcome = evictionOutcome(err);
      if (outcome) return outcome;
      throw kubeStepError(err, `evicting pod ${namespace}/${name}`);
    }
  }

  async deletePod(namespace: string, name: string, gracePeriodSeconds?: number): Promise<"deleted" | "not-found"> {
    try {
      await this.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds });
      return "deleted";
    } catch (err) {
      if (httpStatusOf(err) === 404) return "not-found";
      throw kubeStepError(err, `deleting pod ${namespace}/${name}`);
    }
  }

  async deleteNode(nodeName: string): Promise<"deleted" | "not-found"> {
    try {
      await this.core.deleteNode({ name: nodeName });
      return "deleted";
    } catch (err) {
      if (httpStatusOf(err) === 404) return "not-found";
      throw kubeStepError(err, `deleting node ${nodeName}`);
    }
  }

  async recordEvent(event: KubeEventRecord): Promise<void> {
    const now = this.clock.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.core.createNamespacedEvent({ namespace: NODE_EVENT_NAMESPACE, body: this.nodeEvent(event, now) });
        return;
      } catch (err) {
        // 409: an Event of that name exists (same node, same instant); the next sequence number is free.
        if (httpStatusOf(err) === 409 && attempt < EVENT_CREATE_ATTEMPTS) continue;
        throw kubeStepError(err, `recording event ${event.reason} on node ${event.nodeName}`);
      }
    }
  }

  private nodeEvent(event: KubeEventRecord, now: Date): CoreV1Event {
    // Named like client-go's recorder (<object>.<hex nanoseconds>), with a sequence number added in.
    const stamp = (BigInt(now.getTime()) * 1_000_000n + BigInt(this.eventSequence++)).toString(16);
    return {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${event.nodeName}.${stamp}`, namespace: NODE_EVENT_NAMESPACE },
      involvedObject: { apiVersion: "v1", kind: "Node", name: event.nodeName },
      type: event.type,
      reason: event.reason,
      message: event.message,
      source: { component: EVENT_SOURCE_COMPONENT },
      reportingComponent: EVENT_SOURCE_COMPONENT,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
    };
  }

  /**
   * A list read page by page as plain JSON (json-get.ts): the shapes are the API's own, with timestamps
   * as RFC 3339 strings, which kube-mapping.ts reads as well as Dates. Each page is mapped as it comes,
   * so only one page of full objects is held at a time: 40,000 pods as the API writes them take
   * several times the memory of what Tugboat keeps of them.
   */
  private async listJson<T, R>(
    context: string,
    path: string,
    map: (item: T) => R,
    params: Record<string, string> = {},
  ): Promise<R[]> {
    const items: R[] = [];
    let token: string | undefined;
    do {
      const query = new URLSearchParams({ ...params, limit: String(this.pageSize) });
      if (token) query.set("continue", token);
      try {
        const page = await getJson<{ items?: T[]; metadata?: { continue?: string } }>(this.kc, `${path}?${query}`);
        for (const item of page.items ?? []) items.push(map(item));
        token = page.metadata?.continue || undefined;
      } catch (err) {
        throw kubeStepError(err, context);
      }
    } while (token);
    return items;
  }

  private async listAll<T>(
    context: string,
    fetchPage: (page: { limit: number; _continue?: string }) => Promise<ListPage<T>>,
  ): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    do {
      try {
        const page = await fetchPage({ limit: this.pageSize, _continue: token });
        items.push(...page.items);
        token = page.metadata?._continue || undefined;
      } catch (err) {
        throw kubeStepError(err, context);
      }
    } while (token);
    return items;
  }
}
