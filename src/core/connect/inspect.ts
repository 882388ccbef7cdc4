/**
 * What a cluster lacks for Tugboat to manage it, read-only: the checks `tug doctor` prints and the
 * changes `tug connect` makes. Each check names what is missing and the command that fixes it.
 *  - authentication mode: access entries need API or API_AND_CONFIG_MAP;
 *  - an access entry per role that talks to Kubernetes, in Tugboat's RBAC group;
 *  - every object of the RBAC manifest, with the same rules / roleRef and subjects;
 *  - tugboat:cluster on each node group's Auto Scaling group and launch template (and tugboat:nodegroup
 *    on a self-managed group, which is how Tugboat finds it);
 *  - the API endpoint reachable from where the steps run.
 */

import type { ClusterAccessConfig, ConnectPort, ManagedGroupView } from "./ports";
import { type RbacObject, rbacObjectName, sameRbacContent, TUGBOAT_KUBE_GROUP } from "./rbac";

export const CLUSTER_TAG = "tugboat:cluster";
export const NODEGROUP_TAG = "tugboat:nodegroup";
const ACCESS_ENTRY_MODES = ["API", "API_AND_CONFIG_MAP"];

export interface ConnectRequest {
  cluster: string;
  /** Roles whose EKS tokens reach Kubernetes: the step roles and the event receiver's. */
  roleArns: string[];
  /** The RBAC objects to apply (deploy/rbac.yaml, and rbac-force-drain.yaml when asked). */
  rbac: RbacObject[];
  /** Node groups to tag; empty: every node group found for the cluster. */
  nodeGroups: string[];
  /** Where the steps run: a VPC id (TUGBOAT_VPC_ID), or outside any VPC. */
  stepVpcId?: string;
  /** How the fix commands are spelled ("tug connect prod-eu --sandbox x"). */
  connectCommand: string;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export type Change =
  | { kind: "access-entry"; action: "create" | "update"; target: string; groups: string[] }
  | { kind: "rbac"; action: "create" | "update"; target: string; object: RbacObject }
  | {
      kind: "tag";
      action: "tag";
      target: string;
      resource: "auto-scaling-group" | "launch-template";
      id: string;
      tags: Record<string, string>;
    };

export interface Inspection {
  eks: boolean;
  checks: Check[];
  /** What `tug connect` would change (empty when nothing is missing, or when it cannot proceed). */
  changes: Change[];
  /** Set when connect must not proceed (not EKS, wrong authentication mode), saying what to do. */
  blocker?: string;
}

export async function inspectCluster(port: ConnectPort, request: ConnectRequest): Promise<Inspection> {
  const { cluster } = request;
  const config = await port.describeCluster(cluster);
  if (!config) {
    const detail = `${cluster} is not an EKS cluster in this account and region`;
    const fix = `for a self-managed cluster, store a kubeconfig for a user in group ${TUGBOAT_KUBE_GROUP} at SSM /tugboat/${cluster}/kubeconfig and apply deploy/rbac.yaml with kubectl`;
    return {
      eks: false,
      checks: [{ name: "eks-cluster", ok: false, detail, fix }],
      changes: [],
      blocker: `${detail}; ${fix}`,
    };
  }
  const checks: Check[] = [];
  const changes: Change[] = [];

  const modeOk = ACCESS_ENTRY_MODES.includes(config.authenticationMode);
  const modeFix = `aws eks update-cluster-config --name ${cluster} --access-config authenticationMode=API_AND_CONFIG_MAP`;
  checks.push({
    name: "authentication-mode",
    ok: modeOk,
    detail: modeOk
      ? `authentication mode ${config.authenticationMode} takes access entries`
      : `authentication mode ${config.authenticationMode} takes no access entries (needs API or API_AND_CONFIG_MAP)`,
    ...(modeOk ? {} : { fix: modeFix }),
  });
  if (!modeOk) {
    return {
      eks: true,
      checks,
      changes: [],
      blocker: `cluster ${cluster}: authentication mode ${config.authenticationMode} takes no access entries; run ${modeFix}, then connect again`,
    };
  }

  for (const roleArn of request.roleArns) {
    const entry = await port.describeAccessEntry(cluster, roleArn);
    const inGroup = entry?.kubernetesGroups.includes(TUGBOAT_KUBE_GROUP) ?? false;
    checks.push({
      name: `access-entry ${roleArn}`,
      ok: inGroup,
      detail: !entry
        ? `no access entry: EKS answers this role's requests with 401 Unauthorized`
        : inGroup
          ? `access entry maps the role to group ${TUGBOAT_KUBE_GROUP}`
          : `access entry has groups [${entry.kubernetesGroups.join(", ")}], not ${TUGBOAT_KUBE_GROUP}`,
      ...(inGroup ? {} : { fix: request.connectCommand }),
    });
    if (!entry) changes.push({ kind: "access-entry", action: "create", target: roleArn, groups: [TUGBOAT_KUBE_GROUP] });
    else if (!inGroup) {
      const groups = [...entry.kubernetesGroups, TUGBOAT_KUBE_GROUP];
      changes.push({ kind: "access-entry", action: "update", target: roleArn, groups });
    }
  }

  for (const object of request.rbac) {
    const live = await port.readRbac(cluster, object);
    const same = live !== undefined && sameRbacContent(object, live);
    const name = rbacObjectName(object);
    checks.push({
      name: `rbac ${name}`,
      ok: same,
      detail: !live ? "missing" : same ? "applied as shipped" : "differs from the shipped manifest",
      ...(same ? {} : { fix: request.connectCommand }),
    });
    if (!same) changes.push({ kind: "rbac", action: live ? "update" : "create", target: name, object });
  }

  const { checks: groupChecks, changes: tagChanges } = await inspectGroups(port, request);
  checks.push(...groupChecks);
  changes.push(...tagChanges);
  checks.push(endpointCheck(config, request.stepVpcId));
  return { eks: true, checks, changes };
}

async function inspectGroups(
  port: ConnectPort,
  request: ConnectRequest,
): Promise<{ checks: Check[]; changes: Change[] }> {
  const { cluster } = request;
  const found = await port.listNodeGroups(cluster);
  const wanted = request.nodeGroups.length > 0 ? request.nodeGroups : found.map((g) => g.nodeGroup);
  const checks: Check[] = [];
  const changes: Change[] = [];
  for (const name of wanted) {
    const group = found.find((g) => g.nodeGroup === name);
    if (!group) {
      const known = found.map((g) => g.nodeGroup).join(", ") || "none";
      checks.push({
        name: `node-group ${name}`,
        ok: false,
        detail: `no EKS managed node group and no Auto Scaling group tagged kubernetes.io/cluster/${cluster} is named ${name} (found: ${known})`,
        fix: `tag the group's Auto Scaling group kubernetes.io/cluster/${cluster}=owned, then ${request.connectCommand}`,
      });
      continue;
    }
    checks.push(...groupTagChecks(group, request, changes));
  }
  return { checks, changes };
}

function groupTagChecks(group: ManagedGroupView, request: ConnectRequest, changes: Change[]): Check[] {
  const { cluster } = request;
  const wantedAsgTags: Record<string, string> = { [CLUSTER_TAG]: cluster };
  // A self-managed group is found by its tags; a managed one through EKS.
  if (group.kind === "self-managed-asg") wantedAsgTags[NODEGROUP_TAG] = group.nodeGroup;
  const missing = (tags: Record<string, string>, wanted: Record<string, string>) =>
    Object.fromEntries(Object.entries(wanted).filter(([k, v]) => tags[k] !== v));
  const checks: Check[] = [];
  const asgMissing = missing(group.asgTags, wantedAsgTags);
  const asgOk = Object.keys(asgMissing).length === 0;
  checks.push({
    name: `tags auto-scaling-group ${group.asgName}`,
    ok: asgOk,
    detail: asgOk
      ? `node group ${group.nodeGroup}: tagged`
      : `node group ${group.nodeGroup}: missing ${formatTags(asgMissing)}`,
    ...(asgOk ? {} : { fix: `${request.connectCommand} --group ${group.nodeGroup}` }),
  });
  if (!asgOk) {
    changes.push({
      kind: "tag",
      action: "tag",
      target: group.asgName,
      resource: "auto-scaling-group",
      id: group.asgName,
      tags: asgMissing,
    });
  }
  if (group.launchTemplate) {
    const lt = group.launchTemplate;
    const ltMissing = missing(lt.tags, { [CLUSTER_TAG]: cluster });
    const ltOk = Object.keys(ltMissing).length === 0;
    checks.push({
      name: `tags launch-template ${lt.name}`,
      ok: ltOk,
      detail: ltOk
        ? `node group ${group.nodeGroup}: tagged`
        : `node group ${group.nodeGroup}: missing ${formatTags(ltMissing)}`,
      ...(ltOk ? {} : { fix: `${request.connectCommand} --group ${group.nodeGroup}` }),
    });
    if (!ltOk) {
      changes.push({
        kind: "tag",
        action: "tag",
        target: lt.name,
        resource: "launch-template",
        id: lt.id,
        tags: ltMissing,
      });
    }
  }
  return checks;
}

function formatTags(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}

/**
 * Lambda functions outside a VPC call from AWS-owned addresses no CIDR list can name, so they need the
 * public endpoint open to 0.0.0.0/0; inside the cluster's VPC they use the private endpoint.
 */
export function endpointCheck(config: ClusterAccessConfig, stepVpcId: string | undefined): Check {
  const name = "endpoint";
  const openToAll = config.endpointPublicAccess && config.publicAccessCidrs.includes("0.0.0.0/0");
  const vpcFix = `deploy with TUGBOAT_VPC_ID=${config.vpcId ?? "<the cluster's VPC>"} and TUGBOAT_PRIVATE_SUBNET_IDS, and allow the step security group in on 443`;
  if (!stepVpcId) {
    if (openToAll)
      return { name, ok: true, detail: "steps run outside a VPC and the public endpoint is open to 0.0.0.0/0" };
    const why = config.endpointPublicAccess
      ? `the public endpoint allows only ${config.publicAccessCidrs.join(", ")}`
      : "the endpoint is private only";
    return { name, ok: false, detail: `steps run outside a VPC but ${why}`, fix: vpcFix };
  }
  if (stepVpcId === config.vpcId && config.endpointPrivateAccess) {
    return {
      name,
      ok: true,
      detail: `steps run in the cluster's VPC ${stepVpcId} and the private endpoint is on (allow their security group on 443)`,
    };
  }
  if (config.endpointPublicAccess) {
    return {
      name,
      ok: true,
      detail: `steps run in VPC ${stepVpcId} and reach the public endpoint through their NAT (its addresses must be in ${config.publicAccessCidrs.join(", ")})`,
    };
  }
  return {
    name,
    ok: false,
    detail: `steps run in VPC ${stepVpcId}, the endpoint is private to VPC ${config.vpcId ?? "unknown"}`,
    fix: vpcFix,
  };
}
