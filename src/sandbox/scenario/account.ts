/**
 * A scenario's `account` (docs/scenarios.md): the VPCs and subnets a cluster can be created in, the
 * zones where EKS cannot place a control plane right now, and creation faults. With an account and no
 * `cluster`, the region starts empty of clusters and `tug create` makes them.
 */
import { z } from "zod";

export const accountSubnetSchema = z
  .object({
    id: z.string().regex(/^subnet-[0-9a-z-]+$/, 'a subnet id such as "subnet-a"'),
    zone: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, 'an Availability Zone such as "eu-west-1a"'),
    cidr: z.string().regex(/^\d+\.\d+\.\d+\.\d+\/(1[6-9]|2[0-8])$/, "an IPv4 CIDR block between /16 and /28"),
    /** Addresses not yet taken by anyone (AWS reserves five per subnet; other tenants took the rest). */
    freeIps: z.number().int().nonnegative().optional(),
  })
  .strict();

export const accountSchema = z
  .object({
    vpcs: z
      .array(
        z
          .object({
            id: z.string().regex(/^vpc-[0-9a-z-]+$/, 'a VPC id such as "vpc-1"'),
            cidr: z.string().regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/, "an IPv4 CIDR block"),
            subnets: z.array(accountSubnetSchema).min(1),
          })
          .strict(),
      )
      .min(1),
    /** Zones EKS answers UnsupportedAvailabilityZoneException for (no control-plane capacity). */
    unsupportedControlPlaneZones: z.array(z.string()).default([]),
    faults: z
      .array(
        z.discriminatedUnion("kind", [
          /** CreateCluster ends FAILED with this health issue instead of ACTIVE. */
          z
            .object({
              kind: z.literal("cluster-creation-fails"),
              code: z.string().default("Ec2SubnetInvalidConfiguration"),
              message: z.string().default("One or more Amazon EC2 Subnets of the cluster are invalid"),
            })
            .strict(),
          /** Nodes of this node group (all if omitted) boot but their kubelet never joins. */
          z.object({ kind: z.literal("nodes-never-join"), nodeGroup: z.string().optional() }).strict(),
          /** The etcd member of the Nth control-plane node of a self-managed cluster (1 = kubeadm init) never starts. */
          z.object({ kind: z.literal("etcd-member-unhealthy"), controlPlaneNode: z.number().int().min(2) }).strict(),
        ]),
      )
      .default([]),
  })
  .strict();

export type ScenarioAccount = z.infer<typeof accountSchema>;
export type AccountFault = ScenarioAccount["faults"][number];
