/** Where an upgrade's replacements boot from: a launch template version carrying the new minor's AMI. */
import type { Deps } from "../../ports";

/**
 * The template's current version when it already carries the AMI, or a new version copied from it with
 * only the AMI changed.
 */
export async function templateVersionFor(
  deps: Deps,
  template: { id: string; version: string },
  imageId: string,
  description: string,
): Promise<string> {
  const current = await deps.ec2.describeLaunchTemplateVersion(template.id, template.version);
  if (current.imageId === imageId) return current.versionNumber;
  const created = await deps.ec2.createLaunchTemplateVersion({
    templateId: template.id,
    sourceVersion: current.versionNumber,
    imageId,
    description,
  });
  return created.versionNumber;
}

/**
 * Makes an Auto Scaling group launch `imageId`: a template version carrying it, and the group pointed at
 * it when pinned to a number ("$Latest" follows the new version by itself). Returns the version.
 */
export async function pointGroupAtImage(
  deps: Deps,
  groupName: string,
  template: { id: string; version: string },
  imageId: string,
  description: string,
): Promise<string> {
  const version = await templateVersionFor(deps, template, imageId, description);
  if (template.version !== "$Latest" && template.version !== version) {
    await deps.autoScaling.setLaunchTemplate(groupName, { id: template.id, version });
  }
  return version;
}
