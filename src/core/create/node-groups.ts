/**
 * Node groups: EKS managed ones (CreateNodegroup with its update config, AMI type, labels and taints)
 * and self-managed Auto Scaling groups (a launch template with the AMI of the version's SSM parameter
 * and nodeadm user data; AZRebalance suspended on multi-zone groups; one group per zone with
 * perZone). A group that already exists is adopted when its tags say this cluster made it, and refused
 * naming the difference otherwise.
 */
import { InvalidInputError, TerminalError } from "../errors";
import { requireSpec } from "./control-plane";
import { type CreationPort, GroupExistsError } from "./ports";
import type { CreateState } from "./state";
import {
  CLUSTER_TAG,
  creationTags,
  NODEGROUP_TAG,
  nodeRoleName,
  requestToken,
  roleArnOf,
  selfManagedGroups,
} from "./state";
import { nodeadmUserData } from "./user-data";

export async function ensureNodeGroups(
  port: CreationPort,
  state: CreateState,
): Promise<{ changes: number; groups: string[] }> {
  const spec = requireSpec(state);
  const cluster = await port.describeCluster(spec.name);
  if (!cluster) throw new TerminalError(`cluster ${spec.name} is gone`);
  const subnets = (await port.subnets()).filter(
    (s) =>
      (state.controlPlane?.subnetIds ?? spec.subnetIds).includes(s.subnetId) || spec.subnetIds.includes(s.subnetId),
  );
  const subnetsIn = (zones: string[]) => subnets.filter((s) => zones.includes(s.zone)).map((s) => s.subnetId);
  const tags = creationTags(spec.name, state.run.runId);
  let changes = 0;
  const names: string[] = [];
  for (const group of spec.nodeGroups) {
    if (group.kind === "eks-managed") {
      names.push(group.name);
      if (await port.describeNodegroup(spec.name, group.name)) continue;
      await port.createNodegroup({
        cluster: spec.name,
        name: group.name,
        nodeRole: roleArnOf(nodeRoleName(spec), state.request.accountId),
        subnetIds: subnetsIn(Object.keys(group.zones)),
        instanceType: group.instanceType,
        amiType: group.architecture === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
        size: Object.values(group.zones).reduce((a, b) => a + b, 0),
        maxUnavailable: group.maxUnavailable,
        labels: group.labels,
        taints: group.taints,
        tags: { ...tags, [NODEGROUP_TAG]: group.name },
        clientRequestToken: requestToken(state.run.executionId, `nodegroup:${group.name}`),
      });
      changes++;
      continue;
    }
    const imageId = await port.recommendedAmi(spec.version, group.architecture);
    if (!imageId)
      throw new TerminalError(`nodeGroups.${group.name}: no AL2023 AMI is published for Kubernetes ${spec.version}`);
    for (const g of selfManagedGroups(spec, group)) {
      names.push(g.nodeGroup);
      const groupTags = { ...tags, [NODEGROUP_TAG]: g.nodeGroup, [`kubernetes.io/cluster/${spec.name}`]: "owned" };
      if (!(await port.launchTemplateId(g.asgName))) {
        await port.createLaunchTemplate({
          name: g.asgName,
          imageId,
          instanceType: group.instanceType,
          instanceProfile: nodeRoleName(spec),
          userData: nodeadmUserData({
            name: spec.name,
            endpoint: cluster.endpoint,
            certificateAuthority: cluster.certificateAuthority,
            serviceIpv4Cidr: cluster.serviceIpv4Cidr,
            labels: group.labels,
            taints: group.taints,
          }),
          tags: groupTags,
        });
        changes++;
      }
      const [existing] = await port.describeGroups([g.asgName]);
      if (existing) {
        if (existing.tags[CLUSTER_TAG] !== spec.name || existing.tags[NODEGROUP_TAG] !== g.nodeGroup) {
          throw new InvalidInputError(
            `nodeGroups.${group.name}: Auto Scaling group ${g.asgName} exists with tags ${CLUSTER_TAG}=${existing.tags[CLUSTER_TAG] ?? "(none)"}, ${NODEGROUP_TAG}=${existing.tags[NODEGROUP_TAG] ?? "(none)"}; expected ${spec.name}, ${g.nodeGroup}`,
          );
        }
      } else {
        try {
          await port.createGroup({
            name: g.asgName,
            launchTemplateName: g.asgName,
            subnetIds: subnetsIn(Object.keys(g.zones)),
            size: Object.values(g.zones).reduce((a, b) => a + b, 0),
            tags: groupTags,
          });
          changes++;
        } catch (err) {
          // Created by a retry of this step a moment ago: adopted on the next pass through describe.
          if (!(err instanceof GroupExistsError)) throw err;
        }
      }
      // Auto Scaling's zone rebalancing would terminate nodes to even zones out; Tugboat places them.
      if (Object.keys(g.zones).length > 1) {
        const [live] = await port.describeGroups([g.asgName]);
        if (live && !live.suspended.includes("AZRebalance")) {
          await port.suspendProcesses(g.asgName, ["AZRebalance"]);
          changes++;
        }
      }
    }
  }
  return { changes, groups: names };
}
