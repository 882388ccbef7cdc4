/**
 * EKS add-ons of the simulated region: ListAddons, DescribeAddon, DescribeAddonVersions and
 * UpdateAddon over the catalog of addon-catalog.ts. An update holds the add-on UPDATING for a
 * duration sampled per update from `timing.addonUpdateSeconds` and is tracked as an "AddonUpdate" that DescribeUpdate reads with the
 * add-on's name. Add-ons a scenario lists are installed when the region is built, after checking
 * that each version exists and runs on the cluster's Kubernetes version.
 */
import {
  ADDON_CATALOG,
  addonMinor,
  addonMinorLabel,
  addonRecord,
  compatibleVersions,
  isCompatible,
} from "./addon-catalog";
import type { CommandHandler } from "./autoscaling";
import { eksPage } from "./eks-pagination";
import { updateShape } from "./eks-shapes";
import { eksError } from "./errors";
import { type CommandInput, optionalString, requireString } from "./input";
import type { SimAddon, SimCluster, SimEksUpdate } from "./model";
import { type RegionContext, SANDBOX_ACCOUNT_ID } from "./world";

export type NewUpdate = (partial: Omit<SimEksUpdate, "id" | "status" | "createdMs" | "errors">) => SimEksUpdate;

const RESOLVE_CONFLICTS = ["OVERWRITE", "NONE", "PRESERVE"];

/** The add-on whose minor versions must be taken one at a time (its user guide says so). */
const ONE_MINOR_AT_A_TIME = "vpc-cni";

export function installScenarioAddons(ctx: RegionContext): void {
  const cluster = ctx.scenario.cluster;
  const entries = Object.entries(cluster.addons);
  if (entries.length === 0) return;
  if (cluster.kind !== "eks") {
    throw new Error(`Scenario cluster ${cluster.name} lists add-ons, but EKS add-ons need an EKS cluster`);
  }
  for (const [name, spec] of entries) {
    const { version, configurationValues } = typeof spec === "string" ? { version: spec } : spec;
    // An add-on or version the catalog does not list is carried as the cluster runs it (a captured
    // cluster's own build); a listed version that cannot run on this Kubernetes minor is a scenario error.
    const listed = addonRecord(name)?.versions.some((record) => record.version === version) ?? false;
    if (listed && !isCompatible(name, version, cluster.version)) {
      throw new Error(
        `Scenario add-on ${name} ${version} does not run on Kubernetes ${cluster.version}; compatible versions: ${compatibleVersions(name, cluster.version).join(", ")}`,
      );
    }
    const createdMs = ctx.clock.nowMs() - 30 * 86_400_000;
    const addon: SimAddon = {
      clusterName: cluster.name,
      name,
      arn: `arn:aws:eks:${ctx.regionName}:${SANDBOX_ACCOUNT_ID}:addon/${cluster.name}/${name}/${ctx.tokens.uuid()}`,
      version,
      status: "ACTIVE",
      createdMs,
      modifiedMs: createdMs,
    };
    if (configurationValues !== undefined) addon.configurationValues = configurationValues;
    ctx.world.addons.set(`${cluster.name}/${name}`, addon);
  }
}

export function addonShape(addon: SimAddon) {
  return {
    addonName: addon.name,
    clusterName: addon.clusterName,
    status: addon.status,
    addonVersion: addon.version,
    health: { issues: [] },
    addonArn: addon.arn,
    createdAt: new Date(addon.createdMs),
    modifiedAt: new Date(addon.modifiedMs),
    tags: {},
    owner: "aws",
    publisher: "eks",
    ...(addon.configurationValues !== undefined ? { configurationValues: addon.configurationValues } : {}),
  };
}

export class EksAddonsApi {
  constructor(
    private readonly ctx: RegionContext,
    private readonly cluster: (name: string) => SimCluster,
    private readonly newUpdate: NewUpdate,
  ) {}

  handlers(): Record<string, CommandHandler> {
    return {
      ListAddons: (input) => {
        const cluster = this.cluster(requireString("eks", input, "clusterName"));
        const names = this.ctx.world
          .addonsOf(cluster.name)
          .map((addon) => addon.name)
          .sort();
        const page = eksPage(`addons:${cluster.name}`, names, input);
        return { addons: page.items, nextToken: page.nextToken };
      },
      DescribeAddon: (input) => ({ addon: addonShape(this.addon(input)) }),
      DescribeAddonVersions: (input) => this.describeAddonVersions(input),
      UpdateAddon: (input) => this.updateAddon(input),
    };
  }

  private addon(input: CommandInput): SimAddon {
    const cluster = this.cluster(requireString("eks", input, "clusterName"));
    const name = requireString("eks", input, "addonName");
    const addon = this.ctx.world.addon(cluster.name, name);
    if (!addon) {
      throw eksError("ResourceNotFoundException", `No addon: ${name} found in cluster: ${cluster.name}`, {
        clusterName: cluster.name,
        addonName: name,
      });
    }
    return addon;
  }

  private describeAddonVersions(input: CommandInput) {
    const name = optionalString(input, "addonName");
    const kubernetesVersion = optionalString(input, "kubernetesVersion");
    const addons = ADDON_CATALOG.filter((addon) => name === undefined || addon.name === name);
    // An unknown name is not an error: EKS answers with no add-ons.
    const infos = addons
      .map((addon) => ({
        addonName: addon.name,
        type: addon.type,
        owner: "aws",
        publisher: "eks",
        addonVersions: addon.versions
          .filter((v) => kubernetesVersion === undefined || v.clusterVersions.includes(kubernetesVersion))
          .map((v) => ({
            addonVersion: v.version,
            architecture: ["amd64", "arm64"],
            computeTypes: ["ec2"],
            // Asked for one Kubernetes version, EKS lists the compatibility with that version only.
            compatibilities: v.clusterVersions
              .filter((minor) => kubernetesVersion === undefined || minor === kubernetesVersion)
              .map((minor) => ({
                clusterVersion: minor,
                platformVersions: ["*"],
                defaultVersion: v.defaultFor.includes(minor),
              })),
            requiresConfiguration: false,
            requiresIamPermissions: addon.name === "aws-ebs-csi-driver",
          })),
      }))
      .filter((info) => info.addonVersions.length > 0);
    const page = eksPage(`addon-versions:${name ?? ""}:${kubernetesVersion ?? ""}`, infos, input);
    return { addons: page.items, nextToken: page.nextToken };
  }

  private updateAddon(input: CommandInput) {
    const addon = this.addon(input);
    const cluster = this.cluster(addon.clusterName);
    const invalid = (message: string) =>
      eksError("InvalidParameterException", message, { clusterName: cluster.name, addonName: addon.name });
    if (cluster.status !== "ACTIVE") {
      throw eksError("ResourceInUseException", `Cluster ${cluster.name} has an update in progress.`, {
        clusterName: cluster.name,
        addonName: addon.name,
      });
    }
    if (addon.status !== "ACTIVE" && addon.status !== "DEGRADED" && addon.status !== "UPDATE_FAILED") {
      throw eksError("ResourceInUseException", `Addon ${addon.name} is currently ${addon.status}.`, {
        clusterName: cluster.name,
        addonName: addon.name,
      });
    }
    const resolveConflicts = optionalString(input, "resolveConflicts");
    if (resolveConflicts !== undefined && !RESOLVE_CONFLICTS.includes(resolveConflicts)) {
      throw invalid(`resolveConflicts must be one of ${RESOLVE_CONFLICTS.join(", ")}.`);
    }
    const version = optionalString(input, "addonVersion") ?? addon.version;
    if (!isCompatible(addon.name, version, cluster.version)) throw invalid("Addon version specified is not supported");
    if (addon.name === ONE_MINOR_AT_A_TIME && addonMinor(version) > addonMinor(addon.version) + 1) {
      const next = `v1.${addonMinor(addon.version) + 1}`;
      throw invalid(
        `Updating ${addon.name} from ${addon.version} to ${version} skips ${addonMinorLabel(addon.version)} to ${addonMinorLabel(version)}: update one minor version at a time, to a ${next}.x version first.`,
      );
    }
    const configurationValues =
      typeof input.configurationValues === "string" ? (input.configurationValues as string) : undefined;

    const update = this.newUpdate({
      clusterName: cluster.name,
      addonName: addon.name,
      type: "AddonUpdate",
      params: [
        { type: "AddonVersion", value: version },
        ...(resolveConflicts !== undefined ? [{ type: "ResolveConflicts", value: resolveConflicts }] : []),
        ...(configurationValues !== undefined ? [{ type: "ConfigurationValues", value: configurationValues }] : []),
      ],
    });
    addon.status = "UPDATING";
    addon.modifiedMs = this.ctx.clock.nowMs();
    this.ctx.clock.after(this.ctx.timing.addonUpdate(update.id), `eks addon ${addon.name}`, () => {
      addon.version = version;
      // Omitted configuration values are kept; an empty string clears them, as in EKS.
      if (configurationValues === "") delete addon.configurationValues;
      else if (configurationValues !== undefined) addon.configurationValues = configurationValues;
      addon.status = "ACTIVE";
      addon.modifiedMs = this.ctx.clock.nowMs();
      update.status = "Successful";
    });
    return { update: updateShape(update) };
  }
}
