/**
 * What the create and delete steps build from the step's dependencies: the creation port over the
 * same SDK clients (one set per function), and the RBAC applier over the creator's Kubernetes access.
 */

import { CreationAdapter } from "../../src/adapters/aws/creation";
import { EksAdapter } from "../../src/adapters/aws/eks";
import { eksBearerToken } from "../../src/adapters/aws/eks-token";
import { ConnectAdapter } from "../../src/adapters/connect/connect-adapter";
import type { AwsClients } from "../../src/adapters/deps";
import { kubeConfigForCluster } from "../../src/adapters/kube/kube-client";
import type { Deps } from "../../src/core/ports";

export function clientsOf(deps: Deps): AwsClients {
  const clients = (deps as Deps & { clients?: AwsClients }).clients;
  if (!clients) throw new Error("the step's dependencies carry no AWS clients (build them with createAwsDeps)");
  return clients;
}

export function creationPort(deps: Deps): CreationAdapter {
  return new CreationAdapter(clientsOf(deps));
}

/** Applies Tugboat's RBAC as the cluster's creator (its admin access entry), through the Kubernetes API. */
export async function rbacApplier(deps: Deps): Promise<ConnectAdapter> {
  const clients = clientsOf(deps);
  const region = await clients.eks.config.region();
  const eks = new EksAdapter(clients.eks);
  const token = (cluster: string) =>
    eksBearerToken({
      clusterName: cluster,
      region,
      credentials: clients.eks.config.credentials,
      now: deps.clock.now(),
    });
  return new ConnectAdapter({
    eks: clients.eks,
    autoScaling: clients.autoScaling,
    ec2: clients.ec2,
    kubeConfig: (cluster) => kubeConfigForCluster(cluster, { eks, ssm: clients.ssm, secrets: clients.secrets, token }),
  });
}
