/**
 * What `kubeadm join --control-plane` does to etcd on a new control-plane machine, on the virtual
 * clock: once the node is Ready it asks for MemberAdd, and the local etcd static pod starts and
 * turns healthy MEMBER_START_SECONDS later. A refused MemberAdd (a dead member still listed makes
 * etcd answer "unhealthy cluster") is retried every JOIN_RETRY_SECONDS for as long as the machine
 * lives, so removing the dead member lets the join through. Machines of the scenario's starting
 * cluster are members from the start.
 */
import type { VirtualClock } from "../clock";
import type { EtcdCluster } from "./etcd-cluster";
import { EtcdError } from "./etcd-errors";

/** MemberAdd to a healthy local member: etcd's own start-up (WAL, snapshot from the leader) takes seconds. */
export const MEMBER_START_SECONDS = 10;
/** How often a refused join asks again. */
export const JOIN_RETRY_SECONDS = 15;

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

  constructor(
    private readonly etcd: EtcdCluster,
    private readonly clock: VirtualClock,
  ) {}

  nodeReady(machine: JoiningMachine): void {
    if (this.etcd.memberOnInstance(machine.instanceId)) return;
    const peerUrl = `https://${machine.privateIp}:2380`;
    if (machine.initial) {
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
      const member = this.etcd.addMember(machine.nodeName, machine.instanceId, peerUrl);
      this.refusals.delete(machine.instanceId);
      this.timers.set(
        machine.instanceId,
        this.clock.after(MEMBER_START_SECONDS, `etcd: member ${machine.nodeName} starts`, () => {
          this.timers.delete(machine.instanceId);
          this.etcd.startMember(member.id);
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
}
