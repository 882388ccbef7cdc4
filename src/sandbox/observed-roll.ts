/**
 * What a roll did, as the simulated world recorded it: instances launched into the group and
 * terminated out of it, the images they run. Nothing here reads Tugboat's summary or uses Tugboat's
 * notion of "outdated": an instance is outdated when it was launched from another launch template
 * version, or runs another image, than the one its group would launch now (the launch template resolved
 * by the simulated EC2, which records the version each instance was launched from). Tugboat's summary is then
 * compared with these figures; a disagreement is a fault of the summary (or of the world).
 */
import type { Sandbox } from "./sandbox";

export interface ObservedRoll {
  /** Group instances alive (pending or running) at the start that ran another image than the group's target. */
  nodesOutdatedBefore: number;
  /** The same at the end, against the target at the end. */
  nodesOutdatedAfter: number;
  /** Instances outdated at the start that were terminated by the end. */
  nodesReplaced: number;
  /** Instances launched into the group during the roll. */
  instancesLaunched: number;
  /** Distinct instants at which launches into the group started: the batches, where each batch launches at once. */
  launchWaves: number;
}

export interface RollFiguresSummary {
  nodesOutdatedBefore: number;
  nodesOutdatedAfter: number;
  nodesReplaced: number;
  batches: number;
  /** Instances the roll says it launched (a pipelined self-managed roll launches each one itself). */
  instancesLaunched?: number;
}

interface GroupInstance {
  instanceId: string;
  imageId: string;
  launchTemplateVersion?: number;
  state: string;
  launchTime: string;
}

type LaunchTarget = { imageId: string; version: number } | undefined;

function isOutdated(instance: GroupInstance, target: LaunchTarget): boolean {
  if (!ALIVE.has(instance.state)) return false;
  if (!target) return true;
  if (instance.imageId !== target.imageId) return true;
  return instance.launchTemplateVersion !== undefined && instance.launchTemplateVersion !== target.version;
}

const ALIVE = new Set(["pending", "running"]);

export class RollObserver {
  private readonly before: Map<string, GroupInstance>;
  private readonly outdatedBefore: Set<string>;

  constructor(
    private readonly sandbox: Sandbox,
    /** The group observed: a node group of one cluster (two clusters may use the same names). */
    private readonly cluster: string,
    private readonly nodeGroup: string,
  ) {
    this.before = new Map(this.groupInstances().map((i) => [i.instanceId, i]));
    const target = sandbox.region.launchTargetOf(nodeGroup, cluster);
    this.outdatedBefore = new Set(
      [...this.before.values()].filter((i) => isOutdated(i, target)).map((i) => i.instanceId),
    );
  }

  /** Every instance the observed group has had, from the start to now. */
  instanceIds(): ReadonlySet<string> {
    return new Set([...this.before.keys(), ...this.groupInstances().map((i) => i.instanceId)]);
  }

  /** Instance ids outdated at the start, by the world's definition. */
  outdatedAtStart(): ReadonlySet<string> {
    return this.outdatedBefore;
  }

  finish(): ObservedRoll {
    const now = this.groupInstances();
    const target = this.sandbox.region.launchTargetOf(this.nodeGroup, this.cluster);
    const byId = new Map(now.map((i) => [i.instanceId, i]));
    const launched = now.filter((i) => !this.before.has(i.instanceId));
    const replaced = [...this.outdatedBefore].filter((id) => !ALIVE.has(byId.get(id)?.state ?? "terminated"));
    return {
      nodesOutdatedBefore: this.outdatedBefore.size,
      nodesOutdatedAfter: now.filter((i) => isOutdated(i, target)).length,
      nodesReplaced: replaced.length,
      instancesLaunched: launched.length,
      launchWaves: new Set(launched.map((i) => i.launchTime)).size,
    };
  }

  private groupInstances(): GroupInstance[] {
    return this.sandbox.region
      .snapshot()
      .instances.filter(
        (i) => i.cluster === this.cluster && i.nodeGroup === this.nodeGroup && i.groupName !== undefined,
      )
      .map((i) => ({
        instanceId: i.instanceId,
        imageId: i.imageId,
        ...(i.launchTemplateVersion !== undefined ? { launchTemplateVersion: i.launchTemplateVersion } : {}),
        state: i.state,
        launchTime: i.launchTime,
      }));
  }
}

/**
 * Where Tugboat's summary and the world disagree, in words; empty when they agree. A summary that
 * counts its launches (a pipelined roll, whose waves of cordons need not match launch instants) is held
 * to the instances the world saw launched. Otherwise batches are
 * compared with the launch waves only when the world saw launches (a failed launch retried later is
 * a wave of its own, so waves may exceed batches, never fall short of them).
 */
export function compareRollFigures(
  world: ObservedRoll,
  summary: RollFiguresSummary | undefined,
  outcome: string,
  dryRun = false,
): string[] {
  const problems: string[] = [];
  if (dryRun) {
    // A dry run succeeds by changing nothing: the world must show no launch and no replacement.
    if (world.instancesLaunched > 0 || world.nodesReplaced > 0) {
      problems.push(
        `a dry run changed the group: ${world.instancesLaunched} instance(s) launched, ${world.nodesReplaced} replaced`,
      );
    }
  } else if (outcome === "succeeded" && world.nodesOutdatedAfter > 0) {
    problems.push(
      `the roll says it succeeded, but ${world.nodesOutdatedAfter} instance(s) still run an outdated image`,
    );
  }
  if (!summary) return problems;
  const same = (field: keyof RollFiguresSummary & keyof ObservedRoll) => {
    if (summary[field] !== world[field]) {
      problems.push(`${field}: the summary says ${summary[field]}, the world recorded ${world[field]}`);
    }
  };
  same("nodesOutdatedBefore");
  same("nodesOutdatedAfter");
  same("nodesReplaced");
  if (summary.instancesLaunched !== undefined) {
    // A pipelined roll launches every replacement itself: it may not claim more than the world saw
    // launched. (Auto Scaling may launch on its own too, replacing an instance it found unhealthy.)
    if (summary.instancesLaunched > world.instancesLaunched) {
      problems.push(
        `instancesLaunched: the summary says ${summary.instancesLaunched}, the world recorded ${world.instancesLaunched}`,
      );
    }
  } else if (world.launchWaves > 0 && world.launchWaves < summary.batches) {
    problems.push(
      `batches: the summary says ${summary.batches}, the world saw launches at ${world.launchWaves} instant(s)`,
    );
  }
  return problems;
}
