/**
 * What `kubeadm join --control-plane` does to etcd on a new control-plane machine, on the virtual
 * clock, with the EtcdLearnerMode feature gate (alpha in 1.27, beta and on by default since 1.29):
 * once the node is Ready it asks for MemberAddAsLearner, the local etcd static pod starts and turns
 * healthy MEMBER_START_SECONDS later, and kubeadm then calls MemberPromote every
 * PROMOTE_RETRY_SECONDS (kubeadm's EtcdAPICallRetryInterval, 500 ms) for at most
 * PROMOTE_TIMEOUT_SECONDS (EtcdAPICallTimeout, 2 min). A learner still not in sync by then is left
 * behind as a learner (kubeadm join fails), for someone else to promote or remove. A refused add (a
 * dead member still listed makes etcd answer "unhealthy cluster"; another learner still catching up,
 * "too many learner members") is retried every JOIN_RETRY_SECONDS for as long as the machine lives.
 * Machines of the scenario's starting cluster are members from the start.
 */
import type { VirtualClock } from "../clock";
import type { EtcdCluster } from "./etcd-cluster";
import { EtcdError } from "./etcd-errors";

/** MemberAdd to a healthy local member: etcd's own start-up (WAL, snapshot from the leader) takes seconds. */
export const MEMBER_START_SECONDS = 10;
/** How often a refused join asks again. */
export const JOIN_RETRY_SECONDS = 15;
/** kubeadm's EtcdAPICallRetryInterval: how often it asks to promote its learner. */
export const PROMOTE_RETRY_SECONDS = 0.5;
/** kubeadm's EtcdAPICallTimeout: how long it keeps asking before the join fails. */
export const PROMOTE_TIMEOUT_SECONDS = 120;

export interface JoiningMachine {
  nodeName: string;
  instanceId: string;
  privateIp: string;
  /** Part of the scenario's starting cluster. */
  initial: boolean;
}

export class KubeadmJoin {
  private readonly timers = new Map<string, number>();
  /** The last refusal per machine still trying to join, for anyone asking why it has not. */
  readonly refusals = new Map<string, string>();

  /** Machines whose etcd never starts once added (a fault: a broken data volume, a bad flag). */
  stalled: (instanceId: string) => boolean = () => false;

  constructor(
    private readonly etcd: EtcdCluster,
    private readonly clock: VirtualClock,
  ) {}

  nodeReady(machine: JoiningMachine): void {
    if (this.etcd.memberOnInstance(machine.instanceId)) return;
    const peerUrl = `https://${machine.privateIp}:2380`;
    // kubeadm init on a created cluster's first node starts a new etcd cluster of one.
    if (machine.initial || this.etcd.list().length === 0) {
      this.etcd.bootstrap(machine.nodeName, machine.instanceId, peerUrl);
      return;
    }
    this.tryJoin(machine, peerUrl);
  }

  machineDown(instanceId: string): void {
    const timer = this.timers.get(instanceId);
    if (timer !== undefined) this.clock.cancel(timer);
    this.timers.delete(instanceId);
    this.refusals.delete(instanceId);
    this.etcd.machineDown(instanceId);
  }

  private tryJoin(machine: JoiningMachine, peerUrl: string): void {
    this.timers.delete(machine.instanceId);
    try {
      const member = this.etcd.addLearner(machine.nodeName, machine.instanceId, peerUrl);
      this.refusals.delete(machine.instanceId);
      if (this.stalled(machine.instanceId)) return;
      this.timers.set(
        machine.instanceId,
        this.clock.after(MEMBER_START_SECONDS, `etcd: member ${machine.nodeName} starts`, () => {
          this.etcd.startMember(member.id);
          this.promote(machine, member.id, this.clock.nowMs() + PROMOTE_TIMEOUT_SECONDS * 1000);
        }),
      );
    } catch (error) {
      if (!(error instanceof EtcdError)) throw error;
      this.refusals.set(machine.instanceId, error.message);
      this.timers.set(
        machine.instanceId,
        this.clock.after(JOIN_RETRY_SECONDS, `etcd: ${machine.nodeName} retries joining`, () =>
          this.tryJoin(machine, peerUrl),
        ),
      );
    }
  }

  /** kubeadm's promote loop: ask, and on any refusal ask again shortly, until its timeout. */
  private promote(machine: JoiningMachine, id: bigint, giveUpAtMs: number): void {
    this.timers.delete(machine.instanceId);
    const member = this.etcd.member(id);
    if (!member?.isLearner || !member.running) return; // promoted by someone else, removed, or gone
    try {
      this.etcd.promoteMember(id);
      this.refusals.delete(machine.instanceId);
      return;
    } catch (error) {
      if (!(error instanceof EtcdError)) throw error;
      this.refusals.set(machine.instanceId, error.message);
    }
    if (this.clock.nowMs() + PROMOTE_RETRY_SECONDS * 1000 > giveUpAtMs) return; // kubeadm join fails here
    this.timers.set(
      machine.instanceId,
      this.clock.after(PROMOTE_RETRY_SECONDS, `etcd: kubeadm promotes ${machine.nodeName}`, () =>
        this.promote(machine, id, giveUpAtMs),
      ),
    );
  }
}
