/**
 * The self-managed control plane, one node at a time: node 1 runs `kubeadm init --upload-certs` with
 * the token and certificate key Tugboat put in SSM; once it is healthy (and has published the CA
 * certificate hash and Tugboat's access), each next node joins with --control-plane. etcd admits one
 * learner at a time (--experimental-max-learners 1), so a join waits for the previous member to be a
 * healthy voter; a node whose member never becomes healthy by the deadline halts the creation before
 * the next join, leaving the quorum as it was. Before each node is asked for, the join material is
 * checked against the time the join will take place: material that would expire first is written anew
 * (before init), or renewed and registered with the cluster by a healthy control-plane node (after
 * init; renewal.ts), the join waiting for it.
 */
import { TerminalError } from "../../errors";
import { requireSpec } from "../control-plane";
import { type CreationPort, GroupExistsError } from "../ports";
import type { CreateState } from "../state";
import { nodeRoleName, selfManagedGroups } from "../state";
import { bootstrapTokenFrom, certificateKeyFrom, joinParameterNames, materialStatus } from "./join-material";
import { apiLoadBalancerName, controlPlaneSlots, controlPlaneTags, madeFor } from "./layout";
import { type ClusterReads, controlPlaneNodeVerdict } from "./node-health";
import type { JoinMaterialPort, LoadBalancerPort } from "./ports";
import { type Renewal, renewIfExpiring } from "./renewal";
import { kubeadmUserData } from "./user-data";

/** How long one control-plane node may take from its group's creation to a healthy etcd voter. */
export const CONTROL_PLANE_NODE_DEADLINE_SECONDS = 15 * 60;

export interface ControlPlaneProgress {
  done: boolean;
  failed: boolean;
  reason?: string;
  changes: number;
  /** Healthy control-plane nodes, in order. */
  joined: string[];
  /** The node being waited for and since when (its deadline counts from here). */
  waitingFor?: { index: number; since: string; detail: string };
  /** Join material being renewed on a control-plane node (renewal.ts). */
  renewal?: Renewal;
}

export interface ControlPlaneDeps {
  port: CreationPort;
  lb: LoadBalancerPort;
  material: JoinMaterialPort;
  /** The cluster's Kubernetes and etcd access, once node 1 has published it. */
  reads: ClusterReads;
  /** Whether node 1 has published the kubeconfig Tugboat reaches the cluster with. */
  accessPublished(): Promise<boolean>;
  randomBytes(count: number): Uint8Array;
  now: Date;
}

export async function joinControlPlane(deps: ControlPlaneDeps, state: CreateState): Promise<ControlPlaneProgress> {
  const spec = requireSpec(state);
  const endpoint = state.apiEndpoint?.endpoint;
  const targetGroupArn = state.apiEndpoint?.targetGroupArn;
  if (!endpoint || !targetGroupArn) throw new TerminalError("the API server's load balancer is not ready");
  const previous = state.selfManaged;
  const progress: ControlPlaneProgress = {
    done: false,
    failed: false,
    changes: previous?.changes ?? 0,
    joined: [],
  };
  const slots = controlPlaneSlots(spec, await deps.port.subnets());
  const groups = await deps.port.describeGroups(slots.map((s) => s.asgName));
  const targets = (await deps.lb.describeTargetGroup(apiLoadBalancerName(spec.name)))?.targets ?? [];
  const healthyInstances: string[] = [];
  /** Before a join after init: material that would expire first is renewed, and the join waits for it. */
  const renewBeforeJoin = async (): Promise<boolean> => {
    const renewal = await renewIfExpiring(deps.material, {
      cluster: spec.name,
      region: spec.region,
      instanceId: healthyInstances[0] as string,
      ...(previous?.renewal ? { pending: previous.renewal } : {}),
      randomBytes: deps.randomBytes,
      now: deps.now,
    });
    if (renewal.state === "ready") return true;
    if (renewal.state === "failed") {
      progress.failed = true;
      progress.reason = renewal.reason;
      return false;
    }
    progress.changes += renewal.changes;
    progress.renewal = renewal.renewal;
    return false;
  };
  for (const slot of slots) {
    const group = groups.find((g) => g.name === slot.asgName);
    if (group && !madeFor(group.tags, spec.name)) {
      throw new TerminalError(`controlPlane: Auto Scaling group ${slot.asgName} exists and Tugboat did not make it`);
    }
    if (!group) {
      if (slot.index > 1 && !(await renewBeforeJoin())) return progress;
      progress.changes += await askForNode(deps, state, slot, endpoint);
      progress.waitingFor = { index: slot.index, since: deps.now.toISOString(), detail: "group created" };
      return progress;
    }
    const instanceId = group.instanceIds[0];
    const since = previous?.waitingFor?.index === slot.index ? new Date(previous.waitingFor.since) : deps.now;
    let detail = `control-plane node ${slot.index} has no instance yet`;
    if (instanceId) {
      if (!targets.includes(instanceId)) {
        // Registered as soon as it exists: kubeadm on it reaches the API server through the NLB.
        await deps.lb.registerTargets(targetGroupArn, [instanceId]);
        progress.changes++;
      }
      if (await deps.accessPublished()) {
        const [nodes, members] = await Promise.all([
          deps.reads.nodes(),
          deps.reads.etcd().then((etcd) => etcd.listMembers()),
        ]);
        const verdict = await controlPlaneNodeVerdict(deps.reads, instanceId, nodes, members);
        if (verdict.promoted) progress.changes++;
        if (verdict.healthy) {
          progress.joined.push(verdict.nodeName ?? instanceId);
          healthyInstances.push(instanceId);
          continue;
        }
        detail = verdict.detail;
      } else {
        detail = "node 1 has not published the cluster's kubeconfig yet (kubeadm init not done)";
      }
    }
    if (deps.now.getTime() - since.getTime() > CONTROL_PLANE_NODE_DEADLINE_SECONDS * 1000) {
      progress.failed = true;
      const next = slot.index < slots.length ? `; halted before joining node ${slot.index + 1}` : "";
      progress.reason = `control-plane node ${slot.index} (${slot.zone}, ${instanceId ?? "no instance"}) did not become healthy in ${CONTROL_PLANE_NODE_DEADLINE_SECONDS / 60} minutes: ${detail}${next}`;
      return progress;
    }
    progress.waitingFor = { index: slot.index, since: since.toISOString(), detail };
    return progress;
  }
  // Workers still to be asked for join with the same token: renewed here too if it would expire first.
  const workerGroups = spec.nodeGroups.flatMap((group) => selfManagedGroups(spec, group).map((g) => g.asgName));
  const existingWorkers = workerGroups.length > 0 ? await deps.port.describeGroups(workerGroups) : [];
  if (existingWorkers.length < workerGroups.length && !(await renewBeforeJoin())) return progress;
  progress.done = true;
  return progress;
}

/** Join material for the node, its launch template and its group of one; the changes made. */
async function askForNode(
  deps: ControlPlaneDeps,
  state: CreateState,
  slot: { index: number; asgName: string; subnetId: string },
  endpoint: string,
): Promise<number> {
  const spec = requireSpec(state);
  let changes = await ensureMaterial(deps, spec.name, slot.index === 1);
  const tags = controlPlaneTags(spec.name, state.run.runId);
  if (!(await deps.port.launchTemplateId(slot.asgName))) {
    const imageId = await deps.port.recommendedAmi(spec.version, "x86_64");
    if (!imageId) throw new TerminalError(`version: no AMI is published for Kubernetes ${spec.version}`);
    await deps.port.createLaunchTemplate({
      name: slot.asgName,
      imageId,
      instanceType: spec.controlPlane?.instanceType ?? "m6i.large",
      instanceProfile: nodeRoleName(spec),
      userData: kubeadmUserData({
        role: slot.index === 1 ? "init" : "join-control-plane",
        cluster: spec.name,
        version: spec.version,
        endpoint,
        parameters: joinParameterNames(spec.name),
        region: spec.region,
      }),
      tags,
    });
    changes++;
  }
  try {
    await deps.port.createGroup({
      name: slot.asgName,
      launchTemplateName: slot.asgName,
      subnetIds: [slot.subnetId],
      size: 1,
      tags,
    });
    changes++;
  } catch (err) {
    if (!(err instanceof GroupExistsError)) throw err;
  }
  return changes;
}

/**
 * Before init: a token and certificate key fresh for the whole of the joins (written anew when missing,
 * malformed or too old). After init: they must still be valid when the join runs.
 */
export async function ensureMaterial(deps: ControlPlaneDeps, cluster: string, beforeInit: boolean): Promise<number> {
  const names = joinParameterNames(cluster);
  const status = await materialStatus(deps.material, cluster, deps.now);
  let changes = 0;
  if (beforeInit) {
    if (status.token !== "fresh") {
      await deps.material.putParameter(names.token, bootstrapTokenFrom(deps.randomBytes(22)));
      changes++;
    }
    if (status.certificateKey !== "fresh") {
      await deps.material.putParameter(names.certificateKey, certificateKeyFrom(deps.randomBytes(32)));
      changes++;
    }
    return changes;
  }
  const problems: string[] = [];
  if (status.token !== "fresh") problems.push(`bootstrap token ${status.token}`);
  if (status.certificateKey !== "fresh") problems.push(`certificate key ${status.certificateKey}`);
  if (status.caCertHash !== "present") problems.push(`CA certificate hash ${status.caCertHash}`);
  if (problems.length > 0) {
    throw new TerminalError(
      `join material of ${cluster} (${names.token}, ${names.certificateKey}, ${names.caCertHash}) cannot serve the next join: ${problems.join(", ")}`,
    );
  }
  return changes;
}
