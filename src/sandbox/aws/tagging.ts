/**
 * Tagging as `tug connect` uses it: Auto Scaling CreateOrUpdateTags on groups, and EC2 CreateTags on
 * launch templates and instances, with the services' own refusals for unknown resources.
 */
import type { CommandHandler } from "./autoscaling";
import { awsError } from "./errors";
import type { CommandInput } from "./input";
import type { RegionContext } from "./world";

interface TagInput {
  ResourceId?: string;
  ResourceType?: string;
  Key?: string;
  Value?: string;
}

export function autoScalingTagCommands(ctx: RegionContext): Record<string, CommandHandler> {
  return {
    CreateOrUpdateTags: (input: CommandInput) => {
      const tags = (input.Tags as TagInput[] | undefined) ?? [];
      if (tags.length === 0) {
        throw awsError(
          "autoscaling",
          "ValidationError",
          "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
        );
      }
      for (const tag of tags) {
        const group = tag.ResourceId ? ctx.world.groups.get(tag.ResourceId) : undefined;
        if (tag.ResourceType !== "auto-scaling-group" || !group || !tag.Key) {
          throw awsError(
            "autoscaling",
            "ValidationError",
            `AutoScalingGroup name not found - ${tag.ResourceId ?? "(none)"}`,
          );
        }
      }
      for (const tag of tags) {
        const group = ctx.world.groups.get(tag.ResourceId as string);
        if (group) group.tags[tag.Key as string] = tag.Value ?? "";
      }
      return {};
    },
  };
}

export function ec2TagCommands(ctx: RegionContext): Record<string, CommandHandler> {
  return {
    CreateTags: (input: CommandInput) => {
      const ids = (input.Resources as string[] | undefined) ?? [];
      const tags = (input.Tags as { Key?: string; Value?: string }[] | undefined) ?? [];
      const targets = ids.map((id) => {
        const target = id.startsWith("lt-") ? ctx.world.launchTemplates.get(id) : ctx.world.instances.get(id);
        if (!target) {
          const code = id.startsWith("lt-") ? "InvalidLaunchTemplateId.NotFound" : "InvalidID";
          throw awsError("ec2", code, `The ID '${id}' is not valid`);
        }
        return target;
      });
      for (const target of targets) for (const tag of tags) if (tag.Key) target.tags[tag.Key] = tag.Value ?? "";
      return {};
    },
  };
}
