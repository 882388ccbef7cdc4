/**
 * Which image family a group moves to on an upgrade: the managed node group's amiType, or else the
 * family of the image its launch template runs now (upgrade/ami-family.ts). Arm64, Bottlerocket and GPU
 * groups stay what they are; a group whose image Tugboat cannot place is refused, never guessed.
 */
import { TerminalError } from "../../errors";
import type { Deps } from "../../ports";
import { type AmiFamily, amiFamilyOfEksAmiType, amiFamilyOfImage } from "../../upgrade/ami-family";

export async function amiFamilyOfTemplate(
  deps: Deps,
  template: { id: string; version: string },
  owner: string,
): Promise<AmiFamily> {
  const current = await deps.ec2.describeLaunchTemplateVersion(template.id, template.version);
  if (!current.imageId) {
    throw new TerminalError(
      `${owner}: launch template ${template.id} version ${current.versionNumber} names no image, so there is no image family to upgrade`,
    );
  }
  const image = await deps.ec2.describeImage(current.imageId);
  const family = image ? amiFamilyOfImage(image) : undefined;
  if (!family) {
    throw new TerminalError(
      `${owner}: image ${current.imageId} (${image?.name ?? "no longer described by EC2"}) is not an EKS-optimized Amazon Linux or Bottlerocket image, so no public image succeeds it; point the group at one, or upgrade its image yourself`,
    );
  }
  return family;
}

/** A managed node group: its amiType; with a custom image (amiType CUSTOM), its launch template's image. */
export async function amiFamilyOfManagedGroup(
  deps: Deps,
  nodegroup: { name: string; amiType?: string; launchTemplate?: { id?: string; version?: string } },
): Promise<AmiFamily> {
  const fromType = amiFamilyOfEksAmiType(nodegroup.amiType);
  if (fromType) return fromType;
  const template = nodegroup.launchTemplate;
  if (template?.id && template.version) {
    return amiFamilyOfTemplate(deps, { id: template.id, version: template.version }, `node group ${nodegroup.name}`);
  }
  throw new TerminalError(
    `node group ${nodegroup.name}: amiType ${nodegroup.amiType ?? "(none)"} has no public EKS image parameter and the group has no launch template`,
  );
}
