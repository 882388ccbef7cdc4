/**
 * How the sandbox's API server knows who is calling: an EKS cluster accepts EKS tokens, checked
 * against the sandbox's STS credentials and mapped through the cluster's access entries; a
 * self-managed cluster accepts the token of the kubeconfig it hands Tugboat (`/tugboat/<c>/kubeconfig`),
 * a user in Tugboat's RBAC group, as a static token file would define it.
 */
import { TUGBOAT_KUBE_GROUP } from "../../../core/connect/rbac";
import { sandboxCredential } from "../../aws/identities";
import type { SimulatedRegion } from "../../aws/region";
import type { VirtualClock } from "../../clock";
import { eksTokenAuthenticator } from "./eks-token";
import { AUTHENTICATED_GROUP, type Authenticate, type Identity } from "./identity";

/** The user a self-managed cluster's kubeconfig token stands for. */
export const KUBECONFIG_IDENTITY: Identity = {
  username: "tugboat",
  groups: [TUGBOAT_KUBE_GROUP, AUTHENTICATED_GROUP],
  unrestricted: false,
};

/** The authenticator of one cluster's API server: tokens for that cluster, through its own access entries. */
export function sandboxAuthenticator(
  cluster: { name: string; kind: "eks" | "self-managed" },
  region: SimulatedRegion,
  clock: VirtualClock,
): Authenticate {
  if (cluster.kind !== "eks") {
    const token = region.kubeToken();
    return (presented) => (presented === token ? KUBECONFIG_IDENTITY : undefined);
  }
  return eksTokenAuthenticator({
    clusterName: cluster.name,
    regionName: region.regionName,
    nowMs: () => clock.nowMs(),
    credential: sandboxCredential,
    accessEntry: (principalArn) => region.accessEntryIdentity(cluster.name, principalArn),
  });
}
