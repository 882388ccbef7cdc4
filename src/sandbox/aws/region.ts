/**
 * The simulated AWS region: Auto Scaling, EC2, EKS, Elastic Load Balancing v2, SSM, Secrets Manager,
 * Step Functions and STS, answering SDK v3 commands by name (plugin.ts puts it under the real clients).
 * It is built from a scenario, moves on the VirtualClock, and draws every random choice from seeded
 * streams, so a seed fixes a run.
 */

import { TUGBOAT_KUBE_GROUP } from "../../core/connect/rbac";
import type { SeededRandom, VirtualClock } from "../clock";
import type { ResourceDirectory } from "../iam/requests";
import type { AccessEntryIdentity } from "../kube/auth/eks-token";
import type { ClusterControl, InstanceLifecycleListener } from "../links";
import type { Scenario } from "../scenario/schema";
import { TimingModel } from "../timing/model";
import { buildAccount } from "./account-build";
import { creationCommands } from "./asg-create";
import { AutoScalingEngine } from "./asg-engine";
import { lifecycleHookCommands } from "./asg-hooks";
import { AutoScalingApi, type CommandHandler } from "./autoscaling";
import { buildFromScenario } from "./build-from-scenario";
import { AmiCatalog } from "./catalog";
import { type ClusterInventory, clusterInventory } from "./cluster-inventory";
import {
  type ExecutionStatusProvider,
  type StepFunctionsBackend,
  stepFunctionsCommands,
  stsCommands,
} from "./control-services";
import { ec2InstanceCommands } from "./ec2-instances";
import { availableAddresses, ec2ResourceCommands } from "./ec2-resources";
import { ec2TemplateCommands } from "./ec2-templates";
import { EksApi } from "./eks";
import { EksClusterCreation } from "./eks-create";
import { EksGroupCreation } from "./eks-create-groups";
import type { KubeAccess, KubeServer } from "./eks-shapes";
import { eksError, type ServiceId, throttlingError, unsupportedCommand } from "./errors";
import { type RegionEvent, RegionEventBus } from "./events";
import { FaultInjector } from "./faults";
import { Ec2Fleet } from "./fleet";
import { OPERATOR_ROLE_NAME, roleArn, sandboxKubeRoleArns } from "./identities";
import { forkRandom, IdFactory } from "./ids";
import type { CommandInput } from "./input";
import { resolveVersion } from "./launch-templates";
import type { SimGroup } from "./model";
import { kubeletJoin } from "./node-join";
import {
  type EtcdAccess,
  etcdSecretName,
  kubeconfigParameterName,
  parameterCommands,
  renderEtcdSecret,
  renderKubeconfig,
  secretCommands,
} from "./params";
import { PublishedSecrets } from "./published-secrets";
import { SimulatedKubeadm } from "./self-managed-kubeadm";
import { SimulatedLoadBalancers } from "./self-managed-nlb";
import { ParameterStore } from "./self-managed-parameters";
import { runCommandHandlers } from "./self-managed-run-command";
import { type RegionSnapshot, takeSnapshot } from "./snapshot";
import { autoScalingTagCommands, ec2TagCommands } from "./tagging";
import { type ApiServerVersion, type RegionContext, RegionWorld, SANDBOX_ACCOUNT_ID } from "./world";
import { activeZonalShifts } from "./zonal-shifts";

/** EC2 gives a Spot instance two minutes' warning before it interrupts it. */
export const SPOT_WARNING_SECONDS = 120;

const SERVICE_ALIASES: Record<string, ServiceId> = {
  autoscaling: "autoscaling",
  "auto-scaling": "autoscaling",
  ec2: "ec2",
  eks: "eks",
  elasticloadbalancing: "elasticloadbalancing",
  "elastic-load-balancing-v2": "elasticloadbalancing",
  elbv2: "elasticloadbalancing",
  ssm: "ssm",
  secretsmanager: "secretsmanager",
  "secrets-manager": "secretsmanager",
  sfn: "sfn",
  states: "sfn",
  stepfunctions: "sfn",
  sts: "sts",
};

export class SimulatedRegion {
  readonly regionName: string;
  private readonly ctx: RegionContext;
  private readonly engine: AutoScalingEngine;
  private readonly fleet: Ec2Fleet;
  private readonly kube: KubeAccess;
  private readonly etcdAccess: EtcdAccess = {};
  /** etcd of self-managed clusters created during the run, each behind its own gateway. */
  private readonly etcdEndpoints = new Map<string, EtcdAccess>();
  private readonly handlers: Record<ServiceId, Record<string, CommandHandler>>;
  private readonly requestIds: IdFactory;
  private readonly callCounts = new Map<string, number>();
  private readonly terminateCallCounts = new Map<string, number>();
  private totalCalls = 0;
  private executionStatus?: ExecutionStatusProvider;
  private stepFunctions?: StepFunctionsBackend;
  private readonly eks: EksApi;
  private readonly creation: EksClusterCreation;
  private readonly secretArns = new Map<string, string>();
  private readonly publishedSecrets: PublishedSecrets;
  /** Each cluster's simulated API server, by cluster name. */
  private readonly kubeServers = new Map<string, KubeServer>();
  private kubeProvisioner?: KubeProvisioner;
  /** API servers being started for clusters just created: calls wait for them, as nothing else is async. */
  private readonly kubeStarting = new Set<Promise<unknown>>();
  /** Self-managed (kubeadm) clusters: the API server's load balancers, SSM parameters written, kubeadm's checks. */
  readonly loadBalancers: SimulatedLoadBalancers;
  readonly parameterStore: ParameterStore;
  readonly kubeadm: SimulatedKubeadm;

  constructor(opts: {
    scenario: Scenario;
    clock: VirtualClock;
    rng: SeededRandom;
    listener: InstanceLifecycleListener;
    cluster: ClusterControl & Partial<ApiServerVersion>;
    /** Each cluster's Kubernetes side by name (a sandbox with several API servers); default: `cluster` for all. */
    clusters?: (clusterName: string) => ClusterControl & Partial<ApiServerVersion>;
    /** Shared with the cluster in a sandbox; a region built alone samples with a model of its own. */
    timing?: TimingModel;
  }) {
    const { scenario, clock, rng } = opts;
    this.regionName = scenario.region;
    // Fork every stream up front, in a fixed order, so they never depend on what happens later.
    const ids = new IdFactory(forkRandom(rng));
    const tokens = new IdFactory(forkRandom(rng));
    const throttleRng = forkRandom(rng);
    const random = { scaleIn: forkRandom(rng), eksUpdate: forkRandom(rng) };
    this.requestIds = new IdFactory(forkRandom(rng));
    const catalogSeed = Math.floor(rng.next() * 0x7fffffff);
    const kubeRng = forkRandom(rng);

    this.ctx = {
      scenario,
      regionName: scenario.region,
      clock,
      ids,
      tokens,
      random,
      listener: opts.listener,
      clusterControl: opts.clusters ?? (() => opts.cluster),
      world: new RegionWorld(),
      catalog: new AmiCatalog(catalogSeed),
      faults: new FaultInjector(scenario.faults, throttleRng),
      events: new RegionEventBus(clock, tokens, scenario.region),
      timing: opts.timing ?? new TimingModel(scenario.timing, scenario.seed, () => clock.nowMs()),
    };
    const token = `tugboat-sandbox-${kubeRng.hex(32)}`;
    const scenarioPlaceholder =
      scenario.cluster.kind === "eks"
        ? `https://${kubeRng.hex(32).toUpperCase()}.gr7.${scenario.region}.eks.amazonaws.com`
        : `https://${scenario.cluster.name}-api.tugboat.internal:6443`;
    this.kube = {
      token,
      serverOf: (name) => this.kubeServers.get(name),
      clusterAt: (endpoint) => {
        for (const [name, server] of this.kubeServers) if (server.endpoint === endpoint) return name;
        return undefined;
      },
      // An EKS endpoint's host carries the same id as the cluster's OIDC issuer.
      placeholderEndpoint: (name) => {
        const oidcId = name === scenario.cluster.name ? undefined : this.ctx.world.clusters.get(name)?.oidcId;
        return oidcId ? `https://${oidcId}.gr7.${scenario.region}.eks.amazonaws.com` : scenarioPlaceholder;
      },
    };
    const secretSuffix = kubeRng.hex(6);

    this.fleet = new Ec2Fleet(this.ctx);
    this.engine = new AutoScalingEngine(this.ctx, this.fleet);
    const recordTerminate = (instanceId: string) =>
      this.terminateCallCounts.set(instanceId, (this.terminateCallCounts.get(instanceId) ?? 0) + 1);
    const autoScaling = new AutoScalingApi(this.ctx, this.engine, lifecycleHookCommands(this.engine)).handlers();
    const terminateInGroup = autoScaling.TerminateInstanceInAutoScalingGroup as CommandHandler;
    autoScaling.TerminateInstanceInAutoScalingGroup = (input) => {
      if (typeof input.InstanceId === "string") recordTerminate(input.InstanceId);
      return terminateInGroup(input);
    };
    const eks = new EksApi(this.ctx, this.engine, this.kube);
    this.eks = eks;
    autoScaling.CreateOrUpdateTags = autoScalingTagCommands(this.ctx).CreateOrUpdateTags as CommandHandler;
    // Creating clusters, node groups, add-ons, groups and templates (eks-create*.ts, asg-create.ts).
    this.creation = new EksClusterCreation(this.ctx, eks.access, this.kube, {
      created: (cluster) => this.provisionKube(cluster.name, cluster.version),
      deleted: (name) => this.retireKube(name),
    });
    const requireCluster = (name: string) => {
      const found = this.ctx.world.clusters.get(name);
      if (!found)
        throw eksError("ResourceNotFoundException", `No cluster found for name: ${name}.`, { clusterName: name });
      return found;
    };
    const groupCreation = new EksGroupCreation(this.ctx, this.engine, eks.access, requireCluster);
    const created = creationCommands(this.ctx, this.engine);
    this.loadBalancers = new SimulatedLoadBalancers(this.ctx);
    this.publishedSecrets = new PublishedSecrets(this.ctx, this.secretArns);
    this.parameterStore = new ParameterStore(this.ctx);
    this.kubeadm = new SimulatedKubeadm(this.ctx, this.parameterStore, this.loadBalancers);
    // A kubeadm cluster's endpoint is its NLB: once that is deleted no API server answers there, and a
    // later kubeadm init behind a new balancer of the same name starts a new cluster.
    this.loadBalancers.onDeleted = (balancer) => {
      for (const name of this.kubeadm.forget(balancer.dnsName)) this.retireKube(name);
    };
    // A kubeadm node registers with the cluster behind the endpoint its kubeadm configuration names.
    this.ctx.kubeletJoin = (attempt) => {
      const outcome = kubeletJoin(this.ctx, eks.access, this.kube, attempt);
      return "refusal" in outcome ? outcome : (this.kubeadm.join(attempt) ?? outcome);
    };
    this.ctx.registerTaints = (attempt) => this.kubeadm.registerTaints(attempt);
    this.handlers = {
      autoscaling: { ...autoScaling, ...created.autoscaling },
      ec2: {
        ...created.ec2,
        ...ec2InstanceCommands(this.ctx, this.fleet, recordTerminate),
        ...ec2TemplateCommands(this.ctx),
        ...ec2ResourceCommands(this.ctx),
        ...ec2TagCommands(this.ctx),
      },
      eks: { ...eks.handlers(), ...this.creation.handlers(), ...groupCreation.handlers() },
      elasticloadbalancing: this.loadBalancers.commands(),
      ssm: {
        ...this.parameterStore.commands(parameterCommands(this.ctx, this.kube), () => this.kubeadm.publishDue()),
        ...runCommandHandlers(this.ctx, this.kubeadm),
      },
      secretsmanager: this.publishedSecrets.commands(
        secretCommands(this.ctx, this.kube, secretSuffix, this.etcdAccess, this.secretArns),
      ),
      sfn: stepFunctionsCommands(
        this.ctx,
        () => this.executionStatus,
        () => this.stepFunctions,
      ),
      sts: stsCommands(),
    };
    const secrets = this.handlers.secretsmanager as Record<string, CommandHandler>;
    for (const [command, handler] of Object.entries(secrets)) {
      secrets[command] = (input: CommandInput) => {
        this.kubeadm.publishDue();
        return handler(input);
      };
    }
    if (scenario.cluster.name) buildFromScenario(this.ctx, this.engine, this.fleet);
    buildAccount(this.ctx);
    eks.seedFromScenario();
    this.seedAccessEntries();
  }

  /** The cluster creator is an admin; a "connected" cluster also lets Tugboat's roles in as its RBAC group. */
  private seedAccessEntries(): void {
    const cluster = this.ctx.scenario.cluster;
    if (cluster.kind !== "eks" || !cluster.name) return;
    this.eks.access.seed(cluster.name, roleArn(OPERATOR_ROLE_NAME), [], true);
    if (cluster.access === "connected") {
      for (const arn of sandboxKubeRoleArns()) this.eks.access.seed(cluster.name, arn, [TUGBOAT_KUBE_GROUP]);
    }
  }

  /** A cluster's access entry for an IAM principal, as its API server's authenticator reads it. */
  accessEntryIdentity(clusterName: string, principalArn: string): AccessEntryIdentity | undefined {
    return this.eks.access.accessEntryIdentity(clusterName, principalArn);
  }

  /**
   * Who starts the API server of each cluster EKS creates (the sandbox, sandbox-clusters.ts), and
   * hears when one is deleted.
   */
  setKubeProvisioner(provisioner: KubeProvisioner): void {
    this.kubeProvisioner = provisioner;
  }

  /** Where a cluster's API server listens (DescribeCluster's endpoint and CA, kubeconfigs, kubelets). */
  serveKube(clusterName: string, server: KubeServer): void {
    this.kubeServers.set(clusterName, server);
  }

  /** The API server serving a cluster, if any. */
  kubeServerOf(clusterName: string): KubeServer | undefined {
    return this.kubeServers.get(clusterName);
  }

  /**
   * Starts the API server of a cluster made during the run (EKS's on CreateCluster; a self-managed control
   * plane's when its first node is up); calls made meanwhile wait until it listens.
   */
  provisionKube(name: string, version: string, kind: "eks" | "self-managed" = "eks"): void {
    const provisioner = this.kubeProvisioner;
    if (!provisioner) return;
    const starting: Promise<unknown> = provisioner
      .provision({ name, version, kind })
      .then((server) => this.kubeServers.set(name, server))
      .finally(() => this.kubeStarting.delete(starting));
    this.kubeStarting.add(starting);
  }

  /** A deleted cluster's API server stops answering. */
  private retireKube(name: string): void {
    this.kubeServers.delete(name);
    this.kubeProvisioner?.retire(name);
  }

  /** Answers one SDK command by its name ("DescribeAutoScalingGroupsCommand", …) or throws an SDK-shaped error. */
  // biome-ignore lint/suspicious/noExplicitAny: input and output are the SDK's command shapes, untyped here.
  async handle(service: string, commandName: string, input: any): Promise<any> {
    if (this.kubeStarting.size > 0) await Promise.all(this.kubeStarting);
    const serviceId = SERVICE_ALIASES[service.toLowerCase()];
    const command = commandName.replace(/Command$/, "");
    const key = `${serviceId ?? service}:${command}`;
    this.totalCalls++;
    this.callCounts.set(key, (this.callCounts.get(key) ?? 0) + 1);
    if (serviceId === undefined) throw unsupportedCommand(service, command);
    if (this.ctx.faults.shouldThrottle(serviceId)) throw withRequestId(throttlingError(serviceId), this.requestId());
    const handler = this.handlers[serviceId][command];
    if (!handler) throw unsupportedCommand(serviceId, command);
    try {
      return handler(input ?? {});
    } catch (err) {
      throw withRequestId(err, this.requestId());
    }
  }

  /** The region's resources as IAM sees them: ARNs and tags of what a call names (src/sandbox/iam). */
  resourceDirectory(): ResourceDirectory {
    const { world, regionName } = this.ctx;
    const groupFacts = (group: SimGroup | undefined) =>
      group ? { arn: group.arn, tags: { ...group.tags } } : undefined;
    return {
      account: SANDBOX_ACCOUNT_ID,
      region: regionName,
      group: (name) => groupFacts(world.groups.get(name)),
      groupOfInstance: (instanceId) => groupFacts(world.groupFor(instanceId)),
      launchTemplate: (ref, version) => {
        const template = ref.id
          ? world.launchTemplates.get(ref.id)
          : ref.name
            ? world.launchTemplateByName(ref.name)
            : undefined;
        if (!template) return undefined;
        const number =
          version === undefined || version === "$Default"
            ? template.defaultVersion
            : version === "$Latest"
              ? Math.max(...template.versions.map((v) => v.versionNumber))
              : Number(version);
        const data = template.versions.find((v) => v.versionNumber === number)?.data;
        const profile = (data?.IamInstanceProfile as { Name?: string; Arn?: string } | undefined) ?? undefined;
        const instanceProfile = profile?.Name ?? profile?.Arn?.split("/").pop();
        return { id: template.id, tags: { ...template.tags }, ...(instanceProfile ? { instanceProfile } : {}) };
      },
      cluster: (name) => {
        const cluster = world.clusters.get(name);
        return cluster ? { arn: cluster.arn, tags: { ...cluster.tags } } : undefined;
      },
      nodegroup: (cluster, name) => {
        const found = world.nodegroup(cluster, name);
        return found ? { arn: found.arn } : undefined;
      },
      addon: (cluster, name) => {
        const found = world.addon(cluster, name);
        return found ? { arn: found.arn } : undefined;
      },
      secretArn: (id) => this.secretArns.get(id),
      loadBalancingTags: (arn) => this.loadBalancers.resourceTags(arn),
      loadBalancingArnForCreate: (kind, name) => this.loadBalancers.arnForCreate(kind, name),
    };
  }

  /** What the region holds of a cluster, counted by the simulator (cluster-inventory.ts). */
  inventory(cluster: string): ClusterInventory {
    return clusterInventory(this.ctx.world, cluster);
  }

  /** A request id for a successful answer's $metadata. */
  requestId(): string {
    return this.requestIds.uuid();
  }

  /** Where the scenario cluster's API server listens; used in EKS DescribeCluster and the self-managed kubeconfig. */
  setKubeEndpoint(url: string, caData?: string): void {
    this.serveKube(this.ctx.scenario.cluster.name, { endpoint: url, ...(caData ? { caData } : {}) });
  }

  /** Where etcd's gateway listens: the scenario cluster's (`tugboat/<cluster>/etcd`), or a created self-managed one's. */
  setEtcdEndpoint(url: string, clusterName?: string): void {
    if (clusterName === undefined) this.etcdAccess.endpoint = url;
    else this.etcdEndpoints.set(clusterName, { endpoint: url });
  }

  /**
   * What a self-managed cluster's first node publishes once Ready (its user data says so): the
   * kubeconfig Tugboat reaches it with, in SSM, and its etcd access, in Secrets Manager.
   */
  publishSelfManagedAccess(cluster: string): void {
    this.parameterStore.put(
      kubeconfigParameterName(cluster),
      renderKubeconfig(cluster, this.kube),
      "SecureString",
      true,
    );
    try {
      this.addSecret(etcdSecretName(cluster), () =>
        renderEtcdSecret(this.etcdEndpoints.get(cluster) ?? this.etcdAccess),
      );
    } catch (err) {
      // The name is scheduled for deletion (a cluster of that name deleted with a recovery window): the
      // node's create-secret is refused, and the secret stays unreadable until the window ends.
      if ((err as { name?: string }).name !== "InvalidRequestException") throw err;
    }
  }

  /** The bearer token the kubeconfigs carry (the simulated API server should accept it). */
  kubeToken(): string {
    return this.kube.token;
  }

  /** The runner registers a function answering DescribeExecution for an execution ARN. */
  setExecutionStatusProvider(fn: ExecutionStatusProvider): void {
    this.executionStatus = fn;
  }

  /**
   * Publishes a Secrets Manager secret (the Slack secret of a sandbox that serves Slack, a created
   * self-managed cluster's etcd access) and returns its ARN; the other secrets are served as before.
   */
  addSecret(name: string, render: () => string): string {
    return this.publishedSecrets.publish(name, render);
  }

  /** Starting executions and answering task tokens (the sandbox's runner provides them). */
  setStepFunctionsBackend(backend: StepFunctionsBackend): void {
    this.stepFunctions = backend;
  }

  /** Per-service/command call counts ("autoscaling:DescribeAutoScalingGroups"), throttled attempts included. */
  apiCalls(): { total: number; throttled: number; byCommand: Record<string, number> } {
    const byCommand = Object.fromEntries([...this.callCounts.entries()].sort(([a], [b]) => a.localeCompare(b)));
    return { total: this.totalCalls, throttled: this.ctx.faults.throttled(), byCommand };
  }

  /**
   * Per node group of a cluster (the scenario's by default): instances alive (pending/running) now, at
   * the start, and the most seen at once.
   */
  groupCounts(
    nodeGroup: string,
    cluster = this.ctx.scenario.cluster.name,
  ): { initial: number; current: number; maxAlive: number } {
    return { ...this.ctx.world.countsFor(cluster, nodeGroup) };
  }

  /** The image a new member of the Auto Scaling group for this node group would boot now (its launch template resolved). */
  launchImageOf(nodeGroup: string, cluster = this.ctx.scenario.cluster.name): string | undefined {
    return this.launchTargetOf(nodeGroup, cluster)?.imageId;
  }

  /**
   * What the cluster's group (the scenario cluster's by default) would launch now: its launch template
   * version, resolved, and that version's image.
   */
  launchTargetOf(
    nodeGroup: string,
    cluster = this.ctx.scenario.cluster.name,
  ): { imageId: string; version: number } | undefined {
    const group = [...this.ctx.world.groups.values()].find(
      (g) => g.nodeGroup === nodeGroup && g.clusterName === cluster,
    );
    const template = group ? this.ctx.world.launchTemplates.get(group.launchTemplate.id) : undefined;
    const version = template && group ? resolveVersion(template, group.launchTemplate.version) : undefined;
    return version ? { imageId: String(version.data.ImageId ?? ""), version: version.versionNumber } : undefined;
  }

  /**
   * Every TerminateInstanceInAutoScalingGroup / TerminateInstances call by instance id (throttled
   * attempts excluded, refused ones included), to prove "never terminated twice".
   */
  terminateCalls(): Map<string, number> {
    return new Map(this.terminateCallCounts);
  }

  snapshot(): RegionSnapshot {
    return takeSnapshot(this.ctx.world, this.ctx.clock.nowMs());
  }

  /** EventBridge events as the region emits them (lifecycle actions, state changes, Spot warnings). */
  onEvent(listener: (event: RegionEvent) => void): void {
    this.ctx.events.on(listener);
  }

  /** The events the region still keeps (events.ts: the last REGION_EVENTS_KEPT at least), oldest first. */
  events(): readonly RegionEvent[] {
    return this.ctx.events.emitted();
  }

  /** Events emitted so far, kept or not: a cursor for eventsSince. */
  eventCount(): number {
    return this.ctx.events.emittedCount();
  }

  eventsSince(cursor: number): readonly RegionEvent[] {
    return this.ctx.events.emittedSince(cursor);
  }

  /**
   * A Spot interruption: the two-minute warning event now, then EC2 takes the instance away; its
   * Auto Scaling group notices and replaces it.
   */
  interruptSpotInstance(instanceId: string): void {
    const instance = this.ctx.world.instances.get(instanceId);
    if (!instance || instance.state === "shutting-down" || instance.state === "terminated") {
      throw new Error(`Cannot interrupt ${instanceId}: no such running instance in the sandbox region`);
    }
    this.ctx.events.emit(
      "aws.ec2",
      "EC2 Spot Instance Interruption Warning",
      [this.ctx.events.instanceArn(instanceId)],
      {
        "instance-id": instanceId,
        "instance-action": "terminate",
      },
    );
    this.ctx.clock.after(SPOT_WARNING_SECONDS, `spot interruption ${instanceId}`, () =>
      this.fleet.terminate(instanceId, "Service initiated"),
    );
  }

  /** An EC2 rebalance recommendation for a Spot instance (an elevated risk of interruption). */
  recommendRebalance(instanceId: string): void {
    this.ctx.events.emit(
      "aws.ec2",
      "EC2 Instance Rebalance Recommendation",
      [this.ctx.events.instanceArn(instanceId)],
      {
        "instance-id": instanceId,
      },
    );
  }

  /**
   * Leaves `free` addresses in a subnet (other VPC tenants took the rest), to exercise what runs
   * short of IPs: EKS control-plane updates, launches.
   */
  setFreeAddresses(subnetId: string, free: number): void {
    const subnet = this.ctx.world.subnets.get(subnetId);
    if (!subnet) throw new Error(`No subnet ${subnetId} in the sandbox region`);
    subnet.usableAddresses += free - availableAddresses(this.ctx, subnet);
  }

  /** ARC ListZonalShifts (status ACTIVE): the shifts the scenario or a test started (zonal-shifts.ts). */
  listZonalShifts(): { items: Record<string, unknown>[] } {
    return activeZonalShifts(this.ctx);
  }

  /** Starts or ends an ARC zonal shift away from a zone during a run. */
  setZonalShift(zone: string, active: boolean): void {
    this.ctx.faults.setZonalShift(zone, active);
  }

  /** Starts or ends an insufficient-capacity condition in a zone during a run. */
  setCapacityShortage(zone: string, short: boolean): void {
    this.ctx.faults.setCapacityShort(zone, short);
  }
}

/** Starts the simulated API server of a cluster EKS creates, and stops serving one it deletes. */
export interface KubeProvisioner {
  provision(cluster: { name: string; version: string; kind: "eks" | "self-managed" }): Promise<KubeServer>;
  retire(clusterName: string): void;
}

function withRequestId(err: unknown, requestId: string): unknown {
  if (typeof err === "object" && err !== null) {
    const metadata = (err as { $metadata?: Record<string, unknown> }).$metadata;
    if (metadata && metadata.requestId === undefined) metadata.requestId = requestId;
  }
  return err;
}
