/**
 * The sandbox's Kubernetes clusters: one simulated API server per cluster the region holds, as in
 * EKS, each with its own store, endpoint, CA and token audience (an EKS token for one cluster is
 * refused by another's API server; access entries are per cluster). The scenario's cluster is served
 * from the start; each cluster EKS creates gets a server of its own when CreateCluster is accepted
 * (region.ts asks through KubeProvisioner). In an account without a scenario cluster, the first
 * cluster created takes the server started with the sandbox, so `sandbox.cluster` is that one.
 *
 * Machines reach the cluster they register with: the fleet names it on each launched instance (the
 * API server the node's bootstrap names, aws/node-join.ts); later news of the same instance goes to
 * the cluster that heard of it first. A name no server serves falls back to the sandbox's first
 * cluster, as when the sandbox had one API server.
 *
 * A self-managed cluster gets its API server when kubeadm init is accepted on its first node
 * (aws/self-managed-kubeadm.ts): its Kubernetes side models the control plane (static pods, etcd behind
 * a gateway of its own) from then on, and its kubelets register there through the NLB endpoint their
 * kubeadm configuration names. Once that node is Ready, its kubeconfig and etcd access are published
 * and Tugboat's RBAC is applied to that cluster's API server.
 */
import { tugboatRbac } from "../adapters/kube/rbac-manifest";
import { hashString } from "./aws/ids";
import type { SimulatedRegion } from "./aws/region";
import { SeededRandom, type VirtualClock } from "./clock";
import { type EtcdGateway, startEtcdGateway } from "./etcd/gateway";
import type { InProcessServers } from "./in-process-agent";
import type { KubeRequestLog } from "./kube/auth/request-log";
import { sandboxAuthenticator } from "./kube/auth/sandbox-authenticator";
import { SimulatedCluster } from "./kube/cluster";
import { type KubeApiServer, startKubeApiServer } from "./kube/server";
import type { InstanceLifecycleListener, LaunchedInstance } from "./links";
import { EMPTY_CLUSTER, type Scenario } from "./scenario/schema";
import type { TimingModel } from "./timing/model";

export interface ServedCluster {
  name: string;
  cluster: SimulatedCluster;
  endpoint: string;
  caData: string;
}

export class SandboxClusters implements InstanceLifecycleListener {
  private readonly byName = new Map<string, SimulatedCluster>();
  private readonly byInstance = new Map<string, SimulatedCluster>();
  private readonly servers: KubeApiServer[] = [];
  private readonly etcdGateways: EtcdGateway[] = [];
  private readonly all: SimulatedCluster[];
  private readonly endpoints = new Map<SimulatedCluster, { endpoint: string; caData: string }>();
  /** The cluster the first server serves: the scenario's, or the first created; undefined until then. */
  private homeName: string | undefined;
  private homeKind: "eks" | "self-managed";
  private region: SimulatedRegion | undefined;

  constructor(
    /** The sandbox's first cluster (`sandbox.cluster`), built from the scenario. */
    readonly home: SimulatedCluster,
    private readonly opts: {
      scenario: Scenario;
      clock: VirtualClock;
      timing: TimingModel;
      kubeRequests: KubeRequestLog;
      /** Where each API server is registered for in-process connections. */
      inProcess?: InProcessServers;
    },
  ) {
    this.all = [home];
    this.homeKind = opts.scenario.cluster.kind;
    const name = opts.scenario.cluster.name;
    if (name) {
      this.homeName = name;
      this.byName.set(name, home);
    }
  }

  /**
   * Starts the first cluster's API server and wires the region to the clusters: the scenario cluster
   * is served at once; created ones are provisioned as EKS accepts them.
   */
  async start(region: SimulatedRegion): Promise<void> {
    this.region = region;
    // The first server's cluster can be one created later (an account scenario): its name is read per request.
    const server = await this.serve(
      this.home,
      () => this.homeName,
      () => this.homeKind,
    );
    this.endpoints.set(this.home, { endpoint: server.url, caData: "" });
    if (this.homeName) region.setKubeEndpoint(server.url);
    region.setKubeProvisioner({
      provision: (cluster) => this.provision(cluster),
      retire: (name) => this.retire(name),
    });
    region.kubeadm.onInit = ({ name, version }) => {
      region.provisionKube(name, version ?? this.opts.scenario.cluster.version, "self-managed");
      // Known by name at once (provisioning names it before its server listens).
      const controlPlane = this.clusterNamed(name).enableControlPlane();
      if (controlPlane) controlPlane.join.stalled = (id) => region.kubeadm.etcdStalled(id);
    };
    region.kubeadm.setPublisher({
      publish: (name) => {
        region.publishSelfManagedAccess(name);
        const cluster = this.clusterNamed(name);
        for (const object of tugboatRbac({ forceDrain: false })) cluster.state.rbac.put(object);
      },
    });
  }

  /** The cluster whose API server serves `name` (the first cluster when none does). */
  clusterNamed(name: string): SimulatedCluster {
    return this.byName.get(name) ?? this.home;
  }

  /** Every cluster with an API server, the first one included (served or not yet). */
  clusters(): readonly SimulatedCluster[] {
    return this.all;
  }

  /** Requests served by every API server, and their sampled round trips. */
  apiCalls(): number {
    return this.all.reduce((sum, cluster) => sum + cluster.apiCalls(), 0);
  }

  apiCallSeconds(): number {
    return this.all.reduce((sum, cluster) => sum + cluster.apiCallSeconds(), 0);
  }

  async close(): Promise<void> {
    for (const server of this.servers.splice(0)) await server.close();
    for (const gateway of this.etcdGateways.splice(0)) await gateway.close();
  }

  // --- InstanceLifecycleListener: each machine's news goes to the cluster it registers with ---------

  instanceRunning(instance: LaunchedInstance): void {
    const cluster = this.clusterNamed(instance.clusterName);
    this.byInstance.set(instance.instanceId, cluster);
    cluster.instanceRunning(instance);
  }

  instanceShuttingDown(instanceId: string): void {
    this.byInstance.get(instanceId)?.instanceShuttingDown(instanceId);
  }

  instanceTerminated(instanceId: string): void {
    this.byInstance.get(instanceId)?.instanceTerminated(instanceId);
  }

  // --- Provisioning -----------------------------------------------------------------------------

  /**
   * Starts the API server of a cluster created during the run: EKS's (region.ts calls it on CreateCluster),
   * or a self-managed control plane's, which then answers the kubeconfig token of the region.
   */
  private async provision(created: {
    name: string;
    version: string;
    kind?: "eks" | "self-managed";
  }): Promise<{ endpoint: string; caData: string }> {
    const kind = created.kind ?? "eks";
    // A kubeadm cluster's CA is kubeadm's own (nodes pin its hash, aws/self-managed-kubeadm.ts): its kubeconfig,
    // like the scenario cluster's, reaches the plain-HTTP server without one.
    const caData = kind === "eks" ? clusterCa(created.name, this.opts.scenario.seed) : "";
    // The first server takes the first cluster created, or the next once that one is deleted, unless a
    // deleted kubeadm cluster left its etcd members there.
    if (this.homeName === undefined && (this.home.etcd?.list().length ?? 0) === 0) {
      this.homeName = created.name;
      this.homeKind = kind;
      this.byName.set(created.name, this.home);
      const served = this.endpoints.get(this.home);
      if (!served) throw new Error("the sandbox's first API server has not started");
      served.caData = caData;
      return { endpoint: served.endpoint, caData };
    }
    const { scenario, clock, timing } = this.opts;
    const cluster = new SimulatedCluster({
      scenario: { ...scenario, cluster: { ...EMPTY_CLUSTER, name: created.name, kind, version: created.version } },
      clock,
      // Its own random stream: creating a cluster leaves every other name of the run as it was.
      rng: new SeededRandom(hashString(`${scenario.seed}:cluster:${created.name}`)),
      timing,
      kubeadm: kind === "self-managed",
    });
    cluster.seedWorkloads();
    // Known by name before its server listens, so the region can reach its store at once.
    this.byName.set(created.name, cluster);
    this.all.push(cluster);
    const server = await this.serve(
      cluster,
      () => created.name,
      () => kind,
    );
    this.endpoints.set(cluster, { endpoint: server.url, caData });
    // A kubeadm control plane's etcd, reached by Tugboat through the etcd secret its first node publishes.
    if (cluster.etcd) {
      const gateway = await startEtcdGateway(cluster.etcd);
      this.etcdGateways.push(gateway);
      this.region?.setEtcdEndpoint(gateway.url, created.name);
    }
    return { endpoint: server.url, caData };
  }

  /** A deleted cluster's API server stops serving it: its name no longer reaches it. */
  private retire(name: string): void {
    this.byName.delete(name);
    if (this.homeName === name && !this.opts.scenario.cluster.name) this.homeName = undefined;
  }

  private async serve(
    cluster: SimulatedCluster,
    name: () => string | undefined,
    kind: () => "eks" | "self-managed",
  ): Promise<KubeApiServer> {
    const region = this.region;
    if (!region) throw new Error("start() wires the region before any API server is served");
    const authenticators = new Map<string, ReturnType<typeof sandboxAuthenticator>>();
    const server = await startKubeApiServer(cluster, {
      authenticate: (token) => {
        const served = name();
        if (served === undefined) return undefined;
        const key = `${kind()}:${served}`;
        let authenticate = authenticators.get(key);
        if (!authenticate) {
          authenticate = sandboxAuthenticator({ name: served, kind: kind() }, region, this.opts.clock);
          authenticators.set(key, authenticate);
        }
        return authenticate(token);
      },
      onAuthorized: (request) => this.opts.kubeRequests.record(request),
    });
    this.servers.push(server);
    this.opts.inProcess?.add(server.url, server.httpServer);
    return server;
  }
}

/**
 * A cluster's CA bundle as EKS returns it (base64 PEM): distinct per cluster, so a node given another
 * cluster's CA fails its TLS handshake. Derived from the name and seed: no random stream moves.
 */
function clusterCa(name: string, seed: number): string {
  const body = Buffer.from(`tugboat sandbox cluster CA ${name} ${hashString(`${seed}:ca:${name}`).toString(16)}`)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n");
  return Buffer.from(`-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`, "utf8").toString("base64");
}
