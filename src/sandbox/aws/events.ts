/**
 * EventBridge events the simulated region emits, in the published envelope (`version`, `id`,
 * `detail-type`, `source`, `account`, `time`, `region`, `resources`, `detail`; see the samples in
 * shared/fixtures/aws-events). The sandbox runner can route them to Tugboat's event handlers the way
 * EventBridge rules would.
 */
import type { VirtualClock } from "../clock";
import type { IdFactory } from "./ids";
import { isoSeconds, SANDBOX_ACCOUNT_ID } from "./world";

export interface RegionEvent {
  version: "0";
  id: string;
  "detail-type": string;
  source: "aws.ec2" | "aws.autoscaling" | "aws.eks";
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export type RegionEventListener = (event: RegionEvent) => void;

/**
 * Events the bus keeps for later looks. EventBridge itself keeps none (rules deliver as events come);
 * the sandbox keeps the recent ones for whoever delivers them later, and drops the oldest past this
 * many so that a 5,000-node roll (30,000 state changes) does not hold them all.
 */
export const REGION_EVENTS_KEPT = 5000;

export class RegionEventBus {
  private readonly listeners: RegionEventListener[] = [];
  private history: RegionEvent[] = [];
  /** Events emitted and no longer kept. */
  private dropped = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly tokens: IdFactory,
    private readonly regionName: string,
  ) {}

  on(listener: RegionEventListener): void {
    this.listeners.push(listener);
  }

  /** The events kept (the last REGION_EVENTS_KEPT at most), oldest first. */
  emitted(): readonly RegionEvent[] {
    return this.history;
  }

  /** Events emitted so far, kept or not: a cursor for emittedSince. */
  emittedCount(): number {
    return this.dropped + this.history.length;
  }

  /** The events emitted since `cursor` (an earlier emittedCount()) that are still kept. */
  emittedSince(cursor: number): readonly RegionEvent[] {
    return this.history.slice(Math.max(0, cursor - this.dropped));
  }

  emit(source: RegionEvent["source"], detailType: string, resources: string[], detail: Record<string, unknown>): void {
    const event: RegionEvent = {
      version: "0",
      id: this.tokens.uuid(),
      "detail-type": detailType,
      source,
      account: SANDBOX_ACCOUNT_ID,
      time: isoSeconds(this.clock.nowMs()),
      region: this.regionName,
      resources,
      detail,
    };
    this.history.push(event);
    if (this.history.length >= 2 * REGION_EVENTS_KEPT) {
      const drop = this.history.length - REGION_EVENTS_KEPT;
      this.history = this.history.slice(drop);
      this.dropped += drop;
    }
    for (const listener of this.listeners) listener(event);
  }

  instanceArn(instanceId: string): string {
    return `arn:aws:ec2:${this.regionName}:${SANDBOX_ACCOUNT_ID}:instance/${instanceId}`;
  }

  /** "EC2 Instance State-change Notification". */
  instanceStateChanged(instanceId: string, state: string): void {
    this.emit("aws.ec2", "EC2 Instance State-change Notification", [this.instanceArn(instanceId)], {
      "instance-id": instanceId,
      state,
    });
  }
}
