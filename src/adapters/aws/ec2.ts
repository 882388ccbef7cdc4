/** Ec2Port on the AWS SDK v3 EC2 client. */
import {
  CreateLaunchTemplateVersionCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  type DescribeLaunchTemplateVersionsCommandOutput,
  DescribeSubnetsCommand,
  type EC2Client,
  type Instance,
  type LaunchTemplateVersion as SdkLaunchTemplateVersion,
  type Tag,
} from "@aws-sdk/client-ec2";
import { TerminalError } from "../../core/errors";
import type { Ec2Instance, LaunchTemplateVersion, SubnetState } from "../../core/model/aws";
import type { Ec2Port } from "../../core/ports";
import type { ImageFacts } from "../../core/upgrade/ami-family";
import { awsErrorCode, toStepError } from "./classify";

/** DescribeInstances accepts at most 1000 instance ids per call. */
const MAX_IDS_PER_CALL = 1000;

function tagsOf(tags: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? "";
  }
  return out;
}

export function toEc2Instance(instance: Instance): Ec2Instance {
  return {
    instanceId: instance.InstanceId ?? "",
    imageId: instance.ImageId ?? "",
    instanceType: instance.InstanceType ?? "",
    availabilityZone: instance.Placement?.AvailabilityZone ?? "",
    privateDnsName: instance.PrivateDnsName ?? "",
    state: instance.State?.Name ?? "",
    launchTime: instance.LaunchTime ? new Date(instance.LaunchTime) : new Date(0),
    tags: tagsOf(instance.Tags),
  };
}

/** Launch templates are named by id ("lt-…") or by name; the API takes one or the other. */
function templateRef(templateId: string): { LaunchTemplateId: string } | { LaunchTemplateName: string } {
  return templateId.startsWith("lt-") ? { LaunchTemplateId: templateId } : { LaunchTemplateName: templateId };
}

function toLaunchTemplateVersion(
  found: SdkLaunchTemplateVersion | undefined,
  templateId: string,
  context: string,
): LaunchTemplateVersion {
  if (!found || found.VersionNumber === undefined) {
    throw new TerminalError(`${context}: the launch template has no such version`);
  }
  const out: LaunchTemplateVersion = {
    templateId: found.LaunchTemplateId ?? templateId,
    templateName: found.LaunchTemplateName ?? "",
    versionNumber: String(found.VersionNumber),
  };
  if (found.LaunchTemplateData?.ImageId !== undefined) out.imageId = found.LaunchTemplateData.ImageId;
  if (found.LaunchTemplateData?.InstanceType !== undefined) out.instanceType = found.LaunchTemplateData.InstanceType;
  return out;
}

/**
 * The ids named in "The instance ID 'i-0a' does not exist" / "The instance IDs 'i-0a, i-0b' do not
 * exist". EC2 fails the whole call when any id is unknown, so these are dropped and the rest asked again.
 */
function missingIdsIn(err: unknown): string[] {
  const message = err instanceof Error ? err.message : String(err);
  return message.match(/i-[0-9a-zA-Z]+/g) ?? [];
}

export class Ec2Adapter implements Ec2Port {
  constructor(private readonly client: EC2Client) {}

  async describeInstances(instanceIds: string[]): Promise<Ec2Instance[]> {
    const unique = [...new Set(instanceIds)].sort();
    const found: Ec2Instance[] = [];
    for (let start = 0; start < unique.length; start += MAX_IDS_PER_CALL) {
      found.push(...(await this.describeBatch(unique.slice(start, start + MAX_IDS_PER_CALL))));
    }
    return found.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  }

  async describeLaunchTemplateVersion(templateId: string, version: string): Promise<LaunchTemplateVersion> {
    // "$Latest" and "$Default" are understood by the service itself; the answer carries the number.
    const context = `DescribeLaunchTemplateVersions ${templateId} version ${version}`;
    let output: DescribeLaunchTemplateVersionsCommandOutput;
    try {
      output = await this.client.send(
        new DescribeLaunchTemplateVersionsCommand({ ...templateRef(templateId), Versions: [version] }),
      );
    } catch (err) {
      throw toStepError(err, context);
    }
    return toLaunchTemplateVersion(output.LaunchTemplateVersions?.[0], templateId, context);
  }

  async createLaunchTemplateVersion(request: {
    templateId: string;
    sourceVersion: string;
    imageId: string;
    description: string;
  }): Promise<LaunchTemplateVersion> {
    const context = `CreateLaunchTemplateVersion ${request.templateId} from version ${request.sourceVersion} with ${request.imageId}`;
    try {
      // EC2 copies the source version and lays LaunchTemplateData over it: only the AMI changes.
      const output = await this.client.send(
        new CreateLaunchTemplateVersionCommand({
          ...templateRef(request.templateId),
          SourceVersion: request.sourceVersion,
          VersionDescription: request.description,
          LaunchTemplateData: { ImageId: request.imageId },
        }),
      );
      return toLaunchTemplateVersion(output.LaunchTemplateVersion, request.templateId, context);
    } catch (err) {
      throw toStepError(err, context);
    }
  }

  async describeImage(imageId: string): Promise<ImageFacts | undefined> {
    try {
      const out = await this.client.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
      const image = out.Images?.[0];
      if (!image) return undefined;
      return {
        ...(image.Architecture ? { architecture: image.Architecture } : {}),
        ...(image.Name ? { name: image.Name } : {}),
        ...(image.Description ? { description: image.Description } : {}),
      };
    } catch (err) {
      // A deregistered image, or one shared with this account no longer.
      if (awsErrorCode(err) === "InvalidAMIID.NotFound" || awsErrorCode(err) === "InvalidAMIID.Unavailable") {
        return undefined;
      }
      throw toStepError(err, `DescribeImages ${imageId}`);
    }
  }

  async describeSubnets(subnetIds: string[]): Promise<SubnetState[]> {
    const unique = [...new Set(subnetIds)].sort();
    // No ids would mean every subnet of the account: never ask that by accident.
    if (unique.length === 0) return [];
    const context = `DescribeSubnets ${unique.join(",")}`;
    const out: SubnetState[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.client.send(new DescribeSubnetsCommand({ SubnetIds: unique, NextToken: nextToken }));
        for (const subnet of page.Subnets ?? []) {
          out.push({
            subnetId: subnet.SubnetId ?? "",
            availabilityZone: subnet.AvailabilityZone ?? "",
            availableIpAddressCount: subnet.AvailableIpAddressCount ?? 0,
          });
        }
        nextToken = page.NextToken;
      } while (nextToken);
    } catch (err) {
      throw toStepError(err, context);
    }
    return out.sort((a, b) => a.subnetId.localeCompare(b.subnetId));
  }

  private async describeBatch(ids: string[]): Promise<Ec2Instance[]> {
    let remaining = ids;
    // Each round removes at least one id, so this ends; usually it takes one round.
    while (remaining.length > 0) {
      try {
        return await this.describePages(remaining);
      } catch (err) {
        if (awsErrorCode(err) !== "InvalidInstanceID.NotFound") {
          throw toStepError(err, `DescribeInstances (${remaining.length} ids, first ${remaining[0]})`);
        }
        const missing = new Set(missingIdsIn(err));
        const rest = remaining.filter((id) => !missing.has(id));
        // If the message named none of ours, nothing can be learnt: treat the batch as gone.
        if (rest.length === remaining.length) return [];
        remaining = rest;
      }
    }
    return [];
  }

  private async describePages(ids: string[]): Promise<Ec2Instance[]> {
    const out: Ec2Instance[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new DescribeInstancesCommand({ InstanceIds: ids, NextToken: nextToken }));
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) out.push(toEc2Instance(instance));
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return out;
  }
}
