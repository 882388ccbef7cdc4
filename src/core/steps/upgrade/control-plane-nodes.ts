/**
 * A self-managed control plane moves to a new minor by replacing its nodes one at a time, never more,
 * because each is an etcd member:
 *
 * 1. with every member healthy, launch one new node (surge first);
 * 2. its `kubeadm join` adds its etcd member as a learner (kubeadm's EtcdLearnerMode, on by default
 *    since 1.29): a learner does not vote, so the voting membership and its failure tolerance stay as
 *    they were (three voters tolerate one failure). Once the learner has caught up with the leader it
 *    is promoted: kubeadm does it, and if its join gave up first, this step does, asking again while
 *    etcd answers "not in sync" until the node's deadline. Four healthy voters still tolerate one
 *    failure. Wait until the new node is Ready, its member a healthy voter, and its API server Ready;
 * 3. only if removing a member leaves quorum with a failure to spare, remove the old node's member
 *    from etcd (before its instance goes, so etcd never counts a dead member towards quorum), then
 *    terminate the instance with a decrement and delete its Node. Three voters: tolerance one again.
 *
 * A voting member added before its process starts would count toward quorum without answering and
 * leave three healthy of four, tolerating no failure: the learner step is what avoids that.
 *
 * Each call looks at the world and takes the next safe move, so a rerun resumes wherever a previous
 * one stopped. AZRebalance stays suspended meanwhile: Auto Scaling must not terminate a member itself.
 */
import { ReplacementNotReadyError } from "../../errors";
import { REPLACEMENT_READY } from "../../estimates/defaults";
import type { KubeNode } from "../../model/kube";
import type { Deps, EtcdMember } from "../../ports";
import { isLeaving } from "../../roll/snapshot-types";
import { describeAmiFamily } from "../../upgrade/ami-family";
import { CONTROL_PLANE_LABEL } from "../../upgrade/discover";
import type { PhaseProgress, UpgradeState } from "../../upgrade/state";
import { PROCESSES_SUSPENDED_DURING_ROLL } from "../roll/plan";
import { amiFamilyOfTemplate } from "./ami-choice";
import { pointGroupAtImage } from "./launch-template";
import { currentPhase, phaseProgress } from "./phases";

const POLL_SECONDS = 15;

export function quorumOf(members: number): number {
  return Math.floor(members / 2) + 1;
}

/**
 * Whether removing `victim` keeps etcd safe: every voting member healthy now, and afterwards the
 * healthy voters still make a quorum with one to spare (for clusters of three or more voters; smaller
 * ones never had one). Learners are not part of the arithmetic.
 */
export function canRemoveMember(
  allMembers: EtcdMember[],
  victim: EtcdMember | undefined,
): { ok: boolean; why: string } {
  // A learner neither votes nor counts toward quorum, and etcd removes one without these checks.
  if (victim?.isLearner) return { ok: true, why: `${victim.name || victim.id} is a learner` };
  const members = allMembers.filter((m) => !m.isLearner);
  const unhealthy = members.filter((m) => !m.healthy && m.id !== victim?.id);
  if (unhealthy.length > 0) {
    return { ok: false, why: `etcd member(s) ${unhealthy.map((m) => m.name || m.id).join(", ")} are not healthy` };
  }
  const after = victim ? members.length - 1 : members.length;
  const healthyAfter = members.filter((m) => m.healthy && m.id !== victim?.id).length;
  // A cluster of three or more can afford a failure now; it must still afford one after the removal.
  const needed = quorumOf(after) + (members.length >= 3 ? 1 : 0);
  if (healthyAfter < needed) {
    return {
      ok: false,
      why: `${healthyAfter} healthy member(s) would remain of ${after}; safe removal needs ${needed}`,
    };
  }
  return { ok: true, why: `${healthyAfter} healthy of ${after} remain (quorum ${quorumOf(after)})` };
}

/** What a control-plane roll must put back, kept per cluster so that a later run can finish a dead one. */
interface GroupOriginal {
  runId: string;
  original: { minSize: number; maxSize: number; desiredCapacity: number };
  suspended: string[];
}

const ORIGINAL_KEY = "control-plane-original";

function controlPlaneRecordId(cluster: string): string {
  return `control-plane:${cluster}`;
}

function countByZone(zones: string[], instances: { availabilityZone: string }[]): Map<string, number> {
  const counts = new Map(zones.map((zone) => [zone, 0]));
  for (const instance of instances)
    counts.set(instance.availabilityZone, (counts.get(instance.availabilityZone) ?? 0) + 1);
  return counts;
}

function unevenZones(counts: Map<string, number>): boolean {
  const values = [...counts.values()];
  return values.length > 0 && Math.max(...values) - Math.min(...values) > 1;
}

/**
 * The member to remove: from the fullest zone, so the zones end even (Auto Scaling resumes AZRebalance
 * afterwards, and a rebalance would terminate a member without removing it from etcd); on a tie, the
 * zone the last surge landed in.
 */
export function chooseVictim<T extends { availabilityZone: string; instanceId: string }>(
  candidates: T[],
  zoneCounts: Map<string, number>,
  preferredZone: string | undefined,
): T | undefined {
  return [...candidates].sort((a, b) => {
    const fuller = (zoneCounts.get(b.availabilityZone) ?? 0) - (zoneCounts.get(a.availabilityZone) ?? 0);
    if (fuller !== 0) return fuller;
    const preferred = Number(b.availabilityZone === preferredZone) - Number(a.availabilityZone === preferredZone);
    return preferred !== 0 ? preferred : a.instanceId.localeCompare(b.instanceId);
  })[0];
}

export async function advanceControlPlaneNodes(deps: Deps, state: UpgradeState): Promise<PhaseProgress> {
  const phase = currentPhase(state);
  const { input, run } = state;
  const asgName = state.assessment?.cluster.controlPlane?.asgName;
  if (!asgName) throw new Error("no control-plane Auto Scaling group in the assessment");
  const previous = phaseProgress(state);
  const attempts = (previous?.attempts ?? 0) + 1;
  const fail = (reason: string): PhaseProgress => ({
    ...(previous ?? { phase: state.cursor?.index ?? 0 }),
    attempts,
    done: false,
    failed: true,
    waitSeconds: 0,
    reason,
  });
  let asg = await deps.autoScaling.describeGroup(asgName);
  if (!asg) return fail(`control-plane Auto Scaling group ${asgName} is gone`);

  let progress: PhaseProgress;
  if (previous?.targetImageId) {
    progress = { ...previous, attempts };
  } else {
    if (!asg.launchTemplate) return fail(`control-plane group ${asgName} has no launch template`);
    const family = await amiFamilyOfTemplate(deps, asg.launchTemplate, `control-plane group ${asgName}`);
    const ami = await deps.parameters.recommendedEksAmi(phase.toVersion, family);
    if (!ami) {
      return fail(`no EKS-optimized ${describeAmiFamily(family)} image is published for Kubernetes ${phase.toVersion}`);
    }
    const target = await pointGroupAtImage(
      deps,
      asgName,
      asg.launchTemplate,
      ami.imageId,
      `Kubernetes ${phase.toVersion} control plane, upgrade-cluster ${run.runId}`,
    );
    // A run that died mid-roll left its surge and suspended processes: its record says what to go back to.
    const left = await deps.state.getItem<GroupOriginal | null>(controlPlaneRecordId(input.cluster), ORIGINAL_KEY);
    const suspended =
      left?.suspended ?? PROCESSES_SUSPENDED_DURING_ROLL.filter((p) => !asg?.suspendedProcesses.includes(p));
    const original = left?.original ?? {
      minSize: asg.minSize,
      maxSize: asg.maxSize,
      desiredCapacity: asg.desiredCapacity,
    };
    if (left) {
      deps.log.warn(`resuming the control-plane roll left unfinished by ${left.runId}`, { runId: run.runId, original });
    } else {
      await deps.state.putItem(controlPlaneRecordId(input.cluster), ORIGINAL_KEY, {
        runId: run.runId,
        original,
        suspended,
      } satisfies GroupOriginal);
    }
    const toSuspend = suspended.filter((p) => !asg?.suspendedProcesses.includes(p));
    if (toSuspend.length > 0) await deps.autoScaling.suspendProcesses(asgName, toSuspend);
    progress = {
      phase: state.cursor?.index ?? 0,
      done: false,
      failed: false,
      waitSeconds: 0,
      attempts,
      original,
      suspended,
      replaced: 0,
      targetTemplateVersion: target,
      targetImageId: ami.imageId,
    };
    deps.log.info(`control plane → ${phase.toVersion}: one node at a time, etcd quorum kept`, {
      runId: run.runId,
      launchTemplateVersion: target,
    });
    asg = (await deps.autoScaling.describeGroup(asgName)) ?? asg;
  }
  const original = progress.original as NonNullable<PhaseProgress["original"]>;
  const wait = (activity: string, seconds = POLL_SECONDS): PhaseProgress => ({
    ...progress,
    waitSeconds: seconds,
    activity,
  });

  const kube = await deps.kube(input.cluster);
  const etcd = await deps.etcd(input.cluster);
  const inService = asg.instances.filter((i) => !isLeaving({ ...i, nodeReady: false, unschedulable: false }));
  const [instances, nodes, members] = await Promise.all([
    inService.length > 0 ? deps.ec2.describeInstances(inService.map((i) => i.instanceId)) : Promise.resolve([]),
    kube.listNodes(),
    etcd.listMembers(),
  ]);
  const imageOf = new Map(instances.map((i) => [i.instanceId, i.imageId]));
  const nodeOf = new Map(nodes.filter((n) => n.instanceId).map((n) => [n.instanceId as string, n]));
  const memberOf = (node: KubeNode | undefined) => (node ? members.find((m) => m.name === node.name) : undefined);
  const fresh = inService.filter((i) => imageOf.get(i.instanceId) === progress.targetImageId);
  const old = inService.filter((i) => imageOf.get(i.instanceId) !== progress.targetImageId);

  const serving = async (instanceId: string): Promise<string | undefined> => {
    const node = nodeOf.get(instanceId);
    if (!node) return "its node has not registered";
    if (!node.ready) return `node ${node.name} is not Ready`;
    if (node.labels[CONTROL_PLANE_LABEL] === undefined) return `node ${node.name} is not labelled as control plane`;
    const member = memberOf(node);
    if (!member) return `node ${node.name} has not joined etcd`;
    if (!member.healthy) return `etcd member ${member.name} is not healthy`;
    if (member.isLearner) return `etcd member ${member.name} is a learner not yet in sync with the leader`;
    const pods = await kube.listPods({ nodeName: node.name });
    const apiServer = pods.find((p) => p.mirror && p.name.startsWith("kube-apiserver"));
    if (apiServer && !apiServer.ready) return `kube-apiserver on ${node.name} is not Ready`;
    return undefined;
  };

  // 2. A new node on its way: wait until it is a full member and serves the API. A started learner
  // that kubeadm has not promoted (its join gave up waiting for the learner to catch up) is promoted
  // here; "not in sync" is etcd saying "not yet": ask again next time, until the deadline.
  for (const instance of fresh) {
    const learner = memberOf(nodeOf.get(instance.instanceId));
    if (learner?.isLearner && learner.healthy) {
      const promoted = await etcd.promoteMember(learner.id);
      if (promoted === "promoted") {
        deps.log.info(`promoted etcd learner ${learner.name} to a voting member`, {
          runId: run.runId,
          memberId: learner.id,
        });
        return wait(`promoted etcd learner ${learner.name}`, 5);
      }
    }
    const missing = await serving(instance.instanceId);
    if (!missing) continue;
    if (progress.deadline && deps.clock.now().toISOString() > progress.deadline) {
      throw new ReplacementNotReadyError(
        `new control-plane instance ${instance.instanceId} did not become a serving member in ${input.readyTimeoutSeconds} s (${missing}); no old member was removed, etcd keeps its quorum; inspect the instance (kubeadm join logs), then rerun`,
      );
    }
    return wait(`waiting for ${instance.instanceId}: ${missing}`);
  }

  // 3. One member more than wanted: remove one, safely. An old one while any is left; otherwise (zones
  // left uneven by where Auto Scaling placed the surges) one from the fullest zone.
  const zoneCounts = countByZone(asg.availabilityZones, inService);
  if (inService.length > original.desiredCapacity) {
    const newest = [...fresh].sort(
      (a, b) =>
        (nodeOf.get(b.instanceId)?.createdAt.getTime() ?? 0) - (nodeOf.get(a.instanceId)?.createdAt.getTime() ?? 0),
    )[0];
    const victim = chooseVictim(
      old.length > 0 ? old : inService.filter((i) => i !== newest),
      zoneCounts,
      newest?.availabilityZone,
    );
    if (!victim) return wait("no control-plane node to remove");
    const node = nodeOf.get(victim.instanceId);
    const member = memberOf(node);
    const check = canRemoveMember(members, member);
    if (!check.ok) {
      if (progress.deadline && deps.clock.now().toISOString() > progress.deadline) {
        return fail(
          `etcd has no quorum to spare for removing ${member?.name ?? victim.instanceId}: ${check.why}; nothing was removed; repair etcd, then rerun`,
        );
      }
      return wait(`holding: ${check.why}`);
    }
    if (node) await kube.setUnschedulable(node.name, true);
    if (member) {
      await etcd.removeMember(member.id);
      deps.log.info(`removed etcd member ${member.name} (${check.why})`, { runId: run.runId, memberId: member.id });
    }
    await deps.autoScaling.terminateInstance(victim.instanceId, true);
    if (node) await kube.deleteNode(node.name);
    const why =
      old.length > 0
        ? `replaced control-plane node ${node?.name ?? victim.instanceId}`
        : `removed ${node?.name ?? victim.instanceId} from ${victim.availabilityZone} to even out the zones`;
    deps.log.info(why, { runId: run.runId, instanceId: victim.instanceId });
    progress = { ...progress, replaced: (progress.replaced ?? 0) + (old.length > 0 ? 1 : 0) };
    return wait(`removed ${node?.name ?? victim.instanceId} from etcd and terminated it`, 5);
  }

  // Members left behind by instances that are gone (a crash after terminate): remove them first.
  const names = new Set(inService.map((i) => nodeOf.get(i.instanceId)?.name).filter(Boolean));
  const stale = members.filter((m) => m.name && !names.has(m.name) && !m.healthy);
  for (const member of stale) {
    const check = canRemoveMember(members, member);
    if (!check.ok) return fail(`etcd member ${member.name} has no instance, and removing it is unsafe: ${check.why}`);
    await etcd.removeMember(member.id);
    deps.log.warn(`removed etcd member ${member.name}, whose instance is gone`, { runId: run.runId });
    return wait(`removed stale etcd member ${member.name}`, 5);
  }

  // 1. Old nodes remain (or the zones are uneven) and etcd is healthy: launch the next new one. Auto
  // Scaling places it in the emptiest zone; zones stay even because the removal above takes from the fullest.
  if (old.length > 0 || unevenZones(zoneCounts)) {
    const check = canRemoveMember(members, undefined);
    if (!check.ok || members.length !== inService.length) {
      return wait(
        `holding before the next node: ${check.ok ? `${members.length} etcd members for ${inService.length} instances` : check.why}`,
      );
    }
    const desired = inService.length + 1;
    await deps.autoScaling.updateSizes(asgName, {
      ...(asg.maxSize < desired ? { maxSize: desired } : {}),
      desiredCapacity: desired,
    });
    const deadline = new Date(deps.clock.now().getTime() + input.readyTimeoutSeconds * 1000).toISOString();
    progress = { ...progress, deadline };
    return wait(
      old.length > 0
        ? `launching control-plane node ${(progress.replaced ?? 0) + 1} of ${original.desiredCapacity} on ${phase.toVersion}`
        : "launching one more control-plane node to even out the zones",
      // First look when a node is expected Ready (published default; core/estimates/defaults.ts).
      REPLACEMENT_READY.median,
    );
  }

  // Every node on the new minor: put the group back as it was.
  await deps.autoScaling.updateSizes(asgName, { minSize: original.minSize, maxSize: original.maxSize });
  if ((progress.suspended ?? []).length > 0) await deps.autoScaling.resumeProcesses(asgName, progress.suspended ?? []);
  await deps.state.putItem(controlPlaneRecordId(input.cluster), ORIGINAL_KEY, null);
  deps.log.info(`control plane on ${phase.toVersion}: ${progress.replaced ?? 0} node(s) replaced`, {
    runId: run.runId,
  });
  return { ...progress, done: true, waitSeconds: 0, activity: `control plane on ${phase.toVersion}` };
}

/** Restores a control-plane group after a failed roll: sizes and the processes the run suspended. */
export async function restoreControlPlaneGroup(deps: Deps, state: UpgradeState): Promise<string[]> {
  const progress = state.progress;
  const asgName = state.assessment?.cluster.controlPlane?.asgName;
  if (!progress?.original || !asgName) return [];
  const asg = await deps.autoScaling.describeGroup(asgName);
  if (!asg) return [];
  const actions: string[] = [];
  const toResume = (progress.suspended ?? []).filter((p) => asg.suspendedProcesses.includes(p));
  if (toResume.length > 0) {
    await deps.autoScaling.resumeProcesses(asgName, toResume);
    actions.push(`resumed ${toResume.join(", ")} on ${asgName}`);
  }
  const maxSize = Math.max(progress.original.maxSize, asg.desiredCapacity);
  if (asg.maxSize !== maxSize || asg.minSize !== progress.original.minSize) {
    await deps.autoScaling.updateSizes(asgName, { minSize: progress.original.minSize, maxSize });
    actions.push(`restored ${asgName} min ${progress.original.minSize}, max ${maxSize}`);
  }
  return actions;
}
