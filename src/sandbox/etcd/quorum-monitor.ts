/**
 * Watches etcd's quorum through a run: every membership or health change is recorded with its
 * virtual time, so a test or a benchmark can say whether a control-plane roll ever lost quorum and
 * how close it came. Quorum is a majority of the voting members; learners neither vote nor count.
 * A sample's failure tolerance (healthy voters minus quorum) is how many more voters could fail
 * without losing quorum: 1 for a healthy cluster of three.
 */

export interface QuorumSample {
  atMs: number;
  /** Voting members (learners excluded). */
  members: number;
  /** Voting members that answer. */
  healthy: number;
  quorum: number;
  /** Non-voting members (learners). */
  learners: number;
}

export interface MembershipCounts {
  voters: number;
  healthyVoters: number;
  learners: number;
}

/** Raft's majority of `members` voters. */
export function quorumOf(members: number): number {
  return Math.floor(members / 2) + 1;
}

/** How many more voters may fail before quorum is lost; negative once it is. */
export function failureTolerance(sample: Pick<QuorumSample, "healthy" | "quorum">): number {
  return sample.healthy - sample.quorum;
}

export class QuorumMonitor {
  private readonly samples: QuorumSample[] = [];

  record(atMs: number, counts: MembershipCounts): void {
    const last = this.samples[this.samples.length - 1];
    if (
      last &&
      last.atMs === atMs &&
      last.members === counts.voters &&
      last.healthy === counts.healthyVoters &&
      last.learners === counts.learners
    )
      return;
    this.samples.push({
      atMs,
      members: counts.voters,
      healthy: counts.healthyVoters,
      quorum: quorumOf(counts.voters),
      learners: counts.learners,
    });
  }

  /** The cluster as it stands when the run starts: how it was assembled is no part of the run. */
  restart(atMs: number, counts: MembershipCounts): void {
    this.samples.length = 0;
    this.record(atMs, counts);
  }

  history(): readonly QuorumSample[] {
    return this.samples;
  }

  /** The smallest failure tolerance seen; negative means quorum was lost. Undefined before any sample. */
  minimumMargin(): number | undefined {
    let minimum: number | undefined;
    for (const sample of this.samples) {
      const margin = failureTolerance(sample);
      if (minimum === undefined || margin < minimum) minimum = margin;
    }
    return minimum;
  }

  everLostQuorum(): boolean {
    return this.samples.some((sample) => sample.healthy < sample.quorum);
  }
}
