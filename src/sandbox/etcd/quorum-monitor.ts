/**
 * Watches etcd's quorum through a run: every membership or health change is recorded with its
 * virtual time, so a test or a benchmark can say whether a control-plane roll ever lost quorum and
 * how close it came (healthy members minus quorum, at the worst moment).
 */

export interface QuorumSample {
  atMs: number;
  members: number;
  healthy: number;
  quorum: number;
}

/** Raft's majority of `members` voters. */
export function quorumOf(members: number): number {
  return Math.floor(members / 2) + 1;
}

export class QuorumMonitor {
  private readonly samples: QuorumSample[] = [];

  record(atMs: number, members: number, healthy: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && last.atMs === atMs && last.members === members && last.healthy === healthy) return;
    this.samples.push({ atMs, members, healthy, quorum: quorumOf(members) });
  }

  /** The cluster as it stands when the run starts: how it was assembled is no part of the run. */
  restart(atMs: number, members: number, healthy: number): void {
    this.samples.length = 0;
    this.record(atMs, members, healthy);
  }

  history(): readonly QuorumSample[] {
    return this.samples;
  }

  /** The smallest healthy - quorum seen; negative means quorum was lost. Undefined before any sample. */
  minimumMargin(): number | undefined {
    let minimum: number | undefined;
    for (const sample of this.samples) {
      const margin = sample.healthy - sample.quorum;
      if (minimum === undefined || margin < minimum) minimum = margin;
    }
    return minimum;
  }

  everLostQuorum(): boolean {
    return this.samples.some((sample) => sample.healthy < sample.quorum);
  }
}
