/**
 * Builds small simulated clusters for the kube tests: initial instances registered the way the
 * simulated region registers them, workloads seeded, and real @kubernetes/client-node clients
 * pointed at the simulated API server.
 */
import { ApiException, AppsV1Api, CoreV1Api, EventsV1Api, KubeConfig, PolicyV1Api } from "@kubernetes/client-node";
import { SeededRandom, VirtualClock } from "../../../../src/sandbox/clock";
import { SimulatedCluster } from "../../../../src/sandbox/kube/cluster";
import { startKubeApiServer } from "../../../../src/sandbox/kube/server";
import type { LaunchedInstance } from "../../../../src/sandbox/links";
import { type Scenario, scenarioSchema } from "../../../../src/sandbox/scenario/schema";
import { PLAIN_TIMING } from "../../../support/plain-timing";

export type ScenarioInput = Parameters<typeof scenarioSchema.parse>[0];

export interface ClusterInput {
  nodeGroups: Record<string, unknown>[];
  workloads?: Record<string, unknown>[];
  faults?: Record<string, unknown>[];
  timing?: Record<string, number>;
  kind?: "eks" | "self-managed";
  seed?: number;
}

export function buildScenario(input: ClusterInput): Scenario {
  return scenarioSchema.parse({
    seed: input.seed ?? 7,
    region: "us-east-1",
    // Exact timings unless a test asks otherwise: these tests assert virtual times.
    timing: { ...PLAIN_TIMING, ...(input.timing ?? {}) },
    cluster: {
      name: "test-cluster",
      kind: input.kind ?? "eks",
      version: "1.30",
      nodeGroups: input.nodeGroups,
      workloads: input.workloads ?? [],
    },
    faults: input.faults ?? [],
  });
}

let instanceCounter = 0;

export function makeInstance(overrides: Partial<LaunchedInstance> & { availabilityZone: string }): LaunchedInstance {
  instanceCounter += 1;
  const n = instanceCounter;
  const zoneIndex = overrides.availabilityZone.charCodeAt(overrides.availabilityZone.length - 1) - 96;
  const ip = `10.0.${zoneIndex}.${10 + n}`;
  return {
    instanceId: `i-0${n.toString(16).padStart(16, "0")}`,
    privateDnsName: `ip-${ip.replaceAll(".", "-")}.ec2.internal`,
    privateIp: ip,
    imageId: "ami-0123456789abcdef0",
    instanceType: "m6i.large",
    clusterName: "test-cluster",
    nodeGroup: "workers",
    kubernetesMinor: "1.30",
    capacityType: "ON_DEMAND",
    labels: {},
    initial: false,
    neverJoins: false,
    ...overrides,
  };
}

export interface TestCluster {
  scenario: Scenario;
  clock: VirtualClock;
  cluster: SimulatedCluster;
  instances: LaunchedInstance[];
}

/** Registers the scenario's initial instances (Ready at once) and seeds the workloads. */
export function bootCluster(input: ClusterInput): TestCluster {
  // Instance numbering restarts with every cluster, as the simulated region's does with its seed.
  instanceCounter = 0;
  const scenario = buildScenario(input);
  const clock = new VirtualClock();
  const cluster = new SimulatedCluster({ scenario, clock, rng: new SeededRandom(scenario.seed) });
  const instances: LaunchedInstance[] = [];
  for (const group of scenario.cluster.nodeGroups) {
    for (const [zone, count] of Object.entries(group.zones)) {
      for (let i = 0; i < count; i++) {
        const instance = makeInstance({ availabilityZone: zone, nodeGroup: group.name, initial: true });
        instances.push(instance);
        cluster.instanceRunning(instance);
      }
    }
  }
  cluster.seedWorkloads();
  return { scenario, clock, cluster, instances };
}

export interface ApiClients {
  url: string;
  core: CoreV1Api;
  policy: PolicyV1Api;
  apps: AppsV1Api;
  events: EventsV1Api;
  close(): Promise<void>;
}

export async function connect(
  cluster: SimulatedCluster,
  token = "k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbQ",
): Promise<ApiClients> {
  const server = await startKubeApiServer(cluster);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "sim", server: server.url, skipTLSVerify: true }],
    users: [{ name: "tugboat", token }],
    contexts: [{ name: "sim", cluster: "sim", user: "tugboat" }],
    currentContext: "sim",
  });
  return {
    url: server.url,
    core: kc.makeApiClient(CoreV1Api),
    policy: kc.makeApiClient(PolicyV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    events: kc.makeApiClient(EventsV1Api),
    close: server.close,
  };
}

/** Runs `call` expecting an ApiException; returns its code and the parsed Status body. */
export async function apiError(call: () => Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await call();
  } catch (error) {
    if (error instanceof ApiException) {
      const body = typeof error.body === "string" ? JSON.parse(error.body) : error.body;
      return { code: error.code, body: body as Record<string, unknown> };
    }
    throw error;
  }
  throw new Error("expected the API call to fail, but it succeeded");
}

export function podsOf(cluster: SimulatedCluster, workload: string) {
  return cluster.pods().filter((pod) => pod.workload === workload);
}
