/**
 * How the step functions get into EKS clusters: an access entry per (cluster, role) that maps the role
 * to the Kubernetes group bound to Tugboat's ClusterRole (deploy/rbac.yaml). Only
 * steps whose spec asks for `kube` get one. Clusters outside TUGBOAT_EKS_ACCESS_ENTRIES are left alone:
 * an operator adds the entries (role ARNs are in the KubeRoleArns output) or, for self-managed clusters,
 * stores a kubeconfig.
 */
import { Fn, type Stack } from "aws-cdk-lib";
import { CfnAccessEntry } from "aws-cdk-lib/aws-eks";
import type { DeployedStep } from "./step-functions";

/** The Kubernetes group the access entries put Tugboat's roles in; docs/deploy.md binds it. */
export const KUBE_GROUP = "tugboat-steps";

export function kubeSteps(steps: Map<string, DeployedStep>): DeployedStep[] {
  return [...steps.values()].filter((step) => step.spec.access.includes("kube"));
}

export function createEksAccessEntries(stack: Stack, clusters: string[], steps: Map<string, DeployedStep>): void {
  for (const cluster of clusters) {
    for (const step of kubeSteps(steps)) {
      const role = step.fn.role;
      if (!role) throw new Error(`step ${step.module} has no execution role to give access to cluster ${cluster}`);
      new CfnAccessEntry(stack, `KubeAccess${clusterIdPart(cluster)}${step.fn.node.id}`, {
        clusterName: cluster,
        principalArn: role.roleArn,
        type: "STANDARD",
        kubernetesGroups: [KUBE_GROUP],
      });
    }
  }
}

/** The role ARNs that need Kubernetes access, comma-separated, for operators adding entries by hand. */
export function kubeRoleArnsOutput(steps: Map<string, DeployedStep>): string {
  const arns = kubeSteps(steps).map((step) => {
    const role = step.fn.role;
    if (!role) throw new Error(`step ${step.module} has no execution role`);
    return role.roleArn;
  });
  return Fn.join(",", arns);
}

function clusterIdPart(cluster: string): string {
  return cluster
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== "")
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join("");
}
