/**
 * etcd membership of a self-managed control plane, as the v3 Cluster API sees it. A member is
 * added (MemberAdd, or MemberAddAsLearner) before its process starts; it has no name until it has
 * started and published itself, and it stays in the list after its machine dies, unhealthy, until
 * someone removes it. Membership changes go through the checks etcd runs with --strict-reconfig-check
 * (on by default), after etcd 3.5's server: enough started voters must remain, and a change must not
 * break the quorum of members the leader can reach.
 *
 * Learners (etcd 3.4+, design doc "Learner"): a learner receives the leader's log but does not vote
 * and does not count toward quorum. At most `maxLearners` at a time (--experimental-max-learners,
 * default 1). MemberPromote makes it a voter only once it is in sync with the leader (etcd checks
 * that its match index reached 90% of the leader's); here a started learner is in sync
 * `learnerCatchUpSeconds` after it starts.
 */
import type { SeededRandom, VirtualClock } from "../clock";
import {
  learnerNotReady,
  memberNotFound,
  memberNotLearner,
  noLeader,
  notEnoughStartedMembers,
  tooManyLearners,
  unhealthyCluster,
} from "./etcd-errors";
import { QuorumMonitor, quorumOf } from "./quorum-monitor";

/** etcd's default --experimental-max-learners. */
export const MAX_LEARNERS = 1;
/**
 * How long a started learner takes to catch up with the leader's log: a snapshot of a small
 * cluster's keyspace and the entries since, over the VPC. Modelled, not published; a test may set
 * the cluster's `learnerCatchUpSeconds` higher to model a large keyspace or a slow disk.
 */
export const LEARNER_CATCH_UP_SECONDS = 5;

export interface EtcdMemberRecord {
  /** uint64 member id. */
  id: bigint;
  /** Empty until the member has started (etcd publishes the name then). */
  name: string;
  /** The node (kubeadm names the member after it) and machine the member runs on. */
  nodeName: string;
  instanceId: string;
  peerUrls: string[];
  started: boolean;
  /** The etcd process is up: false once its machine shuts down. */
  running: boolean;
  /** A non-voting member (MemberAddAsLearner) until promoted. */
  isLearner: boolean;
  /** A learner's log has caught up with the leader's: MemberPromote may go through. Voters: true. */
  inSync: boolean;
}

export class EtcdCluster {
  readonly clusterId: bigint;
  readonly monitor = new QuorumMonitor();
  learnerCatchUpSeconds = LEARNER_CATCH_UP_SECONDS;
  private readonly members = new Map<bigint, EtcdMemberRecord>();
  private readonly listeners: (() => void)[] = [];
  private leaderId: bigint | undefined;
  private raftTerm = 2n;
  private revision = 1n;

  constructor(
    private readonly clock: VirtualClock,
    private readonly rng: SeededRandom,
  ) {
    this.clusterId = this.newId();
  }

  /** Called after every membership or health change. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Members ordered by id, as MemberList returns them. */
  list(): EtcdMemberRecord[] {
    return [...this.members.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  member(id: bigint): EtcdMemberRecord | undefined {
    return this.members.get(id);
  }

  memberOnInstance(instanceId: string): EtcdMemberRecord | undefined {
    return this.list().find((member) => member.instanceId === instanceId);
  }

  isHealthy(member: EtcdMemberRecord): boolean {
    return member.started && member.running;
  }

  /** Members whose process answers, learners included. */
  healthyCount(): number {
    return this.list().filter((member) => this.isHealthy(member)).length;
  }

  /** The voting members: quorum is a majority of these; learners do not count. */
  voters(): EtcdMemberRecord[] {
    return this.list().filter((member) => !member.isLearner);
  }

  learners(): EtcdMemberRecord[] {
    return this.list().filter((member) => member.isLearner);
  }

  healthyVoterCount(): number {
    return this.voters().filter((member) => this.isHealthy(member)).length;
  }

  hasQuorum(): boolean {
    const voters = this.voters().length;
    return voters > 0 && this.healthyVoterCount() >= quorumOf(voters);
  }

  /** The member answering requests: the leader while there is one. */
  leader(): EtcdMemberRecord | undefined {
    return this.leaderId === undefined ? undefined : this.members.get(this.leaderId);
  }

  header(): { clusterId: bigint; memberId: bigint; raftTerm: bigint; revision: bigint } {
    return {
      clusterId: this.clusterId,
      memberId: this.leaderId ?? 0n,
      raftTerm: this.raftTerm,
      revision: this.revision,
    };
  }

  /** A member of the cluster as it stood when the scenario starts: started and healthy. */
  bootstrap(nodeName: string, instanceId: string, peerUrl: string): EtcdMemberRecord {
    const member: EtcdMemberRecord = {
      id: this.newId(),
      name: nodeName,
      nodeName,
      instanceId,
      peerUrls: [peerUrl],
      started: true,
      running: true,
      isLearner: false,
      inSync: true,
    };
    this.members.set(member.id, member);
    this.changed("bootstrap");
    return member;
  }

  /**
   * MemberAdd of a voting member; its process starts later (startMember). Until it starts, the
   * cluster counts one voter more that does not answer: its failure tolerance drops.
   */
  addMember(nodeName: string, instanceId: string, peerUrl: string): EtcdMemberRecord {
    if (!this.hasQuorum()) throw noLeader();
    const voters = this.voters();
    const afterAdd = voters.length + 1;
    const started = voters.filter((member) => member.started).length;
    // IsReadyToAddVotingMember: a one-member cluster may always grow to two.
    if (!(started === 1 && afterAdd === 2) && started < quorumOf(afterAdd)) throw notEnoughStartedMembers();
    // isConnectedFullySince: the leader must reach every voter, or the new quorum may be out of reach.
    if (voters.some((member) => !this.isHealthy(member))) throw unhealthyCluster();
    return this.admit(nodeName, instanceId, peerUrl, false);
  }

  /**
   * MemberAddAsLearner: a non-voting member, so quorum and failure tolerance stay as they are. etcd
   * skips the started-voters check for a learner but still wants every voter reachable, and refuses a
   * learner beyond --experimental-max-learners.
   */
  addLearner(nodeName: string, instanceId: string, peerUrl: string): EtcdMemberRecord {
    if (!this.hasQuorum()) throw noLeader();
    if (this.learners().length + 1 > MAX_LEARNERS) throw tooManyLearners();
    if (this.voters().some((member) => !this.isHealthy(member))) throw unhealthyCluster();
    return this.admit(nodeName, instanceId, peerUrl, true);
  }

  /**
   * MemberPromote, in etcd's order of checks: the member must exist, be caught up with the leader
   * (a learner not in sync, or a voter that does not answer, is "not ready"), leave enough started
   * voters (--strict-reconfig-check), and be a learner.
   */
  promoteMember(id: bigint): EtcdMemberRecord {
    const target = this.members.get(id);
    if (!target) throw memberNotFound();
    if (!this.hasQuorum()) throw noLeader();
    if (!this.isHealthy(target) || !target.inSync) throw learnerNotReady();
    if (target.isLearner) {
      // IsReadyToPromoteMember: the started voters, the learner among them, must make the new quorum.
      const voters = this.voters();
      const started = voters.filter((member) => member.started).length + 1;
      if (started < quorumOf(voters.length + 1)) throw notEnoughStartedMembers();
    }
    if (!target.isLearner) throw memberNotLearner();
    target.isLearner = false;
    this.changed();
    return target;
  }

  /** The member's process has started and published its name; a learner then starts catching up. */
  startMember(id: bigint): void {
    const member = this.members.get(id);
    if (!member?.running || member.started) return;
    member.started = true;
    member.name = member.nodeName;
    if (member.isLearner) {
      this.clock.after(this.learnerCatchUpSeconds, `etcd: learner ${member.nodeName} in sync`, () => {
        if (this.members.get(id) === member && member.running) member.inSync = true;
      });
    }
    this.changed();
  }

  /** The machine under a member went away: the member stays listed, unhealthy. */
  machineDown(instanceId: string): void {
    let changed = false;
    for (const member of this.members.values()) {
      if (member.instanceId === instanceId && member.running) {
        member.running = false;
        changed = true;
      }
    }
    if (changed) this.changed();
  }

  /** MemberRemove, with the strict reconfiguration checks (which a learner's removal skips). */
  removeMember(id: bigint): EtcdMemberRecord {
    const target = this.members.get(id);
    if (!target) throw memberNotFound();
    if (!this.hasQuorum()) throw noLeader();
    if (target.isLearner) {
      this.members.delete(id);
      this.changed();
      return target;
    }
    const others = this.voters().filter((member) => member.id !== id);
    const startedOthers = others.filter((member) => member.started).length;
    // IsReadyToRemoveVotingMember.
    if (startedOthers < quorumOf(others.length)) throw notEnoughStartedMembers();
    // A member that is down is not part of the active quorum: removing it is always safe.
    if (this.isHealthy(target)) {
      const activeAfter = others.filter((member) => this.isHealthy(member)).length;
      if (activeAfter < quorumOf(others.length)) throw unhealthyCluster();
    }
    this.members.delete(id);
    this.changed();
    return target;
  }

  private admit(nodeName: string, instanceId: string, peerUrl: string, isLearner: boolean): EtcdMemberRecord {
    const member: EtcdMemberRecord = {
      id: this.newId(),
      name: "",
      nodeName,
      instanceId,
      peerUrls: [peerUrl],
      started: false,
      running: true,
      isLearner,
      inSync: !isLearner,
    };
    this.members.set(member.id, member);
    this.changed();
    return member;
  }

  private changed(kind: "bootstrap" | "change" = "change"): void {
    this.revision += 1n;
    this.electLeader();
    const sample = {
      voters: this.voters().length,
      healthyVoters: this.healthyVoterCount(),
      learners: this.learners().length,
    };
    if (kind === "bootstrap") this.monitor.restart(this.clock.nowMs(), sample);
    else this.monitor.record(this.clock.nowMs(), sample);
    for (const listener of this.listeners) listener();
  }

  /** Raft keeps its leader while it is healthy and a quorum stands; otherwise a new term begins. */
  private electLeader(): void {
    const current = this.leaderId === undefined ? undefined : this.members.get(this.leaderId);
    if (!this.hasQuorum()) {
      if (this.leaderId !== undefined) this.raftTerm += 1n;
      this.leaderId = undefined;
      return;
    }
    if (current && this.isHealthy(current)) return;
    // Only a voter can be elected.
    const next = this.voters().find((member) => this.isHealthy(member));
    this.leaderId = next?.id;
    this.raftTerm += 1n;
  }

  /** A random non-zero uint64, as etcd derives member and cluster ids from a hash. */
  private newId(): bigint {
    let id = 0n;
    while (id === 0n || this.members.has(id)) id = BigInt(`0x${this.rng.hex(16)}`);
    return id;
  }
}

/** etcd prints member ids in hex without leading zeros (types.ID.String). */
export function hexId(id: bigint): string {
  return id.toString(16);
}
