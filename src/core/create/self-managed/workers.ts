/**
 * Workers of a self-managed cluster: the spec's self-managed-asg groups, each a launch template whose
 * user data runs `kubeadm join` with the bootstrap token and CA hash from SSM, and an Auto Scaling group
 * (one per zone with perZone; AZRebalance suspended on multi-zone groups). Asked for once the control
 * plane is whole, while the join material is still valid.
 */
import { InvalidInputError, TerminalError } from "../../errors";
import { requireSpec } from "../control-plane";
import { type CreationPort, GroupExistsError } from "../ports";
import type { CreateState } from "../state";
import { CLUSTER_TAG, creationTags, NODEGROUP_TAG, nodeRoleName, selfManagedGroups } from "../state";
import { joinParameterNames } from "./join-material";
import { subnetPerZone } from "./layout";
import { kubeadmUserData } from "./user-data";

export async function ensureWorkers(
  port: CreationPort,
  state: CreateState,
  checkMaterial: () => Promise<number>,
): Promise<{ changes: number; groups: string[] }> {
  const spec = requireSpec(state);
  const endpoint = state.apiEndpoint?.endpoint;
  if (!endpoint) throw new TerminalError("the API server's load balancer is not ready");
  const subnets = subnetPerZone(spec, await port.subnets());
  const tags = creationTags(spec.name, state.run.runId);
  let changes = 0;
  const names: string[] = [];
  let materialChecked = false;
  for (const group of spec.nodeGroups) {
    for (const g of selfManagedGroups(spec, group)) {
      names.push(g.nodeGroup);
      const groupTags = { ...tags, [NODEGROUP_TAG]: g.nodeGroup, [`kubernetes.io/cluster/${spec.name}`]: "owned" };
      const [existing] = await port.describeGroups([g.asgName]);
      if (existing) {
        if (existing.tags[CLUSTER_TAG] !== spec.name || existing.tags[NODEGROUP_TAG] !== g.nodeGroup) {
          throw new InvalidInputError(
            `nodeGroups.${group.name}: Auto Scaling group ${g.asgName} exists with tags ${CLUSTER_TAG}=${existing.tags[CLUSTER_TAG] ?? "(none)"}, ${NODEGROUP_TAG}=${existing.tags[NODEGROUP_TAG] ?? "(none)"}; expected ${spec.name}, ${g.nodeGroup}`,
          );
        }
        continue;
      }
      if (!materialChecked) {
        changes += await checkMaterial();
        materialChecked = true;
      }
      if (!(await port.launchTemplateId(g.asgName))) {
        const imageId = await port.recommendedAmi(spec.version, group.architecture);
        if (!imageId) throw new TerminalError(`nodeGroups.${group.name}: no AMI for Kubernetes ${spec.version}`);
        await port.createLaunchTemplate({
          name: g.asgName,
          imageId,
          instanceType: group.instanceType,
          instanceProfile: nodeRoleName(spec),
          userData: kubeadmUserData({
            role: "join-worker",
            cluster: spec.name,
            version: spec.version,
            endpoint,
            parameters: joinParameterNames(spec.name),
            region: spec.region,
            labels: group.labels,
            taints: group.taints,
          }),
          tags: groupTags,
        });
        changes++;
      }
      const zones = Object.keys(g.zones);
      try {
        await port.createGroup({
          name: g.asgName,
          launchTemplateName: g.asgName,
          subnetIds: subnets.filter((s) => zones.includes(s.zone)).map((s) => s.subnetId),
          size: Object.values(g.zones).reduce((a, b) => a + b, 0),
          tags: groupTags,
        });
        changes++;
      } catch (err) {
        if (!(err instanceof GroupExistsError)) throw err;
      }
      if (zones.length > 1) {
        await port.suspendProcesses(g.asgName, ["AZRebalance"]);
        changes++;
      }
    }
  }
  return { changes, groups: names };
}
