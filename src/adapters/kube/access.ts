/**
 * How Tugboat reaches a cluster's Kubernetes API (DESIGN §7):
 *  - an EKS cluster (DescribeCluster finds it): its endpoint and CA, and a bearer token in the
 *    aws-iam-authenticator format, which EKS access entries map to Tugboat's role;
 *  - any other cluster: a kubeconfig (YAML or JSON) kept in SSM Parameter Store at
 *    /tugboat/<cluster>/kubeconfig (SecureString), or else in Secrets Manager as tugboat/<cluster>/kubeconfig.
 * Nothing is cached here: a KubeConfig holds a token that expires, and the caller knows how long it lives.
 */

import type { Agent } from "node:http";
import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { KubeConfig } from "@kubernetes/client-node";
import { RetryableError, TerminalError } from "../../core/errors";
import type { EksClusterState } from "../../core/model/aws";
import type { EksPort } from "../../core/ports";
import { isNotFound, toStepError } from "../aws/classify";
import { PooledKubeConfig } from "./pooled-kube-config";

export interface KubeAccessDeps {
  eks: EksPort;
  ssm: SSMClient;
  secrets: SecretsManagerClient;
  /** A bearer token for an EKS cluster (eksBearerToken in production). */
  token: (cluster: string) => Promise<string>;
  /** The agent that reaches a server, when it is not the client's own (AwsDepsOptions.agentFor). */
  agentFor?: (url: string) => Agent | undefined;
}

export const kubeconfigParameterName = (cluster: string) => `/tugboat/${cluster}/kubeconfig`;
export const kubeconfigSecretId = (cluster: string) => `tugboat/${cluster}/kubeconfig`;

/** Statuses during which an EKS cluster may not have an endpoint yet, but will. */
const SETTLING_STATUSES = new Set(["CREATING", "UPDATING", "PENDING"]);
const TUGBOAT_USER = "tugboat";

export async function kubeConfigForCluster(cluster: string, deps: KubeAccessDeps): Promise<KubeConfig> {
  const eksCluster = await deps.eks.describeCluster(cluster);
  if (eksCluster) return connected(eksKubeConfig(eksCluster, await deps.token(cluster)), deps);

  const fromSsm = await readSsmKubeconfig(cluster, deps.ssm);
  if (fromSsm !== undefined)
    return connected(parseKubeconfig(fromSsm, `SSM parameter ${kubeconfigParameterName(cluster)}`), deps);

  const fromSecret = await readSecretKubeconfig(cluster, deps.secrets);
  if (fromSecret !== undefined)
    return connected(parseKubeconfig(fromSecret, `Secrets Manager secret ${kubeconfigSecretId(cluster)}`), deps);

  throw new TerminalError(
    `no way to reach the Kubernetes API of cluster ${cluster}: it is not an EKS cluster in this account and region, ` +
      `there is no SSM parameter ${kubeconfigParameterName(cluster)} and no Secrets Manager secret ${kubeconfigSecretId(cluster)}`,
  );
}

function connected(kc: PooledKubeConfig, deps: KubeAccessDeps): PooledKubeConfig {
  const server = kc.getCurrentCluster()?.server;
  return server && deps.agentFor ? kc.connectThrough(deps.agentFor(server)) : kc;
}

function eksKubeConfig(eksCluster: EksClusterState, token: string): PooledKubeConfig {
  if (!eksCluster.endpoint) {
    const message = `EKS cluster ${eksCluster.name} has no API endpoint (status ${eksCluster.status || "unknown"})`;
    if (SETTLING_STATUSES.has(eksCluster.status)) throw new RetryableError(`${message}; it should have one soon`);
    throw new TerminalError(message);
  }
  const kc = new PooledKubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: eksCluster.name,
        server: eksCluster.endpoint,
        caData: eksCluster.certificateAuthorityData,
        // Real EKS endpoints are https and verified against the cluster CA. A plain-http endpoint (the
        // sandbox's API server on loopback) has no TLS to verify, and the client refuses http without this.
        skipTLSVerify: eksCluster.endpoint.startsWith("http:"),
      },
    ],
    users: [{ name: TUGBOAT_USER, token }],
    contexts: [{ name: eksCluster.name, cluster: eksCluster.name, user: TUGBOAT_USER }],
    currentContext: eksCluster.name,
  });
  return kc;
}

async function readSsmKubeconfig(cluster: string, ssm: SSMClient): Promise<string | undefined> {
  const name = kubeconfigParameterName(cluster);
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return out.Parameter?.Value;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw toStepError(err, `reading the kubeconfig of cluster ${cluster} from SSM parameter ${name}`);
  }
}

async function readSecretKubeconfig(cluster: string, secrets: SecretsManagerClient): Promise<string | undefined> {
  const secretId = kubeconfigSecretId(cluster);
  let out: GetSecretValueCommandOutput;
  try {
    out = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw toStepError(err, `reading the kubeconfig of cluster ${cluster} from Secrets Manager secret ${secretId}`);
  }
  if (out.SecretString !== undefined) return out.SecretString;
  if (out.SecretBinary !== undefined) return Buffer.from(out.SecretBinary).toString("utf8");
  return undefined;
}

function parseKubeconfig(text: string, source: string): PooledKubeConfig {
  const kc = new PooledKubeConfig();
  try {
    // YAML is a superset of JSON, so this reads either form.
    kc.loadFromString(text);
  } catch (err) {
    throw new TerminalError(
      `the kubeconfig in ${source} is not valid: ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
      },
    );
  }
  const current = kc.getCurrentCluster();
  if (!current?.server) {
    throw new TerminalError(
      `the kubeconfig in ${source} names no cluster server for its current context "${kc.getCurrentContext() || "(none)"}"`,
    );
  }
  return kc;
}
