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
import type { Scenario } from "../../scenario/schema";
import { eksTokenAuthenticator } from "./eks-token";
import { AUTHENTICATED_GROUP, type Authenticate, type Identity } from "./identity";

/** The user a self-managed cluster's kubeconfig token stands for. */
export const KUBECONFIG_IDENTITY: Identity = {
  username: "tugboat",
  groups: [TUGBOAT_KUBE_GROUP, AUTHENTICATED_GROUP],
  unrestricted: false,
};

export function sandboxAuthenticator(scenario: Scenario, region: SimulatedRegion, clock: VirtualClock): Authenticate {
  if (scenario.cluster.kind !== "eks") {
    const token = region.kubeToken();
    return (presented) => (presented === token ? KUBECONFIG_IDENTITY : undefined);
  }
  // The cluster served can be one created during the run (an account scenario), so it is read per request;
  // a created self-managed cluster accepts the token of the kubeconfig its first node published.
  return (presented) =>
    region.kubeadm.boundCluster() !== undefined && region.kubeClusterName() === region.kubeadm.boundCluster()
      ? presented === region.kubeToken()
        ? KUBECONFIG_IDENTITY
        : undefined
      : eksTokenAuthenticator({
          clusterName: region.kubeClusterName(),
          regionName: scenario.region,
          nowMs: () => clock.nowMs(),
          credential: sandboxCredential,
          accessEntry: (principalArn) => region.accessEntryIdentity(principalArn),
        })(presented);
}
