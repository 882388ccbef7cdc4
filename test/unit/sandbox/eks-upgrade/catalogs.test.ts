/**
 * The add-on and version catalogs must offer a path through every minor step they cover: for each
 * add-on and each step N → N+1, some version runs on both, so an add-on can be moved before the
 * control plane; and the VPC CNI reaches it one minor at a time.
 */
import { describe, expect, it } from "vitest";
import { ADDON_CATALOG, addonMinor, compatibleVersions } from "../../../../src/sandbox/aws/addon-catalog";
import { nextMinor } from "../../../../src/sandbox/aws/catalog";
import { EKS_VERSIONS } from "../../../../src/sandbox/aws/cluster-versions";
import { allowedKubeletSkew } from "../../../../src/sandbox/aws/eks-insights";

const steps = EKS_VERSIONS.map((v) => v.version)
  .filter((v) => EKS_VERSIONS.some((w) => w.version === nextMinor(v)))
  .sort();

describe("add-on catalog", () => {
  it("has, for every add-on but kube-proxy, a version spanning each minor step", () => {
    for (const addon of ADDON_CATALOG.filter((a) => a.name !== "kube-proxy")) {
      for (const minor of steps) {
        const both = compatibleVersions(addon.name, minor).filter((v) =>
          compatibleVersions(addon.name, nextMinor(minor)).includes(v),
        );
        expect(both, `${addon.name} ${minor} → ${nextMinor(minor)}`).not.toHaveLength(0);
      }
    }
  });

  it("has a kube-proxy build for every minor, each for that minor alone", () => {
    for (const v of EKS_VERSIONS) {
      const builds = compatibleVersions("kube-proxy", v.version);
      expect(builds.length, v.version).toBeGreaterThan(0);
      for (const build of builds) expect(build.startsWith(`v${v.version}.`)).toBe(true);
    }
  });

  it("makes the VPC CNI a 1.30 cluster gets by default unfit for 1.33, and 1.34's two minors further on", () => {
    const defaultAt = (minor: string) =>
      ADDON_CATALOG.find((a) => a.name === "vpc-cni")?.versions.find((v) => v.defaultFor.includes(minor))?.version ??
      "";
    expect(compatibleVersions("vpc-cni", "1.33")).not.toContain(defaultAt("1.30"));
    expect(addonMinor(defaultAt("1.34")) - addonMinor(defaultAt("1.30"))).toBe(2);
  });

  it("marks exactly one default version per add-on and Kubernetes version", () => {
    for (const addon of ADDON_CATALOG) {
      for (const v of EKS_VERSIONS) {
        const defaults = addon.versions.filter((r) => r.defaultFor.includes(v.version));
        expect(defaults, `${addon.name} ${v.version}`).toHaveLength(1);
        expect(defaults[0]?.clusterVersions).toContain(v.version);
      }
    }
  });
});

describe("kubelet skew", () => {
  it("allows three minors from Kubernetes 1.28 on and two before", () => {
    expect(allowedKubeletSkew("1.27")).toBe(2);
    expect(allowedKubeletSkew("1.28")).toBe(3);
    expect(allowedKubeletSkew("1.33")).toBe(3);
  });
});
