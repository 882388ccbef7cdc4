/**
 * Test doubles for the simulated region's two seams: a tiny Kubernetes side (nodes register when an
 * instance runs, pods can be placed on nodes, evictions can be refused), and helpers that build a
 * region from a scenario and real SDK clients wired to it through the sandbox plugin.
 */
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { EC2Client } from "@aws-sdk/client-ec2";
import { EKSClient } from "@aws-sdk/client-eks";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { EvictionResult } from "../../../../src/core/model/kube";
import { sandboxClientConfig, sandboxPlugin } from "../../../../src/sandbox/aws/plugin";
import { SimulatedRegion } from "../../../../src/sandbox/aws/region";
import { SeededRandom, VirtualClock } from "../../../../src/sandbox/clock";
import type { ClusterControl, InstanceLifecycleListener, LaunchedInstance } from "../../../../src/sandbox/links";
import { type Scenario, scenarioSchema } from "../../../../src/sandbox/scenario/schema";
import { medianSeconds } from "../../../../src/sandbox/timing/duration";
import { PLAIN_TIMING } from "../../../support/plain-timing";

interface FakeNode {
  name: string;
  instanceId: string;
  ready: boolean;
  unschedulable: boolean;
  labels: Record<string, string>;
}

interface FakePod {
  namespace: string;
  name: string;
  node: string;
  deleting: boolean;
}

export class FakeCluster implements InstanceLifecycleListener, ClusterControl {
  readonly nodes = new Map<string, FakeNode>();
  readonly launched: LaunchedInstance[] = [];
  readonly shutDown: string[] = [];
  readonly terminated: string[] = [];
  readonly pods = new Map<string, FakePod>();
  /** Node names in the order they were cordoned. */
  readonly cordoned: string[] = [];
  /** When set, every eviction is answered 429 as a PodDisruptionBudget would. */
  refuseEvictions = false;
  evictionAttempts = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly nodeReadySeconds = 30,
  ) {}

  instanceRunning(instance: LaunchedInstance): void {
    this.launched.push(instance);
    if (instance.neverJoins) return;
    const node: FakeNode = {
      name: instance.privateDnsName,
      instanceId: instance.instanceId,
      ready: instance.initial,
      unschedulable: false,
      labels: instance.labels,
    };
    this.nodes.set(node.name, node);
    if (!instance.initial) {
      this.clock.after(this.nodeReadySeconds, `node ready ${node.name}`, () => {
        node.ready = true;
      });
    }
  }

  instanceShuttingDown(instanceId: string): void {
    this.shutDown.push(instanceId);
    const name = this.nodeNameForInstance(instanceId);
    if (name === undefined) return;
    const node = this.nodes.get(name);
    if (node) node.ready = false;
    for (const [key, pod] of this.pods) if (pod.node === name) this.pods.delete(key);
  }

  instanceTerminated(instanceId: string): void {
    this.terminated.push(instanceId);
    const name = this.nodeNameForInstance(instanceId);
    if (name !== undefined) this.nodes.delete(name);
  }

  nodeNameForInstance(instanceId: string): string | undefined {
    for (const node of this.nodes.values()) if (node.instanceId === instanceId) return node.name;
    return undefined;
  }

  isNodeReady(nodeName: string): boolean {
    return this.nodes.get(nodeName)?.ready ?? false;
  }

  setUnschedulable(nodeName: string, unschedulable: boolean): void {
    const node = this.nodes.get(nodeName);
    if (!node) return;
    if (unschedulable && !node.unschedulable) this.cordoned.push(nodeName);
    node.unschedulable = unschedulable;
  }

  evict(namespace: string, name: string): EvictionResult {
    this.evictionAttempts++;
    const key = `${namespace}/${name}`;
    if (!this.pods.has(key)) return { outcome: "not-found" };
    if (this.refuseEvictions) {
      return {
        outcome: "blocked",
        message: "Cannot evict pod as it would violate the pod's disruption budget.",
        pdbName: "web",
      };
    }
    this.pods.delete(key);
    return { outcome: "evicted" };
  }

  evictablePodsOnNode(nodeName: string): { namespace: string; name: string; deleting: boolean }[] {
    return [...this.pods.values()]
      .filter((pod) => pod.node === nodeName)
      .map(({ namespace, name, deleting }) => ({ namespace, name, deleting }));
  }

  deletePod(namespace: string, name: string): void {
    this.pods.delete(`${namespace}/${name}`);
  }

  addPod(namespace: string, name: string, node: string): void {
    this.pods.set(`${namespace}/${name}`, { namespace, name, node, deleting: false });
  }
}

// biome-ignore lint/suspicious/noExplicitAny: scenario input is whatever the schema accepts.
export function scenario(input: any): Scenario {
  // Exact timings unless a test asks for distributions: these tests assert virtual times.
  return scenarioSchema.parse({ ...input, timing: { ...PLAIN_TIMING, ...(input.timing ?? {}) } });
}

/** A self-managed cluster with one group of `zones` nodes (us-east-1a/b/c by default). */
export function simpleScenario(overrides: {
  zones?: Record<string, number>;
  outdated?: number | "all";
  minSize?: number;
  maxSize?: number;
  kind?: "self-managed-asg" | "eks-managed";
  clusterKind?: "eks" | "self-managed";
  // biome-ignore lint/suspicious/noExplicitAny: faults as the scenario file spells them.
  faults?: any[];
  seed?: number;
}): Scenario {
  return scenario({
    seed: overrides.seed ?? 7,
    cluster: {
      name: "demo",
      kind: overrides.clusterKind ?? "self-managed",
      version: "1.30",
      nodeGroups: [
        {
          name: "workers",
          kind: overrides.kind ?? "self-managed-asg",
          zones: overrides.zones ?? { "us-east-1a": 2, "us-east-1b": 2, "us-east-1c": 2 },
          outdated: overrides.outdated ?? 0,
          minSize: overrides.minSize,
          maxSize: overrides.maxSize,
        },
      ],
    },
    faults: overrides.faults ?? [],
  });
}

export interface Harness {
  clock: VirtualClock;
  cluster: FakeCluster;
  region: SimulatedRegion;
  asg: AutoScalingClient;
  ec2: EC2Client;
  eks: EKSClient;
  ssm: SSMClient;
  secrets: SecretsManagerClient;
  sfn: SFNClient;
}

export function harness(s: Scenario, rngSeed = s.seed): Harness {
  const clock = new VirtualClock();
  const cluster = new FakeCluster(clock, medianSeconds(s.timing.nodeReadySeconds));
  const region = new SimulatedRegion({
    scenario: s,
    clock,
    rng: new SeededRandom(rngSeed),
    listener: cluster,
    cluster,
  });
  const config = sandboxClientConfig(region);
  const asg = new AutoScalingClient(config);
  asg.middlewareStack.use(sandboxPlugin(region, "autoscaling"));
  const ec2 = new EC2Client(config);
  ec2.middlewareStack.use(sandboxPlugin(region, "ec2"));
  const eks = new EKSClient(config);
  eks.middlewareStack.use(sandboxPlugin(region, "eks"));
  const ssm = new SSMClient(config);
  ssm.middlewareStack.use(sandboxPlugin(region, "ssm"));
  const secrets = new SecretsManagerClient(config);
  secrets.middlewareStack.use(sandboxPlugin(region, "secretsmanager"));
  const sfn = new SFNClient(config);
  sfn.middlewareStack.use(sandboxPlugin(region, "sfn"));
  return { clock, cluster, region, asg, ec2, eks, ssm, secrets, sfn };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** Members of the group by zone, counting only those not on their way out. */
export function zoneCounts(region: SimulatedRegion, groupName = "demo-workers"): Record<string, number> {
  const group = region.snapshot().groups.find((g) => g.name === groupName);
  const counts: Record<string, number> = {};
  for (const member of group?.members ?? []) {
    if (member.lifecycleState.startsWith("Terminating")) continue;
    counts[member.availabilityZone] = (counts[member.availabilityZone] ?? 0) + 1;
  }
  return counts;
}
