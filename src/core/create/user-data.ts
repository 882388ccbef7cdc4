/**
 * AL2023 user data for a self-managed node: a MIME multi-part document whose nodeadm NodeConfig names
 * the cluster, its API server endpoint, CA and service CIDR, so nodeadm needs no DescribeCluster call.
 */
export function nodeadmUserData(cluster: {
  name: string;
  endpoint: string;
  certificateAuthority: string;
  serviceIpv4Cidr: string;
  labels: Record<string, string>;
  taints: { key: string; value: string; effect: string }[];
}): string {
  const flags: string[] = [];
  const labels = Object.entries(cluster.labels).map(([k, v]) => `${k}=${v}`);
  if (labels.length > 0) flags.push(`--node-labels=${labels.join(",")}`);
  const taints = cluster.taints.map((t) => `${t.key}=${t.value}:${t.effect}`);
  if (taints.length > 0) flags.push(`--register-with-taints=${taints.join(",")}`);
  const boundary = "TUGBOAT";
  const text = [
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    "Content-Type: application/node.eks.aws",
    "",
    "---",
    "apiVersion: node.eks.aws/v1alpha1",
    "kind: NodeConfig",
    "spec:",
    "  cluster:",
    `    name: ${cluster.name}`,
    `    apiServerEndpoint: ${cluster.endpoint}`,
    `    certificateAuthority: ${cluster.certificateAuthority}`,
    `    cidr: ${cluster.serviceIpv4Cidr}`,
    ...(flags.length > 0 ? ["  kubelet:", "    flags:", ...flags.map((f) => `      - "${f}"`)] : []),
    "",
    `--${boundary}--`,
    "",
  ].join("\n");
  return Buffer.from(text, "utf8").toString("base64");
}
