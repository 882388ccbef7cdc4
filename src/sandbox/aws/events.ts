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

export class RegionEventBus {
  private readonly listeners: RegionEventListener[] = [];
  private readonly history: RegionEvent[] = [];

  constructor(
    private readonly clock: VirtualClock,
    private readonly tokens: IdFactory,
    private readonly regionName: string,
  ) {}

  on(listener: RegionEventListener): void {
    this.listeners.push(listener);
  }

  /** Every event so far, oldest first. */
  emitted(): readonly RegionEvent[] {
    return this.history;
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
