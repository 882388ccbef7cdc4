/**
 * The cluster spec `tug create` takes (docs/create.md). Parsed once at the edge; refusals name the
 * field and what was expected, before anything is created.
 */
import { z } from "zod";
import { InvalidInputError } from "../errors";

const zoneCounts = z.record(
  z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, 'an Availability Zone such as "eu-west-1a"'),
  z.number().int().nonnegative(),
);

export const createNodeGroupSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, "letters, digits, '-' or '_' (at most 63)"),
    kind: z.enum(["eks-managed", "self-managed-asg"]),
    instanceType: z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, 'an instance type such as "m6i.large"'),
    zones: zoneCounts.refine((zones) => Object.keys(zones).length > 0, "at least one zone"),
    labels: z.record(z.string(), z.string()).default({}),
    taints: z
      .array(
        z
          .object({
            key: z.string().min(1),
            value: z.string().default(""),
            effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
          })
          .strict(),
      )
      .default([]),
    /** One Auto Scaling group per zone (zonal volumes); self-managed groups only. */
    perZone: z.boolean().default(false),
    /** x86_64 or arm64: picks the AMI (SSM parameter) and the managed group's AMI type. */
    architecture: z.enum(["x86_64", "arm64"]).default("x86_64"),
    /** Managed groups: updateConfig.maxUnavailable. */
    maxUnavailable: z.number().int().positive().default(1),
  })
  .strict();

export const clusterSpecSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, "letters, digits, '-' or '_', starting with a letter or digit"),
    kind: z.enum(["eks", "self-managed"]),
    version: z.string().regex(/^1\.\d+$/, 'a Kubernetes minor version such as "1.33"'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region such as "eu-west-1"'),
    subnetIds: z.array(z.string().regex(/^subnet-[0-9a-z-]+$/, 'a subnet id such as "subnet-0abc"')).min(1),
    endpoint: z
      .object({
        public: z.boolean().default(true),
        private: z.boolean().default(true),
        publicCidrs: z.array(z.string().regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/, "a CIDR block")).default(["0.0.0.0/0"]),
      })
      .strict()
      .refine((e) => e.public || e.private, "at least one of public or private")
      .default({ public: true, private: true, publicCidrs: ["0.0.0.0/0"] }),
    logging: z.array(z.enum(["api", "audit", "authenticator", "controllerManager", "scheduler"])).default([]),
    /** Add-on name → "default" (EKS's default version for the cluster's Kubernetes version) or a version. */
    addons: z.record(z.string(), z.string()).default({}),
    controlPlane: z
      .object({ nodes: z.number().int().positive(), instanceType: z.string().default("m6i.large") })
      .strict()
      .optional(),
    nodeGroups: z.array(createNodeGroupSchema).default([]),
    onFailure: z.enum(["keep", "delete"]).default("keep"),
    /** IAM roles: the cluster's service role and the nodes' instance role (names or ARNs). */
    roles: z
      .object({ cluster: z.string().min(1).optional(), node: z.string().min(1).optional() })
      .strict()
      .default({}),
    /** When a zone cannot host the control plane, may Tugboat leave its subnets out and use the others? */
    allowSubnetRepick: z.boolean().default(true),
    /** Consecutive passes of the health gate before success. */
    healthPasses: z.number().int().min(1).max(10).default(3),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.kind === "eks" && spec.controlPlane) {
      ctx.addIssue({
        code: "custom",
        path: ["controlPlane"],
        message: "only for kind self-managed (EKS runs the control plane)",
      });
    }
    if (spec.kind === "self-managed") {
      if (!spec.controlPlane)
        ctx.addIssue({ code: "custom", path: ["controlPlane"], message: "required for kind self-managed" });
      else if (spec.controlPlane.nodes % 2 === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["controlPlane", "nodes"],
          message: `an odd number (1, 3 or 5) for etcd quorum, got ${spec.controlPlane.nodes}`,
        });
      }
    }
    const names = new Set<string>();
    spec.nodeGroups.forEach((group, index) => {
      if (names.has(group.name)) {
        ctx.addIssue({ code: "custom", path: ["nodeGroups", index, "name"], message: `"${group.name}" is used twice` });
      }
      names.add(group.name);
      if (group.kind === "eks-managed" && spec.kind !== "eks") {
        ctx.addIssue({ code: "custom", path: ["nodeGroups", index, "kind"], message: "eks-managed needs kind eks" });
      }
      if (group.perZone && group.kind !== "self-managed-asg") {
        ctx.addIssue({
          code: "custom",
          path: ["nodeGroups", index, "perZone"],
          message: "only for self-managed-asg groups",
        });
      }
      for (const zone of Object.keys(group.zones)) {
        if (!zone.startsWith(spec.region)) {
          ctx.addIssue({
            code: "custom",
            path: ["nodeGroups", index, "zones", zone],
            message: `a zone of region ${spec.region}`,
          });
        }
      }
    });
  });

export type ClusterSpec = z.infer<typeof clusterSpecSchema>;
export type CreateNodeGroupSpec = z.infer<typeof createNodeGroupSchema>;

/** Parses a spec or throws InvalidInputError naming every field that is wrong ("nodeGroups[1].zones: …"). */
export function parseClusterSpec(raw: unknown): ClusterSpec {
  const result = clusterSpecSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`);
  throw new InvalidInputError(`cluster spec is invalid: ${problems.join("; ")}`);
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(spec)";
}

/** The node group's Kubernetes nodes per zone, summed. */
export function nodeCount(group: CreateNodeGroupSpec): number {
  return Object.values(group.zones).reduce((sum, n) => sum + n, 0);
}
