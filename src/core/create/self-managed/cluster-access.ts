/**
 * How Tugboat reaches a self-managed cluster once its first node is up: the kubeconfig that node
 * publishes as the SSM parameter /tugboat/<cluster>/kubeconfig and the etcd access it keeps in the
 * Secrets Manager secret tugboat/<cluster>/etcd. Both outlive the instances, so deleting the cluster
 * deletes them: left behind, a cluster created again under the name would read the old cluster's
 * endpoint and credentials and fail.
 */
import type { AccessSecretsPort, JoinMaterialPort } from "./ports";

export function clusterAccessNames(cluster: string): { kubeconfigParameter: string; etcdSecret: string } {
  return { kubeconfigParameter: `/tugboat/${cluster}/kubeconfig`, etcdSecret: `tugboat/${cluster}/etcd` };
}

/**
 * Deletes both, whichever exist. Counted by the parameter alone: the node publishes the two together,
 * and a forced secret deletion does not say whether there was one.
 */
export async function deleteClusterAccess(
  parameters: Pick<JoinMaterialPort, "deleteParameter">,
  secrets: AccessSecretsPort,
  cluster: string,
): Promise<number> {
  const names = clusterAccessNames(cluster);
  const [parameter] = await Promise.all([
    parameters.deleteParameter(names.kubeconfigParameter),
    secrets.deleteSecret(names.etcdSecret),
  ]);
  return parameter === "deleted" ? 1 : 0;
}
