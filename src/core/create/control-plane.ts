/**
 * The EKS control plane: create it (or adopt the one this spec already made), then wait for ACTIVE
 * with its health issues checked. A zone EKS cannot use is left out when the spec allows and two
 * zones remain; otherwise the refusal names the zones that can host it.
 */
import { InvalidInputError, TerminalError } from "../errors";
import { type CreationPort, UnsupportedZonesError } from "./ports";
import { formatRefusals, repickSubnets } from "./preflight";
import type { CreateState } from "./state";
import { CLUSTER_TAG, clusterRoleArn, creationTags, requestToken } from "./state";

export async function ensureControlPlane(
  port: CreationPort,
  state: CreateState,
): Promise<NonNullable<CreateState["controlPlane"]>> {
  const spec = requireSpec(state);
  const existing = await port.describeCluster(spec.name);
  if (existing) {
    if (existing.tags[CLUSTER_TAG] !== spec.name) {
      throw new InvalidInputError(`name: cluster ${spec.name} already exists and Tugboat did not create it`);
    }
    if (existing.version !== spec.version) {
      throw new InvalidInputError(
        `version: cluster ${spec.name} exists at Kubernetes ${existing.version}, the spec asks for ${spec.version}`,
      );
    }
    return { done: false, failed: false, changes: 0, subnetIds: existing.subnetIds };
  }
  let subnetIds = [...spec.subnetIds];
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await port.createCluster({
        name: spec.name,
        version: spec.version,
        roleArn: clusterRoleArn(spec, state.request.accountId),
        subnetIds,
        endpointPublicAccess: spec.endpoint.public,
        endpointPrivateAccess: spec.endpoint.private,
        publicAccessCidrs: spec.endpoint.publicCidrs,
        logging: spec.logging,
        tags: creationTags(spec.name, state.run.runId),
        clientRequestToken: requestToken(state.run.executionId, `create-cluster:${attempt}`),
      });
      return { done: false, failed: false, changes: 1, subnetIds };
    } catch (err) {
      if (!(err instanceof UnsupportedZonesError) || attempt > 0) throw err;
      const subnets = (await port.subnets()).filter((s) => subnetIds.includes(s.subnetId));
      const picked = repickSubnets(spec, subnets, err.validZones);
      if ("refusal" in picked) throw new InvalidInputError(formatRefusals([picked.refusal]));
      subnetIds = picked.subnetIds;
    }
  }
  throw new TerminalError(`CreateCluster ${spec.name}: no zones left to try`);
}

export async function checkControlPlane(
  port: CreationPort,
  state: CreateState,
  now: Date,
): Promise<NonNullable<CreateState["controlPlane"]>> {
  const spec = requireSpec(state);
  const previous = state.controlPlane ?? { done: false, failed: false, changes: 0, subnetIds: spec.subnetIds };
  const cluster = await port.describeCluster(spec.name);
  if (!cluster)
    return { ...previous, done: true, failed: true, reason: `cluster ${spec.name} disappeared while creating` };
  const issues = cluster.healthIssues.map((i) => `${i.code}: ${i.message}`);
  if (cluster.status === "FAILED") {
    return {
      ...previous,
      done: true,
      failed: true,
      reason: `EKS failed to create cluster ${spec.name}${issues.length ? ` (${issues.join("; ")})` : ""}`,
    };
  }
  if (cluster.status === "ACTIVE" && issues.length === 0) return { ...previous, done: true, failed: false };
  if (state.validation && now > new Date(state.validation.deadline)) {
    return {
      ...previous,
      done: true,
      failed: true,
      reason: `cluster ${spec.name} still ${cluster.status} at the deadline`,
    };
  }
  return { ...previous, done: false, failed: false };
}

export function requireSpec(state: CreateState) {
  const spec = state.validation?.spec;
  if (!spec) throw new InvalidInputError("validation: the spec has not been validated (run Validate spec first)");
  return spec;
}
