/**
 * ParametersPort on the AWS SDK v3 SSM client: the EKS-optimized Amazon Linux 2023 AMI that AWS
 * recommends for a Kubernetes minor, read from the public parameters the EKS User Guide documents.
 */
import { GetParametersCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { ParametersPort } from "../../core/ports";
import { toStepError } from "./classify";

export function recommendedAmiParameterPath(minor: string): string {
  return `/aws/service/eks/optimized-ami/${minor}/amazon-linux-2023/x86_64/standard/recommended`;
}

export class SsmParametersAdapter implements ParametersPort {
  constructor(private readonly client: SSMClient) {}

  async recommendedEksAmi(minor: string): Promise<{ imageId: string; releaseVersion?: string } | undefined> {
    const base = recommendedAmiParameterPath(minor);
    const imageIdName = `${base}/image_id`;
    const releaseVersionName = `${base}/release_version`;
    try {
      // One call for both; a minor AWS publishes no AMI for comes back in InvalidParameters, not as an error.
      const out = await this.client.send(new GetParametersCommand({ Names: [imageIdName, releaseVersionName] }));
      const value = (name: string) => out.Parameters?.find((p) => p.Name === name)?.Value;
      const imageId = value(imageIdName);
      if (!imageId) return undefined;
      const releaseVersion = value(releaseVersionName);
      return releaseVersion ? { imageId, releaseVersion } : { imageId };
    } catch (err) {
      throw toStepError(err, `GetParameters ${base}/{image_id,release_version}`);
    }
  }
}
