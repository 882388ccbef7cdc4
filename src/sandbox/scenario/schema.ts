/**
 * The scenario file format: what the sandbox simulates. Documented in docs/scenarios.md; every field
 * has a default grounded in published figures so that a minimal file is a realistic cluster.
 */
import { z } from "zod";
import { slackScenarioSchema } from "../slack/scenario";
import { durationSchema } from "../timing/duration";
import { accountSchema } from "./account";
import { scenarioHistorySchema } from "./history";

const disruptionValue = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d+%$/, 'a percentage such as "25%"'),
]);

export const pdbSchema = z
  .object({
    minAvailable: disruptionValue.optional(),
    maxUnavailable: disruptionValue.optional(),
  })
  .strict()
  .refine((p) => (p.minAvailable === undefined) !== (p.maxUnavailable === undefined), {
    message: "a PDB sets exactly one of minAvailable or maxUnavailable",
  });

/**
 * Every timing is a duration (src/sandbox/timing/duration.ts): a plain number of seconds means exactly
 * this; a distribution is sampled per instance, node, pod, update or call. The defaults are grounded in
 * published figures, listed with their sources in docs/scenarios.md.
 */
export const timingSchema = z
  .object({
    /** EC2 pending → running. EKS-optimized AMIs: about 60–120 s. */
    instanceBootSeconds: durationSchema.default({ min: 60, max: 120 }),
    /** running → node Ready (kubelet registration, CNI): tens of seconds. */
    nodeReadySeconds: durationSchema.default({ p50: 30, p90: 45 }),
    /** Pod scheduled → Ready (image cached): the Kubernetes SLO is 5 s at the 99th percentile. */
    podStartSeconds: durationSchema.default({ p50: 2, p90: 3.3 }),
    /** Extra seconds before a zonal volume is attached to a new node (EBS detach/attach). */
    volumeAttachSeconds: durationSchema.default({ p50: 10, p90: 20, slowFraction: 0.02, slowFactor: 5 }),
    /** Modelled time of one Lambda step, API calls aside (warm invocations, some cold starts). */
    stepSeconds: durationSchema.default({ p50: 0.08, p90: 0.2, slowFraction: 0.03, slowFactor: 6 }),
    /** Round trip of one AWS API call (each attempt of it). */
    awsCallSeconds: durationSchema.default({ p50: 0.06, p90: 0.15, slowFraction: 0.01, slowFactor: 10 }),
    /** Round trip of one Kubernetes API request: the SLO is 1 s at the 99th percentile. */
    kubeCallSeconds: durationSchema.default({ p50: 0.02, p90: 0.08 }),
    /** EKS control-plane version update: roughly 8–15 minutes, some reports up to 25. */
    controlPlaneUpdateSeconds: durationSchema.default({ p50: 660, p90: 900, slowFraction: 0.05, slowFactor: 1.6 }),
    /** EKS add-on update. */
    addonUpdateSeconds: durationSchema.default({ p50: 60, p90: 180, slowFraction: 0.05, slowFactor: 5 }),
  })
  .strict();

export const nodeGroupSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "letters, digits, '-', '_' or '.'"),
    kind: z.enum(["self-managed-asg", "eks-managed"]),
    instanceType: z.string().default("m6i.large"),
    /** Pods a node can run besides DaemonSet pods. */
    podCapacity: z.number().int().positive().default(20),
    zones: z.record(z.string(), z.number().int().nonnegative()),
    /** "all", or how many nodes run an older launch template version than the group's current one. */
    outdated: z.union([z.literal("all"), z.number().int().nonnegative()]).default(0),
    minSize: z.number().int().nonnegative().optional(),
    /** Defaults to the node count: as tight as many real groups are; a roll raises it temporarily. */
    maxSize: z.number().int().nonnegative().optional(),
    /** Kubelet version of the group's nodes (default: the cluster's). */
    kubernetesVersion: z.string().optional(),
    /** Spot capacity: the sandbox can send interruption warnings to these nodes. */
    capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND"),
    labels: z.record(z.string(), z.string()).default({}),
    /** EKS managed groups: updateConfig.maxUnavailable (EKS default 1). */
    maxUnavailable: z.number().int().positive().optional(),
  })
  .strict();

/** A Kubernetes quantity: a plain number, or a string such as "250m", "1.5", "256Mi", "1Gi", "512M". */
const resourceQuantity = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/, 'a quantity such as "250m", "256Mi" or "1Gi"'),
]);

export const workloadSchema = z
  .object({
    kind: z.enum(["Deployment", "StatefulSet", "DaemonSet"]),
    namespace: z.string().default("default"),
    name: z.string().min(1),
    replicas: z.number().int().nonnegative().optional(),
    terminationGracePeriodSeconds: z.number().int().nonnegative().default(30),
    /** Seconds a pod takes to exit after SIGTERM (capped by the grace period), a duration. Default: the grace period. */
    shutdownSeconds: durationSchema.optional(),
    /** Seconds from scheduled to Ready, a duration (default: timing.podStartSeconds). */
    startSeconds: durationSchema.optional(),
    pdb: pdbSchema.optional(),
    /**
     * Each replica's volume is pinned to the AZ where it first ran (EBS). An object maps AZ → how many
     * replicas already have their volume there (the rest are provisioned where they first run), so a
     * scenario can start with pods Pending for a zone that holds no node.
     */
    zonalVolumes: z.union([z.boolean(), z.record(z.string(), z.number().int().nonnegative())]).default(false),
    priorityClassName: z.string().optional(),
    /** Restrict to one node group (a nodeSelector on the group's label). */
    nodeGroup: z.string().optional(),
    /** Each pod's resource requests ("250m" or 0.25 cores; "256Mi", "1Gi" or bytes). */
    requests: z
      .object({ cpu: resourceQuantity.default("100m"), memory: resourceQuantity.default("128Mi") })
      .strict()
      .default({ cpu: "100m", memory: "128Mi" }),
  })
  .strict();

export const insightSchema = z
  .object({
    name: z.string(),
    status: z.enum(["PASSING", "WARNING", "ERROR", "UNKNOWN"]),
    description: z.string().default(""),
  })
  .strict();

export const faultSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("throttle"),
      /** Fraction of AWS calls answered with a throttling error. */
      rate: z.number().min(0).max(1),
      service: z.enum(["autoscaling", "ec2", "eks", "any"]).default("any"),
    })
    .strict(),
  z
    .object({
      kind: z.literal("never-join"),
      /** How many launched instances boot but never register as nodes. */
      count: z.number().int().positive().default(1),
      nodeGroup: z.string().optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal("insufficient-capacity"),
      zone: z.string(),
    })
    .strict(),
  z
    .object({
      /** An active ARC zonal shift away from `zone` on the cluster and its node groups (ListZonalShifts shows it). */
      kind: z.literal("zonal-shift"),
      zone: z.string(),
    })
    .strict(),
  z
    .object({
      /** An instance refresh of the group under way (DescribeInstanceRefreshes reports it InProgress). */
      kind: z.literal("instance-refresh"),
      nodeGroup: z.string(),
    })
    .strict(),
  z
    .object({
      kind: z.literal("pdb-blocked"),
      /** A workload whose pods stay unready for this long (so its PDB refuses evictions meanwhile). */
      workload: z.string(),
      namespace: z.string().default("default"),
      /** Seconds after the start; omitted = for ever. */
      clearAfterSeconds: z.number().nonnegative().optional(),
    })
    .strict(),
]);

const clusterSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "letters, digits, '-' or '_'"),
    kind: z.enum(["eks", "self-managed"]),
    version: z.string().regex(/^1\.\d+$/, 'a Kubernetes minor version such as "1.30"'),
    nodeGroups: z.array(nodeGroupSchema).min(1),
    workloads: z.array(workloadSchema).default([]),
    /** EKS add-ons: name → version ("v1.18.1-eksbuild.1"), or the version with its configuration values. */
    addons: z
      .record(
        z.string(),
        z.union([z.string(), z.object({ version: z.string(), configurationValues: z.string().optional() }).strict()]),
      )
      .default({}),
    insights: z.array(insightSchema).default([]),
    /** Instance types the sandbox's catalog lacks, with EC2's figures (a captured cluster carries its own). */
    instanceTypes: z
      .record(
        z.string(),
        z
          .object({
            vcpus: z.number().int().positive(),
            memoryMiB: z.number().int().positive(),
            maxPods: z.number().int().positive(),
          })
          .strict(),
      )
      .optional(),
    controlPlane: z
      .object({ zones: z.record(z.string(), z.number().int().positive()) })
      .strict()
      .optional(),
    /**
     * "connected": Tugboat's roles have access entries, its RBAC (deploy/*.yaml) is applied and the
     * groups and launch templates carry tugboat:* tags. "none": a cluster Tugboat has never seen.
     */
    access: z.enum(["none", "connected"]).default("connected"),
  })
  .strict();

/**
 * Clusters to be created need somewhere to go: an `account` without `cluster` gives the region VPCs
 * and subnets and no cluster (the simulated Kubernetes API then serves the first cluster created).
 */
export const EMPTY_CLUSTER = {
  name: "",
  kind: "eks" as const,
  version: "1.33",
  nodeGroups: [],
  workloads: [],
  addons: {},
  insights: [],
  access: "none" as const,
};

export const scenarioSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    seed: z.number().int().default(1),
    region: z.string().default("us-east-1"),
    timing: timingSchema.default(timingSchema.parse({})),
    cluster: clusterSchema.optional(),
    account: accountSchema.optional(),
    faults: z.array(faultSchema).default([]),
    /** Tugboat's observations from earlier runs, written to its store at start (history.ts). */
    history: scenarioHistorySchema.optional(),
    /** Slack in the sandbox: app, workspace, signing secret and per-cluster policy (docs/scenarios.md). */
    slack: slackScenarioSchema.optional(),
  })
  .strict()
  .refine((s) => s.cluster !== undefined || s.account !== undefined, {
    message: "a scenario describes a cluster, an account to create clusters in, or both",
    path: ["cluster"],
  })
  .transform((s) => ({ ...s, cluster: s.cluster ?? (EMPTY_CLUSTER as z.infer<typeof clusterSchema>) }));

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioNodeGroup = z.infer<typeof nodeGroupSchema>;
export type ScenarioWorkload = z.infer<typeof workloadSchema>;
export type ScenarioTiming = z.infer<typeof timingSchema>;
export type ScenarioFault = z.infer<typeof faultSchema>;
