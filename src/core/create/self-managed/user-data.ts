/**
 * User data of a kubeadm node: a shell script that reads the join material from SSM at boot (never
 * carrying it itself), writes a kubeadm configuration and runs `kubeadm init --upload-certs` (the first
 * control-plane node) or `kubeadm join` (the other control-plane nodes with --control-plane, and the
 * workers). The kubelet runs with --cloud-provider=external, so a node registers with the
 * node.cloudprovider.kubernetes.io/uninitialized taint until the AWS cloud controller manager
 * initializes it; the first node applies that manager and the VPC CNI once the API server answers.
 */
import type { JoinParameterNames } from "./join-material";

export type KubeadmRole = "init" | "join-control-plane" | "join-worker";

export interface KubeadmUserData {
  role: KubeadmRole;
  cluster: string;
  version: string;
  /** host:6443 of the API server's load balancer. */
  endpoint: string;
  parameters: JoinParameterNames;
  region: string;
  labels?: Record<string, string>;
  taints?: { key: string; value: string; effect: string }[];
}

/** The manifests the first node applies: the AWS cloud controller manager and the VPC CNI. */
export const CLUSTER_ADDON_MANIFESTS = [
  "https://raw.githubusercontent.com/kubernetes/cloud-provider-aws/master/examples/existing-cluster/base/aws-cloud-controller-manager-daemonset.yaml",
  "https://raw.githubusercontent.com/aws/amazon-vpc-cni-k8s/master/config/master/aws-k8s-cni.yaml",
];

/** A shell variable reference, expanded by the unquoted heredoc when the script runs. */
function shellVar(name: string): string {
  return `\${${name}}`;
}

export function kubeadmUserData(input: KubeadmUserData): string {
  const read = (variable: string, name: string) =>
    `${variable}=$(aws ssm get-parameter --region ${input.region} --with-decryption --name ${name} --query Parameter.Value --output text)`;
  const labels = Object.entries(input.labels ?? {}).map(([k, v]) => `${k}=${v}`);
  const taints = (input.taints ?? []).map((t) => `${t.key}=${t.value}:${t.effect}`);
  const kubeletArgs = [
    "    kubeletExtraArgs:",
    "      - name: cloud-provider",
    "        value: external",
    ...(labels.length > 0 ? ["      - name: node-labels", `        value: "${labels.join(",")}"`] : []),
    ...(taints.length > 0 ? ["      - name: register-with-taints", `        value: "${taints.join(",")}"`] : []),
  ];
  const lines = ["#!/bin/bash", "set -euo pipefail", `# tugboat: kubeadm ${input.role} of cluster ${input.cluster}`];
  lines.push(read("TOKEN", input.parameters.token));
  if (input.role !== "join-worker") lines.push(read("CERTIFICATE_KEY", input.parameters.certificateKey));
  if (input.role !== "init") lines.push(read("CA_CERT_HASH", input.parameters.caCertHash));
  lines.push("cat > /etc/kubernetes/kubeadm.yaml <<EOF");
  if (input.role === "init") {
    lines.push(
      "apiVersion: kubeadm.k8s.io/v1beta4",
      "kind: InitConfiguration",
      "bootstrapTokens:",
      `  - token: ${shellVar("TOKEN")}`,
      "    ttl: 24h0m0s",
      `certificateKey: ${shellVar("CERTIFICATE_KEY")}`,
      "nodeRegistration:",
      ...kubeletArgs,
      "---",
      "apiVersion: kubeadm.k8s.io/v1beta4",
      "kind: ClusterConfiguration",
      `clusterName: ${input.cluster}`,
      `kubernetesVersion: v${input.version}.0`,
      `controlPlaneEndpoint: ${input.endpoint}`,
      "EOF",
      "kubeadm init --config /etc/kubernetes/kubeadm.yaml --upload-certs",
      "export KUBECONFIG=/etc/kubernetes/admin.conf",
      ...CLUSTER_ADDON_MANIFESTS.map((url) => `kubectl apply -f ${url}`),
      // Tugboat reaches the cluster through the kubeconfig and etcd access the first node publishes.
      `/usr/local/bin/tugboat-publish-access ${input.cluster} ${input.parameters.caCertHash}`,
    );
  } else {
    lines.push(
      "apiVersion: kubeadm.k8s.io/v1beta4",
      "kind: JoinConfiguration",
      "discovery:",
      "  bootstrapToken:",
      `    apiServerEndpoint: ${input.endpoint}`,
      `    token: ${shellVar("TOKEN")}`,
      "    caCertHashes:",
      `      - ${shellVar("CA_CERT_HASH")}`,
      ...(input.role === "join-control-plane"
        ? ["controlPlane:", `  certificateKey: ${shellVar("CERTIFICATE_KEY")}`]
        : []),
      "nodeRegistration:",
      ...kubeletArgs,
      "EOF",
      "kubeadm join --config /etc/kubernetes/kubeadm.yaml",
    );
  }
  return Buffer.from(`${lines.join("\n")}\n`, "utf8").toString("base64");
}
