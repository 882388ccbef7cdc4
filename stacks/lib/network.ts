/**
 * The optional network of the step functions: inside the operator's VPC, in its private subnets, with
 * one security group that each cluster's API endpoint must admit (443 on EKS). The Workflows stack
 * creates it and outputs its id (StepSecurityGroupId); the Events stack's receive function uses the same
 * group, so an operator admits one group. The VPC and subnets are imported by id rather than looked
 * up, so synthesis needs no AWS call.
 */
import type { Stack } from "aws-cdk-lib";
import { SecurityGroup, Subnet, Vpc } from "aws-cdk-lib/aws-ec2";
import type { VpcSettings } from "./settings";
import type { StepNetwork } from "./step-functions";

export function importStepNetwork(stack: Stack, settings: VpcSettings): StepNetwork {
  const vpc = Vpc.fromVpcAttributes(stack, "StepVpc", {
    vpcId: settings.vpcId,
    // Unused: the functions name their subnets explicitly, so the VPC's zones never have to be known.
    availabilityZones: stack.availabilityZones,
  });
  const subnets = settings.privateSubnetIds.map((id) => Subnet.fromSubnetId(stack, `StepSubnet-${id}`, id));
  const securityGroup = new SecurityGroup(stack, "StepSecurityGroup", {
    vpc,
    description: "Tugboat step functions: admit this group to each cluster API endpoint (443 on EKS)",
    // Outbound goes to AWS APIs and Kubernetes API servers; self-managed ones often listen on 6443, not 443.
    allowAllOutbound: true,
  });
  return { vpc, subnets, securityGroup };
}
