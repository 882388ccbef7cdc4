/** The image family of a group, and the public parameter names of its recommended image. */
import { describe, expect, it } from "vitest";
import { TerminalError } from "../../../../src/core/errors";
import {
  AMI_PARAMETER_PREFIXES,
  amiFamilyOfEksAmiType,
  amiFamilyOfImage,
  amiParameterNames,
  DEFAULT_AMI_FAMILY,
} from "../../../../src/core/upgrade/ami-family";

describe("amiParameterNames", () => {
  it("names the parameters the EKS User Guide publishes, for each managed node group AMI type", () => {
    const imageIdOf = (amiType: string) => amiParameterNames(amiFamilyOfEksAmiType(amiType)!, "1.31").imageId;
    expect(imageIdOf("AL2023_x86_64_STANDARD")).toBe(
      "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/recommended/image_id",
    );
    expect(imageIdOf("AL2023_ARM_64_STANDARD")).toBe(
      "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/arm64/standard/recommended/image_id",
    );
    expect(imageIdOf("AL2023_x86_64_NVIDIA")).toBe(
      "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/nvidia/recommended/image_id",
    );
    expect(imageIdOf("AL2023_ARM_64_NVIDIA")).toBe(
      "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/arm64/nvidia/recommended/image_id",
    );
    expect(imageIdOf("AL2023_x86_64_NEURON")).toBe(
      "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/neuron/recommended/image_id",
    );
    expect(imageIdOf("AL2_x86_64")).toBe("/aws/service/eks/optimized-ami/1.31/amazon-linux-2/recommended/image_id");
    expect(imageIdOf("AL2_ARM_64")).toBe(
      "/aws/service/eks/optimized-ami/1.31/amazon-linux-2-arm64/recommended/image_id",
    );
    expect(imageIdOf("AL2_x86_64_GPU")).toBe(
      "/aws/service/eks/optimized-ami/1.31/amazon-linux-2-gpu/recommended/image_id",
    );
    expect(imageIdOf("BOTTLEROCKET_x86_64")).toBe("/aws/service/bottlerocket/aws-k8s-1.31/x86_64/latest/image_id");
    expect(imageIdOf("BOTTLEROCKET_ARM_64")).toBe("/aws/service/bottlerocket/aws-k8s-1.31/arm64/latest/image_id");
    expect(imageIdOf("BOTTLEROCKET_x86_64_NVIDIA")).toBe(
      "/aws/service/bottlerocket/aws-k8s-1.31-nvidia/x86_64/latest/image_id",
    );
    expect(imageIdOf("BOTTLEROCKET_ARM_64_FIPS")).toBe(
      "/aws/service/bottlerocket/aws-k8s-1.31-fips/arm64/latest/image_id",
    );
  });

  it("reads the version from release_version on Amazon Linux and image_version on Bottlerocket", () => {
    expect(amiParameterNames(DEFAULT_AMI_FAMILY, "1.30").version).toBe(
      "/aws/service/eks/optimized-ami/1.30/amazon-linux-2023/x86_64/standard/recommended/release_version",
    );
    expect(amiParameterNames(amiFamilyOfEksAmiType("BOTTLEROCKET_ARM_64")!, "1.30").version).toBe(
      "/aws/service/bottlerocket/aws-k8s-1.30/arm64/latest/image_version",
    );
  });

  it("refuses families AWS publishes no image for, naming them", () => {
    expect(() => amiParameterNames({ os: "al2023", architecture: "arm64", variant: "neuron" }, "1.31")).toThrow(
      /al2023 arm64 neuron/,
    );
    expect(() => amiParameterNames({ os: "al2", architecture: "arm64", variant: "nvidia" }, "1.31")).toThrow(
      TerminalError,
    );
    expect(() => amiParameterNames({ os: "bottlerocket", architecture: "x86_64", variant: "neuron" }, "1.31")).toThrow(
      TerminalError,
    );
  });

  it("stays under the prefixes the step's IAM statement grants", () => {
    for (const amiType of ["AL2023_ARM_64_STANDARD", "AL2_x86_64_GPU", "BOTTLEROCKET_ARM_64_NVIDIA"]) {
      const names = amiParameterNames(amiFamilyOfEksAmiType(amiType)!, "1.32");
      for (const name of [names.imageId, names.version]) {
        expect(
          AMI_PARAMETER_PREFIXES.some((prefix) => name.startsWith(prefix)),
          name,
        ).toBe(true);
      }
    }
  });
});

describe("amiFamilyOfEksAmiType", () => {
  it("leaves custom and Windows images to the launch template", () => {
    expect(amiFamilyOfEksAmiType("CUSTOM")).toBeUndefined();
    expect(amiFamilyOfEksAmiType("WINDOWS_CORE_2022_x86_64")).toBeUndefined();
    expect(amiFamilyOfEksAmiType(undefined)).toBeUndefined();
  });
});

describe("amiFamilyOfImage", () => {
  it("places EKS-optimized images by architecture and published name", () => {
    expect(
      amiFamilyOfImage({ architecture: "arm64", name: "amazon-eks-node-al2023-arm64-standard-1.31-v20250101" }),
    ).toEqual({ os: "al2023", architecture: "arm64", variant: "standard" });
    expect(
      amiFamilyOfImage({ architecture: "x86_64", name: "amazon-eks-node-al2023-x86_64-nvidia-1.31-v20250101" }),
    ).toEqual({ os: "al2023", architecture: "x86_64", variant: "nvidia" });
    expect(amiFamilyOfImage({ architecture: "x86_64", name: "amazon-eks-gpu-node-1.29-v20240101" })).toEqual({
      os: "al2",
      architecture: "x86_64",
      variant: "nvidia",
    });
    expect(amiFamilyOfImage({ architecture: "arm64", name: "amazon-eks-arm64-node-1.29-v20240101" })).toEqual({
      os: "al2",
      architecture: "arm64",
      variant: "standard",
    });
    expect(
      amiFamilyOfImage({ architecture: "arm64", name: "bottlerocket-aws-k8s-1.31-aarch64-v1.26.1-943d9a41" }),
    ).toEqual({ os: "bottlerocket", architecture: "arm64", variant: "standard" });
    expect(
      amiFamilyOfImage({
        architecture: "x86_64",
        name: "custom-build-17",
        description: "EKS-optimized Kubernetes node based on Amazon Linux 2023, (k8s: 1.31.2, containerd: 1.7.*)",
      }),
    ).toEqual({ os: "al2023", architecture: "x86_64", variant: "standard" });
  });

  it("does not guess a family for a custom image or an architecture EKS has no image for", () => {
    expect(amiFamilyOfImage({ architecture: "x86_64", name: "ubuntu-eks/k8s_1.31/images/hvm-ssd" })).toBeUndefined();
    expect(
      amiFamilyOfImage({ architecture: "i386", name: "amazon-eks-node-al2023-x86_64-standard-1.31-v1" }),
    ).toBeUndefined();
  });
});
