/**
 * ParametersPort on the AWS SDK v3 SSM client: the EKS-optimized image (Amazon Linux 2023, Amazon Linux 2
 * or Bottlerocket, for an architecture and variant) that AWS recommends for a Kubernetes minor, read from
 * the public parameters the EKS User Guide documents (names in src/core/upgrade/ami-family.ts).
 */
import { GetParametersCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { ParametersPort } from "../../core/ports";
import { type AmiFamily, amiParameterNames, DEFAULT_AMI_FAMILY } from "../../core/upgrade/ami-family";
import { toStepError } from "./classify";

export class SsmParametersAdapter implements ParametersPort {
  constructor(private readonly client: SSMClient) {}

  async recommendedEksAmi(
    minor: string,
    family: AmiFamily = DEFAULT_AMI_FAMILY,
  ): Promise<{ imageId: string; releaseVersion?: string } | undefined> {
    const names = amiParameterNames(family, minor);
    try {
      // One call for both; a minor AWS publishes no AMI for comes back in InvalidParameters, not as an error.
      const out = await this.client.send(new GetParametersCommand({ Names: [names.imageId, names.version] }));
      const value = (name: string) => out.Parameters?.find((p) => p.Name === name)?.Value;
      const imageId = value(names.imageId);
      if (!imageId) return undefined;
      const releaseVersion = value(names.version);
      return releaseVersion ? { imageId, releaseVersion } : { imageId };
    } catch (err) {
      throw toStepError(err, `GetParameters ${names.imageId}, ${names.version}`);
    }
  }
}
