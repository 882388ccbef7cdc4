/** Translation of Auto Scaling SDK shapes into Tugboat's model (src/core/model/aws.ts). */
import type {
  AutoScalingGroup,
  Instance,
  LaunchTemplateSpecification,
  TagDescription,
} from "@aws-sdk/client-auto-scaling";
import type { AsgInstance, AutoScalingGroupState } from "../../core/model/aws";

function launchTemplateOf(group: AutoScalingGroup): LaunchTemplateSpecification | undefined {
  // Groups with a mixed instances policy (EKS managed node groups often have one) keep the
  // template there rather than in LaunchTemplate.
  return group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
}

function tagsOf(tags: TagDescription[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? "";
  }
  return out;
}

export function toAsgInstance(instance: Instance): AsgInstance {
  const out: AsgInstance = {
    instanceId: instance.InstanceId ?? "",
    availabilityZone: instance.AvailabilityZone ?? "",
    lifecycleState: instance.LifecycleState ?? "",
    healthStatus: instance.HealthStatus ?? "",
    protectedFromScaleIn: instance.ProtectedFromScaleIn ?? false,
  };
  if (instance.LaunchTemplate?.Version !== undefined) out.launchTemplateVersion = instance.LaunchTemplate.Version;
  return out;
}

export function toGroupState(group: AutoScalingGroup): AutoScalingGroupState {
  const state: AutoScalingGroupState = {
    name: group.AutoScalingGroupName ?? "",
    minSize: group.MinSize ?? 0,
    maxSize: group.MaxSize ?? 0,
    desiredCapacity: group.DesiredCapacity ?? 0,
    availabilityZones: [...(group.AvailabilityZones ?? [])],
    suspendedProcesses: (group.SuspendedProcesses ?? [])
      .map((p) => p.ProcessName)
      .filter((name): name is string => name !== undefined),
    tags: tagsOf(group.Tags),
    // Sorted so that everything downstream (planners, logs) sees a stable order.
    instances: (group.Instances ?? []).map(toAsgInstance).sort((a, b) => a.instanceId.localeCompare(b.instanceId)),
  };
  const template = launchTemplateOf(group);
  if (template) {
    state.launchTemplate = {
      id: template.LaunchTemplateId ?? "",
      name: template.LaunchTemplateName ?? "",
      version: template.Version ?? "$Default",
    };
  }
  return state;
}
