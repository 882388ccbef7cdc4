/**
 * DescribeImages (the EKS-optimized AMI catalog) and DescribeSubnets (one subnet per zone, with an
 * AvailableIpAddressCount that falls as instances take addresses).
 */
import type { CommandHandler } from "./autoscaling";
import { type Ec2Filter, passesFilters, tagList } from "./ec2-filters";
import { ec2Error } from "./errors";
import { stringList } from "./input";
import type { SimImage, SimSubnet } from "./model";
import { type RegionContext, SANDBOX_ACCOUNT_ID } from "./world";

const IMAGE_FILTERS = ["image-id", "name", "owner-id", "state", "architecture"] as const;
const SUBNET_FILTERS = ["subnet-id", "availability-zone", "vpc-id", "state"] as const;

export function ec2ResourceCommands(ctx: RegionContext): Record<string, CommandHandler> {
  return {
    DescribeImages: (input) => {
      const ids = stringList(input, "ImageIds") ?? [];
      const owners = stringList(input, "Owners") ?? [];
      const filters = (input.Filters ?? []) as Ec2Filter[];
      // A name filter for a minor not seen yet ("…-standard-1.31-v*") must still find its images.
      for (const filter of filters) {
        if (filter.Name !== "name") continue;
        for (const value of filter.Values ?? []) {
          const minor = /-(1\.\d+)-/.exec(value)?.[1];
          if (minor) ctx.catalog.releases(minor);
        }
      }
      const missing = ids.filter((id) => !ctx.catalog.image(id));
      if (missing.length > 0) {
        throw ec2Error("InvalidAMIID.NotFound", `The image id '[${missing.join(", ")}]' does not exist`);
      }
      const images = (ids.length > 0 ? ids.map((id) => ctx.catalog.image(id) as SimImage) : ctx.catalog.all())
        .filter((image) => owners.length === 0 || owners.includes(image.ownerId) || owners.includes("amazon"))
        .filter((image) =>
          passesFilters(
            filters,
            IMAGE_FILTERS,
            {
              "image-id": image.imageId,
              name: image.name,
              "owner-id": image.ownerId,
              state: "available",
              architecture: image.architecture,
            },
            {},
          ),
        );
      return { Images: images.map(imageShape) };
    },

    DescribeSubnets: (input) => {
      const ids = stringList(input, "SubnetIds") ?? [];
      const missing = ids.filter((id) => !ctx.world.subnets.has(id));
      if (missing.length === 1)
        throw ec2Error("InvalidSubnetID.NotFound", `The subnet ID '${missing[0]}' does not exist`);
      if (missing.length > 1)
        throw ec2Error("InvalidSubnetID.NotFound", `The subnet IDs '${missing.join(", ")}' do not exist`);
      const filters = input.Filters as Ec2Filter[] | undefined;
      const subnets = [...ctx.world.subnets.values()]
        .filter((subnet) => ids.length === 0 || ids.includes(subnet.subnetId))
        .filter((subnet) =>
          passesFilters(
            filters,
            SUBNET_FILTERS,
            {
              "subnet-id": subnet.subnetId,
              "availability-zone": subnet.availabilityZone,
              "vpc-id": subnet.vpcId,
              state: "available",
            },
            subnetTags(ctx, subnet),
          ),
        );
      return { Subnets: subnets.map((subnet) => subnetShape(ctx, subnet)) };
    },
  };
}

function imageShape(image: SimImage) {
  return {
    ImageId: image.imageId,
    Name: image.name,
    Description: image.description,
    CreationDate: image.creationDate,
    State: "available",
    Architecture: image.architecture,
    OwnerId: image.ownerId,
    ImageOwnerAlias: "amazon",
    ImageLocation: `amazon/${image.name}`,
    ImageType: "machine",
    Public: true,
    RootDeviceName: "/dev/xvda",
    RootDeviceType: "ebs",
    VirtualizationType: "hvm",
    PlatformDetails: "Linux/UNIX",
    Hypervisor: "xen",
    EnaSupport: true,
  };
}

function subnetTags(ctx: RegionContext, subnet: SimSubnet): Record<string, string> {
  return {
    Name: `${ctx.scenario.cluster.name}-private-${subnet.availabilityZone}`,
    [`kubernetes.io/cluster/${ctx.scenario.cluster.name}`]: "shared",
    "kubernetes.io/role/internal-elb": "1",
  };
}

/** Usable addresses minus those held by instances that are not terminated. */
export function availableAddresses(ctx: RegionContext, subnet: SimSubnet): number {
  let used = 0;
  for (const instance of ctx.world.instances.values()) {
    if (instance.subnetId === subnet.subnetId && instance.state !== "terminated") used++;
  }
  return Math.max(0, subnet.usableAddresses - used);
}

function subnetShape(ctx: RegionContext, subnet: SimSubnet) {
  return {
    SubnetId: subnet.subnetId,
    SubnetArn: `arn:aws:ec2:${ctx.regionName}:${SANDBOX_ACCOUNT_ID}:subnet/${subnet.subnetId}`,
    AvailabilityZone: subnet.availabilityZone,
    AvailabilityZoneId: subnet.availabilityZoneId,
    AvailableIpAddressCount: availableAddresses(ctx, subnet),
    CidrBlock: subnet.cidrBlock,
    VpcId: subnet.vpcId,
    OwnerId: SANDBOX_ACCOUNT_ID,
    State: "available",
    MapPublicIpOnLaunch: false,
    DefaultForAz: false,
    Tags: tagList(subnetTags(ctx, subnet)),
  };
}
