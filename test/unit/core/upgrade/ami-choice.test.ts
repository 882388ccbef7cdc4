/** Which family a group moves to: its amiType, else the image its launch template runs now. */
import { describe, expect, it } from "vitest";
import { TerminalError } from "../../../../src/core/errors";
import type { Deps } from "../../../../src/core/ports";
import { amiFamilyOfManagedGroup, amiFamilyOfTemplate } from "../../../../src/core/steps/upgrade/ami-choice";
import type { ImageFacts } from "../../../../src/core/upgrade/ami-family";

/** Deps whose EC2 knows one launch template version and some images; nothing else is reachable. */
function depsWith(imageId: string | undefined, images: Record<string, ImageFacts>): Deps {
  return {
    ec2: {
      describeLaunchTemplateVersion: async (templateId: string, version: string) => ({
        templateId,
        templateName: "workers",
        versionNumber: version === "$Latest" ? "7" : version,
        ...(imageId ? { imageId } : {}),
      }),
      describeImage: async (id: string) => images[id],
    },
  } as unknown as Deps;
}

const bottlerocketArm = {
  architecture: "arm64",
  name: "bottlerocket-aws-k8s-1.31-aarch64-v1.26.1-943d9a41",
  description: "bottlerocket-aws-k8s-1.31",
};

describe("amiFamilyOfTemplate", () => {
  it("keeps a self-managed group on its own OS and architecture", async () => {
    const deps = depsWith("ami-0b0771e", { "ami-0b0771e": bottlerocketArm });
    expect(await amiFamilyOfTemplate(deps, { id: "lt-1", version: "$Latest" }, "node group arm")).toEqual({
      os: "bottlerocket",
      architecture: "arm64",
      variant: "standard",
    });
  });

  it("refuses a custom image or a template without one, naming the group and the image", async () => {
    const custom = depsWith("ami-0c", { "ami-0c": { architecture: "x86_64", name: "golden-2025-06" } });
    await expect(amiFamilyOfTemplate(custom, { id: "lt-1", version: "3" }, "node group gold")).rejects.toThrow(
      /node group gold: image ami-0c \(golden-2025-06\) is not an EKS-optimized/,
    );
    const none = depsWith(undefined, {});
    await expect(amiFamilyOfTemplate(none, { id: "lt-1", version: "3" }, "node group bare")).rejects.toBeInstanceOf(
      TerminalError,
    );
  });
});

describe("amiFamilyOfManagedGroup", () => {
  it("takes the family from amiType, and from the launch template's image when the type is CUSTOM", async () => {
    const deps = depsWith("ami-0b0771e", { "ami-0b0771e": bottlerocketArm });
    expect(await amiFamilyOfManagedGroup(deps, { name: "gpu", amiType: "AL2023_x86_64_NVIDIA" })).toEqual({
      os: "al2023",
      architecture: "x86_64",
      variant: "nvidia",
    });
    expect(
      await amiFamilyOfManagedGroup(deps, {
        name: "custom",
        amiType: "CUSTOM",
        launchTemplate: { id: "lt-1", version: "2" },
      }),
    ).toMatchObject({ os: "bottlerocket", architecture: "arm64" });
    await expect(amiFamilyOfManagedGroup(deps, { name: "win", amiType: "WINDOWS_CORE_2022_x86_64" })).rejects.toThrow(
      /node group win: amiType WINDOWS_CORE_2022_x86_64 has no public EKS image parameter/,
    );
  });
});
