/** /api/v1/pods and /api/v1/namespaces/{ns}/pods: list, get, delete, and the eviction subresource. */

import type { MirrorPodRecord } from "../control-plane";
import { evictPod } from "../eviction";
import { deletePod } from "../pods";
import { podsOnNode } from "../predicates";
import { renderMirrorPod } from "../render/mirror-pods";
import { renderPod } from "../render/pods";
import { badRequest, failure, notFound } from "../render/status";
import type { ClusterState } from "../state";
import type { PodRecord } from "../types";
import { byNamespaceAndName, listResponse, namespacedKey } from "./lists";
import { type ApiRequest, type ApiResponse, asObject, ok, type ResourceHandlers } from "./types";

/** Workload pods and, on self-managed control planes, the kubelet's mirror pods. */
type ListedPod = PodRecord | MirrorPodRecord;

const isMirror = (pod: ListedPod): pod is MirrorPodRecord => "component" in pod;

const POD_FIELDS: Record<string, (pod: ListedPod) => string | undefined> = {
  "metadata.name": (pod) => pod.name,
  "metadata.namespace": (pod) => pod.namespace,
  "spec.nodeName": (pod) => pod.nodeName,
  "spec.restartPolicy": () => "Always",
  "spec.schedulerName": () => "default-scheduler",
  "spec.serviceAccountName": (pod) => (isMirror(pod) ? "" : "default"),
  "status.phase": (pod) => (isMirror(pod) ? "Running" : pod.phase),
  "status.podIP": (pod) => (isMirror(pod) ? undefined : pod.podIp),
  "status.nominatedNodeName": () => undefined,
};

/** Mirror pods merged into a list of workload pods, keeping (namespace, name) order. */
function withMirrors(pods: readonly PodRecord[], mirrors: readonly MirrorPodRecord[]): readonly ListedPod[] {
  if (mirrors.length === 0) return pods;
  return [...pods, ...mirrors].sort(byNamespaceAndName);
}

function renderListed(state: ClusterState, pod: ListedPod): Record<string, unknown> {
  if (isMirror(pod) && state.controlPlane) return renderMirrorPod(state, state.controlPlane, pod);
  return renderPod(state, pod as PodRecord);
}

interface DeleteOptions {
  gracePeriodSeconds?: number;
  dryRun: boolean;
  preconditionUid?: string;
}

/** DeleteOptions from the query string and the body; the body wins, as the API server merges them. */
function deleteOptions(request: ApiRequest, body: Record<string, unknown> | undefined): DeleteOptions | string {
  const options: DeleteOptions = { dryRun: request.query.getAll("dryRun").includes("All") };
  const queryGrace = request.query.get("gracePeriodSeconds");
  if (queryGrace !== null) {
    const grace = Number(queryGrace);
    if (!Number.isInteger(grace)) return `gracePeriodSeconds must be an integer, got "${queryGrace}"`;
    options.gracePeriodSeconds = grace;
  }
  if (body) {
    if (typeof body.gracePeriodSeconds === "number") options.gracePeriodSeconds = body.gracePeriodSeconds;
    if (Array.isArray(body.dryRun) && body.dryRun.includes("All")) options.dryRun = true;
    const preconditions = asObject(body.preconditions);
    if (typeof preconditions?.uid === "string") options.preconditionUid = preconditions.uid;
  }
  return options;
}

function evictionHandler(state: ClusterState, request: ApiRequest, namespace: string, name: string): ApiResponse {
  const eviction = asObject(request.body);
  if (!eviction) return { status: 400, body: badRequest("the body of an eviction must be a policy/v1 Eviction") };
  const metadata = asObject(eviction.metadata) ?? {};
  if (metadata.name !== name) {
    return { status: 400, body: badRequest("name in URL does not match name in Eviction object") };
  }
  if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
    return {
      status: 400,
      body: badRequest("the namespace of the provided object does not match the namespace sent on the request"),
    };
  }
  const options = deleteOptions(request, asObject(eviction.deleteOptions));
  if (typeof options === "string") return { status: 400, body: badRequest(options) };
  const outcome = evictPod(state, namespace, name, {
    gracePeriodSeconds: options.gracePeriodSeconds,
    dryRun: options.dryRun,
  });
  return { status: outcome.httpStatus, body: outcome.body };
}

export const podHandlers: ResourceHandlers = {
  namespaced: true,
  list(state, request, namespace) {
    const inNamespace = (pods: readonly ListedPod[]) =>
      namespace === undefined ? pods : pods.filter((pod) => pod.namespace === namespace);
    const controlPlane = state.controlPlane;
    return listResponse<ListedPod>(state, request, {
      kind: "PodList",
      apiVersion: "v1",
      // Read only when no index narrows the list: merging 40,000 pods into key order for "pods on node X"
      // cost more than answering it.
      get records() {
        return inNamespace(withMirrors(state.pods.sorted(), controlPlane?.mirrorPods() ?? []));
      },
      key: namespacedKey,
      labels: (pod) => pod.labels,
      fields: POD_FIELDS,
      render: (pod) => renderListed(state, pod),
      narrow: (requirements) => {
        // "Pods on node X", the question every drain asks, is answered from the node index.
        const onNode = requirements.find((requirement) => requirement.field === "spec.nodeName" && !requirement.negate);
        if (!onNode?.value) return undefined;
        return inNamespace(
          withMirrors(podsOnNode(state, onNode.value), controlPlane?.mirrorPodsOnNode(onNode.value) ?? []),
        );
      },
    });
  },
  get(state, _request, namespace, name) {
    const pod = state.pods.get(namespace as string, name);
    if (pod) return ok(renderPod(state, pod));
    const mirror = state.controlPlane?.mirrorPod(namespace as string, name);
    if (mirror && state.controlPlane) return ok(renderMirrorPod(state, state.controlPlane, mirror));
    return { status: 404, body: notFound("pods", name) };
  },
  delete(state, request, namespace, name) {
    const pod = state.pods.get(namespace as string, name);
    if (!pod) return { status: 404, body: notFound("pods", name) };
    const options = deleteOptions(request, asObject(request.body));
    if (typeof options === "string") return { status: 400, body: badRequest(options) };
    if (options.preconditionUid !== undefined && options.preconditionUid !== pod.uid) {
      const message = `Precondition failed: UID in precondition: ${options.preconditionUid}, UID in object meta: ${pod.uid}`;
      return { status: 409, body: failure(409, "Conflict", message, { name, kind: "pods" }) };
    }
    if (!options.dryRun) deletePod(state, pod, { gracePeriodSeconds: options.gracePeriodSeconds, viaEviction: false });
    // Pods are returned as they stand after the delete: with a deletionTimestamp, or as last seen.
    return ok(renderPod(state, pod));
  },
  subresources: { eviction: evictionHandler },
};
