/**
 * EC2 instance commands: DescribeInstances and TerminateInstances. A TerminateInstances on an Auto
 * Scaling member goes around the group: the group only learns of it from its health check and
 * launches a replacement (asg-engine.ts).
 */
import type { CommandHandler } from "./autoscaling";
import { type Ec2Filter, passesFilters, tagList } from "./ec2-filters";
import { awsError, ec2Error } from "./errors";
import type { Ec2Fleet } from "./fleet";
import { type CommandInput, stringList } from "./input";
import { EC2_STATE_CODES, type SimInstance } from "./model";
import { InvalidTokenError, paginate } from "./pagination";
import { type RegionContext, SANDBOX_ACCOUNT_ID } from "./world";

const INSTANCE_FILTERS = [
  "instance-id",
  "instance-state-name",
  "instance-type",
  "image-id",
  "availability-zone",
  "private-dns-name",
  "private-ip-address",
  "subnet-id",
  "vpc-id",
] as const;

const INSTANCE_ID = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;

export function ec2InstanceCommands(
  ctx: RegionContext,
  fleet: Ec2Fleet,
  recordTerminateCall: (instanceId: string) => void,
): Record<string, CommandHandler> {
  /** Visible instances for the ids, or EC2's NotFound/Malformed errors naming the missing ones. */
  const lookUp = (ids: string[]): SimInstance[] => {
    const malformed = ids.find((id) => !INSTANCE_ID.test(id));
    if (malformed !== undefined) throw ec2Error("InvalidInstanceID.Malformed", `Invalid id: "${malformed}"`);
    const missing = ids.filter((id) => {
      const instance = ctx.world.instances.get(id);
      return !instance || !fleet.isVisible(instance);
    });
    if (missing.length === 1)
      throw ec2Error("InvalidInstanceID.NotFound", `The instance ID '${missing[0]}' does not exist`);
    if (missing.length > 1) {
      throw ec2Error("InvalidInstanceID.NotFound", `The instance IDs '${missing.join(", ")}' do not exist`);
    }
    return ids.map((id) => ctx.world.instances.get(id) as SimInstance);
  };

  return {
    DescribeInstances: (input: CommandInput) => {
      const ids = stringList(input, "InstanceIds") ?? [];
      if (ids.length > 0 && input.MaxResults !== undefined) {
        throw ec2Error(
          "InvalidParameterCombination",
          "The parameter instancesSet cannot be used with the parameter maxResults",
        );
      }
      const maxResults = input.MaxResults;
      if (maxResults !== undefined && (typeof maxResults !== "number" || maxResults < 5 || maxResults > 1000)) {
        throw ec2Error(
          "InvalidParameterValue",
          `Value ( ${String(maxResults)} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
        );
      }
      const candidates =
        ids.length > 0
          ? lookUp([...new Set(ids)])
          : [...ctx.world.instances.values()].filter((instance) => fleet.isVisible(instance));
      const filters = input.Filters as Ec2Filter[] | undefined;
      const matching = candidates
        .filter((instance) =>
          passesFilters(filters, INSTANCE_FILTERS, filterFields(instance, ctx.world.vpcId), instance.tags),
        )
        .sort((a, b) => a.launchTimeMs - b.launchTimeMs || a.instanceId.localeCompare(b.instanceId));
      let page: { items: SimInstance[]; nextToken?: string };
      try {
        page = paginate(
          `instances:${JSON.stringify([ids, filters])}`,
          matching,
          typeof maxResults === "number" ? maxResults : Number.MAX_SAFE_INTEGER,
          typeof input.NextToken === "string" ? input.NextToken : undefined,
        );
      } catch (err) {
        if (err instanceof InvalidTokenError)
          throw ec2Error("InvalidParameterValue", `Invalid value '${input.NextToken}' for nextToken`);
        throw err;
      }
      return {
        Reservations: page.items.map((instance) => ({
          ReservationId: instance.reservationId,
          OwnerId: SANDBOX_ACCOUNT_ID,
          Groups: [],
          Instances: [instanceShape(instance, ctx.world.vpcId)],
        })),
        NextToken: page.nextToken,
      };
    },

    TerminateInstances: (input: CommandInput) => {
      const ids = stringList(input, "InstanceIds") ?? [];
      if (ids.length === 0)
        throw awsError("ec2", "MissingParameter", "The request must contain the parameter InstanceId");
      for (const id of ids) recordTerminateCall(id);
      const instances = lookUp(ids);
      return {
        TerminatingInstances: instances.map((instance) => {
          const before = instance.state;
          fleet.terminate(instance.instanceId, "User initiated");
          return {
            InstanceId: instance.instanceId,
            CurrentState: { Code: EC2_STATE_CODES[instance.state], Name: instance.state },
            PreviousState: { Code: EC2_STATE_CODES[before], Name: before },
          };
        }),
      };
    },
  };
}

function filterFields(instance: SimInstance, vpcId: string) {
  return {
    "instance-id": instance.instanceId,
    "instance-state-name": instance.state,
    "instance-type": instance.instanceType,
    "image-id": instance.imageId,
    "availability-zone": instance.availabilityZone,
    "private-dns-name": instance.privateDnsName,
    "private-ip-address": instance.privateIp,
    "subnet-id": instance.subnetId,
    "vpc-id": vpcId,
  };
}

export function instanceShape(instance: SimInstance, vpcId: string) {
  const gone = instance.state === "shutting-down" || instance.state === "terminated";
  return {
    InstanceId: instance.instanceId,
    ImageId: instance.imageId,
    InstanceType: instance.instanceType,
    LaunchTime: new Date(instance.launchTimeMs),
    Placement: { AvailabilityZone: instance.availabilityZone, GroupName: "", Tenancy: "default" },
    PrivateDnsName: instance.privateDnsName,
    PrivateIpAddress: instance.state === "terminated" ? undefined : instance.privateIp,
    State: { Code: EC2_STATE_CODES[instance.state], Name: instance.state },
    StateTransitionReason: instance.stateTransitionReason,
    StateReason: gone
      ? { Code: "Client.UserInitiatedShutdown", Message: "Client.UserInitiatedShutdown: User initiated shutdown" }
      : undefined,
    SubnetId: instance.state === "terminated" ? undefined : instance.subnetId,
    VpcId: instance.state === "terminated" ? undefined : vpcId,
    Architecture: "x86_64",
    RootDeviceType: "ebs",
    RootDeviceName: "/dev/xvda",
    VirtualizationType: "hvm",
    Hypervisor: "xen",
    EnaSupport: true,
    InstanceLifecycle: instance.capacityType === "SPOT" ? "spot" : undefined,
    Tags: tagList(instance.tags),
  };
}
