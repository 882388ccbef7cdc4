/**
 * Builds every production dependency of the core once (per Lambda cold start, or per sandbox run).
 * In the sandbox the same clients are built and the simulated region is plugged into their middleware
 * stacks through `plugins`; nothing else differs.
 */
import type { Agent as HttpAgent } from "node:http";
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { EKSClient } from "@aws-sdk/client-eks";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Pluggable } from "@smithy/types";
import { TerminalError } from "../core/errors";
import type { Clock, Deps, EtcdPort, Log } from "../core/ports";
import { AutoScalingAdapter } from "./aws/auto-scaling";
import { Ec2Adapter } from "./aws/ec2";
import { EksAdapter } from "./aws/eks";
import { eksBearerToken } from "./aws/eks-token";
import { SfnExecutionStatus } from "./aws/executions";
import { LoadBalancersAdapter } from "./aws/load-balancers";
import { SsmParametersAdapter } from "./aws/parameters";
import { DynamoStateStore } from "./aws/state-store";
import { ArcZonalShiftAdapter, arcZonalShiftSend, type ListZonalShiftsSend } from "./aws/zonal-shifts";
import { readEtcdAccess } from "./etcd/etcd-access";
import { EtcdAdapter } from "./etcd/etcd-adapter";
import type { KubeAdapter } from "./kube/kube-adapter";
import { powertoolsLog } from "./powertools-log";

/** Service names handed to `plugins`, one per client (and "sts" for the token's signer, see below). */
export type AwsServiceName =
  | "autoscaling"
  | "ec2"
  | "eks"
  | "elasticloadbalancing"
  | "ssm"
  | "secretsmanager"
  | "sfn"
  | "sts";

// biome-ignore lint/suspicious/noExplicitAny: a plugin serves clients of every service, whatever their input and output types.
export type AwsPlugin = Pluggable<any, any>;

export interface AwsDepsOptions {
  region: string;
  tableName: string;
  /** Spread into every client's configuration (credentials, retryStrategy, maxAttempts, …). */
  clientConfig?: object;
  /** Middleware to add to a service's client (the sandbox's simulated region). DynamoDB gets none. */
  plugins?: (service: string) => AwsPlugin[];
  clock?: Clock;
  log?: Log;
  /** DynamoDB endpoint override (dynalite on loopback in the sandbox and in tests). */
  dynamoEndpoint?: string;
  /**
   * The HTTP agent that reaches an endpoint (DynamoDB's, a cluster's API server), when it is not the
   * clients' own: the sandbox's servers run in the same process (src/sandbox/in-process-agent.ts).
   */
  agentFor?: (url: string) => HttpAgent | undefined;
  /** How ListZonalShifts is sent (the sandbox's region); by default a signed GET of ARC's REST API. */
  zonalShiftSend?: ListZonalShiftsSend;
}

export interface AwsClients {
  autoScaling: AutoScalingClient;
  ec2: EC2Client;
  eks: EKSClient;
  elasticLoadBalancing: ElasticLoadBalancingV2Client;
  ssm: SSMClient;
  secrets: SecretsManagerClient;
  sfn: SFNClient;
  dynamo: DynamoDBDocumentClient;
}

export function createAwsClients(opts: AwsDepsOptions): AwsClients {
  const config = { region: opts.region, ...(opts.clientConfig ?? {}) };
  const withPlugins = <T extends { middlewareStack: { use(plugin: AwsPlugin): void } }>(
    service: AwsServiceName,
    client: T,
  ): T => {
    for (const plugin of opts.plugins?.(service) ?? []) client.middlewareStack.use(plugin);
    return client;
  };
  const dynamoAgent = opts.dynamoEndpoint ? opts.agentFor?.(opts.dynamoEndpoint) : undefined;
  const dynamo = new DynamoDBClient({
    ...config,
    ...(opts.dynamoEndpoint ? { endpoint: opts.dynamoEndpoint } : {}),
    ...(dynamoAgent ? { requestHandler: { httpAgent: dynamoAgent } } : {}),
  });
  return {
    autoScaling: withPlugins("autoscaling", new AutoScalingClient(config)),
    ec2: withPlugins("ec2", new EC2Client(config)),
    eks: withPlugins("eks", new EKSClient(config)),
    elasticLoadBalancing: withPlugins("elasticloadbalancing", new ElasticLoadBalancingV2Client(config)),
    ssm: withPlugins("ssm", new SSMClient(config)),
    secrets: withPlugins("secretsmanager", new SecretsManagerClient(config)),
    sfn: withPlugins("sfn", new SFNClient(config)),
    // Undefined attributes are dropped rather than refused; the store never relies on writing them.
    dynamo: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
  };
}

/**
 * The Kubernetes client, loaded on the first Kubernetes call rather than at cold start. A function
 * without `kube` access is bundled with `process.env.TUGBOAT_KUBE_CLIENT` defined as "omitted"
 * (stacks/lib/bundling.ts): esbuild folds the test and leaves @kubernetes/client-node (about 3.5 MB)
 * out of its bundle. Such a function has no access entry in any cluster, so it could not reach
 * Kubernetes anyway.
 */
function loadKubeClient(): Promise<typeof import("./kube/kube-client")> {
  return process.env.TUGBOAT_KUBE_CLIENT === "omitted"
    ? Promise.reject(
        new TerminalError(
          "this function was bundled without the Kubernetes client: give its step `kube` access in workflows/index.ts",
        ),
      )
    : import("./kube/kube-client");
}

/** How long built Kubernetes access is reused (an EKS token is valid for 15 minutes). */
export const KUBE_ACCESS_REUSE_MS = 5 * 60_000;

/** How long etcd access read from its secret is reused before the secret is read again. */
export const ETCD_ACCESS_REUSE_MS = 5 * 60_000;

export function createAwsDeps(
  opts: AwsDepsOptions,
): Deps & { clients: AwsClients; loadBalancers: LoadBalancersAdapter } {
  const clients = createAwsClients(opts);
  const clock: Clock = opts.clock ?? { now: () => new Date() };
  const log = opts.log ?? powertoolsLog();
  const eks = new EksAdapter(clients.eks);

  // The EKS token is a presigned STS URL built locally: no STS request is sent, so there is no STS
  // client to plug into. It is signed with the credentials the EKS client resolved, at the clock's
  // time (virtual time in the sandbox, so that the simulated API server sees a fresh token).
  const token = (cluster: string) =>
    eksBearerToken({
      clusterName: cluster,
      region: opts.region,
      credentials: clients.eks.config.credentials,
      now: clock.now(),
    });

  // One adapter per cluster, reused for a while: the secret is read once, and its TLS agent keeps its
  // connections. Not for ever: a warm function outlives clusters, and a self-managed cluster deleted and
  // created again under its name publishes new etcd access.
  const etcdByCluster = new Map<string, { port: Promise<EtcdPort>; builtAtMs: number }>();
  const etcd = (cluster: string): Promise<EtcdPort> => {
    const nowMs = clock.now().getTime();
    const cached = etcdByCluster.get(cluster);
    if (cached && nowMs - cached.builtAtMs < ETCD_ACCESS_REUSE_MS) return cached.port;
    const port = readEtcdAccess(cluster, clients.secrets).then((access): EtcdPort => new EtcdAdapter(access));
    // A failed read is not remembered: the next step may find the secret.
    port.catch(() => etcdByCluster.delete(cluster));
    etcdByCluster.set(cluster, { port, builtAtMs: nowMs });
    return port;
  };

  // Kubernetes access is reused for a while: building it costs a DescribeCluster (or a parameter read)
  // and a token, and a step may ask for it several times. EKS tokens live 15 minutes; reuse stops well
  // before, by the clock the token was signed with.
  const kubeByCluster = new Map<string, { port: Promise<KubeAdapter>; builtAtMs: number }>();
  const kube = (cluster: string): Promise<KubeAdapter> => {
    const nowMs = clock.now().getTime();
    const cached = kubeByCluster.get(cluster);
    if (cached && nowMs - cached.builtAtMs < KUBE_ACCESS_REUSE_MS) return cached.port;
    const port = loadKubeClient().then(async ({ kubeConfigForCluster, KubeAdapter }) => {
      const config = await kubeConfigForCluster(cluster, {
        eks,
        ssm: clients.ssm,
        secrets: clients.secrets,
        token,
        ...(opts.agentFor ? { agentFor: opts.agentFor } : {}),
      });
      return new KubeAdapter(config, { clock });
    });
    port.catch(() => kubeByCluster.delete(cluster));
    kubeByCluster.set(cluster, { port, builtAtMs: nowMs });
    return port;
  };

  return {
    clients,
    autoScaling: new AutoScalingAdapter(clients.autoScaling),
    ec2: new Ec2Adapter(clients.ec2),
    eks,
    kube,
    etcd,
    parameters: new SsmParametersAdapter(clients.ssm),
    loadBalancers: new LoadBalancersAdapter(clients.elasticLoadBalancing),
    zonalShifts: new ArcZonalShiftAdapter(
      // Signed with the credentials the EKS client resolved (the default provider chain, or clientConfig's).
      opts.zonalShiftSend ?? arcZonalShiftSend({ region: opts.region, credentials: clients.eks.config.credentials }),
    ),
    state: new DynamoStateStore(clients.dynamo, opts.tableName),
    executions: new SfnExecutionStatus(clients.sfn),
    clock,
    log,
  };
}
